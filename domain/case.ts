// The case as the incident workflow holds it: plain JSON only (it crosses continueAsNew and
// queries), no Map/Set/Date. Pure functions here; the workflow does the side effects.
import type { SkippedDay } from './calendar';
import type { ClockEvent } from './rulebook';
import type { Actor } from './roles';

/** A case reference is opaque: it never carries a name, a date of birth or an address. */
export const CASE_REFERENCE_PATTERN = /^[A-Z]{2,8}-\d{4}-\d{3,6}$/;

export function workflowIdFor(caseReference: string): string {
  return `incident-${caseReference}`;
}

export const STAGES = [
  'referral-received',
  'awaiting-ssp-decision',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];

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
  /** Reminder instants, ascending; those already past when the deadline is set are skipped. */
  reminders: string[];
  computedAt: string;
}

export type ObligationStatus = 'open' | 'missed' | 'met' | 'met-late';

export interface ObligationState {
  id: string;
  status: ObligationStatus;
  deadline: Deadline;
  /** Deadlines replaced by a corrected clock date, oldest first. */
  previousDeadlines: Deadline[];
  /** Reminder instants already dealt with (sent, or skipped because they had passed). */
  remindersDone: string[];
  escalatedAt?: string;
  metAt?: string;
  metBy?: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  obligationId?: string;
  actor?: Actor;
  rationale?: string;
  detail?: Record<string, string | number | boolean | null>;
}

export interface CaseState {
  caseReference: string;
  rulebookVersion: string;
  stage: Stage;
  receivedAt: string;
  clocks: Partial<Record<ClockEvent, string>>;
  obligations: Record<string, ObligationState>;
  timeline: TimelineEntry[];
}

export function isOpen(o: ObligationState): boolean {
  return o.status === 'open' || o.status === 'missed';
}

/** The next instant the workflow must wake for: a reminder or a deadline of an open obligation. */
export function nextWakeAt(state: CaseState): number | undefined {
  let next: number | undefined;
  for (const o of Object.values(state.obligations)) {
    if (!isOpen(o)) continue;
    const pending = o.deadline.reminders.filter((r) => !o.remindersDone.includes(r));
    const candidates = pending.map((r) => Date.parse(r));
    // The deadline is the end of its day: escalate the moment after it.
    if (!o.escalatedAt) candidates.push(Date.parse(o.deadline.dueAt) + 1);
    for (const c of candidates) if (next === undefined || c < next) next = c;
  }
  return next;
}

export interface DueWork {
  reminders: { obligationId: string; at: string }[];
  escalations: { obligationId: string }[];
}

/**
 * What has fallen due by `now`. A reminder whose deadline has already passed is dropped: the
 * escalation says more.
 */
export function dueWork(state: CaseState, now: number): DueWork {
  const work: DueWork = { reminders: [], escalations: [] };
  for (const o of Object.values(state.obligations)) {
    if (!isOpen(o)) continue;
    const pastDue = now > Date.parse(o.deadline.dueAt);
    if (pastDue) {
      if (!o.escalatedAt) work.escalations.push({ obligationId: o.id });
      continue;
    }
    for (const r of o.deadline.reminders) {
      if (o.remindersDone.includes(r) || Date.parse(r) > now) continue;
      work.reminders.push({ obligationId: o.id, at: r });
    }
  }
  return work;
}

export function overdueCount(state: CaseState): number {
  return Object.values(state.obligations).filter((o) => o.status === 'missed').length;
}

export function nextDeadline(state: CaseState): string | undefined {
  const due = Object.values(state.obligations)
    .filter((o) => o.status === 'open')
    .map((o) => o.deadline.dueAt)
    .sort();
  return due[0];
}
