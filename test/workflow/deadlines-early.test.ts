// Every obligation up to the Rapid Review, crossing its deadline on the time-skipping server:
// the reminders and the escalation arrive over SMTP, the case shows it missed, the register has
// it, then the decision that meets it is recorded late. Expected due dates are worked out here
// from PROCESS.md's rules and the bank holiday list, not taken from the code.
import { caseEntries } from '../../activities/register';
import type { CaseStatus, ObligationState } from '../../domain/case';
import { referralFormSchema } from '../../domain/referral-form';
import type { Mailbox } from '../../domain/roles';
import { DSP_1_5, type ClockEvent, type ReminderRule } from '../../domain/rulebook';
import { OVERDUE_COUNT, statusQuery } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { actors, decide, mailsFor, skipPast, startCase, startHarness, waitFor, type CaseHandle, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

// ---- Expected dates, worked out here from PROCESS.md "How to count" and the gov.uk list of
// England and Wales bank holidays: independent of domain/calendar.ts and date-holidays.
const BANK_HOLIDAYS: ReadonlySet<string> = new Set([
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
  '2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26',
  '2029-01-01', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-08-27', '2029-12-25', '2029-12-26',
  '2030-01-01', '2030-04-19', '2030-04-22', '2030-05-06', '2030-05-27', '2030-08-26', '2030-12-25', '2030-12-26',
]);
const DAY_MS = 86_400_000;
const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function notWorking(date: string): 'weekend' | 'bank holiday' | undefined {
  if (Number(date.slice(0, 4)) > 2030) throw new Error(`the expected-date helper has no bank holidays for ${date}`);
  const weekday = new Date(dayMs(date)).getUTCDay();
  if (weekday === 0 || weekday === 6) return 'weekend';
  return BANK_HOLIDAYS.has(date) ? 'bank holiday' : undefined;
}

type Limit = { workingDaysAfter: number } | { workingDaysBefore: number } | { monthsAfter: number };
interface Counted {
  dueDate: string;
  /** Days passed over while counting, in calendar order, as [date, reason]. */
  skipped: Array<[string, string]>;
}

/** "Within N WD of X": X is day 0; "at least N WD before Y": back from Y; "N months from X". */
function count(from: string, limit: Limit): Counted {
  if ('monthsAfter' in limit) {
    const [y, m, d] = from.split('-').map(Number) as [number, number, number];
    const index = m - 1 + limit.monthsAfter;
    const year = y + Math.floor(index / 12);
    const month = ((index % 12) + 12) % 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return { dueDate: isoDay(Date.UTC(year, month, Math.min(d, lastDay))), skipped: [] };
  }
  const step = 'workingDaysAfter' in limit ? DAY_MS : -DAY_MS;
  const n = 'workingDaysAfter' in limit ? limit.workingDaysAfter : limit.workingDaysBefore;
  const skipped: Array<[string, string]> = [];
  let t = dayMs(from);
  for (let counted = 0; counted < n; ) {
    t += step;
    const why = notWorking(isoDay(t));
    if (why) skipped.push([isoDay(t), why]);
    else counted += 1;
  }
  skipped.sort((a, b) => a[0].localeCompare(b[0]));
  return { dueDate: isoDay(t), skipped };
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
/** London wall-clock time of an instant, 'YYYY-MM-DDTHH:MM:SS'. */
function londonWall(ms: number): string {
  const p = Object.fromEntries(LONDON.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}
function londonDate(instant: string | number): string {
  return londonWall(typeof instant === 'string' ? Date.parse(instant) : instant).slice(0, 10);
}
/** The instant London's clocks (GMT or BST) show `time` ('HH:MM:SS[.mmm]') on `date`. */
function londonInstant(date: string, time: string): string {
  const wall = Date.parse(`${date}T${time}Z`);
  for (const offset of [0, 3_600_000]) {
    if (londonWall(wall - offset) === `${date}T${time.slice(0, 8)}`) return new Date(wall - offset).toISOString();
  }
  throw new Error(`no London instant for ${date} ${time}`);
}
const endOfDay = (date: string): string => londonInstant(date, '23:59:59.999');

// ---- One obligation crossing its deadline.
const MAILBOX: Record<Mailbox, string> = {
  'business-unit': 'business-unit@partnership.example.org',
  'business-manager': 'business-manager@partnership.example.org',
  ssp: 'ssp@partnership.example.org',
  'independent-scrutineer': 'scrutineer@partnership.example.org',
  'director-childrens-services': 'dcs@partnership.example.org',
  'rapid-review-chair': 'rapid-review-chair@partnership.example.org',
  'ld-chair': 'ld-chair@partnership.example.org',
};

/** An obligation as PROCESS.md's deadlines table gives it (local policy limits: the rulebook's). */
interface Spec {
  id: string;
  clock: ClockEvent;
  limit: Limit;
  statutory: boolean;
  section: string;
}

function expectedReminders(dueDate: string, reminders: readonly ReminderRule[]): string[] {
  const dueAt = endOfDay(dueDate);
  const instants = reminders.map((r) => {
    const day = 'workingDaysBefore' in r ? count(dueDate, { workingDaysBefore: r.workingDaysBefore }) : count(dueDate, { monthsAfter: -r.calendarMonthsBefore });
    return londonInstant(day.dueDate, `${r.at}:00`);
  });
  return [...new Set(instants)].filter((r) => r < dueAt).sort();
}

/** Register kinds recorded for an obligation, once the wanted ones are there (or 10 s pass). */
async function registerKinds(h: Harness, ref: string, obligationId: string, wanted: string[]): Promise<string[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const kinds = (await caseEntries(h.register, ref)).filter((e) => e.obligationId === obligationId).map((e) => e.kind);
    if (wanted.every((k) => kinds.includes(k)) || Date.now() > until) return kinds;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Checks the open obligation's deadline against the one worked out here; returns it and its pending reminders. */
async function opened(h: Harness, handle: CaseHandle, spec: Spec): Promise<{ o: ObligationState; pending: string[]; expected: Counted }> {
  const status = await handle.query(statusQuery);
  const o = status.obligations[spec.id];
  if (!o) throw new Error(`${spec.id} is not in the case`);
  expect(o.status).toBe('open');
  const clockAt = status.clocks[spec.clock];
  if (!clockAt) throw new Error(`clock ${spec.clock} is not set`);
  const clockDate = /^\d{4}-\d{2}-\d{2}$/.test(clockAt) ? clockAt : londonDate(clockAt);
  const expected = count(clockDate, spec.limit);
  const d = o.deadline;
  expect(d.clock).toEqual({ event: spec.clock, date: clockDate });
  expect(d.dueDate).toBe(expected.dueDate);
  expect(d.dueAt).toBe(endOfDay(expected.dueDate));
  expect(d.skipped.map((s) => [s.date, s.reason])).toEqual(expected.skipped);
  expect(d.statutory).toBe(spec.statutory);
  expect(d.section).toContain(spec.section);
  expect(d.rule).toContain(clockDate);
  expect(d.rule).toContain(spec.clock);
  const rule = DSP_1_5.obligations[spec.id]!;
  expect(d.reminders).toEqual(expectedReminders(expected.dueDate, rule.reminders));
  const now = await h.env.currentTimeMs();
  const pending = d.reminders.filter((r) => !o.remindersDone.includes(r));
  // Reminders already past when the clock started are not sent late; the rest are still ahead.
  for (const r of o.remindersDone) expect(Date.parse(r)).toBeLessThanOrEqual(now);
  for (const r of pending) expect(Date.parse(r)).toBeGreaterThan(now);
  return { o, pending, expected };
}

const overdueWord = (spec: Spec) => (spec.statutory ? 'MISSED' : 'Overdue (local policy)');

/**
 * Skips past the deadline: the pending reminders and then the escalation arrive by SMTP, the case
 * shows the obligation missed (what OverdueCount counts) and the register has it.
 */
async function skipPastAndMiss(h: Harness, handle: CaseHandle, ref: string, spec: Spec, opening: { o: ObligationState; pending: string[] }): Promise<CaseStatus> {
  const rule = DSP_1_5.obligations[spec.id]!;
  const { o, pending } = opening;
  await skipPast(h, o.deadline.dueAt);

  const subject = `[${ref}] ${overdueWord(spec)} - ${rule.obligation}: was due ${o.deadline.dueDate}`;
  const escalation = await h.smtp.waitFor((m) => m.subject === subject);
  expect([...escalation.to].sort()).toEqual(rule.escalateTo.map((m) => MAILBOX[m]).sort());
  expect(escalation.text).toContain(o.deadline.rule);
  expect(escalation.text).toContain(o.deadline.section);
  expect(mailsFor(h, ref, `${overdueWord(spec)} - ${rule.obligation}:`)).toHaveLength(1);
  // A local-policy limit is never presented as a statutory one.
  if (!spec.statutory) expect(mailsFor(h, ref, `MISSED - ${rule.obligation}:`)).toHaveLength(0);

  const reminders = mailsFor(h, ref, `Reminder - ${rule.obligation}:`);
  expect(reminders).toHaveLength(pending.length);
  for (const r of reminders) {
    expect(r.subject).toBe(`[${ref}] Reminder - ${rule.obligation}: due ${o.deadline.dueDate}`);
    expect(r.to).toEqual([MAILBOX[rule.remind]]);
  }

  const missed = await waitFor(handle, (s) => s.obligations[spec.id]?.status === 'missed');
  expect(missed.missed.map((v) => v.id)).toContain(spec.id);
  expect(missed.obligations[spec.id]!.escalatedAt).toBeDefined();
  // What the OverdueCount search attribute counts.
  expect(Object.values(missed.obligations).filter((x) => x.status === 'missed').map((x) => x.id)).toContain(spec.id);
  expect(await registerKinds(h, ref, spec.id, ['obligation-missed', 'escalation-sent'])).toEqual(
    expect.arrayContaining(['deadline-set', 'obligation-missed', 'escalation-sent']),
  );
  return missed;
}

/** As skipPastAndMiss; then `meet` records the decision that meets it, late. */
async function missThenMeetLate(h: Harness, handle: CaseHandle, ref: string, spec: Spec, opening: { o: ObligationState; pending: string[] }, meet: () => Promise<CaseStatus>): Promise<void> {
  await skipPastAndMiss(h, handle, ref, spec, opening);
  const after = await meet();
  expect(after.obligations[spec.id]!.status).toBe('met-late');
  expect(after.metLate.map((v) => v.id)).toContain(spec.id);
  expect(after.missed.map((v) => v.id)).not.toContain(spec.id);
  expect(await registerKinds(h, ref, spec.id, ['obligation-met-late'])).toContain('obligation-met-late');
}

/** The OverdueCount search attribute operations filter on, once it has caught up with the case. */
async function overdueCountAttribute(handle: CaseHandle): Promise<{ attribute: number | undefined; missed: number }> {
  const until = Date.now() + 10_000;
  for (;;) {
    const [description, status] = await Promise.all([handle.describe(), handle.query(statusQuery)]);
    const attribute = description.typedSearchAttributes.get(OVERDUE_COUNT);
    const missed = Object.values(status.obligations).filter((o) => o.status === 'missed').length;
    if (attribute === missed || Date.now() > until) return { attribute, missed };
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- Driving a case forward (the order, roles and payloads of domain/decisions.ts).
const RATIONALE = 'Test rationale: considered against the criteria in the procedure';

async function caseAwaitingSspDecision() {
  const c = await startCase(h);
  const status = await decide(c.handle, 'ssp-informed', actors.businessUnit);
  expect(status.stage).toBe('awaiting-ssp-decision');
  return { ...c, status };
}

async function caseAwaitingNotification() {
  const c = await caseAwaitingSspDecision();
  const status = await decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: RATIONALE });
  expect(status.stage).toBe('awaiting-national-notification');
  return { ...c, status };
}

async function caseAwaitingAcknowledgement() {
  const c = await caseAwaitingNotification();
  await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);
  const status = await decide(c.handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0001' });
  expect(status.stage).toBe('awaiting-panel-acknowledgement');
  return { ...c, status };
}

async function caseInRapidReview() {
  const c = await caseAwaitingAcknowledgement();
  const status = await decide(c.handle, 'panel-acknowledgement', actors.businessUnit);
  expect(status.stage).toBe('rapid-review');
  return { ...c, status };
}

/** The fixture's referral, with the referrer aware on `becameAware` and submitting on `today`. */
function referralAwareOn(becameAware: string, today: string) {
  const form = validReferralForm();
  const referral = { ...form, referrer: { ...form.referrer, becameAwareDate: becameAware, dateSubmitted: today, organisationAgreementDate: today } };
  expect(referralFormSchema.safeParse(referral).success).toBe(true);
  return referral;
}

// ---- Tests.

test("the expected-date helper reproduces PROCESS.md's worked examples", () => {
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
  // PROCESS.md's worked example: LA aware on 21 December (a Monday in 2026). Next 21 Dec, mid-morning.
  const now = await h.env.currentTimeMs();
  const year = Number(londonDate(now).slice(0, 4));
  let start = londonInstant(`${year}-12-21`, '10:00:00');
  if (Date.parse(start) <= now) start = londonInstant(`${year + 1}-12-21`, '10:00:00');
  await skipPast(h, start, 0);

  const c = await caseAwaitingNotification();
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
  const c = await caseAwaitingSspDecision();
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
  const c = await caseAwaitingNotification();
  const spec: Spec = { id: 'referrer-feedback', clock: 'ssp-decision', limit: { workingDaysAfter: 5 }, statutory: true, section: '§5.7' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'referrer-feedback-sent', actors.businessUnit));
});

test('met after its first reminder, a 5 WD obligation gets no further reminder and no escalation', async () => {
  const c = await caseAwaitingNotification();
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
  const kinds = (await caseEntries(h.register, c.ref)).filter((e) => e.obligationId === 'referrer-feedback').map((e) => e.kind);
  expect(kinds.filter((k) => k === 'reminder-sent')).toHaveLength(1);
  expect(kinds).toContain('obligation-met');
  expect(kinds).not.toContain('obligation-missed');
  expect(kinds).not.toContain('escalation-sent');
});

test('csprp-acknowledgement (local policy): overdue, not missed, escalated as local policy, then met late', async () => {
  const c = await caseAwaitingAcknowledgement();
  const spec: Spec = { id: 'csprp-acknowledgement', clock: 'national-notification-sent', limit: { workingDaysAfter: 3 }, statutory: false, section: '§6.2' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'panel-acknowledgement', actors.businessUnit));
});

test('rapid-review-meeting: target passed at 10 WD warns the chair and escalation contacts; 15 WD limit escalates; then met late', async () => {
  const c = await caseInRapidReview();
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
  expect(scheduled.timeline.at(-1)?.detail?.warning).toBe('after the 7-10 working day target');
  expect(scheduled.obligations['rapid-review-meeting']!.status).toBe('open');

  await skipPast(h, o.deadline.target!.dueAt);
  const warning = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] Target passed - ${rule.obligation}: limit ${o.deadline.dueDate}`);
  expect([...warning.to].sort()).toEqual([MAILBOX['rapid-review-chair'], MAILBOX['independent-scrutineer'], MAILBOX['business-manager']].sort());
  expect(warning.text).toContain(target.dueDate);
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
  const c = await caseInRapidReview();
  const held = await decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'other-review', rationale: RATIONALE });
  expect(held.obligations['rapid-review-meeting']!.status).toBe('met');
  const spec: Spec = { id: 'rapid-review-report', clock: 'csprp-acknowledgement', limit: { workingDaysAfter: 15 }, statutory: true, section: '§6.10' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () =>
    decide(c.handle, 'rapid-review-report', actors.ssp, { levelOfReview: 'other-review', rationale: RATIONALE }),
  );
});
