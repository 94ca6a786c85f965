// HTTP hygiene (issue 10, item 5): security headers and no-store on every answer, a request ID
// on every answer and log line, and request logs that name the person and the route's pattern
// but never carry what was sent (the path as typed, the body, the token).
import pino from 'pino';
import { createApp } from '../../api/app';
import { signInFor } from '../../api/main';
import request from 'supertest';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { validReferralForm } from '../fixtures/referral-form';

const PEOPLE = [{ id: 'bu-hygiene', role: 'business-unit', agency: 'Business Unit', token: 'hygiene-bu-token' }] as const;
const CHILD = 'Jessamine Quarterfield';
const lines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE, app: { logger } });
});
afterAll(async () => {
  await stack?.stop();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('every answer: a request ID of ours, no-store, nosniff, no framing, no referrer to another site, no HSTS over plain HTTP', async () => {
  for (const res of [
    await request(stack.app).get('/health'),
    await request(stack.app).get('/cases/DSP-2026-9999').set(bearer(PEOPLE[0].token)),
    await request(stack.app).get('/cases/DSP-2026-9999'),
    await request(stack.app).post('/referrals').set(bearer(PEOPLE[0].token)).set('X-Request-Id', `${CHILD}`).send({ referral: {} }),
  ]) {
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  }
});

test('request logs: the ID, the route pattern, the person and role, the status; never the path as sent, the body or the token', async () => {
  lines.length = 0;
  const created = await request(stack.app).post('/referrals').set(bearer(PEOPLE[0].token)).send({ referral: validReferralForm() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  const decided = await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(PEOPLE[0].token)).send({ note: `Told the partners about ${CHILD}` });
  expect(decided.status).toBe(200);
  const typed = await request(stack.app).get(`/cases/${encodeURIComponent(CHILD)}/referral`).set(bearer(PEOPLE[0].token));
  expect(typed.status).toBe(404);
  const stranger = await request(stack.app).get(`/cases/${ref}?child=${encodeURIComponent(CHILD)}`);
  expect(stranger.status).toBe(401);

  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
  const byId = (res: request.Response) => logged.find((l) => l.reqId === res.headers['x-request-id']);
  expect(byId(decided)).toMatchObject({ route: '/cases/:caseReference/decisions/:decision', actor: { id: 'bu-hygiene', role: 'business-unit' }, res: { statusCode: 200 }, req: { method: 'POST' } });
  expect(byId(created)).toMatchObject({ route: '/referrals', res: { statusCode: 201 } });
  expect(byId(typed)).toMatchObject({ route: '/cases/:caseReference/referral', res: { statusCode: 404 } });
  expect(byId(stranger)).toMatchObject({ route: '(no route)', res: { statusCode: 401 } });
  expect(byId(stranger)).not.toHaveProperty('actor');
  const all = lines.join('\n');
  for (const secret of [CHILD, encodeURIComponent(CHILD), 'Quarterfield', PEOPLE[0].token, 'authorization']) expect({ secret, logged: all.includes(secret) }).toEqual({ secret, logged: false });
});

test("every log line during a request names it: a token refused by OIDC sign-in is logged with the request's ID", async () => {
  lines.length = 0;
  // The sign-in api/main.ts configures, with this file's logger; the token is refused before any key is fetched.
  const signIn = signInFor(
    { kind: 'oidc', issuer: 'https://idp.partnership.example', audience: 'ssi-api', jwksUrl: 'http://127.0.0.1:9/jwks', idClaim: 'sub', roleClaim: 'ssi_role', agencyClaim: 'ssi_agency', clockToleranceSeconds: 60 },
    logger,
  );
  const app = createApp({ ...stack.appDependencies, users: signIn, logger, smtpReachable: async () => true });
  const res = await request(app).get('/cases').set('Authorization', `Bearer not.a-jwt.${CHILD.replace(' ', '')}`);
  expect(res.status).toBe(401);
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const refusal = logged.find((l) => l.msg === 'bearer token refused');
  expect(refusal).toMatchObject({ reqId: res.headers['x-request-id'], reason: expect.any(String) });
  expect(logged.find((l) => l.msg === 'request')).toMatchObject({ reqId: res.headers['x-request-id'] });
  expect(lines.join('\n')).not.toContain(CHILD.replace(' ', ''));
});
