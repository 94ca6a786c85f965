// End to end: the real API (supertest), a real worker, the real Temporal dev server (the CLI,
// provisioned by the project), and a real SMTP listener receiving the emails.
import request from 'supertest';
import { caseEntries } from '../../activities/register';
import { CASE_STAGE, workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { actors, newCaseReference } from '../helpers/stack';

const TOKENS = { businessUnit: 'e2e-business-unit-token', ssp: 'e2e-ssp-token', referrer: 'e2e-referrer-token' };
const PEOPLE = [
  { ...actors.businessUnit, token: TOKENS.businessUnit },
  { ...actors.ssp, token: TOKENS.ssp },
  { ...actors.referrer, token: TOKENS.referrer },
];

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

function referral(caseReference: string, form: unknown = validReferralForm()) {
  return request(stack.app).post('/referrals').set(bearer(TOKENS.businessUnit)).send({ caseReference, referral: form });
}

test('a referral starts a case; the Business Unit is told by email; recording "SSP informed" stops the clock', async () => {
  const ref = newCaseReference();
  const created = await referral(ref);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ caseReference: ref, workflowId: workflowIdFor(ref) });

  const receipt = await stack.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expect(receipt.text).toContain('1 working day after');
  expect(receipt.text).not.toContain('Test Child');

  const shown = await request(stack.app).get(`/cases/${ref}`).set(bearer(TOKENS.ssp));
  expect(shown.status).toBe(200);
  expect(shown.body.stage).toBe('referral-received');
  const deadline = shown.body.obligations['ssp-informed'].deadline;
  expect(deadline).toMatchObject({ obligationId: 'ssp-informed', section: '§4.6, §5.1', clock: { event: 'referral-received' } });
  expect(receipt.text).toContain(deadline.dueDate);
  expect(Array.isArray(deadline.skipped)).toBe(true);

  const wrongRole = await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(TOKENS.ssp)).send({});
  expect(wrongRole.status).toBe(403);
  expect(wrongRole.body.error.code).toBe('RoleNotAllowed');

  const badPayload = await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(TOKENS.businessUnit)).send({ occurredAt: 'soon' });
  expect(badPayload.status).toBe(422);
  expect(badPayload.body.error.problems[0].path).toBe('occurredAt');

  const informed = await request(stack.app)
    .post(`/cases/${ref}/decisions/ssp-informed`)
    .set(bearer(TOKENS.businessUnit))
    .set('Idempotency-Key', `ssp-informed-${ref}`)
    .send({ note: 'Partners informed by secure email' });
  expect(informed.status).toBe(200);
  expect(informed.body.obligations['ssp-informed'].status).toBe('met');
  expect(informed.body.stage).toBe('awaiting-ssp-decision');

  const again = await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(TOKENS.businessUnit)).send({});
  expect(again.status).toBe(409);

  const after = await request(stack.app).get(`/cases/${ref}`).set(bearer(TOKENS.businessUnit));
  const kinds = after.body.register.map((e: { kind: string }) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['referral-received', 'deadline-set', 'decision:ssp-informed', 'obligation-met']));
  expect(after.body.timeline.map((t: { kind: string }) => t.kind)).toContain('decision:ssp-informed');

  const description = await stack.env.client.workflow.getHandle(workflowIdFor(ref)).describe();
  expect(description.typedSearchAttributes.get(CASE_STAGE)).toBe('awaiting-ssp-decision');
});

test('a bad form is refused with 422 listing each problem, and no case is started', async () => {
  const ref = newCaseReference();
  const form = validReferralForm();
  const bad = { ...form, referrer: { ...form.referrer, email: 'not-an-email' }, incidentDetails: '' };
  const res = await referral(ref, bad);
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('InvalidReferral');
  const paths = res.body.error.problems.map((p: { path: string }) => p.path);
  expect(paths).toEqual(expect.arrayContaining(['referral.referrer.email', 'referral.incidentDetails']));
  expect(JSON.stringify(res.body)).not.toContain('not-an-email');
  await expect(stack.env.client.workflow.getHandle(workflowIdFor(ref)).describe()).rejects.toThrow();
  expect(await caseEntries(stack.register, ref)).toHaveLength(0);
});

test('the same case reference twice is refused with 409', async () => {
  const ref = newCaseReference();
  expect((await referral(ref)).status).toBe(201);
  const second = await referral(ref);
  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe('DuplicateCaseReference');
});

test('without a valid token nothing is accepted; an opaque reference is required', async () => {
  const ref = newCaseReference();
  const anonymous = await request(stack.app).post('/referrals').send({ caseReference: ref, referral: validReferralForm() });
  expect(anonymous.status).toBe(401);
  const wrongToken = await request(stack.app).get(`/cases/${ref}`).set(bearer('not-a-real-token'));
  expect(wrongToken.status).toBe(401);
  const named = await referral('Test Child 2026');
  expect(named.status).toBe(422);
  expect(named.body.error.problems.map((p: { path: string }) => p.path)).toContain('caseReference');
  const missing = await request(stack.app).get(`/cases/${newCaseReference()}`).set(bearer(TOKENS.businessUnit));
  expect(missing.status).toBe(404);
});

test('health reports Temporal, the register and SMTP', async () => {
  const res = await request(stack.app).get('/health');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok', temporal: true, database: true, smtp: true });
});
