// Obligations checked against the procedure (DSP 1.5) on the time-skipping server: a deadline worked out with
// the independent calendar (expected-dates.ts), one obligation crossing its deadline (reminders,
// escalation, missed, then met late), and what the case and the register say about obligations.
import type { CaseStatus, ObligationState } from '../../domain/case';
import type { Mailbox } from '../../domain/roles';
import { DSP_1_5, type ClockEvent, type ReminderRule } from '../../domain/rulebook';
import { OVERDUE_COUNT, statusQuery } from '../../workflows/contract';
import { count, endOfDay, londonDate, londonInstant, type Counted, type Limit } from './expected-dates';
import { mailsFor, skipPast, waitFor, type CaseHandle, type Harness } from './harness';

// ---- One obligation crossing its deadline.

/** The example partnership's mailboxes, written out here rather than read from its config. */
export const MAILBOX: Record<Mailbox, string> = {
  'business-unit': 'business-unit@partnership.example.org',
  'business-manager': 'business-manager@partnership.example.org',
  ssp: 'ssp@partnership.example.org',
  'independent-scrutineer': 'scrutineer@partnership.example.org',
  'director-childrens-services': 'dcs@partnership.example.org',
  'rapid-review-chair': 'rapid-review-chair@partnership.example.org',
  'ld-chair': 'ld-chair@partnership.example.org',
  operations: 'operations@partnership.example.org',
};

/** An obligation as the procedure's deadlines table gives it (local policy limits: the rulebook's). */
export interface Spec {
  id: string;
  clock: ClockEvent;
  limit: Limit;
  statutory: boolean;
  section: string;
}

/** An open obligation as `opened` found it, with the reminders it has still to send. */
export interface Opening {
  o: ObligationState;
  pending: string[];
}

export function expectedReminders(dueDate: string, reminders: readonly ReminderRule[]): string[] {
  const dueAt = endOfDay(dueDate);
  const instants = reminders.map((r) => {
    const day = 'workingDaysBefore' in r ? count(dueDate, { workingDaysBefore: r.workingDaysBefore }) : count(dueDate, { monthsAfter: -r.calendarMonthsBefore });
    return londonInstant(day.dueDate, `${r.at}:00`);
  });
  return [...new Set(instants)].filter((r) => r < dueAt).sort();
}

