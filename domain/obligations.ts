// Obligation tracking as a unit: a deadline, its reminders, an earlier target, the escalation
// ladder, met / met late / missed, corrections and rounds. Pure functions over a Ledger (the
// obligations, the timeline and an outbox of side effects), so the incident workflow and the
// action-plan workflow share the same rules. Nothing here waits or fails on SMTP or the
// register: emails and register rows are queued in the outbox, and the workflow carries them out
// after the change is made.
import type { SkippedDay } from './calendar';
import type { ClockEvent } from './clocks';
import type { CalendarInvite, InviteState, TellingKind } from './invites';
import type { Actor, Recipient } from './roles';
import { londonDateAt, workingDaysLate, type DaysAfterDue, type Lateness } from './working-days-late';

/** A deadline as computed (in an activity) from the calendar, with how it was counted. */
export interface Deadline {
  obligationId: string;
  obligation: string;
  clock: { event: ClockEvent; date: string };
  /** e.g. "1 working day after 2026-12-21 (referral-received)" */
  rule: string;
  dueDate: string;
  /** End of the due date in Europe/London, as an ISO UTC instant. */
  dueAt: string;
  skipped: SkippedDay[];
  section: string;
  statutory: boolean;
  /**
   * The earlier target the procedure aims for, if any; passing its end warns. A window (§6.2: the
   * Rapid Review meets within 7–10 WD) has a start too.
   */
  target?: { rule: string; dueDate: string; dueAt: string; window?: { fromDate: string; toDate: string; rule: string } };
  /** Reminder instants, ascending; each on a working day, in working hours. */
  reminders: string[];
  /** Bank holidays and closure days after the due date, so lateness is counted in working days. */
  afterDue?: DaysAfterDue;
  computedAt: string;
  /** The rulebook whose words the emails about it use, where it has words of its own (WT-2023). */
  rulebookWords?: string;
}

/**
 * open: clock running; missed: deadline passed, escalated, still to do; met / met-late: done;
 * withdrawn: no longer required on the path the case took; broken: a minimum period ended early.
 */
export type ObligationStatus = 'open' | 'missed' | 'met' | 'met-late' | 'withdrawn' | 'broken';

export interface ObligationState {
  id: string;
  /** 1 for the first time the obligation opens; reopened obligations (a loop) count up. */
  round: number;
  status: ObligationStatus;
  deadline: Deadline;
  /** Deadlines replaced by a corrected clock date, oldest first. */
  previousDeadlines: Deadline[];
  /** Reminder instants already dealt with (sent, or passed before the clock started). */
  remindersDone: string[];
  targetWarnedAt?: string;
  escalatedAt?: string;
  metAt?: string;
  /** The date it was really done, where the procedure judges by it (§15.5 publication). */
  metOn?: string;
  metBy?: string;
  closedReason?: string;
  /** Deadlines this obligation missed before a correction or closure re-judged it: never erased. */
  missed?: Array<{ dueAt: string; escalatedAt: string }>;
  /** The calendar entry its owner was sent when the step became theirs (domain/owners-told.ts). */
  invite?: InviteState;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  obligationId?: string;
  actor?: Actor;
  rationale?: string;
  /** The rationale was dropped from the state at continue-as-new: it is in the register. */
  rationaleInRegister?: true;
  /** Names the decision gave, by field (the reviewer's, published with the report, §14.4). */
  names?: Record<string, string>;
  /** The names were dropped from the state at continue-as-new: they are in the register. */
  namesInRegister?: true;
  detail?: Record<string, string | number | boolean | null>;
}

export type { CalendarInvite, InviteState } from './invites';

export type NoticeKind =
  | 'referral-received'
  | 'reminder'
  | 'target-warning'
  | 'escalation'
  | 'breach'
  | 'ssp-decision-shared'
  /** §9.2, §16.2: an outstanding action reported to its agency's Head of Service or Chief Officer. */
  | 'escalation-step'
  /** §9.2: the L&D Chair brings the Statutory Safeguarding Partners into an action's escalation. */
  | 'ssp-involved'
  | TellingKind
  | 'operations-alert';

/** A deadline to compute: the obligation and its clock's value (and its second clock's, if any). */
export interface DeadlineRequest {
  obligationId: string;
  /** When the clock event happened: an ISO instant, or a date (YYYY-MM-DD). Its London date is day 0. */
  clock: string;
  /** The rule's second clock, where the deadline is the earlier of two counts. */
  orClock?: string;
}

