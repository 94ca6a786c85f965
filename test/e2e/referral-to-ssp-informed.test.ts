// End to end: the real API (supertest), a real worker, the real Temporal dev server (the CLI,
// provisioned by the project), and a real SMTP listener receiving the emails.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import request from 'supertest';
import type { Express } from 'express';
import type { Users } from '../../config';
import { caseEntries, type RegisterDb } from '../../activities/register';
import { tokenHash } from '../../api/auth';
import { createApp } from '../../api/app';
import { createIncidentWorker } from '../../workers/incident-worker';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT, workflowIdFor } from '../../workflows/contract';
import { devServerExecutableOption } from '../../scripts/servers';
import { validReferralForm } from '../fixtures/referral-form';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { activityDeps, newCaseReference, tempRegister, workflowBundle } from '../helpers/stack';

const TOKENS = { businessUnit: 'e2e-business-unit-token', ssp: 'e2e-ssp-token', referrer: 'e2e-referrer-token' };
const users: Users = {
  users: [
    { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', tokenSha256: tokenHash(TOKENS.businessUnit) },
    { id: 'ssp-la', role: 'ssp', agency: 'Local Authority', tokenSha256: tokenHash(TOKENS.ssp) },
    { id: 'referrer-1', role: 'referrer', agency: 'Example Health Trust', tokenSha256: tokenHash(TOKENS.referrer) },
  ],
};
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

let env: TestWorkflowEnvironment;
let smtp: SmtpCatcher;
let register: RegisterDb;
let worker: Worker;
let running: Promise<void>;
let app: Express;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutableOption(), searchAttributes: [CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT] },
  });
  smtp = await startSmtpCatcher();
  ({ register } = await tempRegister());
  worker = await createIncidentWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    activities: activityDeps(register, smtp.url),
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
  const mailer = nodemailer.createTransport(smtp.url);
  app = createApp({ temporal: env.client, register, users, smtpReachable: () => mailer.verify() });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await smtp?.close();
  await register?.destroy();
  await env?.teardown();
});

function referral(caseReference: string, form: unknown = validReferralForm()) {
  return request(app).post('/referrals').set(bearer(TOKENS.businessUnit)).send({ caseReference, referral: form });
}

test('a referral starts a case; the Business Unit is told by email; recording "SSP informed" stops the clock', async () => {
  const ref = newCaseReference();
  const created = await referral(ref);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ caseReference: ref, workflowId: workflowIdFor(ref) });

  const receipt = await smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expect(receipt.text).toContain('1 working day after');
  expect(receipt.text).not.toContain('Test Child');

  const shown = await request(app).get(`/cases/${ref}`).set(bearer(TOKENS.ssp));
  expect(shown.status).toBe(200);
  expect(shown.body.stage).toBe('referral-received');
  const deadline = shown.body.obligations['ssp-informed'].deadline;
  expect(deadline).toMatchObject({ obligationId: 'ssp-informed', section: '§4.6, §5.1', clock: { event: 'referral-received' } });
  expect(receipt.text).toContain(deadline.dueDate);
  expect(Array.isArray(deadline.skipped)).toBe(true);

  const wrongRole = await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(TOKENS.ssp)).send({});
  expect(wrongRole.status).toBe(403);
  expect(wrongRole.body.error.code).toBe('RoleNotAllowed');

  const badPayload = await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(TOKENS.businessUnit)).send({ occurredAt: 'soon' });
  expect(badPayload.status).toBe(422);
  expect(badPayload.body.error.problems[0].path).toBe('occurredAt');

  const informed = await request(app)
    .post(`/cases/${ref}/decisions/ssp-informed`)
    .set(bearer(TOKENS.businessUnit))
    .set('Idempotency-Key', `ssp-informed-${ref}`)
    .send({ note: 'Partners informed by secure email' });
  expect(informed.status).toBe(200);
  expect(informed.body.obligations['ssp-informed'].status).toBe('met');
  expect(informed.body.stage).toBe('awaiting-ssp-decision');

  const again = await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(TOKENS.businessUnit)).send({});
  expect(again.status).toBe(409);

  const after = await request(app).get(`/cases/${ref}`).set(bearer(TOKENS.businessUnit));
  const kinds = after.body.register.map((e: { kind: string }) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['referral-received', 'deadline-set', 'decision:ssp-informed', 'obligation-met']));
  expect(after.body.timeline.map((t: { kind: string }) => t.kind)).toContain('decision:ssp-informed');

  const description = await env.client.workflow.getHandle(workflowIdFor(ref)).describe();
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
  await expect(env.client.workflow.getHandle(workflowIdFor(ref)).describe()).rejects.toThrow();
  expect(await caseEntries(register, ref)).toHaveLength(0);
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
  const anonymous = await request(app).post('/referrals').send({ caseReference: ref, referral: validReferralForm() });
  expect(anonymous.status).toBe(401);
  const wrongToken = await request(app).get(`/cases/${ref}`).set(bearer('not-a-real-token'));
  expect(wrongToken.status).toBe(401);
  const named = await referral('Test Child 2026');
  expect(named.status).toBe(422);
  expect(named.body.error.problems.map((p: { path: string }) => p.path)).toContain('caseReference');
  const missing = await request(app).get(`/cases/${newCaseReference()}`).set(bearer(TOKENS.businessUnit));
  expect(missing.status).toBe(404);
});

test('health reports Temporal, the register and SMTP', async () => {
  const res = await request(app).get('/health');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok', temporal: true, database: true, smtp: true });
});
