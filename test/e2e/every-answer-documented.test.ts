// Every answer in the documented shape, whatever is down (issue 16, item 3): the worker, Temporal,
// the register, SMTP. Nothing answers 500 for a read or a decision; a part that is down is a 503
// with Retry-After in the API's one error shape, and /health answers within 3 seconds whatever it
// finds. A replayed request says so (duplicate: true, Idempotent-Replayed: true). On the real
// Temporal dev server with a real worker; the parts that are down are real sockets: a port nothing
// listens on, and a server that accepts connections and never answers.
import net from 'node:net';
import { Metadata, status } from '@grpc/grpc-js';
import { Client, Connection, QueryNotRegisteredError } from '@temporalio/client';
import nodemailer from 'nodemailer';
import request from 'supertest';
import { openRegister } from '../../register/database';
import { createApp } from '../../api/app';
import { unanswered } from '../../services/temporal-calls';
import type { Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_DATA_CONVERTER } from '../helpers/keys';

const PEOPLE: Array<{ id: string; role: Role; token: string }> = [
  { id: 'bu-1', role: 'business-unit', token: 'down-bu-1' },
  { id: 'ssp-la', role: 'ssp', token: 'down-ssp' },
  { id: 'ld-chair', role: 'ld-chair', token: 'down-ld-chair' },
];
const token = (id: string) => PEOPLE.find((p) => p.id === id)!.token;
/** The API's wait for the case engine here (10 s in production; above the API's 2 s accept margin). */
const CALL_TIMEOUT_MS = 4_000;
/** What /health promises. */
const HEALTH_WITHIN_MS = 3_000;

let stack: DevStack;
/** A port with nothing listening. */
let closedPort: number;
/** Accepts connections and never says a word (a hung SMTP relay or database). */
let silent: net.Server;
let silentPort: number;
const silentSockets = new Set<net.Socket>();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE.map((p) => ({ ...p, agency: 'test' })), app: { temporalCallTimeoutMs: CALL_TIMEOUT_MS } });
  closedPort = await freePort();
  silent = net.createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  silent?.close();
  await stack?.stop();
});

async function refer(app = stack.app): Promise<string> {
  const res = await request(app).post('/referrals').set(bearer(token('bu-1'))).send({ referral: validReferralForm() });
  expect(res.status).toBe(201);
  return res.body.caseReference as string;
}

/** An answer in the API's error shape with this status and code, and Retry-After on a 503. */
function expectRefusal(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  if (status === 503) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

async function timedHealth(app: Parameters<typeof request>[0]) {
  const started = Date.now();
  const res = await request(app).get('/health');
  return { res, ms: Date.now() - started };
}

test('worker down: every read of a case answers 503 TemporalUnavailable, never 500 (3 in 20 were)', async () => {
  const ref = await refer();
  await settledCase(stack.app, ref, token('bu-1'));
  await stack.worker.stop();
  const statuses: number[] = [];
  try {
    // In batches, as staff would open a case page: each waits out the query's deadline.
    for (let batch = 0; batch < 2; batch++) {
      const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(() => request(stack.app).get(`/cases/${ref}`).set(bearer(token('bu-1')))));
      for (const res of answers) {
        statuses.push(res.status);
        if (res.status !== 200) expectRefusal(res, 503, 'TemporalUnavailable');
      }
    }
  } finally {
    await stack.worker.start();
  }
  expect(statuses.filter((s) => s !== 503)).toEqual([]);
});

