// The TLS and CORS settings the environment gives, checked at start: CORS_ORIGINS only as exact
// origins, the API's certificate and key both or neither, Temporal's and the relay's files read
// (and refused naming the variable) before anything is connected.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { apiTlsConfig, ConfigError, loadEnv } from '../../config';
import { smtpTransportOptions, SMTP_TIMEOUTS } from '../../config/smtp';
import { startApi } from '../../api/main';
import { temporalConnectionOptions } from '../../config/temporal-connection';
import { makeServerCert, makeTestCa, pemFiles } from '../helpers/test-certificates';

let files: Record<'ca' | 'cert' | 'key' | 'otherKey' | 'notPem', string>;
beforeAll(async () => {
  const ca = await makeTestCa();
  const [server, other] = [await makeServerCert(ca), await makeServerCert(ca)];
  files = pemFiles({ ca: ca.cert, cert: server.cert, key: server.key, otherKey: other.key, notPem: 'not a certificate\n' });
});

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('CORS_ORIGINS', () => {
  test('unset, empty or blank: no origins', () => {
    for (const value of [undefined, '', ' , ,']) expect(loadEnv(value === undefined ? {} : { CORS_ORIGINS: value }).CORS_ORIGINS).toEqual([]);
  });

  test('a comma-separated list of origins, spaces around them allowed, each once', () => {
    expect(loadEnv({ CORS_ORIGINS: 'https://staff.partnership.example.org, http://127.0.0.1:5173,https://staff.partnership.example.org' }).CORS_ORIGINS).toEqual([
      'https://staff.partnership.example.org',
      'http://127.0.0.1:5173',
    ]);
  });

  test('anything but an origin as a browser sends it is refused, naming CORS_ORIGINS', () => {
    const cases: Array<[string, RegExp]> = [
      ['*', /a wildcard \(\*\) is not allowed/],
      ['https://staff.partnership.example.org/', /not an origin: .*\(https:\/\/staff\.partnership\.example\.org\)/],
      ['https://staff.partnership.example.org/app', /not an origin/],
      ['https://staff.partnership.example.org:443', /not an origin: .*\(https:\/\/staff\.partnership\.example\.org\)/],
      ['https://Staff.Partnership.example.org', /not an origin/],
      ['https://staff.partnership.example.org?x=1', /not an origin/],
      ['staff.partnership.example.org', /is not a URL/],
      ['null', /is not a URL/],
      ['ftp://files.partnership.example.org', /not an http\(s\) origin/],
    ];
    for (const [value, reason] of cases) {
      const message = refusal(() => loadEnv({ CORS_ORIGINS: `https://ok.example.org,${value}` }));
      expect(message).toMatch(/^environment: CORS_ORIGINS: /);
      expect({ value, message }).toEqual({ value, message: expect.stringMatching(reason) });
    }
  });
});

