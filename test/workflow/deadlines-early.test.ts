// Every obligation up to the Rapid Review, crossing its deadline on the time-skipping server:
// the reminders and the escalation arrive over SMTP, the case shows it missed, the register has
// it, then the decision that meets it is recorded late. Expected due dates are worked out here
// from the procedure's rules and the bank holiday list, not taken from the code.
import { referralFormSchema } from '../../domain/referral-form';
import { govukDate } from '../../domain/govuk-dates';
import { DSP_1_5 } from '../../domain/rulebook';
import { statusQuery } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { caseAwaitingAcknowledgement, caseAwaitingNotification, caseAwaitingSspDecision, caseInRapidReview, RATIONALE, referrerAwareOn } from '../helpers/drive';
import { count, endOfDay, londonDate, londonInstant } from '../helpers/expected-dates';
import { actors, decide, mailsFor, skipPast, startCase, startHarness, waitFor, type Harness } from '../helpers/harness';
import { MAILBOX, missThenMeetLate, opened, overdueCountAttribute, registerKinds, type Spec } from '../helpers/obligations';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The fixture's referral, with the referrer aware on `becameAware` and submitting on `today`. */
function referralAwareOn(becameAware: string, today: string) {
  const referral = referrerAwareOn(validReferralForm(), becameAware, today);
  expect(referralFormSchema.safeParse(referral).success).toBe(true);
  return referral;
}

// ---- Tests.

test("the expected-date helper reproduces the procedure's worked examples", () => {
  expect(count('2026-12-21', { workingDaysAfter: 5 })).toEqual({
    dueDate: '2026-12-30',
    skipped: [
      ['2026-12-25', 'bank holiday'],
      ['2026-12-26', 'weekend'],
      ['2026-12-27', 'weekend'],
      ['2026-12-28', 'bank holiday'],
    ],
  });
  expect(count('2026-08-31', { monthsAfter: 6 }).dueDate).toBe('2027-02-28');
  expect(count('2027-08-31', { monthsAfter: 6 }).dueDate).toBe('2028-02-29');
  // 8, 7, 6, 5, 4 Jan; 1 Jan is a bank holiday; 31, 30 Dec.
  expect(count('2027-01-11', { workingDaysBefore: 7 }).dueDate).toBe('2026-12-30');
  expect(endOfDay('2026-12-30')).toBe('2026-12-30T23:59:59.999Z');
  expect(endOfDay('2027-06-30')).toBe('2027-06-30T22:59:59.999Z');
});