/** A register row to write: its key is its business identity, so writing it twice keeps one. */
export interface OutcomeRecord {
  key: string;
  caseReference: string;
  kind: string;
  obligationId?: string;
  occurredAt: string;
  actor?: { id: string; role: string };
  detail?: Record<string, string | number | boolean | null>;
}

/** An email to send: only the reference, the obligation and the deadline, never personal data. */
export interface QueuedNotice {
  /** Business identity (case, obligation, round, kind, instant): the outbox sends it once. */
  key: string;
  kind: Exclude<NoticeKind, 'operations-alert'>;
  obligationId: string;
  round: number;
  /** The instant the notice is about (a reminder's moment, a deadline): part of its identity. */
  instant: string;
  to: Recipient[];
  deadline: Deadline;
  /** The improvement action the notice is about (action workflows), and its agency. */
  action?: { actionId: string; agency: string };
  outcome?: string;
  /** An obligation that the delivery itself meets (§5.6, §10.1: sharing with the L&D Chair). */
  meetsOnDelivery?: string;
  /** The calendar entry this email carries, if any. */
  invite?: CalendarInvite;
}

/** An alert to operations about the case's workflow itself (no obligation, no personal data). */
export interface QueuedAlert {
  key: string;
  kind: 'operations-alert';
  instant: string;
  to: Recipient[];
  /** What is wrong, in the system's words. */
  reason: string;
}

/** Side effects a change asks for, carried out by the workflow after the change. */
export interface Outbox {
  records: OutcomeRecord[];
  notices: Array<QueuedNotice | QueuedAlert>;
}

export function emptyOutbox(): Outbox {
  return { records: [], notices: [] };
}

/** What a tracker works on: the incident case, or one improvement action. */
export interface Ledger {
  caseReference: string;
  /**
   * The improvement action this ledger tracks, when it is an action's own (workflows/action.ts):
   * its obligations share ids with every other action's, so register and notice keys carry it.
   */
  action?: { actionId: string; agency: string };
  obligations: Record<string, ObligationState>;
  /** Rounds of reopened obligations, as they were when they closed. */
  pastRounds: ObligationState[];
  timeline: TimelineEntry[];
  outbox: Outbox;
  /** Each step's owner is told when it opens (domain/owners-told.ts); set at the start (patches.ts OWNERS_TOLD). */
  ownersTold?: true;
}

/** Who hears about an obligation, from its rule. */
export interface NoticePolicy {
  remind(obligationId: string): Recipient[];
  escalateTo(obligationId: string): Recipient[];
  /** A minimum period (§14.4) is met by reaching its date, not escalated. */
  minimumPeriod(obligationId: string): boolean;
  /**
   * A step the system takes itself when its moment comes (§9.2: an action outstanding three months
   * past its deadline is reported to the Head of Service): reaching it sends the escalation to the
   * people the rule names, and records the step as taken.
   */
  trigger(obligationId: string): boolean;
}

/** The system itself, when time or a delivered email meets an obligation. */
export const SYSTEM: Actor = { id: 'system', role: 'operations', agency: 'case system' };

type Detail = Record<string, string | number | boolean | null>;

export function isOpen(o: ObligationState): boolean {
  return o.status === 'open' || o.status === 'missed';
}

/** What every register and notice key of a ledger starts with: the case, and the action if any. */
export function keyPrefix(ledger: Ledger): string {
  return ledger.action ? `${ledger.caseReference}:${ledger.action.actionId}` : ledger.caseReference;
}

export function record(
  ledger: Ledger,
  kind: string,
  key: string,
  extra: { obligationId?: string; occurredAt: string; actor?: Actor; detail?: Detail },
): void {
  const action = ledger.action;
  const detail = action ? { actionId: action.actionId, ...(extra.detail ?? {}) } : extra.detail;
  ledger.outbox.records.push({
    key: `${keyPrefix(ledger)}:${key}`,
    caseReference: ledger.caseReference,
    kind,
    occurredAt: extra.occurredAt,
    ...(extra.obligationId ? { obligationId: extra.obligationId } : {}),
    ...(extra.actor ? { actor: { id: extra.actor.id, role: extra.actor.role } } : {}),
    ...(detail ? { detail } : {}),
  });
}

export function queueNotice(
  ledger: Ledger,
  kind: QueuedNotice['kind'],
  o: ObligationState,
  to: Recipient[],
  instant: string,
  extra: { outcome?: string; meetsOnDelivery?: string; invite?: CalendarInvite } = {},
): void {
  ledger.outbox.notices.push({
    key: `${keyPrefix(ledger)}:${o.id}:${o.round}:${kind}:${instant}`,
    kind,
    obligationId: o.id,
    round: o.round,
    instant,
    to,
    deadline: o.deadline,
    ...(ledger.action ? { action: ledger.action } : {}),
    ...extra,
  });
}

