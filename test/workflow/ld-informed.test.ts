// ld-informed (§5.6, §10.1): the SSP decision and its rationale go to the L&D Chair by email at
// the decision. Here the mail relay refuses the L&D Chair's mailbox, so the obligation stays open
// and escalates after 1 WD. Its own file: it needs an SMTP listener that refuses that address.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { caseEntries } from '../../activities/register';
import type { CaseStatus, ObligationState } from '../../domain/case';
import { DECISION_NAMES, decisionRule } from '../../domain/decisions';
import type { Mailbox } from '../../domain/roles';
import { DSP_1_5, type ClockEvent, type ReminderRule } from '../../domain/rulebook';
import { statusQuery } from '../../workflows/contract';
import { actors, decide, mailsFor, refusalOf, skipPast, startCase, startHarness, waitFor, type CaseHandle, type Harness } from '../helpers/harness';
import { startSmtpCatcher } from '../helpers/smtp';

const LD_CHAIR = 'ld-chair@partnership.example.org';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtp: await startSmtpCatcher({ refuse: (address) => address === LD_CHAIR }) });
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


const RATIONALE = 'Test rationale: considered against the criteria in the procedure';
const SPEC: Spec = { id: 'ld-informed', clock: 'ssp-decision', limit: { workingDaysAfter: 1 }, statutory: true, section: '§10.1' };

/** A case whose SSP decision was just recorded, the L&D notice refused by the relay. */
async function caseWithRefusedLdNotice() {
  const c = await startCase(h);
  await decide(c.handle, 'ssp-informed', actors.businessUnit);
  const status = await decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'not-met-no-further-action', rationale: RATIONALE });
  expect(status.stage).toBe('no-further-action');
  return { ...c, status };
}

test('ld-informed: the notice to the L&D Chair refused, the obligation stays open and escalates after 1 WD', async () => {
  const c = await caseWithRefusedLdNotice();
  const o = c.status.obligations['ld-informed']!;
  expect(o.status).toBe('open');
  expect(c.status.timeline.some((t) => t.kind === 'ssp-decision-shared-failed' && t.obligationId === 'ld-informed')).toBe(true);
  const kinds = await registerKinds(h, c.ref, 'ld-informed', ['ssp-decision-shared-failed']);
  expect(kinds).toEqual(expect.arrayContaining(['deadline-set', 'ssp-decision-shared-failed']));
  expect(kinds).not.toContain('ssp-decision-shared-sent');
  expect(kinds).not.toContain('obligation-met');
  expect(mailsFor(h, c.ref, 'SSP decision:')).toHaveLength(0);
  // A 550 is permanent: one attempt, recorded as failed, not retried.
  const outbox = await h.register
    .selectFrom('outbox')
    .select(['status', 'recipients', 'attempts'])
    .where('case_reference', '=', c.ref)
    .where('kind', '=', 'ssp-decision-shared')
    .execute();
  expect(outbox).toEqual([{ status: 'failed', recipients: LD_CHAIR, attempts: 1 }]);

  const opening = await opened(h, c.handle, SPEC);
  // Sent automatically at the decision: no reminders, only the escalation if it keeps failing.
  expect(opening.pending).toEqual([]);
  const missed = await skipPastAndMiss(h, c.handle, c.ref, SPEC, opening);
  expect(missed.stage).toBe('no-further-action');
  // The case cannot be closed while the L&D Chair has not had the decision.
  expect(await refusalOf(decide(c.handle, 'close-case', actors.ssp, {}))).toBe('WrongStage');
});

test('ld-informed: once shared another way, the Business Unit can record it and it becomes met late', async () => {
  const c = await caseWithRefusedLdNotice();
  await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);
  const opening = await opened(h, c.handle, SPEC);
  await skipPastAndMiss(h, c.handle, c.ref, SPEC, opening);

  // Some decision must meet ld-informed, or a refused notice leaves the case open for ever.
  const meets = DECISION_NAMES.filter((name) => decisionRule(name).meets === 'ld-informed');
  expect(meets).toHaveLength(1);
  const after = await decide(c.handle, meets[0]!, actors.businessUnit, {});
  expect(after.obligations['ld-informed']!.status).toBe('met-late');
  expect(await registerKinds(h, c.ref, 'ld-informed', ['obligation-met-late'])).toContain('obligation-met-late');
  const closed = await decide(c.handle, 'close-case', actors.ssp, {}).catch((err: unknown) => {
    if (err instanceof WorkflowUpdateFailedError) throw new Error(`close-case refused: ${err.cause?.message ?? err.message}`);
    throw err;
  });
  expect(closed.stage).toBe('closed');
});
