// The main LCSPR path end to end through the real API (supertest), a real worker, the Temporal
// dev server and a real SMTP listener: referral, SSP decision (criteria met), notification,
// Rapid Review, the Panel's local-review response, the review, sign-off, the report to the
// Panel, publication and the action plan. Decisions are made in time only (no time skipping here).
import request from 'supertest';
import type { CaseStatus, ObligationView } from '../../domain/case';
import type { Role } from '../../domain/roles';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT, workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { londonDate, monthsAfter, notWorking, shiftDays, workingDaysAfter, workingDaysBefore } from '../helpers/expected-dates';

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
/** A second independent reviewer the SSP may bring in (§8.1). */
const SECOND_REVIEWER = { id: 'reviewer-2', role: 'reviewer' as Role, agency: 'Test agency (reviewer)', token: 'e2e-lcspr-second-reviewer-token' };
const PEOPLE = [...(Object.keys(ROLE_IDS) as Role[]).map((role) => ({ id: ROLE_IDS[role], role, agency: `Test agency (${role})`, token: tokenOf(role) })), SECOND_REVIEWER];

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

function post(ref: string, decision: string, role: Role, body: Record<string, unknown> = {}) {
  return request(stack.app).post(`/cases/${ref}/decisions/${decision}`).set('Authorization', `Bearer ${tokenOf(role)}`).send(body);
}

/**
 * Records a decision that must be accepted, checks the stage its answer gives, and returns the
 * whole case as GET /cases/:ref then shows it (the answer itself is small: what changed, what is due).
 */
async function decideOk(ref: string, decision: string, role: Role, body: Record<string, unknown>, stage: string): Promise<CaseStatus> {
  const res = await post(ref, decision, role, body);
  expect({ decision, status: res.status, stage: res.body.stage }).toEqual({ decision, status: 200, stage });
  const shown = await request(stack.app).get(`/cases/${ref}`).set('Authorization', `Bearer ${tokenOf(role)}`);
  expect(shown.status).toBe(200);
  return shown.body as CaseStatus;
}