function lateDetail(lateness: Lateness | undefined): Detail {
  if (!lateness || lateness.workingDays === 0) return {};
  return { workingDaysLate: lateness.workingDays, ...(lateness.atLeast ? { workingDaysLateAtLeast: true } : {}) };
}

/**
 * Opens an obligation (or its next round) with its computed deadline. A round still open is
 * closed first, saying which round replaced it: no round is left open and unwatched.
 */
export function openObligation(ledger: Ledger, deadline: Deadline, now: string): ObligationState {
  const id = deadline.obligationId;
  const previous = ledger.obligations[id];
  const round = previous ? previous.round + 1 : 1;
  if (previous && isOpen(previous)) closeObligation(ledger, id, 'withdrawn', `replaced by round ${round}`, now);
  if (previous) ledger.pastRounds.push(previous);
  const nowMs = Date.parse(now);
  const o: ObligationState = {
    id,
    round,
    status: 'open',
    deadline,
    previousDeadlines: [],
    // A reminder whose moment had already passed when the clock started is not sent late.
    remindersDone: deadline.reminders.filter((r) => Date.parse(r) <= nowMs),
  };
  ledger.obligations[id] = o;
  ledger.timeline.push({ at: now, kind: 'deadline-set', obligationId: id, detail: { dueAt: deadline.dueAt, rule: deadline.rule } });
  record(ledger, 'deadline-set', `${id}:${round}:deadline:${deadline.dueAt}`, {
    obligationId: id,
    occurredAt: now,
    detail: { dueDate: deadline.dueDate, dueAt: deadline.dueAt, rule: deadline.rule, section: deadline.section },
  });
  return o;
}

/** How late an obligation is (or was when met), in working days; undefined when on time. */
export function lateness(o: ObligationState, nowMs: number): Lateness | undefined {
  if (o.status === 'met-late') {
    const on = o.metOn ?? (o.metAt ? londonDateAt(Date.parse(o.metAt)) : undefined);
    return on ? workingDaysLate(o.deadline.dueDate, o.deadline.afterDue, on) : undefined;
  }
  if (o.status === 'missed') return workingDaysLate(o.deadline.dueDate, o.deadline.afterDue, londonDateAt(nowMs));
  return undefined;
}

/**
 * A decision (or time, for a minimum period) meets an obligation: late if after its deadline.
 * `on`: the date the thing was really done, when that is what the procedure judges (§15.5: the
 * publication date, not when it was recorded).
 */
export function meetObligation(ledger: Ledger, obligationId: string, at: string, actor: Actor, on?: string): ObligationState | undefined {
  const o = ledger.obligations[obligationId];
  if (!o || !isOpen(o)) return undefined;
  const late = on !== undefined ? on > o.deadline.dueDate : Date.parse(at) > Date.parse(o.deadline.dueAt);
  o.status = late ? 'met-late' : 'met';
  o.metAt = at;
  if (on !== undefined) o.metOn = on;
  o.metBy = actor.id;
  const late_ = lateness(o, Date.parse(at));
  ledger.timeline.push({
    at,
    kind: late ? 'obligation-met-late' : 'obligation-met',
    obligationId,
    ...(actor === SYSTEM ? {} : { actor }),
    ...(late_ ? { detail: lateDetail(late_) } : {}),
  });
  record(ledger, late ? 'obligation-met-late' : 'obligation-met', `${o.id}:${o.round}:met`, {
    obligationId,
    occurredAt: at,
    detail: { dueAt: o.deadline.dueAt, metBy: o.metBy, ...(on ? { metOn: on } : {}), ...lateDetail(late_) },
  });
  return o;
}

/** An obligation no longer required (withdrawn), or a minimum period ended early (broken). */
export function closeObligation(ledger: Ledger, obligationId: string, status: 'withdrawn' | 'broken', reason: string, now: string): ObligationState | undefined {
  const o = ledger.obligations[obligationId];
  if (!o || !isOpen(o)) return undefined;
  // A round that was missed keeps that record when it is closed.
  if (o.status === 'missed' && o.escalatedAt) o.missed = [...(o.missed ?? []), { dueAt: o.deadline.dueAt, escalatedAt: o.escalatedAt }];
  o.status = status;
  o.closedReason = reason;
  ledger.timeline.push({ at: now, kind: `obligation-${status}`, obligationId, detail: { reason } });
  record(ledger, `obligation-${status}`, `${o.id}:${o.round}:${status}`, { obligationId, occurredAt: now, detail: { reason } });
  return o;
}

