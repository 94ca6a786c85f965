// Corrected clock dates (DSP 1.5, "What changes a deadline"): the Business Unit records a
// later-known date for a clock; every deadline counted from it is recomputed, the old one is
// kept, and the case escalates or reopens as the new deadline says. Expected dates are worked
// out here from the procedure's rules and the bank holiday list.
import type { Actor } from '../../domain/roles';
import { DSP_1_5 } from '../../domain/rulebook';
import { statusQuery } from '../../workflows/contract';
import { caseAwaitingAcknowledgement, caseAwaitingNotification, RATIONALE, skipToWorkingMorning, today } from '../helpers/drive';
import { count, endOfDay, londonDate, londonInstant, notWorking, shiftDays } from '../helpers/expected-dates';
import { actors, decide, mailsFor, refusal, refusalOf, skipPast, startCase, startHarness, waitFor, type CaseHandle, type Harness } from '../helpers/harness';
import { registerKinds } from '../helpers/obligations';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

// ---- Helpers.
const REASON = 'Test reason: the police told the local authority earlier than the referral says';
const NOTIFICATION = DSP_1_5.obligations['national-notification']!.obligation;

/** A case awaiting the national notification (criteria met), whose deadline the corrections move. */
async function caseWithNotificationOpen() {
  const c = await caseAwaitingNotification(h);
  expect(c.status.obligations['national-notification']!.status).toBe('open');
  return c;
}

function correct(handle: CaseHandle, clock: string, correctedTo: string, actor: Actor = actors.businessUnit) {
  return decide(handle, 'clock-corrected', actor, { clock, correctedTo, reason: REASON });
}

/** Working days after `from` up to and including `to`, from the independent oracle. */
function workingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let d = shiftDays(from, 1); d <= to; d = shiftDays(d, 1)) if (!notWorking(d)) n++;
  return n;
}

// ---- Tests.

test('la-became-aware corrected earlier: national-notification moves earlier, the old deadline is kept, escalation comes at the new one', async () => {
  const day = await skipToWorkingMorning(h);
  const c = await caseWithNotificationOpen();
  const before = c.status.obligations['national-notification']!;
  expect(before.deadline.dueDate).toBe(count(day, { workingDaysAfter: 5 }).dueDate);
  const feedbackBefore = c.status.obligations['referrer-feedback']!.deadline;

  const correctedTo = count(day, { workingDaysBefore: 2 }).dueDate;
  const after = await correct(c.handle, 'la-became-aware', correctedTo);
  const o = after.obligations['national-notification']!;
  const expected = count(correctedTo, { workingDaysAfter: 5 });
  expect(o.status).toBe('open');
  expect(o.deadline.clock).toEqual({ event: 'la-became-aware', date: correctedTo });
  expect(o.deadline.dueDate).toBe(expected.dueDate);
  expect(o.deadline.dueAt).toBe(endOfDay(expected.dueDate));
  expect(o.deadline.skipped.map((s) => [s.date, s.reason])).toEqual(expected.skipped);
  expect(o.deadline.dueDate < before.deadline.dueDate).toBe(true);
  expect(o.deadline.dueDate >= day).toBe(true);
  expect(o.previousDeadlines).toEqual([before.deadline]);
  expect(after.open.find((v) => v.id === 'national-notification')?.previousDeadlines).toEqual([{ dueDate: before.deadline.dueDate, rule: before.deadline.rule }]);
  expect(after.clocks['la-became-aware']).toBe(correctedTo);
  expect(after.clockCorrections).toEqual([{ clock: 'la-became-aware', from: c.status.clocks['la-became-aware'], to: correctedTo, at: expect.any(String), reason: REASON }]);
  // Deadlines counted from other clocks are untouched.
  expect(after.obligations['referrer-feedback']!.deadline).toEqual(feedbackBefore);
  expect(after.obligations['referrer-feedback']!.previousDeadlines).toEqual([]);

  const recomputed = (await h.cases.caseEntries(c.ref)).filter((e) => e.kind === 'deadline-recomputed');
  // ssp-informed counts from the earlier of la-became-aware and receipt (§5.1, §4.6): it is re-judged too.
  expect(recomputed.map((e) => e.obligationId).sort()).toEqual(['national-notification', 'ssp-informed']);
  expect(recomputed.find((e) => e.obligationId === 'national-notification')!.detail).toMatchObject({ dueDate: expected.dueDate, previousDueDate: before.deadline.dueDate });
  const informed = after.obligations['ssp-informed']!;
  expect(informed.deadline.dueDate).toBe(count(correctedTo, { workingDaysAfter: 1 }).dueDate);
  // It was recorded today, after the end of 1 WD from the corrected awareness: now met late, by working days.
  expect(informed.status).toBe('met-late');
  expect(after.metLate.find((v) => v.id === 'ssp-informed')?.late?.workingDays).toBe(workingDaysBetween(informed.deadline.dueDate, day));

  await skipPast(h, o.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject === `[${c.ref}] MISSED - ${NOTIFICATION}: was due ${expected.dueDate}`);
  const missed = await waitFor(c.handle, (s) => s.obligations['national-notification']?.status === 'missed');
  expect(Date.parse(missed.obligations['national-notification']!.escalatedAt!)).toBeLessThan(Date.parse(before.deadline.dueAt));
  // Nothing went out against the old deadline after the correction (the receipt at the referral named it, before).
  expect(
    h.smtp.messages.filter((m) => m.subject.startsWith(`[${c.ref}]`) && !m.subject.startsWith(`[${c.ref}] Referral received`) && m.subject.includes(NOTIFICATION) && m.subject.includes(before.deadline.dueDate)),
  ).toHaveLength(0);
});

