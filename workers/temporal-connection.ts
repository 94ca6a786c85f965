// How to reach Temporal: the dev server by default, a cluster or Temporal Cloud by
// configuration alone (address, namespace, mTLS files or an API key).
import { readFileSync } from 'node:fs';
import type { Env } from '../config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: { clientCertPair: { crt: Buffer; key: Buffer } } | true;
  apiKey?: string;
}

export function temporalConnectionOptions(env: Env): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: env.TEMPORAL_ADDRESS };
  if (env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY) {
    options.tls = { clientCertPair: { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) } };
  }
  if (env.TEMPORAL_API_KEY) {
    options.apiKey = env.TEMPORAL_API_KEY;
    options.tls ??= true;
  }
  return options;
}