test('referral-submitted: a referral arriving more than 1 WD after the referrer became aware is met late on arrival, with no email', async () => {
  const today = londonDate(await h.env.currentTimeMs());
  const becameAware = count(today, { workingDaysBefore: 3 }).dueDate;
  const { handle, ref, status } = await startCase(h, { referral: referralAwareOn(becameAware, today) });
  const rule = DSP_1_5.obligations['referral-submitted']!;

  const o = status.obligations['referral-submitted']!;
  const expected = count(becameAware, { workingDaysAfter: 1 });
  expect(o.deadline.clock).toEqual({ event: 'referrer-became-aware', date: becameAware });
  expect(o.deadline.dueDate).toBe(expected.dueDate);
  expect(o.deadline.dueAt).toBe(endOfDay(expected.dueDate));
  expect(o.deadline.skipped.map((s) => [s.date, s.reason])).toEqual(expected.skipped);
  expect(o.deadline.section).toContain('§4.5');
  expect(expected.dueDate < today).toBe(true);
  expect(o.status).toBe('met-late');
  expect(o.metAt).toBe(status.receivedAt);
  expect(status.metLate.map((v) => v.id)).toContain('referral-submitted');
  expect(status.missed.map((v) => v.id)).not.toContain('referral-submitted');

  const kinds = await registerKinds(h, ref, 'referral-submitted', ['obligation-met-late']);
  expect(kinds).toEqual(expect.arrayContaining(['deadline-set', 'obligation-met-late']));
  expect(kinds).not.toContain('obligation-missed');
  expect(kinds).not.toContain('escalation-sent');

  // Later, when ssp-informed (not recorded here) escalates, still nothing about the referral itself.
  const informed = status.obligations['ssp-informed']!;
  await skipPast(h, informed.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] MISSED - ${DSP_1_5.obligations['ssp-informed']!.obligation}`));
  expect(h.smtp.messages.filter((m) => m.subject.startsWith(`[${ref}]`) && m.subject.includes(rule.obligation))).toHaveLength(0);
  expect((await handle.query(statusQuery)).obligations['referral-submitted']!.status).toBe('met-late');
});

test('referral-submitted: a referral arriving within 1 WD of the referrer becoming aware is met', async () => {
  const today = londonDate(await h.env.currentTimeMs());
  // The last working day before today: 1 WD after it is today or, over a weekend, later.
  const becameAware = count(today, { workingDaysBefore: 1 }).dueDate;
  const { ref, status } = await startCase(h, { referral: referralAwareOn(becameAware, today) });

  const o = status.obligations['referral-submitted']!;
  const expected = count(becameAware, { workingDaysAfter: 1 });
  expect(o.deadline.dueDate).toBe(expected.dueDate);
  expect(o.deadline.skipped.map((s) => [s.date, s.reason])).toEqual(expected.skipped);
  expect(expected.dueDate >= today).toBe(true);
  expect(o.status).toBe('met');
  expect(status.met.map((v) => v.id)).toContain('referral-submitted');
  const kinds = await registerKinds(h, ref, 'referral-submitted', ['obligation-met']);
  expect(kinds).toContain('obligation-met');
  expect(kinds).not.toContain('obligation-met-late');
});

test('national-notification: 5 WD from the LA becoming aware, across Christmas; missed, escalated, then met late', async () => {
  // the procedure's worked example: LA aware on 21 December (a Monday in 2026). Next 21 Dec, mid-morning.
  const now = await h.env.currentTimeMs();
  const year = Number(londonDate(now).slice(0, 4));
  let start = londonInstant(`${year}-12-21`, '10:00:00');
  if (Date.parse(start) <= now) start = londonInstant(`${year + 1}-12-21`, '10:00:00');
  await skipPast(h, start, 0);

  const c = await caseAwaitingNotification(h);
  // §5.6, §10.1: the decision went to the L&D Chair at once.
  expect(c.status.obligations['ld-informed']!.status).toBe('met');
  const shared = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] SSP decision: criteria-met`);
  expect(shared.to).toEqual([MAILBOX['ld-chair']]);

  const spec: Spec = { id: 'national-notification', clock: 'la-became-aware', limit: { workingDaysAfter: 5 }, statutory: true, section: '§5.2' };
  const opening = await opened(h, c.handle, spec);
  expect(opening.o.deadline.skipped.some((s) => s.reason === 'bank holiday')).toBe(true);
  if (opening.o.deadline.clock.date === '2026-12-21') {
    expect(opening.o.deadline.dueDate).toBe('2026-12-30');
    expect(opening.o.deadline.skipped.map((s) => s.date)).toEqual(['2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28']);
    expect(opening.pending).toEqual([londonInstant('2026-12-24', '09:00:00'), londonInstant('2026-12-30', '09:00:00')]);
  }
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () =>
    decide(c.handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0002' }),
  );
});

test('ssp-decision: 5 WD from receipt; reminders, escalation, then met late', async () => {
  const c = await caseAwaitingSspDecision(h);
  const spec: Spec = { id: 'ssp-decision', clock: 'referral-received', limit: { workingDaysAfter: 5 }, statutory: true, section: '§4.6' };
  const opening = await opened(h, c.handle, spec);
  expect(opening.pending.length).toBeGreaterThan(0);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () =>
    decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'not-met-no-further-action', rationale: RATIONALE }),
  );
  const overdue = await overdueCountAttribute(c.handle);
  expect(overdue.attribute).toBe(overdue.missed);
});

