// Every obligation after the Rapid Review (and on the learning route), crossing its deadline on
// the time-skipping server: reminders and escalation over SMTP, missed in the case and the
// register, then met late; the one-year minimum period is met by time, or broken. Expected due
// dates are worked out here from PROCESS.md's rules and the bank holiday list.
import { caseEntries } from '../../activities/register';
import type { CaseStatus, ObligationState } from '../../domain/case';
import type { Mailbox } from '../../domain/roles';
import { DSP_1_5, type ClockEvent, type ReminderRule } from '../../domain/rulebook';
import { statusQuery } from '../../workflows/contract';
import { learningReferralForm } from '../fixtures/referral-form';
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

// ---- Driving a case forward (the order, roles and payloads of domain/decisions.ts).
const RATIONALE = 'Test rationale: considered against the criteria in the procedure';

async function today(): Promise<string> {
  return londonDate(await h.env.currentTimeMs());
}

async function caseAwaitingPanelResponse(levelOfReview: 'lcspr' | 'other-review') {
  const c = await startCase(h);
  await decide(c.handle, 'ssp-informed', actors.businessUnit);
  await decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: RATIONALE });
  await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);
  await decide(c.handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0001' });
  await decide(c.handle, 'panel-acknowledgement', actors.businessUnit);
  await decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: levelOfReview, rationale: RATIONALE });
  const status = await decide(c.handle, 'rapid-review-report', actors.ssp, { levelOfReview, rationale: RATIONALE });
  expect(status.stage).toBe('awaiting-panel-response');
  return { ...c, status };
}

async function caseInLcspr() {
  const c = await caseAwaitingPanelResponse('lcspr');
  const status = await decide(c.handle, 'panel-response', actors.businessUnit, { response: 'local-review' });
  expect(status.stage).toBe('lcspr');
  return { ...c, status };
}

async function caseWithDraftReport() {
  const c = await caseInLcspr();
  await decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)' });
  await decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  const status = await decide(c.handle, 'draft-report-to-ld', actors.reviewer);
  expect(status.stage).toBe('lcspr-draft');
  return { ...c, status };
}

/** Signs the report off for publication 12 WD ahead, sends it to the Panel, publishes it today. */
async function publishToday(handle: CaseHandle): Promise<CaseStatus> {
  const day = await today();
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
  const c = await caseAwaitingPanelResponse('other-review');
  const spec: Spec = { id: 'csprp-response', clock: 'rapid-review-reported', limit: { workingDaysAfter: 20 }, statutory: false, section: '§6.11' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'panel-response', actors.businessUnit, { response: 'local-review' }));
  expect((await c.handle.query(statusQuery)).stage).toBe('other-review');
});

test('further-information (local policy): 5 WD from the Panel asking; overdue, escalated, then met late', async () => {
  const c = await caseAwaitingPanelResponse('other-review');
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
  const c = await caseInLcspr();
  await decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  const spec: Spec = { id: 'reviewer-commissioned', clock: 'lcspr-decision', limit: { workingDaysAfter: 20 }, statutory: false, section: '§8.1' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)' }));
});

test('terms-of-reference (local policy): 30 WD from the LCSPR decision; overdue, escalated, then met late', async () => {
  const c = await caseInLcspr();
  await decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)' });
  const spec: Spec = { id: 'terms-of-reference', clock: 'lcspr-decision', limit: { workingDaysAfter: 30 }, statutory: false, section: '§9.1' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair));
});

test('publication-delay-explained (local policy): 5 WD from the delay; overdue, escalated, then met late', async () => {
  const c = await caseInLcspr();
  await decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)' });
  await decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  await decide(c.handle, 'publication-delayed', actors.ssp, { reason: 'Test reason: criminal proceedings are ongoing' });
  const spec: Spec = { id: 'publication-delay-explained', clock: 'publication-delayed', limit: { workingDaysAfter: 5 }, statutory: false, section: '§15.5' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'delay-explained-to-panel', actors.ssp));
});

test('non-publication-justified (local policy): 5 WD from the decision not to publish; overdue, escalated, then met late', async () => {
  const c = await caseWithDraftReport();
  const decided = await decide(c.handle, 'not-to-publish', actors.ssp, { justification: 'Test justification: publication would harm the family' });
  expect(decided.obligations['lcspr-publication']!.status).toBe('withdrawn');
  const spec: Spec = { id: 'non-publication-justified', clock: 'decision-not-to-publish', limit: { workingDaysAfter: 5 }, statutory: false, section: '§15.3' };
  const opening = await opened(h, c.handle, spec);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'justification-sent-to-panel', actors.ssp));
});

test('report-to-panel: at least 7 WD before the planned publication date; missed, escalated, then met late', async () => {
  const c = await caseWithDraftReport();
  const planned = count(await today(), { workingDaysAfter: 12 }).dueDate;
  await decide(c.handle, 'ssp-sign-off', actors.ssp, { plannedPublicationDate: planned, publish: 'learning-and-recommendations' });
  const spec: Spec = { id: 'report-to-panel', clock: 'planned-publication', limit: { workingDaysBefore: 7 }, statutory: true, section: '§14.7' };
  const opening = await opened(h, c.handle, spec);
  expect(opening.o.deadline.clock.date).toBe(planned);
  expect(opening.o.deadline.dueDate < planned).toBe(true);
  await missThenMeetLate(h, c.handle, c.ref, spec, opening, () => decide(c.handle, 'report-sent-to-panel', actors.ssp));
});

test('publication-kept: removing the report before the year is up breaks it and sends a Broken email', async () => {
  const c = await caseWithDraftReport();
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
  expect([...broken.to].sort()).toEqual(rule.escalateTo.map((m) => MAILBOX[m]).sort());
  expect(broken.text).toContain(o.deadline.rule);
  expect(broken.text).toContain(o.deadline.section);
  expect(mailsFor(h, c.ref, `MISSED - ${rule.obligation}:`)).toHaveLength(0);
  expect(await registerKinds(h, c.ref, 'publication-kept', ['obligation-broken', 'breach-sent'])).toEqual(
    expect.arrayContaining(['deadline-set', 'obligation-broken', 'breach-sent']),
  );
});

test('lcspr-publication: 6 calendar months from the LCSPR decision, reminded a month, 10 WD and 2 WD before; missed, escalated, then met late', async () => {
  const c = await caseWithDraftReport();
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
  const c = await caseWithDraftReport();
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