/** Register kinds recorded for an obligation, once the wanted ones are there (or 10 s pass). */
export async function registerKinds(h: Harness, ref: string, obligationId: string, wanted: string[]): Promise<string[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const kinds = (await h.cases.caseEntries(ref)).filter((e) => e.obligationId === obligationId).map((e) => e.kind);
    if (wanted.every((k) => kinds.includes(k)) || Date.now() > until) return kinds;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Checks the open obligation's deadline against the one worked out here; returns it and its pending reminders. */
export async function opened(h: Harness, handle: CaseHandle, spec: Spec): Promise<Opening & { expected: Counted }> {
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

/** A statutory limit is MISSED; a local-policy one is only overdue, and says so. */
const overdueWord = (spec: Spec) => (spec.statutory ? 'MISSED' : 'Overdue (local policy)');

/**
 * Skips past the deadline: the pending reminders and then the escalation arrive by SMTP, the case
 * shows the obligation missed (what OverdueCount counts) and the register has it.
 */
export async function skipPastAndMiss(h: Harness, handle: CaseHandle, ref: string, spec: Spec, opening: Opening): Promise<CaseStatus> {
  const rule = DSP_1_5.obligations[spec.id]!;
  const { o, pending } = opening;
  await skipPast(h, o.deadline.dueAt);

  const subject = `[${ref}] ${overdueWord(spec)} - ${rule.obligation}: was due ${o.deadline.dueDate}`;
  const escalation = await h.smtp.waitFor((m) => m.subject === subject);
  expect([...escalation.to].sort()).toEqual(rule.escalateTo.map((m) => MAILBOX[m as Mailbox]).sort());
  expect(escalation.text).toContain(o.deadline.rule);
  expect(escalation.text).toContain(o.deadline.section);
  expect(mailsFor(h, ref, `${overdueWord(spec)} - ${rule.obligation}:`)).toHaveLength(1);
  // A local-policy limit is never presented as a statutory one.
  if (!spec.statutory) expect(mailsFor(h, ref, `MISSED - ${rule.obligation}:`)).toHaveLength(0);

  const reminders = mailsFor(h, ref, `Reminder - ${rule.obligation}:`);
  expect(reminders).toHaveLength(pending.length);
  for (const r of reminders) {
    expect(r.subject).toBe(`[${ref}] Reminder - ${rule.obligation}: due ${o.deadline.dueDate}`);
    // §5.2: some obligations remind more than their owner (the SSP hear of the notification's deadline).
    expect(r.to).toEqual([rule.remind, ...(rule.alsoRemind ?? [])].map((m) => MAILBOX[m as Mailbox]));
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
export async function missThenMeetLate(h: Harness, handle: CaseHandle, ref: string, spec: Spec, opening: Opening, meet: () => Promise<CaseStatus>): Promise<void> {
  await skipPastAndMiss(h, handle, ref, spec, opening);
  const after = await meet();
  expect(after.obligations[spec.id]!.status).toBe('met-late');
  expect(after.metLate.map((v) => v.id)).toContain(spec.id);
  expect(after.missed.map((v) => v.id)).not.toContain(spec.id);
  expect(await registerKinds(h, ref, spec.id, ['obligation-met-late'])).toContain('obligation-met-late');
}

/** The OverdueCount search attribute operations filter on, once it has caught up with the case. */
export async function overdueCountAttribute(handle: CaseHandle): Promise<{ attribute: number | undefined; missed: number }> {
  const until = Date.now() + 10_000;
  for (;;) {
    const [description, status] = await Promise.all([handle.describe(), handle.query(statusQuery)]);
    const attribute = description.typedSearchAttributes.get(OVERDUE_COUNT);
    const missed = Object.values(status.obligations).filter((o) => o.status === 'missed').length;
    if (attribute === missed || Date.now() > until) return { attribute, missed };
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- Obligations along a path, met in time.

/** The obligation's deadline is the one the procedure (DSP 1.5) gives for its clock and limit, rule text included. */
/** `governs`: for a rule counted from the earlier of two clocks, what its explanation adds. */
export function expectDeadline(s: CaseStatus, id: string, clock: ClockEvent, from: string, limit: Limit, statutory = true, governs = ''): ObligationState {
  const o = s.obligations[id];
  if (!o) throw new Error(`obligation ${id} is not in the case`);
  const { dueDate, skipped } = count(from, limit);
  let rule: string;
  const source = `${clock}${governs ? `; ${governs}` : ''}`;
  if ('workingDaysAfter' in limit) {
    const n = limit.workingDaysAfter;
    rule = `${n} working day${n === 1 ? '' : 's'} after ${from} (${source})`;
  } else if ('workingDaysBefore' in limit) {
    rule = `${limit.workingDaysBefore} working days before ${from} (${source})`;
  } else {
    rule = `${limit.monthsAfter} calendar months after ${from} (${source})`;
  }
  expect(o.deadline.clock).toEqual({ event: clock, date: from });
  expect(o.deadline.dueDate).toBe(dueDate);
  expect(o.deadline.dueAt).toBe(endOfDay(dueDate));
  expect(o.deadline.rule).toBe(rule);
  expect(o.deadline.skipped.map((d) => d.date)).toEqual(skipped.map(([date]) => date));
  expect(o.deadline.statutory).toBe(statutory);
  return o;
}

/** The obligation IDs of a view list, sorted. */
export const ids = (views: Array<{ id: string }>) => views.map((v) => v.id).sort();
/** The rounds of one obligation in a view list, sorted. */
export const rounds = (views: Array<{ id: string; round: number }>, id: string) =>
  views
    .filter((v) => v.id === id)
    .map((v) => v.round)
    .sort();

/** Exactly these obligations open, met and closed; nothing met late or missed. */
export function expectObligations(s: CaseStatus, expected: { open: string[]; met: string[]; closed?: string[] }): void {
  expect(ids(s.open)).toEqual([...expected.open].sort());
  expect(ids(s.met)).toEqual([...expected.met].sort());
  expect(ids(s.closed)).toEqual([...(expected.closed ?? [])].sort());
  expect(s.metLate).toEqual([]);
  expect(s.missed).toEqual([]);
}

/** The case's register: every entry, the decisions in order, and the obligations by what became of them. */
export async function registerOf(h: Harness, ref: string) {
  const entries = await h.cases.caseEntries(ref);
  const of = (kind: string) => entries.filter((e) => e.kind === kind).map((e) => e.obligationId!).sort();
  return {
    entries,
    decisions: entries.filter((e) => e.kind.startsWith('decision:')).map((e) => e.kind.slice('decision:'.length)),
    met: of('obligation-met'),
    metLate: of('obligation-met-late'),
    missed: of('obligation-missed'),
    withdrawn: of('obligation-withdrawn'),
  };
}