test('looked-after-death-notification: 5 WD from the LA becoming aware, whatever the criteria decision', async () => {
  const form = validReferralForm();
  const child = form.children[0]!;
  const referral = { ...form, children: [{ ...child, lookedAfter: true, incidentRelatesToDeath: true, dateOfDeath: child.dateOfIncident }] };
  expect(referralFormSchema.safeParse(referral).success).toBe(true);
  const { handle, ref } = await startCase(h, { referral });
  await waitFor(handle, (s) => s.obligations['looked-after-death-notification'] !== undefined);
  expect((await handle.query(statusQuery)).facts.lookedAfterChildDied).toBe(true);
  await decide(handle, 'ssp-informed', actors.businessUnit);
  const notMet = await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'not-met-no-further-action', rationale: RATIONALE });
  expect(notMet.obligations['looked-after-death-notification']!.status).toBe('open');

  const spec: Spec = { id: 'looked-after-death-notification', clock: 'la-became-aware', limit: { workingDaysAfter: 5 }, statutory: true, section: '§5.3' };
  const opening = await opened(h, handle, spec);
  // While it is missed, the case counts one overdue obligation for operations (OverdueCount).
  await missThenMeetLate(h, handle, ref, spec, opening, async () => {
    const overdue = await overdueCountAttribute(handle);
    expect(overdue.missed).toBeGreaterThanOrEqual(1);
    expect(overdue.attribute).toBe(overdue.missed);
    return decide(handle, 'looked-after-death-notified', actors.businessUnit);
  });
});

test('referrer-feedback: 5 WD from the SSP decision; reminders, escalation, then met late', async () => {
  const c = await caseAwaitingNotification(h);
  const spec: Spec = { id: 'referrer-feedback', clock: 'ssp-decision', limit: { workingDaysAfter: 5 }, statutory: true, section: '§5.7' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'referrer-feedback-sent', actors.businessUnit));
});

