// GET /cases/:ref/notification-pack through the real API on the real stack (the Temporal dev
// server, a worker, the register): the roles that read the referral form get the pack, each
// reading recorded in the referral-view audit as the pack's, before the answer; every other role
// is refused in the one error shape, an unknown case is 404, and each answer is the one the
// OpenAPI document gives for its status.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { PROJECT_ROOT } from '../../config';
import { responseSchema } from '../../api/openapi';
import type { Role } from '../../domain/roles';
import { registerOf } from '../../register/register';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';

const PARTNERSHIP = 'Example Safeguarding Partnership';
const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-np', role: 'business-unit', agency: 'Business Unit', token: 'np-bu' },
  { id: 'ssp-np', role: 'ssp', agency: 'Local Authority', token: 'np-ssp' },
  { id: 'rr-np', role: 'rapid-review-chair', agency: 'Rapid Review Panel', token: 'np-rr' },
  { id: 'ld-np', role: 'ld-chair', agency: 'Learning and Development Group', token: 'np-ld' },
  // The example referral's own agency: reads the case's stage and deadlines, never the form.
  { id: 'referrer-np', role: 'referrer', agency: 'Example Primary School', token: 'np-referrer' },
  { id: 'ops-np', role: 'operations', agency: 'Partnership IT', token: 'np-ops' },
  { id: 'owner-np', role: 'action-owner', agency: 'Example Health Trust', token: 'np-owner' },
  { id: 'reviewer-np', role: 'reviewer', agency: 'Independent', token: 'np-reviewer' },
];
const who = (role: Role) => PEOPLE.find((p) => p.role === role)!;
const DOC_PATH = '/cases/{caseReference}/notification-pack';

let stack: DevStack;
let ref: string;
let receivedAt: string;

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE, app: { partnershipName: PARTNERSHIP } });
  const body = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')) as object;
  const created = await request(stack.app).post('/referrals').set(bearer(who('business-unit').token)).send(body);
  expect(created.status).toBe(201);
  ref = created.body.caseReference as string;
  receivedAt = created.body.receivedAt as string;
  expect((await settledCase(stack.app, ref, who('business-unit').token)).status).toBe(200);
});
afterAll(async () => {
  await stack?.stop();
});

const pack = (role: Role | undefined, caseRef = ref) => {
  const req = request(stack.app).get(`/cases/${caseRef}/notification-pack`);
  return role ? req.set(bearer(who(role).token)) : req;
};
const views = () => registerOf(stack.register, TEST_KEY_RING).webSessions.referralViews(ref);

/** The answer passes the schema the document gives for its status. */
function expectDocumented(res: { status: number; body: unknown }): void {
  const parsed = responseSchema('get', DOC_PATH, res.status).safeParse(res.body);
  expect({ status: res.status, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ status: res.status, issues: [] });
}

test('the Business Unit reads the pack: the referral’s answers, the partnership, the LA’s awareness from the case; the reading is recorded as the pack’s', async () => {
  const res = await pack('business-unit');
  expect(res.status).toBe(200);
  expectDocumented(res);
  expect(res.body.caseReference).toBe(ref);
  const answer = (id: string) => (res.body.questions as Array<{ id: string; answer: string | null }>).find((q) => q.id === id)?.answer;
  expect(answer('child-1-name')).toBe('Test Child');
  expect(answer('notifier-partnership')).toBe(PARTNERSHIP);
  // The case's la-became-aware clock is the referral's receipt (a London date, written by hand here).
  const londonDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(receivedAt));
  expect(answer('incident-la-aware')).toBe(londonDay);
  expect((res.body.missing as Array<{ id: string }>).map((q) => q.id)).toEqual(['notifier-contact', 'incident-location', 'child-1-health']);
  expect(await views()).toEqual([{ at: expect.any(String), actorId: 'bu-np', actorRole: 'business-unit', what: 'notification pack' }]);
});

test('the SSP and the chairs read it too, each reading recorded; the referral form’s own reading is recorded without "what"', async () => {
  const before = (await views()).length;
  for (const role of ['ssp', 'rapid-review-chair', 'ld-chair'] as const) {
    const res = await pack(role);
    expect({ role, status: res.status }).toEqual({ role, status: 200 });
  }
  expect((await request(stack.app).get(`/cases/${ref}/referral`).set(bearer(who('business-unit').token))).status).toBe(200);
  const rows = (await views()).slice(before);
  expect(rows).toEqual([
    { at: expect.any(String), actorId: 'ssp-np', actorRole: 'ssp', what: 'notification pack' },
    { at: expect.any(String), actorId: 'rr-np', actorRole: 'rapid-review-chair', what: 'notification pack' },
    { at: expect.any(String), actorId: 'ld-np', actorRole: 'ld-chair', what: 'notification pack' },
    { at: expect.any(String), actorId: 'bu-np', actorRole: 'business-unit' },
  ]);
});

test('every other role is refused with a plain reason in the one error shape, and nothing is recorded for them', async () => {
  const before = await views();
  for (const role of ['referrer', 'operations', 'action-owner', 'reviewer'] as const) {
    const res = await pack(role);
    expect({ role, status: res.status, code: res.body.error?.code }).toEqual({ role, status: 403, code: 'ReadNotAllowed' });
    expect(res.body.error.message).toBe('The notification pack is read by the Business Unit, the SSP and the chairs only, as the referral form is');
    expect(JSON.stringify(res.body)).not.toContain('Test Child');
    expectDocumented(res);
  }
  const anonymous = await pack(undefined);
  expect(anonymous.status).toBe(401);
  expectDocumented(anonymous);
  expect(await views()).toEqual(before);
});

test('a case that does not exist is 404, and so is a reference that is not one', async () => {
  const unknown = await pack('business-unit', 'DSP-2099-9999');
  expect([unknown.status, unknown.body.error?.code, unknown.body.error?.message]).toEqual([404, 'CaseNotFound', 'No case DSP-2099-9999']);
  expectDocumented(unknown);
  const malformed = await pack('business-unit', 'not-a-reference');
  expect([malformed.status, malformed.body.error?.code]).toEqual([404, 'CaseNotFound']);
  // Nothing recorded for a case that is not there.
  expect(await registerOf(stack.register, TEST_KEY_RING).webSessions.referralViews('DSP-2099-9999')).toEqual([]);
});
