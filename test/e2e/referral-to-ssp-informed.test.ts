// End to end: the real API (supertest), a real worker, the real Temporal dev server (the CLI,
// provisioned by the project), and a real SMTP listener receiving the emails.
import request from 'supertest';
import { CASE_STAGE, workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { actors, newCaseReference } from '../helpers/stack';
import { govukDate } from '../../domain/govuk-dates';

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

function referral(form: unknown = validReferralForm(), idempotencyKey?: string) {
  const req = request(stack.app).post('/referrals').set(bearer(TOKENS.businessUnit));
  if (idempotencyKey) void req.set('Idempotency-Key', idempotencyKey);
  return req.send({ referral: form });
}

/** The references the register hands out: DSP, the London year of receipt, a number. */
const ALLOCATED = /^DSP-\d{4}-\d{4,}$/;

test('a referral starts a case; the Business Unit is told by email; recording "SSP informed" stops the clock', async () => {
  const created = await referral();
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  expect(ref).toMatch(ALLOCATED);
  expect(created.body).toMatchObject({ caseReference: ref, workflowId: workflowIdFor(ref) });

  const receipt = await stack.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expect(receipt.text).toContain('1 working day after');
  expect(receipt.text).not.toContain('Test Child');

  const shown = await request(stack.app).get(`/cases/${ref}`).set(bearer(TOKENS.ssp));
  expect(shown.status).toBe(200);
  expect(shown.body.stage).toBe('referral-received');
  const deadline = shown.body.obligations['ssp-informed'].deadline;
  expect(deadline).toMatchObject({ obligationId: 'ssp-informed', section: '§4.6, §5.1', clock: { event: 'la-became-aware' } });
  // The due day in GOV.UK words, as the pages say it (was its ISO date).
  expect(receipt.text).toContain(`by 11:59pm on ${govukDate(deadline.dueDate)}`);
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
  expect(informed.body.changed).toContainEqual(expect.objectContaining({ id: 'ssp-informed', status: 'met' }));
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
  const form = validReferralForm();
  const bad = { ...form, referrer: { ...form.referrer, email: 'not-an-email' }, incidentDetails: '' };
  const before = await stack.register.selectFrom('case_record').select('case_reference').execute();
  const res = await referral(bad);
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('InvalidReferral');
  const paths = res.body.error.problems.map((p: { path: string }) => p.path);
  expect(paths).toEqual(expect.arrayContaining(['referral.referrer.email', 'referral.incidentDetails']));
  expect(JSON.stringify(res.body)).not.toContain('not-an-email');
  // No reference was allocated, so no case exists for it.
  expect(await stack.register.selectFrom('case_record').select('case_reference').execute()).toEqual(before);
});

test('references are allocated by the system, never reused; the same Idempotency-Key returns the same case', async () => {
  const first = await referral();
  const second = await referral();
  expect([first.status, second.status]).toEqual([201, 201]);
  expect(first.body.caseReference).not.toBe(second.body.caseReference);
  const key = `referral-${newCaseReference()}`;
  const keyed = await referral(validReferralForm(), key);
  expect(keyed.status).toBe(201);
  const retried = await referral(validReferralForm(), key);
  expect(retried.status).toBe(200);
  expect(retried.body.caseReference).toBe(keyed.body.caseReference);
  // The same key for a different form is refused, saying so.
  const form = validReferralForm();
  const changed = await referral({ ...form, incidentDetails: `${form.incidentDetails} (changed)` }, key);
  expect(changed.status).toBe(422);
  expect(changed.body.error.code).toBe('IdempotencyKeyReused');
  const rows = await stack.register.selectFrom('case_record').select('case_reference').where('case_reference', '=', keyed.body.caseReference).execute();
  expect(rows).toHaveLength(1);
});

test('without a valid token nothing is accepted; a reference cannot be chosen by the caller', async () => {
  const ref = newCaseReference();
  const anonymous = await request(stack.app).post('/referrals').send({ referral: validReferralForm() });
  expect(anonymous.status).toBe(401);
  const wrongToken = await request(stack.app).get(`/cases/${ref}`).set(bearer('not-a-real-token'));
  expect(wrongToken.status).toBe(401);
  const named = await request(stack.app).post('/referrals').set(bearer(TOKENS.businessUnit)).send({ caseReference: 'Test Child 2026', referral: validReferralForm() });
  expect(named.status).toBe(422);
  // A key the referral does not have: refused, pointed at, and not repeated (the sender's text).
  expect(named.body.error.problems).toEqual([{ path: '(a key)', message: 'A field is not part of this request: remove it (check the spelling)' }]);
  expect(JSON.stringify(named.body)).not.toContain('Test Child');
  const missing = await request(stack.app).get(`/cases/${newCaseReference()}`).set(bearer(TOKENS.businessUnit));
  expect(missing.status).toBe(404);
});

test('health reports Temporal, the register and SMTP', async () => {
  const res = await request(stack.app).get('/health');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok', temporal: true, database: true, smtp: true });
});