describe('the API over HTTPS (API_TLS_CERT_FILE, API_TLS_KEY_FILE)', () => {
  test('neither: plain HTTP; both: the certificate and key', () => {
    expect(apiTlsConfig(loadEnv({}))).toBeUndefined();
    expect(apiTlsConfig(loadEnv({ API_TLS_CERT_FILE: '', API_TLS_KEY_FILE: '' }))).toBeUndefined();
    const tls = apiTlsConfig(loadEnv({ API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: files.key }));
    expect(tls?.cert.equals(readFileSync(files.cert))).toBe(true);
    expect(tls?.key.equals(readFileSync(files.key))).toBe(true);
  });

  test('one without the other is refused, naming both', () => {
    expect(refusal(() => apiTlsConfig(loadEnv({ API_TLS_CERT_FILE: files.cert })))).toBe('API_TLS_CERT_FILE is set and API_TLS_KEY_FILE is not: set both or neither');
    expect(refusal(() => apiTlsConfig(loadEnv({ API_TLS_KEY_FILE: files.key })))).toBe('API_TLS_KEY_FILE is set and API_TLS_CERT_FILE is not: set both or neither');
  });

  test('a missing file, a file without PEM, or a key that is not the certificate\'s is refused, naming the variable and never the key', () => {
    expect(refusal(() => apiTlsConfig(loadEnv({ API_TLS_CERT_FILE: '/nonexistent/api.crt', API_TLS_KEY_FILE: files.key })))).toBe('API_TLS_CERT_FILE (/nonexistent/api.crt) cannot be read: ENOENT');
    expect(refusal(() => apiTlsConfig(loadEnv({ API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: files.notPem })))).toBe(`API_TLS_KEY_FILE (${files.notPem}) holds no PEM private key`);
    // A certificate given as the key: no private key in it.
    expect(refusal(() => apiTlsConfig(loadEnv({ API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: files.cert })))).toMatch(/^API_TLS_KEY_FILE .* holds no PEM private key$/);
    const mismatch = refusal(() => apiTlsConfig(loadEnv({ API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: files.otherKey })));
    expect(mismatch).toMatch(/^API_TLS_CERT_FILE, API_TLS_KEY_FILE: not a usable certificate and key \(.*key values mismatch/);
    expect(mismatch).not.toContain(readFileSync(files.otherKey, 'utf8').split('\n')[1]);
  });

  test('startApi refuses a half configuration at once, before connecting to anything', async () => {
    const env = loadEnv({
      APP_ENV: 'development',
      PAYLOAD_KEYS: JSON.stringify({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }),
      // Nothing answers here: a refusal that came after connecting would take the connect timeout.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      API_TLS_CERT_FILE: files.cert,
    });
    const started = Date.now();
    await expect(startApi(env)).rejects.toThrow(new ConfigError('API_TLS_CERT_FILE is set and API_TLS_KEY_FILE is not: set both or neither'));
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('Temporal (TEMPORAL_TLS, TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_TLS_CERT/KEY, TEMPORAL_API_KEY)', () => {
  const options = (env: Record<string, string>) => temporalConnectionOptions(loadEnv(env));

  test('nothing set: plain gRPC (the dev server)', () => {
    expect(options({})).toEqual({ address: '127.0.0.1:7233' });
    expect(options({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: '' })).toEqual({ address: '127.0.0.1:7233' });
  });

  test('TEMPORAL_TLS=true: TLS with the system\'s roots and nothing else', () => {
    expect(options({ TEMPORAL_TLS: 'true', TEMPORAL_ADDRESS: 'temporal.partnership.example.org:7233' })).toEqual({ address: 'temporal.partnership.example.org:7233', tls: {} });
  });

  test('a private CA, a server name, a client pair, an API key: each turns TLS on', () => {
    const ca = readFileSync(files.ca);
    expect(options({ TEMPORAL_TLS_CA: files.ca })).toEqual({ address: '127.0.0.1:7233', tls: { serverRootCACertificate: ca } });
    expect(options({ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' })).toEqual({ address: '127.0.0.1:7233', tls: { serverNameOverride: 'temporal.internal' } });
    expect(options({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_CA: files.ca, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal', TEMPORAL_TLS_CERT: files.cert, TEMPORAL_TLS_KEY: files.key })).toEqual({
      address: '127.0.0.1:7233',
      tls: { serverRootCACertificate: ca, serverNameOverride: 'temporal.internal', clientCertPair: { crt: readFileSync(files.cert), key: readFileSync(files.key) } },
    });
    expect(options({ TEMPORAL_API_KEY: 'cloud-key' })).toEqual({ address: '127.0.0.1:7233', tls: {}, apiKey: 'cloud-key' });
  });

  test('refused, naming the variables: a certificate without its key, TLS off with what needs it, a flag that is not true/false, a missing CA', () => {
    expect(refusal(() => options({ TEMPORAL_TLS_CERT: files.cert }))).toBe('TEMPORAL_TLS_CERT is set and TEMPORAL_TLS_KEY is not: set both or neither');
    expect(refusal(() => options({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: files.ca }))).toBe('TEMPORAL_TLS is false but TEMPORAL_TLS_CA is set, which need TLS: unset TEMPORAL_TLS or them');
    expect(refusal(() => options({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS_SERVER_NAME: 'x' }))).toBe(
      'TEMPORAL_TLS is false but TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY are set, which need TLS: unset TEMPORAL_TLS or them',
    );
    expect(refusal(() => options({ TEMPORAL_TLS: 'yes' }))).toBe('environment: TEMPORAL_TLS: must be true or false');
    expect(refusal(() => options({ TEMPORAL_TLS_CA: '/nonexistent/ca.pem' }))).toBe('TEMPORAL_TLS_CA (/nonexistent/ca.pem) cannot be read: ENOENT');
    expect(refusal(() => options({ TEMPORAL_TLS_CA: files.key }))).toBe(`TEMPORAL_TLS_CA (${files.key}) holds no PEM certificate`);
  });
});

describe('SMTP (SMTP_URL, SMTP_TLS_CA, SMTP_REQUIRE_TLS)', () => {
  const options = (env: Record<string, string>) => smtpTransportOptions(loadEnv(env));

  test('unset: the URL with the timeouts, as mailTransportOptions', () => {
    expect(options({})).toEqual({ url: 'smtp://127.0.0.1:1025', ...SMTP_TIMEOUTS });
    expect(options({ SMTP_URL: 'smtps://relay.partnership.example.org:465' })).toEqual({ url: 'smtps://relay.partnership.example.org:465', ...SMTP_TIMEOUTS });
  });

  test('the private CA and requireTLS; the URL cannot undo them (nor lengthen the timeouts)', () => {
    const ca = readFileSync(files.ca);
    expect(options({ SMTP_TLS_CA: files.ca, SMTP_REQUIRE_TLS: 'true', SMTP_URL: 'smtp://relay.partnership.example.org:587?requireTLS=false&ignoreTLS=true&tls.ca=x&socketTimeout=600000&name=case-system' })).toEqual({
      url: 'smtp://relay.partnership.example.org:587?name=case-system',
      ...SMTP_TIMEOUTS,
      tls: { ca },
      requireTLS: true,
    });
    expect(options({ SMTP_REQUIRE_TLS: 'false' })).toEqual({ url: 'smtp://127.0.0.1:1025', ...SMTP_TIMEOUTS });
  });

  test('refused, naming the variable: a missing CA file, a flag that is not true/false', () => {
    expect(refusal(() => options({ SMTP_TLS_CA: '/nonexistent/relay-ca.pem' }))).toBe('SMTP_TLS_CA (/nonexistent/relay-ca.pem) cannot be read: ENOENT');
    expect(refusal(() => options({ SMTP_REQUIRE_TLS: '1' }))).toBe('environment: SMTP_REQUIRE_TLS: must be true or false');
  });
});
