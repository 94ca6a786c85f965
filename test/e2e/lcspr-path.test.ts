// The main LCSPR path end to end through the real API (supertest), a real worker, the Temporal
// dev server and a real SMTP listener: referral, SSP decision (criteria met), notification,
// Rapid Review, the Panel's local-review response, the review, sign-off, the report to the
// Panel, publication and the action plan. Decisions are made in time only (no time skipping here).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import nodemailer from 'nodemailer';
import request from 'supertest';
import type { Users } from '../../config';
import type { RegisterDb } from '../../activities/register';
import { createApp } from '../../api/app';
import { tokenHash } from '../../api/auth';
import type { CaseStatus, ObligationView } from '../../domain/case';
import type { Role } from '../../domain/roles';
import { createIncidentWorker } from '../../workers/incident-worker';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT, workflowIdFor } from '../../workflows/contract';
import { devServerExecutableOption } from '../../scripts/servers';
import { validReferralForm } from '../fixtures/referral-form';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { newCaseReference, tempRegister, activityDeps, workflowBundle } from '../helpers/stack';

const ROLE_IDS: Record<Role, string> = {
  referrer: 'referrer-1',
  'business-unit': 'bu-1',
  ssp: 'ssp-la',
  'rapid-review-chair': 'rr-chair',
  'ld-chair': 'ld-chair',
  reviewer: 'reviewer-1',
  'action-owner': 'action-owner-1',
  operations: 'ops-1',
};
const tokenOf = (role: Role) => `e2e-lcspr-${role}-token`;
const users: Users = {
  users: (Object.keys(ROLE_IDS) as Role[]).map((role) => ({ id: ROLE_IDS[role], role, agency: `Test agency (${role})`, tokenSha256: tokenHash(tokenOf(role)) })),
};