test('la-became-aware corrected to a date whose deadline has already passed: escalates at once', async () => {
  const day = await skipToWorkingMorning(h);
  const c = await caseWithNotificationOpen();
  const correctedTo = count(day, { workingDaysBefore: 8 }).dueDate;
  const expected = count(correctedTo, { workingDaysAfter: 5 });
  expect(expected.dueDate < day).toBe(true);

  const after = await correct(c.handle, 'la-became-aware', correctedTo);
  const o = after.obligations['national-notification']!;
  expect(o.deadline.dueDate).toBe(expected.dueDate);
  expect(o.previousDeadlines).toHaveLength(1);

  // No time skipped: the passed deadline is acted on straight away.
  const escalation = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] MISSED - ${NOTIFICATION}: was due ${expected.dueDate}`);
  expect(escalation.text).toContain(o.deadline.rule);
  const missed = await waitFor(c.handle, (s) => s.obligations['national-notification']?.status === 'missed');
  expect(missed.missed.map((v) => v.id)).toContain('national-notification');
  expect(Date.parse(missed.obligations['national-notification']!.escalatedAt!)).toBeLessThan(Date.parse(endOfDay(day)));
  // Reminders for a deadline already passed are not sent late.
  expect(mailsFor(h, c.ref, `Reminder - ${NOTIFICATION}:`)).toHaveLength(0);
  expect(await registerKinds(h, c.ref, 'national-notification', ['deadline-recomputed', 'obligation-missed', 'escalation-sent'])).toEqual(
    expect.arrayContaining(['deadline-recomputed', 'obligation-missed', 'escalation-sent']),
  );
});

test('referral-received corrected: ssp-informed and ssp-decision move together', async () => {
  const day = await skipToWorkingMorning(h);
  const { handle, ref, status } = await startCase(h);
  const informed = status.obligations['ssp-informed']!;
  const decision = status.obligations['ssp-decision']!;

  const correctedTo = count(day, { workingDaysBefore: 1 }).dueDate;
  const after = await correct(handle, 'referral-received', correctedTo);
  const newInformed = after.obligations['ssp-informed']!;
  const newDecision = after.obligations['ssp-decision']!;
  for (const [o, old, days] of [
    [newInformed, informed, 1],
    [newDecision, decision, 5],
  ] as const) {
    const expected = count(correctedTo, { workingDaysAfter: days });
    expect(o.status).toBe('open');
    expect(o.deadline.clock).toEqual({ event: 'referral-received', date: correctedTo });
    expect(o.deadline.dueDate).toBe(expected.dueDate);
    expect(o.deadline.skipped.map((s) => [s.date, s.reason])).toEqual(expected.skipped);
    expect(o.deadline.dueDate < old.deadline.dueDate).toBe(true);
    expect(o.previousDeadlines).toEqual([old.deadline]);
  }
  // 1 WD after the previous working day is today.
  expect(newInformed.deadline.dueDate).toBe(day);
  expect(after.clockCorrections).toEqual([{ clock: 'referral-received', from: status.receivedAt, to: correctedTo, at: expect.any(String), reason: REASON }]);
  // The referral's own receipt time (decisions may not predate it) does not change.
  expect(after.receivedAt).toBe(status.receivedAt);
  const recomputed = (await h.cases.caseEntries(ref)).filter((e) => e.kind === 'deadline-recomputed').map((e) => e.obligationId);
  expect(recomputed.sort()).toEqual(['ssp-decision', 'ssp-informed']);

  await skipPast(h, newInformed.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject === `[${ref}] MISSED - ${DSP_1_5.obligations['ssp-informed']!.obligation}: was due ${day}`);
});

test('la-became-aware cannot be corrected to after the referral was received: a missed notification stays missed', async () => {
  await skipToWorkingMorning(h);
  const c = await caseWithNotificationOpen();
  const first = c.status.obligations['national-notification']!;
  await skipPast(h, first.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject === `[${c.ref}] MISSED - ${NOTIFICATION}: was due ${first.deadline.dueDate}`);
  const missed = await waitFor(c.handle, (s) => s.obligations['national-notification']?.status === 'missed');

  // On main before this change, this reopened the missed statutory notification (and a later
  // recording then counted it as met): the referral itself makes the LA aware, so it is refused.
  const attempt = await refusal(correct(c.handle, 'la-became-aware', await today(h)));
  expect(attempt?.type).toBe('WrongStage');
  expect(attempt?.message).toMatch(/no later than the referral was received/);
  const after = await c.handle.query(statusQuery);
  expect(after.obligations['national-notification']).toEqual(missed.obligations['national-notification']);
  expect(after.clocks['la-became-aware']).toBe(missed.clocks['la-became-aware']);
  expect(after.missed.map((v) => v.id)).toContain('national-notification');
});

test('a correction that moves a missed deadline into the future re-judges it, keeping the miss on record; it escalates again at the new deadline', async () => {
  await skipToWorkingMorning(h);
  const c = await caseAwaitingAcknowledgement(h);
  const ACK = DSP_1_5.obligations['csprp-acknowledgement']!.obligation;
  const first = c.status.obligations['csprp-acknowledgement']!;
  await skipPast(h, first.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Overdue (local policy) - ${ACK}: was due ${first.deadline.dueDate}`);
  const missed = await waitFor(c.handle, (s) => s.obligations['csprp-acknowledgement']?.status === 'missed');
  const escalatedAt = missed.obligations['csprp-acknowledgement']!.escalatedAt!;

  // The notification was in fact sent later than recorded: today.
  const correctedTo = await today(h);
  const expected = count(correctedTo, { workingDaysAfter: 3 });
  const after = await correct(c.handle, 'national-notification-sent', correctedTo);
  const o = after.obligations['csprp-acknowledgement']!;
  expect(o.status).toBe('open');
  expect(o.deadline.dueDate).toBe(expected.dueDate);
  expect(o.previousDeadlines).toEqual([first.deadline]);
  // The miss is not erased: it stays on the obligation, in the view, the timeline and the register.
  expect(o.missed).toEqual([{ dueAt: first.deadline.dueAt, escalatedAt }]);
  expect(after.open.find((v) => v.id === 'csprp-acknowledgement')?.missedBefore).toEqual([{ dueAt: first.deadline.dueAt, escalatedAt }]);
  expect(after.timeline.some((t) => t.kind === 'obligation-rejudged' && t.obligationId === 'csprp-acknowledgement' && t.detail?.from === 'missed' && t.detail?.to === 'open')).toBe(true);
  expect(await registerKinds(h, c.ref, 'csprp-acknowledgement', ['obligation-missed', 'obligation-rejudged'])).toEqual(expect.arrayContaining(['obligation-missed', 'obligation-rejudged']));

  await skipPast(h, o.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Overdue (local policy) - ${ACK}: was due ${expected.dueDate}`);
  await waitFor(c.handle, (s) => s.obligations['csprp-acknowledgement']?.status === 'missed');
  const missedRows = (await h.cases.caseEntries(c.ref)).filter((e) => e.obligationId === 'csprp-acknowledgement' && e.kind === 'obligation-missed');
  expect(missedRows).toHaveLength(2);
});

test('refusals: a clock not started, a future date, a role other than the Business Unit; nothing changes', async () => {
  const day = await skipToWorkingMorning(h);
  const { handle, status } = await startCase(h);
  const tomorrow = shiftDays(day, 1);

  expect(await refusalOf(correct(handle, 'lcspr-decision', day))).toBe('WrongStage');
  expect(await refusalOf(correct(handle, 'ssp-decision', day))).toBe('WrongStage');
  expect(await refusalOf(correct(handle, 'referral-received', tomorrow))).toBe('InvalidDecision');
  const inTwoHours = new Date((await h.env.currentTimeMs()) + 2 * 3_600_000).toISOString();
  expect(await refusalOf(correct(handle, 'referral-received', inTwoHours))).toBe('InvalidDecision');
  expect(await refusalOf(correct(handle, 'referral-received', day, actors.ssp))).toBe('RoleNotAllowed');
  expect(await refusalOf(correct(handle, 'referral-received', day, actors.referrer))).toBe('RoleNotAllowed');
  expect(await refusalOf(decide(handle, 'clock-corrected', actors.businessUnit, { clock: 'referral-received', correctedTo: day }))).toBe('InvalidDecision');

  const after = await handle.query(statusQuery);
  expect(after.clockCorrections).toEqual([]);
  expect(after.clocks).toEqual(status.clocks);
  expect(after.obligations['ssp-decision']!.deadline).toEqual(status.obligations['ssp-decision']!.deadline);
  expect(after.timeline.filter((t) => t.kind === 'decision:clock-corrected')).toHaveLength(0);
});

test('refusal: the planned publication date is not corrected but moved with publication-delayed', async () => {
  const c = await caseWithNotificationOpen();
  const { handle } = c;
  await decide(handle, 'referrer-feedback-sent', actors.businessUnit);
  await decide(handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0003' });
  await decide(handle, 'panel-acknowledgement', actors.businessUnit);
  await decide(handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'lcspr', rationale: RATIONALE });
  await decide(handle, 'rapid-review-report', actors.ssp, { levelOfReview: 'lcspr', rationale: RATIONALE });
  await decide(handle, 'panel-response', actors.businessUnit, { response: 'local-review' });
  await decide(handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)', reviewerId: actors.reviewer.id });
  await decide(handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  await decide(handle, 'draft-report-to-ld', actors.reviewer);
  const day = await today(h);
  const planned = count(day, { workingDaysAfter: 15 }).dueDate;
  const signed = await decide(handle, 'ssp-sign-off', actors.ssp, { plannedPublicationDate: planned, publish: 'full-report' });
  const report = signed.obligations['report-to-panel']!;

  const refused = await refusal(correct(handle, 'planned-publication', day));
  expect(refused?.type).toBe('WrongStage');
  expect(refused?.message).toContain('publication-delayed');
  expect((await handle.query(statusQuery)).clockCorrections).toEqual([]);

  const later = count(planned, { workingDaysAfter: 10 }).dueDate;
  const delayed = await decide(handle, 'publication-delayed', actors.ssp, { reason: 'Test reason: criminal proceedings are ongoing', newPlannedPublicationDate: later });
  expect(delayed.clockCorrections).toEqual([{ clock: 'planned-publication', from: planned, to: later, at: expect.any(String), reason: expect.any(String) }]);
  const moved = delayed.obligations['report-to-panel']!;
  expect(moved.deadline.dueDate).toBe(count(later, { workingDaysBefore: 7 }).dueDate);
  expect(moved.previousDeadlines).toEqual([report.deadline]);
  expect(delayed.obligations['publication-delay-explained']!.status).toBe('open');
});

test("refusal: a date that is tomorrow in London is refused in the last hour of a winter (GMT) day too", async () => {
  // 23:30 London on the next day London keeps GMT, when UTC and London share the date.
  const now = await h.env.currentTimeMs();
  let day = londonDate(now);
  let at = londonInstant(day, '23:30:00');
  while (Date.parse(at) <= now || !at.endsWith('T23:30:00.000Z')) {
    day = shiftDays(day, 1);
    at = londonInstant(day, '23:30:00');
  }
  await skipPast(h, at, 0);
  const { handle } = await startCase(h);
  const tomorrow = shiftDays(day, 1);
  expect(await refusalOf(correct(handle, 'referral-received', tomorrow))).toBe('InvalidDecision');
  expect((await handle.query(statusQuery)).clockCorrections).toEqual([]);
});
