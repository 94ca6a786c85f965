// Every obligation after the Rapid Review (and on the learning route), crossing its deadline on
// the time-skipping server: reminders and escalation over SMTP, missed in the case and the
// register, then met late; the one-year minimum period is met by time, or broken. Expected due
// dates are worked out here from the procedure's rules and the bank holiday list.
import type { Mailbox } from '../../domain/roles';
import type { CaseStatus } from '../../domain/case';
import { DSP_1_5 } from '../../domain/rulebook';
import { statusQuery } from '../../workflows/contract';
import { learningReferralForm } from '../fixtures/referral-form';
import { caseAwaitingPanelResponse, caseInLcspr, caseWithDraftReport, RATIONALE, today } from '../helpers/drive';
import { count, londonInstant } from '../helpers/expected-dates';
import { actors, decide, mailsFor, skipPast, startCase, startHarness, waitFor, type CaseHandle, type Harness } from '../helpers/harness';
import { MAILBOX, missThenMeetLate, opened, registerKinds, type Spec } from '../helpers/obligations';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

// ---- Driving a case forward: the steps only this file takes (the shared ones: helpers/drive.ts).

/** Signs the report off for publication 12 WD ahead, sends it to the Panel, publishes it today. */
async function publishToday(handle: CaseHandle): Promise<CaseStatus> {
  const day = await today(h);
  await decide(handle, 'ssp-sign-off', actors.ssp, { plannedPublicationDate: count(day, { workingDaysAfter: 12 }).dueDate, publish: 'full-report' });
  await decide(handle, 'report-sent-to-panel', actors.ssp);
  const status = await decide(handle, 'published', actors.ssp, { publishedOn: day });
  expect(status.stage).toBe('action-plan');
  return status;
}

async function caseInLearningReview() {
  const c = await startCase(h, { referral: learningReferralForm() });
  await decide(c.handle, 'ssp-informed', actors.businessUnit);
  await decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'not-met-learning', rationale: RATIONALE });
  const status = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);
  expect(status.stage).toBe('learning-review');
  return { ...c, status };
}

// ---- Tests.

test('ld-decision (local policy): 20 WD from the learning referral; overdue, escalated, then met late', async () => {
  const c = await caseInLearningReview();
  const spec: Spec = { id: 'ld-decision', clock: 'learning-referred', limit: { workingDaysAfter: 20 }, statutory: false, section: '§10.6' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () =>
    decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit', rationale: RATIONALE }),
  );
});

test("ld-decision-approval (local policy): 10 WD from the L&D Group's decision; overdue, escalated, then met late", async () => {
  const c = await caseInLearningReview();
  const decided = await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit', rationale: RATIONALE });
  expect(decided.stage).toBe('awaiting-ssp-approval');
  const spec: Spec = { id: 'ld-decision-approval', clock: 'ld-decision', limit: { workingDaysAfter: 10 }, statutory: false, section: '§10.7' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: RATIONALE }));
});

test("csprp-response (local policy): 20 WD from the Rapid Review report; overdue, escalated, then met late", async () => {
  const c = await caseAwaitingPanelResponse(h, 'other-review');
  const spec: Spec = { id: 'csprp-response', clock: 'rapid-review-reported', limit: { workingDaysAfter: 20 }, statutory: false, section: '§6.11' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'panel-response', actors.businessUnit, { response: 'local-review' }));
  expect((await c.handle.query(statusQuery)).stage).toBe('other-review');
});

test('further-information (local policy): 5 WD from the Panel asking; overdue, escalated, then met late', async () => {
  const c = await caseAwaitingPanelResponse(h, 'other-review');
  const asked = await decide(c.handle, 'panel-response', actors.businessUnit, { response: 'further-information' });
  expect(asked.stage).toBe('further-information-requested');
  const spec: Spec = { id: 'further-information', clock: 'csprp-response', limit: { workingDaysAfter: 5 }, statutory: false, section: '§6.11' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'further-information-sent', actors.businessUnit));
  // The Panel's response is awaited again, in a second round.
  const after = await c.handle.query(statusQuery);
  expect(after.stage).toBe('awaiting-panel-response');
  expect(after.obligations['csprp-response']).toMatchObject({ status: 'open', round: 2 });
});

test('reviewer-commissioned (local policy): 20 WD from the LCSPR decision; overdue, escalated, then met late', async () => {
  const c = await caseInLcspr(h);
  await decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  const spec: Spec = { id: 'reviewer-commissioned', clock: 'lcspr-decision', limit: { workingDaysAfter: 20 }, statutory: false, section: '§8.1' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)', reviewerId: actors.reviewer.id }));
});

test('terms-of-reference (local policy): 30 WD from the LCSPR decision; overdue, escalated, then met late', async () => {
  const c = await caseInLcspr(h);
  await decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)', reviewerId: actors.reviewer.id });
  const spec: Spec = { id: 'terms-of-reference', clock: 'lcspr-decision', limit: { workingDaysAfter: 30 }, statutory: false, section: '§9.1' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair));
});

test('publication-delay-explained (local policy): 5 WD from the delay; overdue, escalated, then met late', async () => {
  const c = await caseInLcspr(h);
  await decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)', reviewerId: actors.reviewer.id });
  await decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  await decide(c.handle, 'publication-delayed', actors.ssp, { reason: 'Test reason: criminal proceedings are ongoing' });
  const spec: Spec = { id: 'publication-delay-explained', clock: 'publication-delayed', limit: { workingDaysAfter: 5 }, statutory: false, section: '§15.5' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'delay-explained-to-panel', actors.ssp));
});

