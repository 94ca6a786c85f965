// API entry point (production and compose): configuration from the environment only.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { apiTlsConfig, loadEnv, loadPartnership, loadUsers, peopleSignInConfig, signInConfig, type ApiTls, type Env, type SignInConfig } from '../config';
import { dataConverterFor } from '../config/data-converter';
import { loadKeyRing } from '../config/key-ring';
import { EncryptionCodec } from '../config/payload-codec';
import { connectRegister } from '../register/register';
import { smtpTransportOptions } from '../config/smtp';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createApp } from './app';
import { devTokenSignIn, type SignIn } from './auth';
import { errorBody, type ErrorCode } from './errors';
import { currentRequestId } from './request-context';
import { DEFAULT_RATE_LIMITS } from './rate-limits';
import { oidcSignIn } from './oidc';
import type { WebOptions } from '../web';
import { lazyPeopleSignIn, type PeopleSignInOption } from '../web/sign-in';

/** The sign-in the configuration names: OIDC access tokens, or (development only) the token file. */
export function signInFor(config: SignInConfig, logger?: pino.Logger): SignIn {
  if (config.kind === 'dev-tokens') return devTokenSignIn(loadUsers(config.usersFile));
  const { kind: _kind, ...options } = config;
  // Why a token signed in no one, as a fixed word: never the token or its claims.
  return oidcSignIn({
    ...options,
    onRefusal: (reason) => logger?.warn({ reqId: currentRequestId(), reason }, 'bearer token refused'),
    onUnavailable: (reason) => logger?.error({ reqId: currentRequestId(), reason }, 'sign-in unavailable'),
  });
}

/**
 * The staff pages' options: sign-in through the provider when its client is configured
 * (OIDC_CLIENT_ID); else, in development only, the development people (the users file the dev
 * tokens come from, refused anywhere else as those are); else none.
 */
export function webOptions(env: Env, signIn: SignInConfig, partnershipName: string): WebOptions {
  const development = env.APP_ENV === 'development';
  const provider = peopleSignInConfig(env);
  const users = signIn.kind === 'dev-tokens' ? loadUsers(signIn.usersFile) : undefined;
  const people: PeopleSignInOption = provider
    ? { kind: 'oidc', flow: lazyPeopleSignIn(provider), redirectUri: provider.redirectUri }
    : development && users
      ? { kind: 'development', users }
      : { kind: 'none' };
  return {
    partnershipName,
    signIn: people,
    // The users file is the directory of people the forms choose a reviewer from (§8.1).
    people: users?.users.map(({ id, role, agency }) => ({ id, role, agency })),
    session: { idleMinutes: env.SESSION_IDLE_MINUTES, absoluteHours: env.SESSION_ABSOLUTE_HOURS, secureCookie: !development },
  };
}

/** How long a request's headers may take to arrive, and the whole request. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long an idle kept-alive connection stays open. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * The API's server: HTTPS with the configured certificate and key (apiTlsConfig), else plain
 * HTTP; the same timeouts either way. Not yet listening.
 */
export function apiServer(
  app: http.RequestListener,
  tls: ApiTls | undefined,
  timeouts: { headersMs: number; requestMs: number } = { headersMs: HEADERS_TIMEOUT_MS, requestMs: REQUEST_TIMEOUT_MS },
): http.Server | https.Server {
  // Node checks the two timeouts below every connectionsCheckingInterval (30 s by default, which
  // would let a half-sent request stay up to a minute): every second instead.
  const options = { connectionsCheckingInterval: 1_000 };
  const server = tls ? https.createServer({ ...options, cert: tls.cert, key: tls.key }, app) : http.createServer(options, app);
  // A request must arrive whole in good time: a half-sent header or body does not hold a socket
  // for minutes (issue 10). Idle kept-alive connections close after 5 s.
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // What Node's HTTP parser refuses before the app sees a request (a request line that is not one,
  // headers over 16 KiB, bytes past a declared length, a request too slow to arrive) is answered
  // in the API's one error shape too, never echoing what was sent; Node's own answer has no body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const [status, code, message]: [number, ErrorCode, string] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HeadersTooLarge', 'The request headers are too large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'RequestTimeout', 'The request did not arrive in time']
          : [400, 'MalformedRequest', 'The request is not valid HTTP'];
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

/** Starts the API from the environment (process.env unless given). */
export async function startApi(env: Env = loadEnv()) {
  const logger = pino({ level: env.LOG_LEVEL, redact: ['req.headers.authorization'] });
  // First: a refused sign-in configuration (the token file outside development, OIDC without its
  // issuer) stops the API, saying why, before it connects to anything. `users` is the sign-in
  // (AppDependencies.users takes a users file or a sign-in function).
  const users = signInFor(signInConfig(env), logger);
  const ring = loadKeyRing(env);
  // The TLS files too (the API's, Temporal's, the relay's) are read before connecting to anything.
  const tls = apiTlsConfig(env);
  const temporalOptions = temporalConnectionOptions(env);
  const mailOptions = smtpTransportOptions(env);
  const connection = await Connection.connect(temporalOptions);
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(ring) });
  // The worker and the API both migrate the register at start: whichever comes second waits for
  // the first, or finds it migrated (register/migrate.ts).
  const register = connectRegister(env.DATABASE_URL, ring);
  try {
    await register.migrate();
  } catch (err) {
    await register.close();
    await connection.close();
    throw err;
  }
  // The same transport options as the worker's mailer, so the health check sees what a send would.
  const mailer = nodemailer.createTransport(mailOptions);
  // The ring seals the register's free text; the codec serves the Temporal UI (/codec).
  // An action plan may name only the agencies of the directory the worker addresses emails from.
  const partnership = loadPartnership(env.PARTNERSHIP_FILE);
  const agencies = Object.keys(partnership.agencies);
  const dependencies = { temporal, register: register.db, ring, users, smtpReachable: () => mailer.verify(), logger, codec: new EncryptionCodec(ring), codecUiOrigin: env.TEMPORAL_UI_ORIGIN, agencies, rulebookVersion: partnership.rulebook, corsOrigins: env.CORS_ORIGINS, trustProxy: env.TRUST_PROXY, rateLimits: {
      perClientPerMinute: env.RATE_LIMIT_PER_CLIENT_PER_MINUTE ?? DEFAULT_RATE_LIMITS.perClientPerMinute,
      perPersonPerMinute: env.RATE_LIMIT_PER_PERSON_PER_MINUTE ?? DEFAULT_RATE_LIMITS.perPersonPerMinute,
      failedSignInsPer15Minutes: env.RATE_LIMIT_FAILED_SIGN_INS_PER_15_MINUTES ?? DEFAULT_RATE_LIMITS.failedSignInsPer15Minutes,
    } };
  const app = createApp({ ...dependencies, web: webOptions(env, signInConfig(env), partnership.name) });
  let server: http.Server | https.Server;
  try {
    server = apiServer(app, tls);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
      server.listen(env.PORT, env.API_HOST);
    });
  } catch (err) {
    mailer.close();
    await register.close();
    await connection.close();
    throw err;
  }
  return {
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      mailer.close();
      await register.close();
      await connection.close();
    },
  };
}

if (require.main === module) {
  startApi().then(
    (api) => {
      const address = api.server.address();
      const scheme = api.server instanceof https.Server ? 'HTTPS' : 'HTTP';
      console.log(`API listening on ${typeof address === 'object' && address ? address.port : address} (${scheme})`);
      const stop = () => void api.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      console.error('API stopped:', err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
