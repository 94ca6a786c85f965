// Rate limits (issue 10, item 5; issue 16, item 2): per address, per signed-in person, failed
// sign-ins per address, and the codec's unsigned calls per address, each refused 429 RateLimited
// with Retry-After in the API's shape. They stop attackers, not staff: a request with a valid
// token is never refused for others' failed sign-ins, the Temporal UI's unsigned codec calls do
// not count against the API's limits, /health is never limited, and behind a trusted proxy
// (TRUST_PROXY) each client is its own address. Small limits here; api/main.ts sets the
// production ones (DEFAULT_RATE_LIMITS, or RATE_LIMIT_* variables).
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { RateLimits } from '../../api/rate-limits';
import { loadEnv, type TrustProxy } from '../../config';
import { EncryptionCodec } from '../../config/payload-codec';
import { TEST_KEY_RING } from '../helpers/keys';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';

const PEOPLE = [
  { id: 'ops-1', role: 'operations', agency: 'Business Unit', token: 'limits-ops-token' },
  { id: 'ops-2', role: 'operations', agency: 'Business Unit', token: 'limits-ops-2-token' },
] as const;
const UI = 'http://127.0.0.1:8233';

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

/** The real app on the dev stack, with the codec server (as api/main.ts builds it) and these limits. */
const appWith = (rateLimits: RateLimits, more: { trustProxy?: TrustProxy } = {}) =>
  createApp({ ...stack.appDependencies, smtpReachable: async () => true, codec: new EncryptionCodec(TEST_KEY_RING), codecUiOrigin: UI, rateLimits, ...more });

function expectLimited(res: request.Response): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 429, code: 'RateLimited' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

