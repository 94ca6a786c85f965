// TLS from configuration alone (issue 10, item 5), each part real: the API as api/main.ts starts
// it, over HTTPS with a certificate our own test CA signed; a Temporal client and the worker's
// connection reaching the real dev server through a TLS-terminating proxy (the dev server itself
// has no TLS flags); nodemailer with the project's transport options delivering to SMTP servers
// over smtps and STARTTLS, and refusing a relay that offers no STARTTLS when told to. Every
// socket is on 127.0.0.1; the certificates are made here.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { ConfigError, loadEnv } from '../../config';
import { smtpTransportOptions } from '../../config/smtp';
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, REQUEST_TIMEOUT_MS, startApi } from '../../api/main';
import { devServerExecutableOption } from '../../scripts/servers';
import { startWorker } from '../../workers/main';
import { temporalConnectionOptions } from '../../config/temporal-connection';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { makeServerCert, makeTestCa, pemFiles } from '../helpers/test-certificates';

let files: Record<'ca' | 'strangerCa' | 'cert' | 'key', string>;
let serverCert: { cert: string; key: string };
let temporal: TestWorkflowEnvironment;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  const [ca, strangerCa] = [await makeTestCa('SSI test CA'), await makeTestCa('Someone else\'s CA')];
  // temporal.test: the name TEMPORAL_TLS_SERVER_NAME checks the proxy's certificate against.
  serverCert = await makeServerCert(ca, ['temporal.test']);
  files = pemFiles({ ca: ca.cert, strangerCa: strangerCa.cert, cert: serverCert.cert, key: serverCert.key });
  // The case search attributes: the end-to-end case below runs a real case.
  temporal = await TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutableOption(), searchAttributes: [CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT] } });
});
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await temporal?.teardown();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(module: typeof http | typeof https, url: string, options: https.RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = module.request(url, { agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What api/main.ts reads, for a development API on this machine against the test's dev server. */
function apiEnv(more: Record<string, string>) {
  return loadEnv({
    APP_ENV: 'development',
    LOG_LEVEL: 'silent',
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'ssi-tls-api-')), 'register.sqlite')}`,
    PAYLOAD_KEYS: JSON.stringify({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }),
    API_HOST: '127.0.0.1',
    ...more,
  });
}

describe('the API over HTTPS (API_TLS_CERT_FILE, API_TLS_KEY_FILE)', () => {
  let base: string;
  let smtp: SmtpCatcher;
  let api: Awaited<ReturnType<typeof startApi>>;
  const STAFF_ORIGIN = 'https://staff.partnership.test';

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    closers.push(() => smtp.close());
    const port = await freePort();
    api = await startApi(apiEnv({ PORT: String(port), SMTP_URL: smtp.url, API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: files.key, CORS_ORIGINS: STAFF_ORIGIN }));
    closers.push(() => api.close());
    base = `https://127.0.0.1:${port}`;
  });

  test('answers over HTTPS to a client that trusts the CA, with HSTS, and with the same timeouts as plain HTTP', async () => {
    expect(api.server).toBeInstanceOf(https.Server);
    expect({ headers: api.server.headersTimeout, request: api.server.requestTimeout, keepAlive: api.server.keepAliveTimeout }).toEqual({
      headers: HEADERS_TIMEOUT_MS,
      request: REQUEST_TIMEOUT_MS,
      keepAlive: KEEP_ALIVE_TIMEOUT_MS,
    });
    const health = await get(https, `${base}/health`, { ca: readFileSync(files.ca) });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', temporal: true, database: true, smtp: true });
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const stranger = await get(https, `${base}/cases/DSP-2026-0001`, { ca: readFileSync(files.ca) });
    expect(stranger.status).toBe(401);
    expect(stranger.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  test('CORS_ORIGINS reaches the app as api/main.ts builds it', async () => {
    const preflight = await get(https, `${base}/cases/DSP-2026-0001`, {
      ca: readFileSync(files.ca),
      method: 'OPTIONS',
      headers: { Origin: STAFF_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(STAFF_ORIGIN);
  });

  test('refuses a client that does not trust the certificate, and plain HTTP', async () => {
    await expect(get(https, `${base}/health`)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    await expect(get(https, `${base}/health`, { ca: readFileSync(files.strangerCa) })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    // Plain HTTP to the TLS port: the handshake fails and the socket is closed; nothing is answered.
    await expect(get(http, base.replace('https:', 'http:') + '/health')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  test('a certificate without its key: refused at start, naming both variables', async () => {
    await expect(startApi(apiEnv({ PORT: String(await freePort()), API_TLS_CERT_FILE: files.cert }))).rejects.toThrow(
      new ConfigError('API_TLS_CERT_FILE is set and API_TLS_KEY_FILE is not: set both or neither'),
    );
  });
});

/** A TLS-terminating proxy in front of the dev server, as a load balancer in front of a cluster: HTTP/2 (gRPC) only. */
async function tlsProxyTo(target: string): Promise<{ address: string; handshakes: () => number; refusals: string[] }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  let handshakes = 0;
  const proxy = tls.createServer({ cert: serverCert.cert, key: serverCert.key, ALPNProtocols: ['h2'] }, (client) => {
    handshakes += 1;
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  // A client that refuses our certificate ends the handshake (an alert, or grpc-js just closes).
  const refusals: string[] = [];
  proxy.on('tlsClientError', (err) => refusals.push(err.message));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  return { address: `127.0.0.1:${(proxy.address() as AddressInfo).port}`, handshakes: () => handshakes, refusals };
}

describe('Temporal over TLS (TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME)', () => {
  let proxy: string;
  let refusals: string[];
  let handshakes: () => number;
  beforeAll(async () => {
    ({ address: proxy, refusals, handshakes } = await tlsProxyTo(temporal.address));
  });

  test('the API\'s client, trusting the CA, reaches the dev server through TLS and calls it', async () => {
    const options = temporalConnectionOptions(loadEnv({ TEMPORAL_ADDRESS: proxy, TEMPORAL_TLS_CA: files.ca }));
    expect(options.tls?.serverRootCACertificate).toBeDefined();
    const connection = await Connection.connect({ ...options, connectTimeout: '5s' });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+/);
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  test('the worker\'s NativeConnection takes the same options and reaches it too, here with the name checked being TEMPORAL_TLS_SERVER_NAME', async () => {
    const connection = await NativeConnection.connect(temporalConnectionOptions(loadEnv({ TEMPORAL_ADDRESS: proxy, TEMPORAL_TLS_CA: files.ca, TEMPORAL_TLS_SERVER_NAME: 'temporal.test' })));
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  test('refused without the CA (TEMPORAL_TLS=true: the system\'s roots), with another CA, or with a name the certificate does not carry', async () => {
    for (const env of [
      { TEMPORAL_ADDRESS: proxy, TEMPORAL_TLS: 'true' },
      { TEMPORAL_ADDRESS: proxy, TEMPORAL_TLS_CA: files.strangerCa },
      { TEMPORAL_ADDRESS: proxy, TEMPORAL_TLS_CA: files.ca, TEMPORAL_TLS_SERVER_NAME: 'elsewhere.test' },
    ]) {
      refusals.length = 0;
      const before = handshakes();
      await expect(Connection.connect({ ...temporalConnectionOptions(loadEnv(env)), connectTimeout: '1s' })).rejects.toThrow();
      // It reached the proxy and broke off the handshake (not, say, a port nothing listens on);
      // no TLS session was made, so nothing reached the dev server.
      expect({ env, refused: refusals.length > 0, handshakes: handshakes() - before }).toEqual({ env, refused: true, handshakes: 0 });
    }
  });
});

interface Delivered {
  subject: string;
  secure: boolean;
}

/** An SMTP server in this process; `secure` (smtps) or plain with STARTTLS offered, or neither. */
async function smtpServer(options: Pick<SMTPServerOptions, 'secure' | 'disabledCommands'>): Promise<{ port: number; delivered: Delivered[] }> {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    ...options,
    key: serverCert.key,
    cert: serverCert.cert,
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('end', () => {
        delivered.push({ subject: /^Subject: (.*)$/m.exec(text)?.[1] ?? '', secure: session.secure });
        callback();
      });
    },
  });
  // A client that refuses our certificate closes the socket mid-handshake.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, delivered };
}

function send(env: Record<string, string>, subject: string) {
  const transport = nodemailer.createTransport(smtpTransportOptions(loadEnv(env)));
  return transport.sendMail({ from: 'case-system@partnership.test', to: 'business-unit@partnership.test', subject, text: 'A notice (test).' }).finally(() => transport.close());
}

describe('SMTP over TLS (SMTP_URL smtps://, SMTP_TLS_CA, SMTP_REQUIRE_TLS)', () => {
  test('smtps: delivered over TLS with the CA trusted; refused without it', async () => {
    const server = await smtpServer({ secure: true });
    await send({ SMTP_URL: `smtps://127.0.0.1:${server.port}`, SMTP_TLS_CA: files.ca }, 'over smtps');
    expect(server.delivered).toEqual([{ subject: 'over smtps', secure: true }]);
    await expect(send({ SMTP_URL: `smtps://127.0.0.1:${server.port}` }, 'untrusted')).rejects.toMatchObject({ code: 'ESOCKET' });
    await expect(send({ SMTP_URL: `smtps://127.0.0.1:${server.port}`, SMTP_TLS_CA: files.strangerCa }, 'untrusted')).rejects.toThrow(/unable to verify/);
    expect(server.delivered).toHaveLength(1);
  });

  test('STARTTLS: with SMTP_REQUIRE_TLS the message goes over TLS once the CA is trusted', async () => {
    const server = await smtpServer({ secure: false });
    await send({ SMTP_URL: `smtp://127.0.0.1:${server.port}`, SMTP_TLS_CA: files.ca, SMTP_REQUIRE_TLS: 'true' }, 'after STARTTLS');
    expect(server.delivered).toEqual([{ subject: 'after STARTTLS', secure: true }]);
  });

  test('a relay that offers no STARTTLS: SMTP_REQUIRE_TLS=true sends nothing (nor passes the health check); without it the message goes in clear', async () => {
    const server = await smtpServer({ secure: false, disabledCommands: ['STARTTLS'] });
    const env = { SMTP_URL: `smtp://127.0.0.1:${server.port}`, SMTP_TLS_CA: files.ca, SMTP_REQUIRE_TLS: 'true' };
    await expect(send(env, 'must not go in clear')).rejects.toThrow(/STARTTLS/);
    const healthCheck = nodemailer.createTransport(smtpTransportOptions(loadEnv(env)));
    await expect(healthCheck.verify()).rejects.toThrow(/STARTTLS/);
    healthCheck.close();
    expect(server.delivered).toEqual([]);
    await send({ SMTP_URL: `smtp://127.0.0.1:${server.port}` }, 'in clear');
    expect(server.delivered).toEqual([{ subject: 'in clear', secure: false }]);
  });
});

describe('end to end over TLS, as api/main.ts and workers/main.ts start them', () => {
  test('a referral over HTTPS; the API and the worker reach Temporal through TLS; the worker\'s email goes over smtps to a relay of the private CA', async () => {
    const { address: proxy } = await tlsProxyTo(temporal.address);
    const relay = await smtpServer({ secure: true });
    const port = await freePort();
    const env = apiEnv({
      PORT: String(port),
      API_TLS_CERT_FILE: files.cert,
      API_TLS_KEY_FILE: files.key,
      TEMPORAL_ADDRESS: proxy,
      TEMPORAL_TLS_CA: files.ca,
      SMTP_URL: `smtps://127.0.0.1:${relay.port}`,
      SMTP_TLS_CA: files.ca,
    });
    const worker = await startWorker(env);
    closers.push(() => worker.close());
    const api = await startApi(env);
    closers.push(() => api.close());

    const health = await get(https, `https://127.0.0.1:${port}/health`, { ca: readFileSync(files.ca) });
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', temporal: true, database: true, smtp: true });
    const created = await new Promise<Answer>((resolve, reject) => {
      const body = JSON.stringify({ referral: validReferralForm() });
      const req = https.request(`https://127.0.0.1:${port}/referrals`, { method: 'POST', agent: false, ca: readFileSync(files.ca), headers: { Authorization: 'Bearer dev-business-unit-token', 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(created.status).toBe(201);
    const ref = (JSON.parse(created.body) as { caseReference: string }).caseReference;
    const until = Date.now() + 10_000;
    while (!relay.delivered.some((m) => m.subject.startsWith(`[${ref}] Referral received`)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(relay.delivered.find((m) => m.subject.startsWith(`[${ref}] Referral received`))).toMatchObject({ secure: true });
  });
});