test('non-publication-justified (local policy): 5 WD from the decision not to publish; overdue, escalated, then met late', async () => {
  const c = await caseWithDraftReport(h);
  const decided = await decide(c.handle, 'not-to-publish', actors.ssp, { justification: 'Test justification: publication would harm the family' });
  expect(decided.obligations['lcspr-publication']!.status).toBe('withdrawn');
  const spec: Spec = { id: 'non-publication-justified', clock: 'decision-not-to-publish', limit: { workingDaysAfter: 5 }, statutory: false, section: '§15.3' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'justification-sent-to-panel', actors.ssp));
});

test('report-to-panel: at least 7 WD before the planned publication date; missed, escalated, then met late', async () => {
  const c = await caseWithDraftReport(h);
  const planned = count(await today(h), { workingDaysAfter: 12 }).dueDate;
  await decide(c.handle, 'ssp-sign-off', actors.ssp, { plannedPublicationDate: planned, publish: 'learning-and-recommendations' });
  const spec: Spec = { id: 'report-to-panel', clock: 'planned-publication', limit: { workingDaysBefore: 7 }, statutory: true, section: '§14.7' };
  const opening = await opened(h, c.handle, spec);
  expect(opening.o.deadline.clock.date).toBe(planned);
  expect(opening.o.deadline.dueDate < planned).toBe(true);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'report-sent-to-panel', actors.ssp));
});

test('publication-kept: removing the report before the year is up breaks it and sends a Broken email', async () => {
  const c = await caseWithDraftReport(h);
  const published = await publishToday(c.handle);
  expect(published.obligations['lcspr-publication']!.status).toBe('met');
  const spec: Spec = { id: 'publication-kept', clock: 'publication', limit: { monthsAfter: 12 }, statutory: true, section: '§14.4' };
  const { o, pending } = await opened(h, c.handle, spec);
  expect(pending).toHaveLength(0);
  const rule = DSP_1_5.obligations['publication-kept']!;

  // A month later, at midday, well before the year is up.
  await skipPast(h, londonInstant(count(o.deadline.clock.date, { monthsAfter: 1 }).dueDate, '12:00:00'), 0);
  const removed = await decide(c.handle, 'publication-removed', actors.ssp, { reason: 'Test reason: removed on legal advice' });
  expect(removed.obligations['publication-kept']!.status).toBe('broken');
  expect(removed.closed.map((v) => v.id)).toContain('publication-kept');

  const broken = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Broken - ${rule.obligation}: required until ${o.deadline.dueDate}`);
  expect([...broken.to].sort()).toEqual(rule.escalateTo.map((m) => MAILBOX[m as Mailbox]).sort());
  expect(broken.text).toContain(o.deadline.rule);
  expect(broken.text).toContain(o.deadline.section);
  expect(mailsFor(h, c.ref, `MISSED - ${rule.obligation}:`)).toHaveLength(0);
  expect(await registerKinds(h, c.ref, 'publication-kept', ['obligation-broken', 'breach-sent'])).toEqual(
    expect.arrayContaining(['deadline-set', 'obligation-broken', 'breach-sent']),
  );
});

test('lcspr-publication: 6 calendar months from the LCSPR decision, reminded a month, 10 WD and 2 WD before; missed, escalated, then met late', async () => {
  const c = await caseWithDraftReport(h);
  const spec: Spec = { id: 'lcspr-publication', clock: 'lcspr-decision', limit: { monthsAfter: 6 }, statutory: true, section: '§15.5' };
  const opening = await opened(h, c.handle, spec);
  const due = opening.o.deadline.dueDate;
  expect(opening.o.deadline.skipped).toEqual([]);
  expect(opening.pending).toEqual(
    [
      londonInstant(count(due, { monthsAfter: -1 }).dueDate, '09:00:00'),
      londonInstant(count(due, { workingDaysBefore: 10 }).dueDate, '09:00:00'),
      londonInstant(count(due, { workingDaysBefore: 2 }).dueDate, '09:00:00'),
    ].sort(),
  );
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => publishToday(c.handle));
});

test('publication-kept: a minimum period, met when its year is up, with no escalation', async () => {
  const c = await caseWithDraftReport(h);
  await publishToday(c.handle);
  const spec: Spec = { id: 'publication-kept', clock: 'publication', limit: { monthsAfter: 12 }, statutory: true, section: '§14.4' };
  const { o } = await opened(h, c.handle, spec);
  const rule = DSP_1_5.obligations['publication-kept']!;

  await skipPast(h, o.deadline.dueAt);
  const kept = await waitFor(c.handle, (s) => s.obligations['publication-kept']?.status !== 'open');
  expect(kept.obligations['publication-kept']).toMatchObject({ status: 'met', metAt: o.deadline.dueAt });
  expect(kept.met.map((v) => v.id)).toContain('publication-kept');
  const kinds = await registerKinds(h, c.ref, 'publication-kept', ['obligation-met']);
  expect(kinds).toContain('obligation-met');
  expect(kinds).not.toContain('obligation-missed');
  expect(kinds).not.toContain('escalation-sent');
  expect(h.smtp.messages.filter((m) => m.subject.startsWith(`[${c.ref}]`) && m.subject.includes(rule.obligation))).toHaveLength(0);
});