/**
 * A corrected clock gives an obligation a new deadline. The old one is kept; a met obligation is
 * judged again against the new one; a missed one stays recorded as missed for the old deadline
 * (the escalation happened), and if the new deadline is still ahead it is open again, saying so.
 */
export function replaceDeadline(ledger: Ledger, obligationId: string, deadline: Deadline, now: string): void {
  const o = ledger.obligations[obligationId];
  if (!o || o.status === 'withdrawn' || o.status === 'broken') return;
  const nowMs = Date.parse(now);
  const before = o.status;
  o.previousDeadlines.push(o.deadline);
  o.deadline = deadline;
  o.remindersDone = deadline.reminders.filter((r) => Date.parse(r) <= nowMs);
  if (deadline.target && Date.parse(deadline.target.dueAt) >= nowMs) delete o.targetWarnedAt;
  if (o.status === 'missed' && Date.parse(deadline.dueAt) >= nowMs) {
    o.missed = [...(o.missed ?? []), { dueAt: o.previousDeadlines.at(-1)!.dueAt, escalatedAt: o.escalatedAt ?? now }];
    o.status = 'open';
    delete o.escalatedAt;
  }
  if ((o.status === 'met' || o.status === 'met-late') && o.metAt) {
    const late = o.metOn !== undefined ? o.metOn > deadline.dueDate : Date.parse(o.metAt) > Date.parse(deadline.dueAt);
    o.status = late ? 'met-late' : 'met';
  }
  ledger.timeline.push({ at: now, kind: 'deadline-recomputed', obligationId, detail: { dueAt: deadline.dueAt, rule: deadline.rule } });
  record(ledger, 'deadline-recomputed', `${o.id}:${o.round}:deadline:${deadline.dueAt}`, {
    obligationId,
    occurredAt: now,
    detail: { dueDate: deadline.dueDate, dueAt: deadline.dueAt, rule: deadline.rule, previousDueDate: o.previousDeadlines.at(-1)?.dueDate ?? null },
  });
  if (o.status !== before) {
    // Re-judged: said in the timeline and the register, and the earlier judgement stays there too.
    const detail = { from: before, to: o.status, dueAt: deadline.dueAt };
    ledger.timeline.push({ at: now, kind: 'obligation-rejudged', obligationId, detail });
    record(ledger, 'obligation-rejudged', `${o.id}:${o.round}:rejudged:${deadline.dueAt}`, { obligationId, occurredAt: now, detail });
  }
}

/** The moment after a deadline: a deadline is the end of its day, so it is missed just after. */
function afterDue(o: ObligationState): number {
  return Date.parse(o.deadline.dueAt) + 1;
}

/** The next instant the workflow must wake for: a reminder, a target or a deadline. */
export function nextWakeAt(obligations: Record<string, ObligationState>): number | undefined {
  let next: number | undefined;
  for (const o of Object.values(obligations)) {
    if (!isOpen(o)) continue;
    const candidates = o.deadline.reminders.filter((r) => !o.remindersDone.includes(r)).map((r) => Date.parse(r));
    // Once escalated, the target is moot: waking for it would find nothing to do, again and again.
    if (o.deadline.target && !o.targetWarnedAt && !o.escalatedAt) candidates.push(Date.parse(o.deadline.target.dueAt) + 1);
    if (!o.escalatedAt) candidates.push(afterDue(o));
    for (const c of candidates) if (next === undefined || c < next) next = c;
  }
  return next;
}

export interface DueWork {
  reminders: { obligationId: string; at: string }[];
  targetWarnings: { obligationId: string }[];
  escalations: { obligationId: string }[];
  /** Minimum periods that have run their course. */
  completedPeriods: { obligationId: string }[];
  /** Steps the system takes at their moment (NoticePolicy.trigger). */
  triggers: { obligationId: string }[];
}

/** What has fallen due by `now`. Reminders for a deadline already passed are dropped. */
export function dueWork(
  obligations: Record<string, ObligationState>,
  now: number,
  minimumPeriod: (id: string) => boolean,
  trigger: (id: string) => boolean = () => false,
): DueWork {
  const work: DueWork = { reminders: [], targetWarnings: [], escalations: [], completedPeriods: [], triggers: [] };
  for (const o of Object.values(obligations)) {
    if (!isOpen(o)) continue;
    if (now >= afterDue(o)) {
      if (minimumPeriod(o.id)) work.completedPeriods.push({ obligationId: o.id });
      else if (trigger(o.id)) work.triggers.push({ obligationId: o.id });
      else if (!o.escalatedAt) work.escalations.push({ obligationId: o.id });
      continue;
    }
    if (o.deadline.target && !o.targetWarnedAt && now > Date.parse(o.deadline.target.dueAt)) {
      work.targetWarnings.push({ obligationId: o.id });
    }
    for (const r of o.deadline.reminders) {
      if (o.remindersDone.includes(r) || Date.parse(r) > now) continue;
      work.reminders.push({ obligationId: o.id, at: r });
    }
  }
  return work;
}

