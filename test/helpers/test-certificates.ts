// Throwaway certificates for the TLS tests, made in the test (selfsigned): a CA of our own, and
// server certificates it signs for this machine (localhost, 127.0.0.1) and any extra names. EC
// P-256 keys: fast to make, and accepted by Node's TLS and the Temporal worker's (rustls) alike.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface TestCa {
  cert: string;
  key: string;
}

export interface TestServerCert {
  cert: string;
  key: string;
}

export async function makeTestCa(name = 'SSI test CA'): Promise<TestCa> {
  const ca = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

/** A server certificate signed by `ca` for localhost, 127.0.0.1 and `dnsNames`. */
export async function makeServerCert(ca: TestCa, dnsNames: readonly string[] = []): Promise<TestServerCert> {
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, ...dnsNames.map((value) => ({ type: 2 as const, value })), { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: leaf.cert, key: leaf.private };
}

/** Writes PEM texts to files in a new temporary directory (the variables name files). */
export function pemFiles<K extends string>(contents: Record<K, string>): Record<K, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssi-tls-'));
  return Object.fromEntries(
    Object.entries<string>(contents).map(([name, pem]) => {
      const file = path.join(dir, `${name}.pem`);
      writeFileSync(file, pem, { mode: 0o600 });
      return [name, file];
    }),
  ) as Record<K, string>;
}