// England and Wales bank holidays (gov.uk), substitute days included.
const BANK_HOLIDAYS = new Set([
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
  '2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26',
]);
const shiftDay = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
function isWorkingDay(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !BANK_HOLIDAYS.has(date);
}
/** PROCESS.md "How to count": N working days after (or before) a date, the date itself being day 0. */
function workingDays(date: string, n: number): string {
  const step = n < 0 ? -1 : 1;
  let day = date;
  for (let counted = 0; counted < Math.abs(n); ) {
    day = shiftDay(day, step);
    if (isWorkingDay(day)) counted += 1;
  }
  return day;
}
function monthsAfter(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = m - 1 + n;
  const year = y + Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
const londonDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const londonDate = (instant: string | number) => londonDateFormat.format(new Date(instant));

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

function post(ref: string, decision: string, role: Role, body: Record<string, unknown> = {}) {
  return request(app).post(`/cases/${ref}/decisions/${decision}`).set('Authorization', `Bearer ${tokenOf(role)}`).send(body);
}

/** Records a decision that must be accepted, and checks the stage the case is then in. */
async function decideOk(ref: string, decision: string, role: Role, body: Record<string, unknown>, stage: string): Promise<CaseStatus> {
  const res = await post(ref, decision, role, body);
  expect({ decision, status: res.status, stage: res.body.stage }).toEqual({ decision, status: 200, stage });
  return res.body as CaseStatus;
}

test('LCSPR path through the API: referral to publication and the action plan, with emails, refusals, explanations, register and visibility', async () => {
  const ref = newCaseReference();
  const created = await request(app).post('/referrals').set('Authorization', `Bearer ${tokenOf('business-unit')}`).send({ caseReference: ref, referral: validReferralForm() });
  expect(created.status).toBe(201);
  const received = londonDate(created.body.receivedAt);

  // The Business Unit's receipt: 1 WD from receipt to inform the SSP (§4.6, §5.1).
  const receipt = await smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expect(receipt.to).toEqual(['business-unit@partnership.example.org']);
  expect(receipt.subject).toBe(`[${ref}] Referral received - Business Unit informs the Statutory Safeguarding Partners: due ${workingDays(received, 1)}`);
  expect(receipt.text).not.toContain('Test Child');

  // A decision that does not fit the stage: 409 with its refusal code, nothing changes.
  const tooEarly = await post(ref, 'national-notification', 'business-unit', { panelReference: 'CSPRP-E2E-0001' });
  expect(tooEarly.status).toBe(409);
  expect(tooEarly.body.error.code).toBe('WrongStage');

  await decideOk(ref, 'ssp-informed', 'business-unit', { note: 'Partners informed (test).' }, 'awaiting-ssp-decision');

  // A role that may not decide: 403, nothing changes.
  const wrongRole = await post(ref, 'ssp-decision', 'business-unit', { outcome: 'criteria-met', rationale: 'Not theirs to decide (test).' });
  expect(wrongRole.status).toBe(403);
  expect(wrongRole.body.error.code).toBe('RoleNotAllowed');
  const operations = await post(ref, 'ssp-decision', 'operations', { outcome: 'criteria-met', rationale: 'Operations decide nothing (test).' });
  expect(operations.status).toBe(403);
  expect(operations.body.error.code).toBe('RoleNotAllowed');

  const decided = await decideOk(ref, 'ssp-decision', 'ssp', { outcome: 'criteria-met', rationale: 'Abuse suspected, serious harm (test).' }, 'awaiting-national-notification');
  const decisionDay = londonDate(decided.clocks['ssp-decision']!);
  expect(decided.obligations['national-notification']!.deadline.dueDate).toBe(workingDays(received, 5));
  expect(decided.obligations['referrer-feedback']!.deadline.dueDate).toBe(workingDays(decisionDay, 5));

  // §5.6, §10.1: the decision goes to the L&D Chair at once, without personal details.
  const toLd = await smtp.waitFor((m) => m.subject === `[${ref}] SSP decision: criteria-met`);
  expect(toLd.to).toEqual(['ld-chair@partnership.example.org']);
  expect(toLd.text).not.toContain('Test Child');

  await decideOk(ref, 'referrer-feedback-sent', 'business-unit', {}, 'awaiting-national-notification');
  await decideOk(ref, 'national-notification', 'business-unit', { panelReference: 'CSPRP-E2E-0001' }, 'awaiting-panel-acknowledgement');
  const acknowledged = await decideOk(ref, 'panel-acknowledgement', 'business-unit', {}, 'rapid-review');
  const ackDay = londonDate(acknowledged.clocks['csprp-acknowledgement']!);
  const meeting = acknowledged.obligations['rapid-review-meeting']!.deadline;
  expect(meeting.dueDate).toBe(workingDays(ackDay, 15));
  expect(meeting.target?.dueDate).toBe(workingDays(ackDay, 10));
  expect(acknowledged.obligations['rapid-review-report']!.deadline.dueDate).toBe(workingDays(ackDay, 15));

  const scheduled = await decideOk(ref, 'rapid-review-scheduled', 'rapid-review-chair', { meetingDate: workingDays(ackDay, 7) }, 'rapid-review');
  expect(scheduled.timeline.at(-1)).toMatchObject({ kind: 'decision:rapid-review-scheduled', detail: { warning: 'none' } });
  await decideOk(ref, 'rapid-review-held', 'rapid-review-chair', { recommendation: 'lcspr', rationale: 'Learning for the partnership (test).' }, 'awaiting-level-of-review');
  const reported = await decideOk(ref, 'rapid-review-report', 'ssp', { levelOfReview: 'lcspr', rationale: 'An LCSPR (test).' }, 'awaiting-panel-response');
  const lcsprDay = londonDate(reported.clocks['lcspr-decision']!);
  expect(reported.obligations['lcspr-publication']!.deadline.dueDate).toBe(monthsAfter(lcsprDay, 6));

  const local = await decideOk(ref, 'panel-response', 'business-unit', { response: 'local-review' }, 'lcspr');
  expect(local.open.map((o) => o.id).sort()).toEqual(['lcspr-publication', 'reviewer-commissioned', 'terms-of-reference']);

  // The draft cannot go to the L&D Group before the reviewer and terms of reference.
  const draftTooSoon = await post(ref, 'draft-report-to-ld', 'reviewer');
  expect(draftTooSoon.status).toBe(409);
  expect(draftTooSoon.body.error.code).toBe('WrongStage');

  await decideOk(ref, 'reviewer-commissioned', 'ssp', { reviewer: 'Independent reviewer (test)' }, 'lcspr');
  await decideOk(ref, 'terms-of-reference-agreed', 'rapid-review-chair', {}, 'lcspr');
  await decideOk(ref, 'review-progress', 'reviewer', { summary: 'Practitioner event held (test).' }, 'lcspr');
  await decideOk(ref, 'draft-report-to-ld', 'reviewer', {}, 'lcspr-draft');

  const planned = shiftDay(londonDate(Date.now()), 60);
  const signedOff = await decideOk(ref, 'ssp-sign-off', 'ssp', { plannedPublicationDate: planned, publish: 'full-report' }, 'awaiting-publication');
  // §14.7: at least 7 WD before the planned publication.
  expect(signedOff.obligations['report-to-panel']!.deadline.dueDate).toBe(workingDays(planned, -7));
  const sent = await decideOk(ref, 'report-sent-to-panel', 'ssp', {}, 'awaiting-publication');
  expect(sent.obligations['report-to-panel']!.status).toBe('met');

  const publishedOn = londonDate(Date.now());
  const published = await decideOk(ref, 'published', 'ssp', { publishedOn }, 'action-plan');
  expect(published.obligations['lcspr-publication']!.status).toBe('met');

  const again = await post(ref, 'published', 'ssp', { publishedOn });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('WrongStage');

  // The case as a person reads it: every obligation with how its deadline was counted.
  const shown = await request(app).get(`/cases/${ref}`).set('Authorization', `Bearer ${tokenOf('ld-chair')}`);
  expect(shown.status).toBe(200);
  expect(shown.body.stage).toBe('action-plan');
  const open = shown.body.open as ObligationView[];
  expect(open.map((o) => o.id)).toEqual(['publication-kept']);
  expect(open[0]).toMatchObject({
    dueDate: monthsAfter(publishedOn, 12),
    explanation: { clock: { event: 'publication', date: publishedOn }, rule: `12 calendar months after ${publishedOn} (publication)`, section: '§14.4', statutory: true },
  });
  expect(shown.body.missed).toEqual([]);
  // The form says the referrer became aware in March: the referral itself arrived late (§4.5).
  expect((shown.body.metLate as ObligationView[]).map((o) => o.id)).toEqual(['referral-submitted']);
  const met = shown.body.met as ObligationView[];
  expect(met.map((o) => o.id).sort()).toEqual(
    [
      'csprp-acknowledgement',
      'csprp-response',
      'lcspr-publication',
      'ld-informed',
      'national-notification',
      'rapid-review-meeting',
      'rapid-review-report',
      'referrer-feedback',
      'report-to-panel',
      'reviewer-commissioned',
      'ssp-decision',
      'ssp-informed',
      'terms-of-reference',
    ].sort(),
  );
  const notification = met.find((o) => o.id === 'national-notification')!;
  expect(notification.explanation).toMatchObject({ clock: { event: 'la-became-aware', date: received }, rule: `5 working days after ${received} (la-became-aware)`, section: '§3, §5.2', statutory: true });
  const reportToPanel = met.find((o) => o.id === 'report-to-panel')!;
  expect(reportToPanel.explanation.rule).toBe(`7 working days before ${planned} (planned-publication)`);

  // The register recorded every decision, in order, and what each met.
  const entries = shown.body.register as Array<{ kind: string; obligationId?: string; actor?: { id: string; role: string } }>;
  const decisions = entries.filter((e) => e.kind.startsWith('decision:')).map((e) => e.kind);
  expect(decisions).toEqual([
    'decision:ssp-informed',
    'decision:ssp-decision',
    'decision:referrer-feedback-sent',
    'decision:national-notification',
    'decision:panel-acknowledgement',
    'decision:rapid-review-scheduled',
    'decision:rapid-review-held',
    'decision:rapid-review-report',
    'decision:panel-response',
    'decision:reviewer-commissioned',
    'decision:terms-of-reference-agreed',
    'decision:review-progress',
    'decision:draft-report-to-ld',
    'decision:ssp-sign-off',
    'decision:report-sent-to-panel',
    'decision:published',
  ]);
  expect(entries.find((e) => e.kind === 'decision:published')?.actor).toEqual({ id: 'ssp-la', role: 'ssp' });
  const metIds = entries.filter((e) => e.kind === 'obligation-met').map((e) => e.obligationId);
  expect(metIds).toEqual(expect.arrayContaining(['national-notification', 'rapid-review-meeting', 'lcspr-publication', 'report-to-panel', 'ld-informed']));
  expect(entries.filter((e) => e.kind === 'obligation-missed')).toEqual([]);
  expect(entries).toContainEqual(expect.objectContaining({ kind: 'deadline-set', obligationId: 'publication-kept' }));
  expect(entries).toContainEqual(expect.objectContaining({ kind: 'ssp-decision-shared-sent', obligationId: 'ld-informed' }));

  // Operations see the stage in Temporal's visibility (upserted just after the decision).
  const handle = env.client.workflow.getHandle(workflowIdFor(ref));
  const until = Date.now() + 10_000;
  let stage = (await handle.describe()).typedSearchAttributes.get(CASE_STAGE);
  while (stage !== 'action-plan' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    stage = (await handle.describe()).typedSearchAttributes.get(CASE_STAGE);
  }
  expect(stage).toBe('action-plan');
  const description = await handle.describe();
  expect(description.typedSearchAttributes.get(OVERDUE_COUNT)).toBe(0);
  expect(description.typedSearchAttributes.get(NEXT_DEADLINE)?.toISOString()).toBe(open[0]!.dueAt);
});