/** What the Temporal UI's browser sends with the codec setting it starts with: no token, no cookie. */
const unsignedDecode = (app: ReturnType<typeof appWith>) =>
  request(app)
    .post('/codec/decode')
    .set({ Origin: UI, 'Content-Type': 'application/json', 'X-Namespace': 'default' })
    .send({ payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') }, data: Buffer.from('ciphertext').toString('base64') }] });

test('wrong tokens: 401 until the limit, then 429 for that address; a good token from it still signs in', async () => {
  const app = appWith({ perClientPerMinute: 1_000, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 5 });
  for (let i = 0; i < 5; i++) expect((await request(app).get('/actions').set(bearer(`guess-${i}`))).status).toBe(401);
  const refused = await request(app).get('/actions').set(bearer('guess-6'));
  expectLimited(refused);
  expect(refused.body.error.message).toMatch(/^Too many failed sign-ins from this address; try again in \d+ minutes?$/);
  expect(JSON.stringify(refused.body)).not.toContain('guess-6');
  expect((await request(app).get('/actions').set(bearer(PEOPLE[0].token))).status).toBe(200);
});

test('(a) 25 bad tokens, then a good one from the same address: the good one is answered 200', async () => {
  const app = appWith({ perClientPerMinute: 1_000, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 20 });
  const bad: number[] = [];
  for (let i = 0; i < 25; i++) bad.push((await request(app).get('/actions').set(bearer(`stranger-${i}`))).status);
  expect(bad).toEqual([...Array(20).fill(401), ...Array(5).fill(429)]);
  expect((await request(app).get('/actions').set(bearer(PEOPLE[0].token))).status).toBe(200);
  expect((await request(app).get('/actions').set(bearer(PEOPLE[1].token))).status).toBe(200);
  // The codec's sign-in form with a good token too; a bad one is still refused 429.
  const form = await request(app).post('/codec/sign-in').type('form').send({ token: PEOPLE[0].token });
  expect(form.status).toBe(200);
  expect(form.text).toContain('Signed in as');
  expectLimited(await request(app).post('/codec/sign-in').type('form').send({ token: 'stranger-form' }));
});

test('(b) the Temporal UI\'s default codec burst (40 unsigned decodes, 401) does not limit the API, /health or the codec\'s sign-in', async () => {
  // A per-address limit smaller than the burst: the burst must not count against it either.
  const app = appWith({ perClientPerMinute: 30, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 20 });
  const statuses = await Promise.all(Array.from({ length: 40 }, () => unsignedDecode(app).then((r) => r.status)));
  expect(statuses).toEqual(Array(40).fill(401));
  expect((await request(app).get('/actions').set(bearer(PEOPLE[0].token))).status).toBe(200);
  expect((await request(app).get('/health')).status).toBe(200);
  expect((await request(app).get('/codec/sign-in')).status).toBe(200);
  const form = await request(app).post('/codec/sign-in').type('form').send({ token: PEOPLE[1].token });
  expect(form.status).toBe(200);
  // Signed in, the same browser decodes (403 here: operations may not; but not 401 or 429).
  const cookie = form.headers['set-cookie'];
  const signed = await unsignedDecode(app).set('Cookie', cookie!);
  expect(signed.status).toBe(403);
});

test('the codec\'s unsigned calls have a limit of their own, which limits nothing else', async () => {
  const app = appWith({ perClientPerMinute: 1_000, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 20, unsignedCodecPerClientPerMinute: 5 });
  for (let i = 0; i < 5; i++) expect((await unsignedDecode(app)).status).toBe(401);
  const refused = await unsignedDecode(app);
  expectLimited(refused);
  expect(refused.headers['access-control-allow-origin']).toBe(UI);
  expect((await request(app).get('/actions').set(bearer(PEOPLE[0].token))).status).toBe(200);
  expect((await request(app).get('/codec/sign-in')).status).toBe(200);
  expect((await request(app).get('/health')).status).toBe(200);
});

test('(c) 60 concurrent valid requests from one address: all 200', async () => {
  const app = appWith({ perClientPerMinute: 1_000, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 20 });
  // Concurrent for certain: the server holds each request until all 60 have arrived, then hands
  // them to the app together (on this machine each would otherwise be answered in a few
  // milliseconds, before the next came in).
  const held: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    held.push(() => app(req, res));
    if (held.length === 60) for (const go of held.splice(0)) go();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions`;
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => fetch(url, { headers: bearer(PEOPLE[i % 2]!.token) }).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(statuses).toEqual(Array(60).fill(200));
  } finally {
    server.close();
  }
});

test('successful requests do not count as failed sign-ins', async () => {
  const app = appWith({ perClientPerMinute: 1_000, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 2 });
  for (let i = 0; i < 10; i++) expect((await request(app).get('/actions').set(bearer(PEOPLE[0].token))).status).toBe(200);
});

test('one person: 429 past their limit; another person from the same address goes on', async () => {
  const app = appWith({ perClientPerMinute: 1_000, perPersonPerMinute: 3, failedSignInsPer15Minutes: 100 });
  for (let i = 0; i < 3; i++) expect((await request(app).get('/actions').set(bearer(PEOPLE[0].token))).status).toBe(200);
  expectLimited(await request(app).get('/actions').set(bearer(PEOPLE[0].token)));
  expect((await request(app).get('/actions').set(bearer(PEOPLE[1].token))).status).toBe(200);
});

test('one address: 429 past its limit, for everyone', async () => {
  const app = appWith({ perClientPerMinute: 4, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 100 });
  for (let i = 0; i < 4; i++) expect((await request(app).get('/actions').set(bearer(PEOPLE[i % 2]!.token))).status).toBe(200);
  const refused = await request(app).get('/actions').set(bearer(PEOPLE[1].token));
  expectLimited(refused);
  expect(refused.body.error.message).toMatch(/^Too many requests from this address; try again in \d+ seconds?$/);
});

test('(d) behind one trusted proxy (TRUST_PROXY=1) each client is its own address; with trust proxy off, X-Forwarded-For is ignored', async () => {
  const limits = { perClientPerMinute: 3, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 2 };
  const from = (app: ReturnType<typeof appWith>, client: string, token: string = PEOPLE[0].token) => request(app).get('/actions').set(bearer(token)).set('X-Forwarded-For', client);
  const proxied = appWith(limits, { trustProxy: loadEnv({ TRUST_PROXY: '1' }).TRUST_PROXY });
  for (let i = 0; i < 3; i++) expect((await from(proxied, '203.0.113.7')).status).toBe(200);
  expectLimited(await from(proxied, '203.0.113.7'));
  expect((await from(proxied, '203.0.113.8')).status).toBe(200);
  // Failed sign-ins too: one client's guesses do not refuse the other's.
  const guesses = appWith({ ...limits, perClientPerMinute: 1_000 }, { trustProxy: loadEnv({ TRUST_PROXY: '1' }).TRUST_PROXY });
  for (let i = 0; i < 2; i++) expect((await from(guesses, '198.51.100.1', `guess-${i}`)).status).toBe(401);
  expectLimited(await from(guesses, '198.51.100.1', 'guess-3'));
  expect((await from(guesses, '198.51.100.2', 'guess-4')).status).toBe(401);
  // Trust proxy off (the default): a client cannot dodge its limit by writing X-Forwarded-For.
  const direct = appWith(limits, { trustProxy: loadEnv({}).TRUST_PROXY });
  for (let i = 0; i < 3; i++) expect((await from(direct, `192.0.2.${i}`)).status).toBe(200);
  expectLimited(await from(direct, '192.0.2.99'));
});

test('(e) /health is never limited', async () => {
  const app = appWith({ perClientPerMinute: 2, perPersonPerMinute: 1, failedSignInsPer15Minutes: 1 });
  for (let i = 0; i < 3; i++) await request(app).get('/actions').set(bearer(`guess-${i}`));
  for (let i = 0; i < 3; i++) await request(app).get('/actions').set(bearer(PEOPLE[0].token));
  expectLimited(await request(app).get('/actions').set(bearer(PEOPLE[1].token)));
  for (let i = 0; i < 5; i++) expect((await request(app).get('/health')).status).toBe(200);
});
