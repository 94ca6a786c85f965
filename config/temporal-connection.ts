// How to reach Temporal: the dev server by default, a cluster or Temporal Cloud by
// configuration alone (address, namespace, TLS with the system's or a private root CA, mTLS
// files or an API key). The API's Connection (grpc-js) and the worker's NativeConnection (Rust
// core) take the same options, so both are built here from the same variables.
import { ConfigError, readPemFile, requireBothOrNeither, type Env } from './index';

/** The shape both Connection.connect and NativeConnection.connect take (TLSConfig in @temporalio/common). */
export interface TemporalTls {
  /** The server's root CA; unset, the system's roots. */
  serverRootCACertificate?: Buffer;
  /** The name the server's certificate is checked against (and SNI), instead of the address's host. */
  serverNameOverride?: string;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface TemporalConnectionOptions {
  address: string;
  /** Unset: plain gRPC (the dev server). `{}`: TLS with the system's roots. */
  tls?: TemporalTls;
  apiKey?: string;
}

type TemporalEnv = Pick<Env, 'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_API_KEY'>;

/**
 * The connection the environment asks for. Files are read here, at start: a missing file, a
 * certificate without its key, or TEMPORAL_TLS=false with something that needs TLS stops the
 * process naming the variable.
 */
export function temporalConnectionOptions(env: TemporalEnv): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: env.TEMPORAL_ADDRESS };
  requireBothOrNeither(['TEMPORAL_TLS_CERT', env.TEMPORAL_TLS_CERT], ['TEMPORAL_TLS_KEY', env.TEMPORAL_TLS_KEY]);
  // Each of these is meaningless (a client certificate, a private CA, a name to check) or unsafe
  // (an API key in clear) without TLS, so any of them turns it on.
  const needsTls = (
    [
      ['TEMPORAL_TLS_CA', env.TEMPORAL_TLS_CA],
      ['TEMPORAL_TLS_SERVER_NAME', env.TEMPORAL_TLS_SERVER_NAME],
      ['TEMPORAL_TLS_CERT', env.TEMPORAL_TLS_CERT],
      ['TEMPORAL_API_KEY', env.TEMPORAL_API_KEY],
    ] as const
  ).filter(([, value]) => value);
  if (env.TEMPORAL_TLS === false && needsTls.length > 0) {
    throw new ConfigError(`TEMPORAL_TLS is false but ${needsTls.map(([name]) => name).join(', ')} ${needsTls.length === 1 ? 'is' : 'are'} set, which need TLS: unset TEMPORAL_TLS or them`);
  }
  if (env.TEMPORAL_TLS !== true && needsTls.length === 0) return options;
  const tls: TemporalTls = {};
  if (env.TEMPORAL_TLS_CA) tls.serverRootCACertificate = readPemFile('TEMPORAL_TLS_CA', env.TEMPORAL_TLS_CA, 'CERTIFICATE');
  if (env.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME;
  if (env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY) {
    tls.clientCertPair = { crt: readPemFile('TEMPORAL_TLS_CERT', env.TEMPORAL_TLS_CERT, 'CERTIFICATE'), key: readPemFile('TEMPORAL_TLS_KEY', env.TEMPORAL_TLS_KEY, 'PRIVATE KEY') };
  }
  options.tls = tls;
  if (env.TEMPORAL_API_KEY) options.apiKey = env.TEMPORAL_API_KEY;
  return options;
}
