// Who may read what, through the real API on the real dev server: each person signed in with their
// own token; what they are shown, or the refusal, follows domain/access.ts and never the request.
import request from 'supertest';
import type { Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';

const RATIONALE = 'Rationale quoting the child, Test Child, by name (test).';
const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: 'acc-bu' },
  { id: 'ssp-la', role: 'ssp', agency: 'Local Authority', token: 'acc-ssp' },
  { id: 'referrer-1', role: 'referrer', agency: 'Example Health Trust', token: 'acc-referrer' },
  { id: 'referrer-2', role: 'referrer', agency: 'Another Trust', token: 'acc-other-referrer' },
  { id: 'owner-1', role: 'action-owner', agency: 'Example Health Trust', token: 'acc-owner' },
  { id: 'ops-1', role: 'operations', agency: 'Partnership IT', token: 'acc-ops' },
  { id: 'reviewer-9', role: 'reviewer', agency: 'Independent reviewer', token: 'acc-reviewer' },
];
const tokenOf = (id: string) => PEOPLE.find((p) => p.id === id)!.token;

let stack: DevStack;
let ref: string;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
  // The referrer of Example Health Trust submits it; the SSP decide with a rationale naming the child.
  const form = validReferralForm();
  const created = await request(stack.app).post('/referrals').set(bearer(tokenOf('referrer-1'))).send({ referral: { ...form, referrer: { ...form.referrer, organisation: 'Claimed Other Trust' } } });
  expect(created.status).toBe(201);
  ref = created.body.caseReference as string;
  expect((await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(tokenOf('bu-1'))).send({})).status).toBe(200);
  const decided = await request(stack.app).post(`/cases/${ref}/decisions/ssp-decision`).set(bearer(tokenOf('ssp-la'))).send({ outcome: 'not-met-no-further-action', rationale: RATIONALE });
  expect(decided.status).toBe(200);
});
afterAll(async () => {
  await stack?.stop();
});

const read = (who: string, path = '') => request(stack.app).get(`/cases/${ref}${path}`).set(bearer(tokenOf(who)));

test('the Business Unit and the SSP read the whole case, rationale included, and the referral form', async () => {
  const whole = await read('ssp-la');
  expect(whole.status).toBe(200);
  expect(JSON.stringify(whole.body.timeline)).toContain(RATIONALE);
  const form = await read('bu-1', '/referral');
  expect(form.status).toBe(200);
  expect(form.body.referral.children[0].fullName).toBe(validReferralForm().children[0]!.fullName);
});

test("the referring agency's referrer reads stage and deadlines only (the agency comes from sign-in, not the form)", async () => {
  const mine = await read('referrer-1');
  expect(mine.status).toBe(200);
  expect(Object.keys(mine.body).sort()).toEqual(['caseReference', 'deadlines', 'receivedAt', 'stage']);
  expect(mine.body.deadlines.map((d: { id: string }) => d.id)).toContain('referrer-feedback');
  expect(JSON.stringify(mine.body)).not.toContain('Test Child');
  expect((await read('referrer-1', '/referral')).status).toBe(403);
  // The outcome reaches them once it has been fed back (§5.7).
  expect((await request(stack.app).post(`/cases/${ref}/decisions/referrer-feedback-sent`).set(bearer(tokenOf('bu-1'))).send({})).status).toBe(200);
  expect((await read('referrer-1')).body.outcome).toBe('not-met-no-further-action');
});

test('another agency, an action owner and an uncommissioned reviewer are told there is no such case', async () => {
  for (const who of ['referrer-2', 'owner-1', 'reviewer-9']) {
    const res = await read(who);
    expect({ who, status: res.status, code: res.body.error?.code }).toEqual({ who, status: 404, code: 'CaseNotFound' });
  }
});

test('operations read stages, deadlines and counts; never the referral or the rationale', async () => {
  const ops = await read('ops-1');
  expect(ops.status).toBe(200);
  expect(ops.body.stage).toBe('no-further-action');
  expect(ops.body.counts).toMatchObject({ open: expect.any(Number), missed: 0 });
  expect(JSON.stringify(ops.body)).not.toContain('Test Child');
  expect(ops.body.register).toBeUndefined();
  expect((await read('ops-1', '/referral')).status).toBe(403);
});

test('an uncommissioned reviewer may not record a decision on the case either: for them it does not exist (§8)', async () => {
  const res = await request(stack.app).post(`/cases/${ref}/decisions/review-progress`).set(bearer(tokenOf('reviewer-9'))).send({ summary: 'Progress (test).' });
  expect([res.status, res.body.error?.code, res.body.error?.message]).toEqual([404, 'CaseNotFound', `No case ${ref}`]);
});
