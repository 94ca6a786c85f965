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

/** PROCESS.md's map, one stage per box the case can wait in. */
export const STAGES = [
  'referral-received',
  'awaiting-ssp-decision',
  'awaiting-national-notification',
  'awaiting-panel-acknowledgement',
  'rapid-review',
  'awaiting-level-of-review',
  'awaiting-panel-response',
  'further-information-requested',
  'lcspr',
  'lcspr-draft',
  'awaiting-publication',
  'national-review',
  'other-review',
  'learning-review',
  'awaiting-ssp-approval',
  'no-further-action',
  'action-plan',
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
  /** The earlier target the procedure aims for (Rapid Review 7–10 WD), if any. */
  target?: { rule: string; dueDate: string; dueAt: string };
  /** Reminder instants, ascending. */
  reminders: string[];
  computedAt: string;
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
  metBy?: string;
  closedReason?: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  obligationId?: string;
  actor?: Actor;
  rationale?: string;
  detail?: Record<string, string | number | boolean | null>;
}

/** Outcomes the path depends on; never personal data. */
export interface CaseFacts {
  sspOutcome?: string;
  rapidReviewRecommendation?: string;
  levelOfReview?: string;
  panelReference?: string;
  panelResponse?: string;
  ldOutcome?: string;
  publish?: string;
  plannedPublicationDate?: string;
  lookedAfterChildDied?: boolean;
}

export interface CaseState {
  caseReference: string;
  rulebookVersion: string;
  stage: Stage;
  receivedAt: string;
  clocks: Partial<Record<ClockEvent, string>>;
  /** Earlier values of corrected clocks, oldest first. */
  clockCorrections: Array<{ clock: ClockEvent; from: string; to: string; at: string; reason: string }>;
  facts: CaseFacts;
  obligations: Record<string, ObligationState>;
  /** Rounds of reopened obligations, as they were when they closed. */
  pastRounds: ObligationState[];
  timeline: TimelineEntry[];
  /**
   * Update IDs (the API's Idempotency-Key) already applied, newest last. Temporal de-duplicates
   * them only within one run; carried across continueAsNew so a retry is never applied twice.
   */
  processedUpdateIds?: string[];
}

/** How many applied update IDs a case remembers. */
export const PROCESSED_UPDATE_IDS_KEPT = 1_000;

/** What a decision answers: the case's stage and obligations, without the growing timeline. */
export interface DecisionResult {
  caseReference: string;
  stage: Stage;
  facts: CaseFacts;
  obligations: Record<string, ObligationState>;
  /** True when the same update ID had already been applied: nothing was done again. */
  duplicate: boolean;
}

export function decisionResult(state: CaseState, duplicate = false): DecisionResult {
  return { caseReference: state.caseReference, stage: state.stage, facts: state.facts, obligations: state.obligations, duplicate };
}

export function isOpen(o: ObligationState): boolean {
  return o.status === 'open' || o.status === 'missed';
}

/** The moment after a deadline: a deadline is the end of its day, so it is missed just after. */
function afterDue(o: ObligationState): number {
  return Date.parse(o.deadline.dueAt) + 1;
}

/** The next instant the workflow must wake for: a reminder, a target or a deadline. */
export function nextWakeAt(state: CaseState): number | undefined {
  let next: number | undefined;
  for (const o of Object.values(state.obligations)) {
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
}

/** What has fallen due by `now`. Reminders for a deadline already passed are dropped. */
export function dueWork(state: CaseState, now: number, minimumPeriod: (id: string) => boolean): DueWork {
  const work: DueWork = { reminders: [], targetWarnings: [], escalations: [], completedPeriods: [] };
  for (const o of Object.values(state.obligations)) {
    if (!isOpen(o)) continue;
    if (now >= afterDue(o)) {
      if (minimumPeriod(o.id)) work.completedPeriods.push({ obligationId: o.id });
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

export interface ObligationView {
  id: string;
  obligation: string;
  round: number;
  status: ObligationStatus;
  dueDate: string;
  dueAt: string;
  explanation: {
    clock: Deadline['clock'];
    rule: string;
    skipped: SkippedDay[];
    section: string;
    statutory: boolean;
    target?: Deadline['target'];
  };
  metAt?: string;
  escalatedAt?: string;
  previousDeadlines: Array<{ dueDate: string; rule: string }>;
}

/** What the status query answers: the case as a person reads it. */
export interface CaseStatus {
  caseReference: string;
  rulebookVersion: string;
  stage: Stage;
  receivedAt: string;
  facts: CaseFacts;
  clocks: CaseState['clocks'];
  clockCorrections: CaseState['clockCorrections'];
  open: ObligationView[];
  met: ObligationView[];
  metLate: ObligationView[];
  missed: ObligationView[];
  closed: ObligationView[];
  obligations: Record<string, ObligationState>;
  timeline: TimelineEntry[];
}

function view(o: ObligationState): ObligationView {
  const d = o.deadline;
  return {
    id: o.id,
    obligation: d.obligation,
    round: o.round,
    status: o.status,
    dueDate: d.dueDate,
    dueAt: d.dueAt,
    explanation: { clock: d.clock, rule: d.rule, skipped: d.skipped, section: d.section, statutory: d.statutory, ...(d.target ? { target: d.target } : {}) },
    ...(o.metAt ? { metAt: o.metAt } : {}),
    ...(o.escalatedAt ? { escalatedAt: o.escalatedAt } : {}),
    previousDeadlines: o.previousDeadlines.map((p) => ({ dueDate: p.dueDate, rule: p.rule })),
  };
}

export function caseStatus(state: CaseState): CaseStatus {
  const all = [...state.pastRounds, ...Object.values(state.obligations)].map(view);
  const byDue = (a: ObligationView, b: ObligationView) => a.dueAt.localeCompare(b.dueAt);
  return {
    caseReference: state.caseReference,
    rulebookVersion: state.rulebookVersion,
    stage: state.stage,
    receivedAt: state.receivedAt,
    facts: state.facts,
    clocks: state.clocks,
    clockCorrections: state.clockCorrections,
    open: all.filter((o) => o.status === 'open').sort(byDue),
    met: all.filter((o) => o.status === 'met').sort(byDue),
    metLate: all.filter((o) => o.status === 'met-late').sort(byDue),
    missed: all.filter((o) => o.status === 'missed').sort(byDue),
    closed: all.filter((o) => o.status === 'withdrawn' || o.status === 'broken').sort(byDue),
    obligations: state.obligations,
    timeline: state.timeline,
  };
}
