// CORS for the configured origins only (issue 10, item 5), on the real app and a real stack: a
// listed origin's page may call the API with a bearer token (its preflight answered before
// sign-in, since a browser sends no token on one); any other origin gets no CORS header, and with
// no CORS_ORIGINS nothing is CORS at all. /codec keeps its own CORS (the Temporal UI's origin).
import request from 'supertest';
import { createApp } from '../../api/app';
import { CORS_MAX_AGE_SECONDS } from '../../api/cors';
import { EncryptionCodec } from '../../config/payload-codec';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';

const PEOPLE = [{ id: 'bu-cors', role: 'business-unit', agency: 'Business Unit', token: 'cors-bu-token' }] as const;
const STAFF = 'https://staff.partnership.test';
const LOCAL_UI = 'http://127.0.0.1:5173';
const STRANGER = 'https://elsewhere.example';
const UI_ORIGIN = 'http://127.0.0.1:8233';

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({
    people: PEOPLE,
    app: {
      corsOrigins: [STAFF, LOCAL_UI],
      codec: new EncryptionCodec(TEST_KEY_RING),
      codecUiOrigin: UI_ORIGIN,
      // The rate limits too: their 429 (and headers) must reach a listed origin's page.
      rateLimits: { perClientPerMinute: 1_000, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 1_000 },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const corsHeaders = (res: request.Response) => Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));

const preflight = (app: DevStack['app'], path: string, origin: string, method = 'GET', headers = 'authorization') =>
  request(app).options(path).set('Origin', origin).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', headers);

test('a listed origin: its preflight is answered without a token, with the methods, headers and max-age the API has', async () => {
  const res = await preflight(stack.app, '/referrals', STAFF, 'POST', 'authorization,content-type,idempotency-key');
  expect(res.status).toBe(204);
  expect(res.headers['access-control-allow-origin']).toBe(STAFF);
  expect(res.headers['access-control-allow-methods']).toBe('GET,POST');
  expect(res.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Idempotency-Key');
  expect(res.headers['access-control-max-age']).toBe(String(CORS_MAX_AGE_SECONDS));
  expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  expect(res.headers.vary).toMatch(/\bOrigin\b/);
  // The other listed origin gets its own origin back, never the list or `*`.
  const other = await preflight(stack.app, '/cases/DSP-2026-0001', LOCAL_UI);
  expect(other.status).toBe(204);
  expect(other.headers['access-control-allow-origin']).toBe(LOCAL_UI);
});

test('a listed origin: a real GET with a token gets its origin back and the headers a page may read; without a token the 401 is readable too', async () => {
  const res = await request(stack.app).get('/cases/DSP-2026-9999').set('Origin', STAFF).set(bearer(PEOPLE[0].token));
  expect(res.status).toBe(404);
  expect(res.headers['access-control-allow-origin']).toBe(STAFF);
  expect(res.headers['access-control-expose-headers']).toBe('X-Request-Id,Retry-After,Location,Idempotent-Replayed,RateLimit,RateLimit-Policy');
  expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  expect(res.headers['x-request-id']).toBeDefined();
  expect(res.headers['ratelimit']).toBeDefined();
  const anonymous = await request(stack.app).get('/cases/DSP-2026-9999').set('Origin', STAFF);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers['access-control-allow-origin']).toBe(STAFF);
});

test('an unlisted origin: no CORS header on its preflight (not a success: it goes on to sign-in) nor on a real request', async () => {
  for (const origin of [STRANGER, 'null', `${STAFF}.elsewhere.example`, 'http://staff.partnership.test', `${STAFF}:8443`]) {
    const pre = await preflight(stack.app, '/cases/DSP-2026-9999', origin);
    expect({ origin, status: pre.status, cors: corsHeaders(pre) }).toEqual({ origin, status: 401, cors: [] });
    const real = await request(stack.app).get('/cases/DSP-2026-9999').set('Origin', origin).set(bearer(PEOPLE[0].token));
    expect({ origin, status: real.status, cors: corsHeaders(real) }).toEqual({ origin, status: 404, cors: [] });
  }
  // No Origin at all (a server-side client): no CORS headers either.
  const plain = await request(stack.app).get('/cases/DSP-2026-9999').set(bearer(PEOPLE[0].token));
  expect(corsHeaders(plain)).toEqual([]);
});

test('no CORS_ORIGINS: no CORS headers for anyone, a preflight is an unsigned request like any other', async () => {
  const app = createApp({ ...stack.appDependencies, smtpReachable: async () => true });
  for (const origin of [STAFF, STRANGER]) {
    const pre = await preflight(app, '/cases/DSP-2026-9999', origin);
    expect({ origin, status: pre.status, cors: corsHeaders(pre) }).toEqual({ origin, status: 401, cors: [] });
    const real = await request(app).get('/cases/DSP-2026-9999').set('Origin', origin).set(bearer(PEOPLE[0].token));
    expect({ origin, status: real.status, cors: corsHeaders(real) }).toEqual({ origin, status: 404, cors: [] });
  }
  const empty = createApp({ ...stack.appDependencies, corsOrigins: [], smtpReachable: async () => true });
  expect(corsHeaders(await preflight(empty, '/referrals', STAFF, 'POST'))).toEqual([]);
});

test('/codec keeps its own CORS: the Temporal UI\'s origin with credentials, and a listed API origin gets none of the API\'s there', async () => {
  const ui = await preflight(stack.app, '/codec/decode', UI_ORIGIN, 'POST', 'content-type,x-namespace');
  expect(ui.status).toBe(204);
  expect(ui.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  expect(ui.headers['access-control-allow-credentials']).toBe('true');
  expect(ui.headers['access-control-allow-methods']).toBe('POST');
  expect(ui.headers['access-control-max-age']).toBeUndefined();
  for (const path of ['/codec/decode', '/CODEC/decode']) {
    const staff = await preflight(stack.app, path, STAFF, 'POST', 'content-type');
    expect({ path, status: staff.status, cors: corsHeaders(staff) }).toEqual({ path, status: 403, cors: [] });
  }
  // The UI's origin listed for the API as well: /codec still answers it as the codec does (with
  // credentials, which the UI's codec calls need), the rest of the API as the API does.
  const both = createApp({ ...stack.appDependencies, corsOrigins: [UI_ORIGIN], codec: new EncryptionCodec(TEST_KEY_RING), codecUiOrigin: UI_ORIGIN, smtpReachable: async () => true });
  const codec = await preflight(both, '/codec/decode', UI_ORIGIN, 'POST', 'content-type,x-namespace');
  expect(codec.headers['access-control-allow-credentials']).toBe('true');
  expect(codec.headers['access-control-allow-methods']).toBe('POST');
  const api = await preflight(both, '/cases/DSP-2026-9999', UI_ORIGIN);
  expect(api.headers['access-control-allow-credentials']).toBeUndefined();
  expect(api.headers['access-control-allow-methods']).toBe('GET,POST');
});