test('met after its first reminder, a 5 WD obligation gets no further reminder and no escalation', async () => {
  const c = await caseAwaitingNotification(h);
  const spec: Spec = { id: 'referrer-feedback', clock: 'ssp-decision', limit: { workingDaysAfter: 5 }, statutory: true, section: '§5.7' };
  const { o, pending } = await opened(h, c.handle, spec);
  // Opened on day 0: the reminders 2 WD before and on the day are both still ahead.
  expect(pending).toHaveLength(2);
  const rule = DSP_1_5.obligations['referrer-feedback']!;

  await skipPast(h, pending[0]!);
  await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Reminder - ${rule.obligation}: due ${o.deadline.dueDate}`);
  const met = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);
  expect(met.obligations['referrer-feedback']!.status).toBe('met');

  await skipPast(h, o.deadline.dueAt);
  // national-notification, counted 5 WD from the same day and left unrecorded, escalates at the
  // same instant: once its email is here, anything due for referrer-feedback would be too.
  const notification = met.obligations['national-notification']!;
  expect(notification.deadline.dueAt).toBe(o.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject.startsWith(`[${c.ref}] MISSED - ${DSP_1_5.obligations['national-notification']!.obligation}`));

  expect(mailsFor(h, c.ref, `Reminder - ${rule.obligation}:`)).toHaveLength(1);
  expect(mailsFor(h, c.ref, `MISSED - ${rule.obligation}:`)).toHaveLength(0);
  const final = await c.handle.query(statusQuery);
  expect(final.obligations['referrer-feedback']!.status).toBe('met');
  const kinds = (await h.cases.caseEntries(c.ref)).filter((e) => e.obligationId === 'referrer-feedback').map((e) => e.kind);
  expect(kinds.filter((k) => k === 'reminder-sent')).toHaveLength(1);
  expect(kinds).toContain('obligation-met');
  expect(kinds).not.toContain('obligation-missed');
  expect(kinds).not.toContain('escalation-sent');
});

test('csprp-acknowledgement (local policy): overdue, not missed, escalated as local policy, then met late', async () => {
  const c = await caseAwaitingAcknowledgement(h);
  const spec: Spec = { id: 'csprp-acknowledgement', clock: 'national-notification-sent', limit: { workingDaysAfter: 3 }, statutory: false, section: '§6.2' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'panel-acknowledgement', actors.businessUnit));
});

test('rapid-review-meeting: target passed at 10 WD warns the chair and escalation contacts; 15 WD limit escalates; then met late', async () => {
  const c = await caseInRapidReview(h);
  const spec: Spec = { id: 'rapid-review-meeting', clock: 'csprp-acknowledgement', limit: { workingDaysAfter: 15 }, statutory: true, section: '§6.2' };
  const opening = await opened(h, c.handle, spec);
  const { o } = opening;
  const rule = DSP_1_5.obligations['rapid-review-meeting']!;
  const target = count(o.deadline.clock.date, { workingDaysAfter: 10 });
  expect(o.deadline.target?.dueDate).toBe(target.dueDate);
  expect(o.deadline.target?.dueAt).toBe(endOfDay(target.dueDate));

  // Scheduling a meeting past the target is flagged, and meets nothing.
  const scheduled = await decide(c.handle, 'rapid-review-scheduled', actors.rapidReviewChair, {
    meetingDate: count(o.deadline.clock.date, { workingDaysAfter: 12 }).dueDate,
  });
  // The decision's own line (the panel's calendar email, sent since, has its line after it).
  expect(scheduled.timeline.filter((t) => t.kind === 'decision:rapid-review-scheduled').at(-1)?.detail?.warning).toBe('after the 7-10 working day target');
  expect(scheduled.obligations['rapid-review-meeting']!.status).toBe('open');

  await skipPast(h, o.deadline.target!.dueAt);
  const warning = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Target passed - ${rule.obligation}: limit ${o.deadline.dueDate}`);
  expect([...warning.to].sort()).toEqual([MAILBOX['rapid-review-chair'], MAILBOX['independent-scrutineer'], MAILBOX['business-manager']].sort());
  // The target's day in GOV.UK words, as the pages say it (was its ISO date).
  expect(warning.text).toContain(`The target was by 11:59pm on ${govukDate(target.dueDate)}`);
  const warned = await waitFor(c.handle, (s) => s.obligations['rapid-review-meeting']?.targetWarnedAt !== undefined);
  expect(warned.obligations['rapid-review-meeting']!.status).toBe('open');
  expect(mailsFor(h, c.ref, `MISSED - ${rule.obligation}:`)).toHaveLength(0);
  expect(await registerKinds(h, c.ref, 'rapid-review-meeting', ['target-passed', 'target-warning-sent'])).toEqual(
    expect.arrayContaining(['target-passed', 'target-warning-sent']),
  );

  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () =>
    decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'lcspr', rationale: RATIONALE }),
  );
  expect(mailsFor(h, c.ref, `Target passed - ${rule.obligation}:`)).toHaveLength(1);
});

test('rapid-review-report: 15 WD from the acknowledgement; reminders, escalation, then met late', async () => {
  const c = await caseInRapidReview(h);
  const held = await decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'other-review', rationale: RATIONALE });
  expect(held.obligations['rapid-review-meeting']!.status).toBe('met');
  const spec: Spec = { id: 'rapid-review-report', clock: 'csprp-acknowledgement', limit: { workingDaysAfter: 15 }, statutory: true, section: '§6.10' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () =>
    decide(c.handle, 'rapid-review-report', actors.ssp, { levelOfReview: 'other-review', rationale: RATIONALE }),
  );
});