test('LCSPR path through the API: referral to publication and the action plan, with emails, refusals, explanations, register and visibility', async () => {
  const created = await request(stack.app).post('/referrals').set('Authorization', `Bearer ${tokenOf('business-unit')}`).send({ referral: validReferralForm() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  const received = londonDate(created.body.receivedAt);

  // The Business Unit's receipt: 1 WD from receipt to inform the SSP (§4.6, §5.1).
  const receipt = await stack.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expect(receipt.to).toEqual(['business-unit@partnership.example.org']);
  expect(receipt.subject).toBe(`[${ref}] Referral received - Business Unit informs the Statutory Safeguarding Partners: due ${workingDaysAfter(received, 1)}`);
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
  expect(decided.obligations['national-notification']!.deadline.dueDate).toBe(workingDaysAfter(received, 5));
  expect(decided.obligations['referrer-feedback']!.deadline.dueDate).toBe(workingDaysAfter(decisionDay, 5));

  // §5.6, §10.1: the decision goes to the L&D Chair at once, without personal details.
  const toLd = await stack.smtp.waitFor((m) => m.subject === `[${ref}] SSP decision: criteria-met`);
  expect(toLd.to).toEqual(['ld-chair@partnership.example.org']);
  expect(toLd.text).not.toContain('Test Child');

  await decideOk(ref, 'referrer-feedback-sent', 'business-unit', {}, 'awaiting-national-notification');
  await decideOk(ref, 'national-notification', 'business-unit', { panelReference: 'CSPRP-E2E-0001' }, 'awaiting-panel-acknowledgement');
  const acknowledged = await decideOk(ref, 'panel-acknowledgement', 'business-unit', {}, 'rapid-review');
  const ackDay = londonDate(acknowledged.clocks['csprp-acknowledgement']!);
  const meeting = acknowledged.obligations['rapid-review-meeting']!.deadline;
  expect(meeting.dueDate).toBe(workingDaysAfter(ackDay, 15));
  expect(meeting.target?.dueDate).toBe(workingDaysAfter(ackDay, 10));
  expect(acknowledged.obligations['rapid-review-report']!.deadline.dueDate).toBe(workingDaysAfter(ackDay, 15));

  const scheduled = await decideOk(ref, 'rapid-review-scheduled', 'rapid-review-chair', { meetingDate: workingDaysAfter(ackDay, 7) }, 'rapid-review');
  // The decision's own line: emails sent since (the panel's calendar entry) have theirs after it.
  expect(scheduled.timeline.filter((t) => t.kind.startsWith('decision:')).at(-1)).toMatchObject({ kind: 'decision:rapid-review-scheduled', detail: { warning: 'none' } });
  await decideOk(ref, 'rapid-review-held', 'rapid-review-chair', { recommendation: 'lcspr', rationale: 'Learning for the partnership (test).' }, 'awaiting-level-of-review');
  const reported = await decideOk(ref, 'rapid-review-report', 'ssp', { levelOfReview: 'lcspr', rationale: 'An LCSPR (test).' }, 'awaiting-panel-response');
  const lcsprDay = londonDate(reported.clocks['lcspr-decision']!);
  expect(reported.obligations['lcspr-publication']!.deadline.dueDate).toBe(monthsAfter(lcsprDay, 6));

  const local = await decideOk(ref, 'panel-response', 'business-unit', { response: 'local-review' }, 'lcspr');
  expect(local.open.map((o) => o.id).sort()).toEqual(['lcspr-publication', 'reviewer-commissioned', 'terms-of-reference']);

  // Before they are commissioned on it, the reviewer may not write to the case: for them it does not exist (§8).
  const notCommissioned = await post(ref, 'draft-report-to-ld', 'reviewer');
  expect([notCommissioned.status, notCommissioned.body.error.code]).toEqual([404, 'CaseNotFound']);
  await decideOk(ref, 'reviewer-commissioned', 'ssp', { reviewer: 'Independent reviewer (test)', reviewerId: ROLE_IDS.reviewer }, 'lcspr');
  // The draft cannot go to the L&D Group before the reviewer and terms of reference.
  const draftTooSoon = await post(ref, 'draft-report-to-ld', 'reviewer');
  expect(draftTooSoon.status).toBe(409);
  expect(draftTooSoon.body.error.code).toBe('WrongStage');

  await decideOk(ref, 'terms-of-reference-agreed', 'rapid-review-chair', {}, 'lcspr');
  await decideOk(ref, 'review-progress', 'reviewer', { summary: 'Practitioner event held (test).' }, 'lcspr');
  await decideOk(ref, 'draft-report-to-ld', 'reviewer', {}, 'lcspr-draft');

  const planned = shiftDays(londonDate(Date.now()), 60);
  const signedOff = await decideOk(ref, 'ssp-sign-off', 'ssp', { plannedPublicationDate: planned, publish: 'full-report' }, 'awaiting-publication');
  // §14.7: at least 7 WD before the planned publication.
  expect(signedOff.obligations['report-to-panel']!.deadline.dueDate).toBe(workingDaysBefore(planned, 7));
  const sent = await decideOk(ref, 'report-sent-to-panel', 'ssp', {}, 'awaiting-publication');
  expect(sent.obligations['report-to-panel']!.status).toBe('met');

  const publishedOn = londonDate(Date.now());
  const published = await decideOk(ref, 'published', 'ssp', { publishedOn }, 'action-plan');
  expect(published.obligations['lcspr-publication']!.status).toBe('met');

  const again = await post(ref, 'published', 'ssp', { publishedOn });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('WrongStage');

  // The case as a person reads it: every obligation with how its deadline was counted.
  // Emails and register rows follow a decision's answer; the case says how many are still pending.
  const shown = await settledCase(stack.app, ref, tokenOf('ld-chair'));
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
  // §14.7 is judged against the real publication date: published today, 60 days before the plan,
  // the report sent today was due 7 WD before today. It is re-judged met late, and says by how much.
  const metLate = shown.body.metLate as ObligationView[];
  expect(metLate.map((o) => o.id).sort()).toEqual(['referral-submitted', 'report-to-panel']);
  const report = metLate.find((o) => o.id === 'report-to-panel')!;
  expect(report.dueDate).toBe(workingDaysBefore(publishedOn, 7));
  let lateBy = 0;
  for (let d = shiftDays(report.dueDate, 1); d <= publishedOn; d = shiftDays(d, 1)) if (!notWorking(d)) lateBy++;
  expect(report.late).toEqual({ workingDays: Math.max(lateBy, 1) });
  expect((shown.body.timeline as Array<{ kind: string; obligationId?: string }>).some((t) => t.kind === 'obligation-rejudged' && t.obligationId === 'report-to-panel')).toBe(true);
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
      'reviewer-commissioned',
      'ssp-decision',
      'ssp-informed',
      'terms-of-reference',
    ].sort(),
  );
  const notification = met.find((o) => o.id === 'national-notification')!;
  expect(notification.explanation).toMatchObject({ clock: { event: 'la-became-aware', date: received }, rule: `5 working days after ${received} (la-became-aware)`, section: '§3, §5.2', statutory: true });
  // Counted first from the planned date, then from the real one; both kept.
  expect(report.explanation.rule).toBe(`7 working days before ${publishedOn} (planned-publication)`);
  expect(report.previousDeadlines.map((d) => d.rule)).toEqual([`7 working days before ${planned} (planned-publication)`]);

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
  // The reviewer's name, published with the report (§14.4), is kept: in the register (sealed at
  // rest, opened for those who read the whole case) and in the timeline.
  expect((entries as Array<{ kind: string; detail?: Record<string, unknown> }>).find((e) => e.kind === 'decision:reviewer-commissioned')?.detail).toMatchObject({ reviewer: 'Independent reviewer (test)' });
  expect((shown.body.timeline as Array<{ kind: string; names?: unknown }>).find((t) => t.kind === 'decision:reviewer-commissioned')?.names).toEqual({ reviewer: 'Independent reviewer (test)' });
  const metIds = entries.filter((e) => e.kind === 'obligation-met').map((e) => e.obligationId);
  expect(metIds).toEqual(expect.arrayContaining(['national-notification', 'rapid-review-meeting', 'lcspr-publication', 'report-to-panel', 'ld-informed']));
  expect(entries.filter((e) => e.kind === 'obligation-missed')).toEqual([]);
  expect(entries).toContainEqual(expect.objectContaining({ kind: 'deadline-set', obligationId: 'publication-kept' }));
  expect(entries).toContainEqual(expect.objectContaining({ kind: 'ssp-decision-shared-sent', obligationId: 'ld-informed' }));

  // Operations see the stage in Temporal's visibility (upserted just after the decision).
  const handle = stack.env.client.workflow.getHandle(workflowIdFor(ref));
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

test('no dead end at the LCSPR: the reviewer is named by sign-in ID, and the SSP replace one who steps down (§8.1)', async () => {
  const created = await request(stack.app).post('/referrals').set('Authorization', `Bearer ${tokenOf('business-unit')}`).send({ referral: validReferralForm() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  await decideOk(ref, 'ssp-informed', 'business-unit', {}, 'awaiting-ssp-decision');
  await decideOk(ref, 'ssp-decision', 'ssp', { outcome: 'criteria-met', rationale: 'Serious harm (test).' }, 'awaiting-national-notification');
  await decideOk(ref, 'national-notification', 'business-unit', { panelReference: 'CSPRP-E2E-0002' }, 'awaiting-panel-acknowledgement');
  await decideOk(ref, 'panel-acknowledgement', 'business-unit', {}, 'rapid-review');
  await decideOk(ref, 'rapid-review-held', 'rapid-review-chair', { recommendation: 'lcspr', rationale: 'Learning (test).' }, 'awaiting-level-of-review');
  await decideOk(ref, 'rapid-review-report', 'ssp', { levelOfReview: 'lcspr', rationale: 'An LCSPR (test).' }, 'awaiting-panel-response');
  await decideOk(ref, 'panel-response', 'business-unit', { response: 'local-review' }, 'lcspr');

  // Without the sign-in ID the commissioning is refused, saying what the ID is for (the case sat at lcspr for ever).
  const unnamed = await post(ref, 'reviewer-commissioned', 'ssp', { reviewer: 'Independent reviewer (test)' });
  expect([unnamed.status, unnamed.body.error.code]).toEqual([422, 'InvalidDecision']);
  expect(unnamed.body.error.problems).toEqual([{ path: 'reviewerId', message: expect.stringMatching(/^reviewerId is missing: send the reviewer's sign-in ID: it lets the reviewer read the case/) }]);
  await decideOk(ref, 'reviewer-commissioned', 'ssp', { reviewer: 'Independent reviewer (test)', reviewerId: ROLE_IDS.reviewer }, 'lcspr');
  await decideOk(ref, 'terms-of-reference-agreed', 'rapid-review-chair', {}, 'lcspr');

  // The reviewer steps down (a conflict of interest): the SSP bring in another, with the reason.
  const unknownReplaced = await post(ref, 'reviewer-changed', 'ssp', { reviewer: 'Second reviewer (test)', reviewerId: SECOND_REVIEWER.id, replaces: 'nobody-here', reason: 'Conflict of interest (test).' });
  expect([unknownReplaced.status, unknownReplaced.body.error.code]).toEqual([409, 'WrongStage']);
  const changed = await decideOk(ref, 'reviewer-changed', 'ssp', { reviewer: 'Second reviewer (test)', reviewerId: SECOND_REVIEWER.id, replaces: ROLE_IDS.reviewer, reason: 'Conflict of interest (test).' }, 'lcspr');
  expect(changed.timeline.filter((t) => t.kind.startsWith('decision:reviewer-')).map((t) => [t.kind, t.detail])).toEqual([
    ['decision:reviewer-commissioned', { reviewerId: ROLE_IDS.reviewer }],
    ['decision:reviewer-changed', { reviewerId: SECOND_REVIEWER.id, replaced: ROLE_IDS.reviewer }],
  ]);
  expect(changed.timeline.filter((t) => t.kind.startsWith('decision:reviewer-')).map((t) => (t as { names?: unknown }).names)).toEqual([
    { reviewer: 'Independent reviewer (test)' },
    { reviewer: 'Second reviewer (test)' },
  ]);
  // The one who stepped down no longer reads the case or writes to it; the new one does.
  const asFirst = await request(stack.app).get(`/cases/${ref}`).set('Authorization', `Bearer ${tokenOf('reviewer')}`);
  expect([asFirst.status, asFirst.body.error?.code]).toEqual([404, 'CaseNotFound']);
  expect((await post(ref, 'review-progress', 'reviewer', { summary: 'Still here (test).' })).status).toBe(404);
  const draft = await request(stack.app).post(`/cases/${ref}/decisions/draft-report-to-ld`).set('Authorization', `Bearer ${SECOND_REVIEWER.token}`).send({});
  expect([draft.status, draft.body.stage]).toEqual([200, 'lcspr-draft']);
});
