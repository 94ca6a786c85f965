// The staff pages' sign-in and sessions over HTTP, on the real stack (dev server, worker, register):
// the development sign-in, the session rotated at sign-in and kept server-side (only its hash), the
// idle and absolute timeouts, sign-out ending the session on the server, the CSRF token required,
// the security headers of a page, the referral-view audit, and the JSON API unchanged for API
// clients at the same addresses.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { PROJECT_ROOT, loadEnv } from '../../config';
import { webOptions } from '../../api/main';
import { registerOf } from '../../register/register';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { csrfOf, HTML, webOptionsFor } from '../helpers/pages';
import { TEST_KEY_RING } from '../helpers/keys';
import type { Role } from '../../domain/roles';

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-s', role: 'business-unit', agency: 'Business Unit', token: 'sessions-bu-token' },
  { id: 'ssp-s', role: 'ssp', agency: 'Local Authority', token: 'sessions-ssp-token' },
];

let stack: DevStack;
/** The clock the pages (and the services) read: the tests move it on. */
let nowMs = Date.now();

beforeAll(async () => {
  stack = await startDevStack({
    people: PEOPLE,
    app: {
      now: () => new Date(nowMs),
      web: webOptionsFor(PEOPLE),
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  nowMs = Date.now();
});

const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('ssi_session='));

async function signIn(agent: TestAgent, id: string) {
  const page = await agent.get('/sign-in').set('Accept', HTML);
  expect(page.status).toBe(200);
  const res = await agent.post('/sign-in').type('form').set('Accept', HTML).send({ _csrf: csrfOf(page.text), person: id });
  expect(res.status).toBe(303);
  return { before: sessionCookie(page), after: sessionCookie(res), res };
}

test('a page asks who you are first, and brings you back to it after the development sign-in; the session is rotated and kept only as a hash', async () => {
  const agent = request.agent(stack.app);
  const first = await agent.get('/cases').set('Accept', HTML);
  expect(first.status).toBe(303);
  expect(first.headers.location).toBe('/sign-in');
  const { before, after, res } = await signIn(agent, 'ssp-s');
  expect(res.headers.location).toBe('/cases');
  expect(after).toMatch(/HttpOnly/);
  expect(after).toMatch(/SameSite=Lax/);
  expect(after).not.toMatch(/Secure/);
  // A new session ID at sign-in: the one handed out before it signs no one in.
  expect(after!.split(';')[0]).not.toBe(before!.split(';')[0]);
  const sid = decodeURIComponent(after!.split(';')[0]!.split('=')[1]!).slice(2).split('.')[0]!;
  const rows = await stack.register.selectFrom('web_session').selectAll().where('actor_id', '=', 'ssp-s').execute();
  expect(rows).toHaveLength(1);
  expect(rows[0]!.sid_hash).not.toContain(sid);
  expect(rows[0]!.data).not.toContain(sid);
  const cases = await agent.get('/cases').set('Accept', HTML);
  expect(cases.status).toBe(200);
  expect(cases.text).toContain('<h1 class="govuk-heading-l">Cases</h1>');
});

test('the idle timeout (30 minutes unused) and the absolute timeout (10 hours from sign-in) each end a session', async () => {
  const idle = request.agent(stack.app);
  await signIn(idle, 'bu-s');
  nowMs += 29 * 60_000;
  expect((await idle.get('/').set('Accept', HTML)).status).toBe(200);
  nowMs += 31 * 60_000;
  const after = await idle.get('/').set('Accept', HTML);
  expect(after.status).toBe(303);
  expect(after.headers.location).toBe('/sign-in');

  nowMs = Date.now();
  const busy = request.agent(stack.app);
  await signIn(busy, 'bu-s');
  // Used every 20 minutes: the idle timeout never passes, the absolute one does.
  for (let minutes = 20; minutes < 600; minutes += 20) {
    nowMs += 20 * 60_000;
    expect((await busy.get('/').set('Accept', HTML)).status).toBe(200);
  }
  nowMs += 20 * 60_000;
  const ended = await busy.get('/').set('Accept', HTML);
  expect(ended.status).toBe(303);
  const signInPage = await busy.get('/sign-in').set('Accept', HTML);
  expect(signInPage.text).toContain('a session lasts at most 10 hours');
});

test('sign-out needs the form’s token, and ends the session on the server', async () => {
  const agent = request.agent(stack.app);
  const { after } = await signIn(agent, 'bu-s');
  const refused = await agent.post('/sign-out').type('form').set('Accept', HTML).send({});
  expect(refused.status).toBe(403);
  expect(refused.text).toContain('Your form could not be sent');
  const page = await agent.get('/').set('Accept', HTML);
  const out = await agent.post('/sign-out').type('form').set('Accept', HTML).send({ _csrf: csrfOf(page.text) });
  expect(out.status).toBe(303);
  expect(out.headers.location).toBe('/signed-out');
  expect(await stack.register.selectFrom('web_session').selectAll().where('actor_id', '=', 'bu-s').execute()).toHaveLength(0);
  // The old cookie, presented again, signs no one in.
  const replayed = await request(stack.app).get('/').set('Accept', HTML).set('Cookie', after!.split(';')[0]!);
  expect(replayed.status).toBe(303);
});

test('a page: no-store, a content security policy with no inline script or style, nothing framed; the API answers JSON at the same address', async () => {
  const agent = request.agent(stack.app);
  await signIn(agent, 'bu-s');
  const opened = await request(stack.app).post('/referrals').set(bearer('sessions-bu-token')).send(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')));
  expect(opened.status).toBe(201);
  const ref = (opened.body as { caseReference: string }).caseReference;
  const page = await agent.get(`/cases/${ref}`).set('Accept', HTML);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.headers['cache-control']).toBe('no-store');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(page.text).not.toMatch(/\sstyle="/);
  expect(page.text).toContain(`<title>Case ${ref} - `);
  for (const accept of ['application/json', '*/*', undefined]) {
    const req = request(stack.app).get(`/cases/${ref}`).set(bearer('sessions-bu-token'));
    const res = accept ? await req.set('Accept', accept) : await req;
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  }

  // Each reading of the referral form through the pages is recorded: who, when, which case.
  const referral = await agent.get(`/cases/${ref}/referral`).set('Accept', HTML);
  expect(referral.status).toBe(200);
  const views = await registerOf(stack.register, TEST_KEY_RING).webSessions.referralViews(ref);
  expect(views).toEqual([{ at: expect.any(String), actorId: 'bu-s', actorRole: 'business-unit' }]);
});

test('outside development there is no development sign-in: the pages sign nobody in until OIDC is set up', () => {
  const production = loadEnv({ APP_ENV: 'production', OIDC_ISSUER: 'https://id.example.org', OIDC_AUDIENCE: 'ssi-api' });
  const options = webOptions(production, { kind: 'oidc', issuer: 'https://id.example.org', audience: 'ssi-api', idClaim: 'sub', roleClaim: 'ssi_role', agencyClaim: 'ssi_agency', clockToleranceSeconds: 60 }, 'P');
  expect(options.signIn.kind).toBe('none');
  expect(options.session.secureCookie).toBe(true);
  const development = loadEnv({ APP_ENV: 'development' });
  expect(webOptions(development, { kind: 'dev-tokens', usersFile: path.join(PROJECT_ROOT, 'config', 'users.example.json') }, 'P').signIn.kind).toBe('development');
});
