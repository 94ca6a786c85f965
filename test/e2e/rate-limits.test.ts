// Rate limits (issue 10, item 5): per address, per signed-in person, and failed sign-ins per
// address, each refused 429 RateLimited with Retry-After in the API's shape. Small limits here;
// api/main.ts sets the production ones (DEFAULT_RATE_LIMITS, or RATE_LIMIT_* variables).
import request from 'supertest';
import { createApp } from '../../api/app';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';

const PEOPLE = [
  { id: 'ops-1', role: 'operations', agency: 'Business Unit', token: 'limits-ops-token' },
  { id: 'ops-2', role: 'operations', agency: 'Business Unit', token: 'limits-ops-2-token' },
] as const;

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

const appWith = (rateLimits: { perClientPerMinute: number; perPersonPerMinute: number; failedSignInsPer15Minutes: number }) =>
  createApp({ ...stack.appDependencies, smtpReachable: async () => true, rateLimits });

function expectLimited(res: request.Response): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 429, code: 'RateLimited' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

test('wrong tokens: 401 until the limit, then 429 for that address, even with a good token', async () => {
  const app = appWith({ perClientPerMinute: 1_000, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 5 });
  for (let i = 0; i < 5; i++) expect((await request(app).get('/actions').set(bearer(`guess-${i}`))).status).toBe(401);
  expectLimited(await request(app).get('/actions').set(bearer('guess-6')));
  expectLimited(await request(app).get('/actions').set(bearer(PEOPLE[0].token)));
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

test('one address: 429 past its limit, for everyone and for /health', async () => {
  const app = appWith({ perClientPerMinute: 4, perPersonPerMinute: 1_000, failedSignInsPer15Minutes: 100 });
  for (let i = 0; i < 4; i++) expect((await request(app).get('/actions').set(bearer(PEOPLE[i % 2]!.token))).status).toBe(200);
  expectLimited(await request(app).get('/actions').set(bearer(PEOPLE[1].token)));
  expectLimited(await request(app).get('/health'));
});
