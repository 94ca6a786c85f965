// A case under the WT-2023 rulebook through the real workflow on the time-skipping server: the
// rapid review counts its 15 working days from the day the notification was sent (the Panel's
// guidance, June 2025), here a Thursday before a bank holiday weekend, while the Panel's
// acknowledgement is awaited beside it; and a rapid review report without its inequalities
// analysis is refused, naming it; its emails speak of the Delegated Safeguarding Partners. Expected dates come from the independent oracle
// (test/helpers/expected-dates.ts), never from the code's calendar.
import { WT_2023 } from '../../domain/rulebook';
import { statusQuery } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { RATIONALE, referrerAwareOn } from '../helpers/drive';
import { BANK_HOLIDAYS, count, endOfDay, londonDate, londonInstant, notWorking, shiftDays } from '../helpers/expected-dates';
import { actors, decide, refusal, skipPast, startCase, startHarness, waitFor, type Harness } from '../helpers/harness';
import { MAILBOX } from '../helpers/obligations';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The first Thursday at least `from` + 2 days whose Friday and following Monday are bank holidays (Christmas, Easter). */
function thursdayBeforeBankHolidayWeekend(from: string): string {
  for (let day = shiftDays(from, 2); ; day = shiftDays(day, 1)) {
    const isThursday = new Date(`${day}T12:00:00Z`).getUTCDay() === 4;
    if (isThursday && BANK_HOLIDAYS.has(shiftDays(day, 1)) && BANK_HOLIDAYS.has(shiftDays(day, 4))) return day;
  }
}

const CONTENT = {
  factsAndAgencyInvolvement: 'Test facts: agency involvement and key practice episodes',
  immediateAction: 'Test immediate action',
  potentialImprovements: 'Test improvements',
  nextSteps: 'Test next steps',
};

test("WT-2023: notified on the Thursday before a bank holiday weekend, the rapid review is due 15 working days from that day; the acknowledgement does not move it", async () => {
  const thursday = thursdayBeforeBankHolidayWeekend(londonDate(await h.env.currentTimeMs()));
  const tuesday = shiftDays(thursday, -2);
  expect(notWorking(tuesday)).toBeUndefined();
  await skipPast(h, londonInstant(tuesday, '10:00:00'), 0);
  const c = await startCase(h, { referral: referrerAwareOn(validReferralForm(), tuesday), rulebookVersion: 'WT-2023' });
  expect(c.status.rulebookVersion).toBe('WT-2023');
  await decide(c.handle, 'ssp-informed', actors.businessUnit);
  await decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: RATIONALE });
  await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);

  await skipPast(h, londonInstant(thursday, '10:00:00'), 0);
  const notified = await decide(c.handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0001' });
  expect(notified.stage).toBe('rapid-review');
  expect(notified.obligations['csprp-acknowledgement']!.status).toBe('open');

  const limit = count(thursday, { workingDaysAfter: 15 });
  // Friday and Monday are bank holidays, with the weekend between: the count starts on Tuesday.
  expect(limit.skipped.slice(0, 4)).toEqual([
    [shiftDays(thursday, 1), 'bank holiday'],
    [shiftDays(thursday, 2), 'weekend'],
    [shiftDays(thursday, 3), 'weekend'],
    [shiftDays(thursday, 4), 'bank holiday'],
  ]);
  for (const id of ['rapid-review-meeting', 'rapid-review-report']) {
    const o = notified.obligations[id]!;
    expect(o.deadline.clock).toEqual({ event: 'national-notification-sent', date: thursday });
    expect(o.deadline.dueDate).toBe(limit.dueDate);
    expect(o.deadline.dueAt).toBe(endOfDay(limit.dueDate));
    expect(o.deadline.skipped.map((s) => [s.date, s.reason])).toEqual(limit.skipped);
    expect(o.deadline.section).toBe(WT_2023.obligations[id]!.section);
  }
  // §6.2's 7-10 working day window, counted from the same day.
  const meeting = notified.obligations['rapid-review-meeting']!.deadline;
  expect(meeting.target?.dueDate).toBe(count(thursday, { workingDaysAfter: 10 }).dueDate);
  expect(meeting.target?.window?.fromDate).toBe(count(thursday, { workingDaysAfter: 7 }).dueDate);

  // The chair hears at once that the meeting is theirs, in WT-2023's words.
  const yours = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Now yours - ${WT_2023.obligations['rapid-review-meeting']!.obligation}: due ${limit.dueDate}`);
  expect(yours.to).toEqual([MAILBOX['rapid-review-chair']]);

  // The meeting is held before the Panel acknowledges; the acknowledgement then changes no date.
  const firstWorkingDay = count(thursday, { workingDaysAfter: 1 }).dueDate;
  await skipPast(h, londonInstant(firstWorkingDay, '10:00:00'), 0);
  await decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'lcspr', rationale: RATIONALE });
  const acknowledged = await decide(c.handle, 'panel-acknowledgement', actors.businessUnit);
  expect(acknowledged.stage).toBe('awaiting-level-of-review');
  expect(acknowledged.obligations['csprp-acknowledgement']!.status).toBe('met');
  expect(acknowledged.obligations['rapid-review-report']!.deadline.dueDate).toBe(limit.dueDate);
  expect(acknowledged.obligations['rapid-review-report']!.deadline.clock.event).toBe('national-notification-sent');

  // The report without its inequalities analysis is refused, naming it; nothing changes.
  const refused = await refusal(decide(c.handle, 'rapid-review-report', actors.ssp, { levelOfReview: 'lcspr', rationale: RATIONALE, ...CONTENT }));
  expect(refused?.type).toBe('InvalidDecision');
  expect(refused?.message).toContain('rapid-review-report');
  const unchanged = await c.handle.query(statusQuery);
  expect(unchanged.obligations['rapid-review-report']!.status).toBe('open');
  expect(unchanged.stage).toBe('awaiting-level-of-review');

  const reported = await decide(c.handle, 'rapid-review-report', actors.ssp, {
    levelOfReview: 'lcspr',
    rationale: RATIONALE,
    ...CONTENT,
    racismAndInequalities: 'Test analysis of racism and inequalities, including disability',
  });
  expect(reported.obligations['rapid-review-report']!.status).toBe('met');
  expect(reported.stage).toBe('awaiting-panel-response');
  await waitFor(c.handle, (s) => s.obligations['lcspr-publication']?.status === 'open');

  // Every email about the case speaks of the Delegated Safeguarding Partners, never the seed's SSP.
  const decided = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Safeguarding partners' decision: criteria-met`);
  expect(decided.text).toContain('the Delegated Safeguarding Partners have decided');
  const about = h.smtp.messages.filter((m) => m.subject.startsWith(`[${c.ref}]`));
  expect(about.length).toBeGreaterThan(5);
  expect(about.filter((m) => /\bSSP\b|Statutory Safeguarding Partners/.test(`${m.subject}\n${m.text}`)).map((m) => m.subject)).toEqual([]);
});