test('Temporal down: reads, decisions and referrals answer 503 in the API shape; /health within 3 s', async () => {
  const ref = await refer();
  const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${closedPort}` }), dataConverter: TEST_DATA_CONVERTER });
  // A shorter wait: nothing will answer (a decision waits it out, then asks once more for 3 s).
  const app = createApp({ ...stack.appDependencies, temporal, temporalCallTimeoutMs: 1_000, smtpReachable: async () => true });
  try {
    expectRefusal(await request(app).get(`/cases/${ref}`).set(bearer(token('bu-1'))), 503, 'TemporalUnavailable');
    // The case list reads the register (each case's summary), not Temporal: it still answers.
    expect((await request(app).get('/cases').set(bearer(token('bu-1')))).status).toBe(200);
    expectRefusal(await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(token('bu-1'))).send({}), 503, 'NotApplied');
    const referral = await request(app).post('/referrals').set(bearer(token('bu-1'))).send({ referral: validReferralForm() });
    expectRefusal(referral, 503, 'TemporalUnavailable');
    const { res, ms } = await timedHealth(app);
    expect({ status: res.status, temporal: res.body.temporal }).toEqual({ status: 503, temporal: false });
    expect(ms).toBeLessThan(HEALTH_WITHIN_MS);
  } finally {
    // Not closed: the client's own retries of the refused calls may still be pending, and fail
    // loudly on a closed channel; the lazy connection holds nothing open.
  }
  // Nothing was applied by the refused decision.
  expect((await settledCase(stack.app, ref, token('bu-1'))).body.obligations['ssp-informed'].status).toBe('open');
});

test('register down: referrals and the register reads answer 503 RegisterUnavailable; cases and decisions go on; /health within 3 s', async () => {
  const ref = await refer();
  for (const url of [`postgres://ssi:unused@127.0.0.1:${closedPort}/ssi`, `postgres://ssi:unused@127.0.0.1:${silentPort}/ssi`]) {
    const register = openRegister(url);
    const app = createApp({ ...stack.appDependencies, register, smtpReachable: async () => true });
    try {
      const { res, ms } = await timedHealth(app);
      expect({ status: res.status, database: res.body.database }).toEqual({ status: 503, database: false });
      expect(ms).toBeLessThan(HEALTH_WITHIN_MS);
      if (url.includes(String(silentPort))) continue;
      expectRefusal(await request(app).post('/referrals').set(bearer(token('bu-1'))).send({ referral: validReferralForm() }), 503, 'RegisterUnavailable');
      expectRefusal(await request(app).get(`/cases/${ref}/referral`).set(bearer(token('bu-1'))), 503, 'RegisterUnavailable');
      expectRefusal(await request(app).get('/actions').set(bearer(token('ld-chair'))), 503, 'RegisterUnavailable');
      expectRefusal(await request(app).get('/actions/exceptions').set(bearer(token('ld-chair'))), 503, 'RegisterUnavailable');
      expectRefusal(await request(app).get('/cases').set(bearer(token('bu-1'))), 503, 'RegisterUnavailable');
      // A case the engine no longer has is looked up in the register: down, that is a 503 too.
      expectRefusal(await request(app).post('/cases/DSP-2026-999999/decisions/ssp-informed').set(bearer(token('bu-1'))).send({}), 503, 'RegisterUnavailable');
      // The case itself answers, saying its register rows are not there just now; a decision is taken.
      const read = await request(app).get(`/cases/${ref}`).set(bearer(token('bu-1')));
      expect([read.status, read.body.registerUnavailable]).toEqual([200, true]);
      expect((await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(token('bu-1'))).send({})).status).toBe(200);
    } finally {
      // A pool whose connection never answers never ends either: it is left to the process.
      await Promise.race([register.destroy().catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
    }
  }
});

test('SMTP hung: decisions are taken; /health says smtp false within 3 s', async () => {
  const relay = nodemailer.createTransport({ host: '127.0.0.1', port: silentPort, secure: false });
  const app = createApp({ ...stack.appDependencies, smtpReachable: () => relay.verify() });
  try {
    const ref = await refer(app);
    expect((await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(token('bu-1'))).send({})).status).toBe(200);
    const { res, ms } = await timedHealth(app);
    expect({ status: res.status, smtp: res.body.smtp, temporal: res.body.temporal, database: res.body.database }).toEqual({ status: 503, smtp: false, temporal: true, database: true });
    expect(ms).toBeLessThan(HEALTH_WITHIN_MS);
  } finally {
    relay.close();
  }
});

test('a replay says so: the same key and body again answers duplicate: true with Idempotent-Replayed: true', async () => {
  const ref = await refer();
  const send = () => request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(token('bu-1'))).set('Idempotency-Key', `replay-${ref}`).send({ note: 'Told by phone (test).' });
  const first = await send();
  expect([first.status, first.body.duplicate, first.headers['idempotent-replayed']]).toEqual([200, false, undefined]);
  const again = await send();
  expect([again.status, again.body.duplicate, again.headers['idempotent-replayed']]).toEqual([200, true, 'true']);
  expect(again.body.stage).toBe(first.body.stage);
});

test('a case reference is read whatever its case; a reference that is not one says what one looks like', async () => {
  const ref = await refer();
  const lower = await request(stack.app).get(`/cases/${ref.toLowerCase()}`).set(bearer(token('bu-1')));
  expect([lower.status, lower.body.caseReference]).toEqual([200, ref]);
  const wrong = await request(stack.app).get('/cases/not-a-reference').set(bearer(token('bu-1')));
  expectRefusal(wrong, 404, 'CaseNotFound');
  expect(wrong.body.error.message).toContain('DSP-2026-0001');
});

test('a query that ends CANCELLED at its deadline is read as no answer (503), as DEADLINE_EXCEEDED and UNAVAILABLE are', () => {
  // The error @grpc/grpc-js gives a call cancelled as its deadline passes (what 3 reads in 20 ended with).
  const cancelled = Object.assign(new Error('1 CANCELLED: Call cancelled'), { code: status.CANCELLED, details: 'Call cancelled', metadata: new Metadata() });
  expect([status.CANCELLED, status.DEADLINE_EXCEEDED, status.UNAVAILABLE].map((code) => unanswered(Object.assign(cancelled, { code })))).toEqual([true, true, true]);
  expect(unanswered(new QueryNotRegisteredError('no such query', status.INVALID_ARGUMENT))).toBe(false);
  expect(unanswered(Object.assign(new Error('3 INVALID_ARGUMENT'), { code: status.INVALID_ARGUMENT, details: '', metadata: new Metadata() }))).toBe(false);
});