/** Time has passed: reminders, target warnings, escalations and completed periods, queued. */
export function applyDueWork(ledger: Ledger, policy: NoticePolicy, now: string): void {
  const work = dueWork(
    ledger.obligations,
    Date.parse(now),
    (id) => policy.minimumPeriod(id),
    (id) => policy.trigger(id),
  );
  for (const { obligationId, at } of work.reminders) {
    const o = ledger.obligations[obligationId]!;
    o.remindersDone.push(at);
    queueNotice(ledger, 'reminder', o, policy.remind(obligationId), at);
  }
  for (const { obligationId } of work.targetWarnings) {
    const o = ledger.obligations[obligationId]!;
    const target = o.deadline.target!;
    o.targetWarnedAt = now;
    record(ledger, 'target-passed', `${obligationId}:${o.round}:target:${target.dueAt}`, { obligationId, occurredAt: now, detail: { targetDueAt: target.dueAt } });
    ledger.timeline.push({ at: now, kind: 'target-passed', obligationId });
    queueNotice(ledger, 'target-warning', o, [...policy.remind(obligationId), ...policy.escalateTo(obligationId)], target.dueAt);
  }
  for (const { obligationId } of work.escalations) {
    const o = ledger.obligations[obligationId]!;
    o.escalatedAt = now;
    o.status = 'missed';
    o.remindersDone = [...o.deadline.reminders];
    ledger.timeline.push({ at: now, kind: 'obligation-missed', obligationId });
    record(ledger, 'obligation-missed', `${obligationId}:${o.round}:missed:${o.deadline.dueAt}`, { obligationId, occurredAt: now, detail: { dueAt: o.deadline.dueAt } });
    queueNotice(ledger, 'escalation', o, policy.escalateTo(obligationId), o.deadline.dueAt);
  }
  for (const { obligationId } of work.completedPeriods) {
    const o = ledger.obligations[obligationId]!;
    meetObligation(ledger, obligationId, o.deadline.dueAt, SYSTEM);
  }
  for (const { obligationId } of work.triggers) {
    // Taken at its moment, by the system: the email says so to the people the rule names.
    const o = ledger.obligations[obligationId]!;
    o.escalatedAt = now;
    queueNotice(ledger, 'escalation-step', o, policy.escalateTo(obligationId), o.deadline.dueAt);
    meetObligation(ledger, obligationId, o.deadline.dueAt, SYSTEM);
  }
}

/** What became of a queued email. */
export type NoticeOutcome = { sent: true; refusedRecipients?: number } | { sent: false };

/** An email went (or was refused for good): the timeline and register say so. */
export function applyNoticeOutcome(ledger: Ledger, notice: QueuedNotice, outcome: NoticeOutcome, now: string): void {
  const { kind, obligationId, round, instant } = notice;
  const suffix = outcome.sent ? 'sent' : 'failed';
  ledger.timeline.push({ at: now, kind: `${kind}-${suffix}`, obligationId });
  record(ledger, `${kind}-${suffix}`, `${obligationId}:${round}:${kind}:${instant}:${suffix}`, {
    obligationId,
    occurredAt: now,
    detail: outcome.sent
      ? { to: notice.to.join(', '), ...(outcome.refusedRecipients ? { refusedRecipients: outcome.refusedRecipients } : {}) }
      : { to: notice.to.join(', ') },
  });
  // The delivery meets the obligation only for the round the email was about.
  if (outcome.sent && notice.meetsOnDelivery && ledger.obligations[notice.meetsOnDelivery]?.round === round) {
    meetObligation(ledger, notice.meetsOnDelivery, now, SYSTEM);
  }
}

export function overdueCount(obligations: Record<string, ObligationState>): number {
  return Object.values(obligations).filter((o) => o.status === 'missed').length;
}

export function nextDeadline(obligations: Record<string, ObligationState>): string | undefined {
  const due = Object.values(obligations)
    .filter((o) => o.status === 'open')
    .map((o) => o.deadline.dueAt)
    .sort();
  return due[0];
}
