// The case as the incident workflow holds it: plain JSON only (it crosses continueAsNew and
// queries), no Map/Set/Date. Pure functions here; the workflow does the side effects.
import type { SkippedDay } from './calendar';
import type { InviteState } from './invites';
import {
  lateness,
  nextDeadline as nextDeadlineOf,
  nextWakeAt as nextWakeAtOf,
  overdueCount as overdueCountOf,
  type Deadline,
  type ObligationState,
  type ObligationStatus,
  type Outbox,
  type TimelineEntry,
} from './obligations';
import type { ActionOpening } from './action';
import type { ActionStatus } from './action-snapshot';
import type { ClockEvent } from './rulebook';
import type { Lateness } from './working-days-late';

export { isOpen, type Deadline, type DueWork, type ObligationState, type ObligationStatus, type TimelineEntry } from './obligations';

/** A case reference is opaque: it never carries a name, a date of birth or an address. */
export const CASE_REFERENCE_PATTERN = /^[A-Z]{2,8}-\d{4}-\d{3,6}$/;

export function workflowIdFor(caseReference: string): string {
  return `incident-${caseReference}`;
}

/** the procedure's map, one stage per box the case can wait in. */
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
  // WT 2023 ch. 5: a care leaver's death, notified to the Secretary of State and Ofsted (a case of its own kind).
  'awaiting-care-leaver-notification',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];

/** Each stage in words, for people: what the case is waiting for there (the procedure's boxes). */
export const STAGE_NAMES: Readonly<Record<Stage, string>> = {
  'referral-received': 'Referral received: the SSP to be told',
  'awaiting-ssp-decision': "Waiting for the SSP's decision on the criteria",
  'awaiting-national-notification': 'Waiting for the notification to the Panel',
  'awaiting-panel-acknowledgement': "Waiting for the Panel's acknowledgement",
  'rapid-review': 'Rapid Review',
  'awaiting-level-of-review': "Waiting for the SSP's decision on the level of review",
  'awaiting-panel-response': "Waiting for the Panel's response to the Rapid Review",
  'further-information-requested': 'The Panel asked for further information',
  lcspr: 'Local Child Safeguarding Practice Review',
  'lcspr-draft': 'LCSPR draft report',
  'awaiting-publication': 'Waiting for publication',
  'national-review': 'National review',
  'other-review': 'Other review',
  'learning-review': 'Learning review (L&D Group)',
  'awaiting-ssp-approval': "Waiting for the SSP's approval",
  'no-further-action': 'No further action',
  'action-plan': 'Action plan',
  'awaiting-care-leaver-notification': "Waiting for the care leaver's death to be notified to the Secretary of State and Ofsted",
  closed: 'Closed',
};


/**
 * The kinds of case: a serious child safeguarding incident (the seed's, and a case without a kind),
 * or the death of a care leaver aged 24 or under (WT 2023 ch. 5), notified and then closed.
 */
export const CASE_KINDS = ['serious-incident', 'care-leaver-death'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** Outcomes the path depends on; never personal data. */
export interface CaseFacts {
  /** Set only on cases that are not a serious incident (domain/incident.ts, the opening). */
  caseKind?: Exclude<CaseKind, 'serious-incident'>;
  sspOutcome?: string;
  rapidReviewRecommendation?: string;
  levelOfReview?: string;
  panelReference?: string;
  panelResponse?: string;
  ldOutcome?: string;
  publish?: string;
  plannedPublicationDate?: string;
  lookedAfterChildDied?: boolean;
  /** Who may read the case (domain/access.ts): the agency that referred it (an organisation, not a person). */
  referringAgency?: string;
  /** Sign-in IDs of the reviewers commissioned on the case (§8). */
  reviewerIds?: string[];
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
  /** Emails and register rows a change has asked for, not yet carried out. */
  outbox: Outbox;
  /** True once the opening obligations are open: the first decision can be taken. */
  opened: boolean;
  /**
   * Decisions taken under an Idempotency-Key, newest last: Temporal de-duplicates update IDs only
   * within one run, so they are carried across continueAsNew. `keyId` is a hash of the person and
   * the key; `requestHash` of the decision's name and body: the same key for another request is
   * refused.
   */
  requests: DecisionRequestRecord[];
  /** Set when continue-as-new had to wait too long for a handler and operations were alerted. */
  continueAsNewAlertedAt?: string;
  /** Each step's owner is told when it opens, with its calendar entry (domain/owners-told.ts); see Ledger. */
  ownersTold?: true;
  /** The referrer has had the receipt with the case's reference (domain/owners-told.ts). */
  referrerTold?: true;
  /** Sign-in IDs of the commissioned reviewers told of their commissioning (§8). */
  reviewersTold?: string[];
  /** The Rapid Review meeting's calendar entry as sent to the panel (§6.2), and the date it is for. */
  meetingInvite?: InviteState & { date: string; round: number };
  /** The improvement actions agreed for the case (§16.2), each watched by its own workflow. */
  actions?: Record<string, CaseAction>;
  /**
   * The summary the register keeps for the case list (CaseSummary below): the revision and what
   * the last one queued said, and the one still to be written (kept until it is, so a run that
   * continues as new writes it).
   */
  summary?: { revision: number; signature: string; queued?: CaseSummary };
}

/** What the case keeps of one of its improvement actions: enough to know when it may close. */
export interface CaseAction {
  agency: string;
  deadline: string;
  status: ActionStatus;
  /** What its workflow starts from, until it has started (then dropped: the free text leaves the case). */
  pendingStart?: ActionOpening;
}

export interface DecisionRequestRecord {
  updateId: string;
  keyId: string;
  decision: string;
  requestHash: string;
}

/** How many keyed decisions a case remembers. */
export const REQUESTS_KEPT = 1_000;

/** An obligation as a decision's answer gives it: what, by when, where it stands. */
export interface ObligationSummary {
  id: string;
  obligation: string;
  round: number;
  status: ObligationStatus;
  dueDate: string;
  dueAt: string;
}

/**
 * What a decision (and the opening) answers with. Temporal keeps every answer in the case's
 * history, and the API answers with it as it is, so it is small: the stage, the facts the read
 * policy needs, what the decision changed and what is due next. The whole case, with
 * every deadline's explanation and the timeline, is the status query (GET /cases/:ref).
 */
export interface DecisionResult {
  caseReference: string;
  stage: Stage;
  facts: CaseFacts;
  /** The obligations the decision met, opened, withdrew or re-dated. */
  changed?: ObligationSummary[];
  /** The obligations still to be done (open or missed), soonest first. */
  due: ObligationSummary[];
  /** The improvement actions the decision agreed, by reference (actions-agreed). */
  agreed?: Array<{ actionId: string; agency: string; deadline: string }>;
  /** At the action-plan stage: what the case still waits for before it closes. */
  waitingFor?: string[];
  /** Emails and register rows queued and not yet carried out (they go after the answer). */
  pending: { notices: number; records: number };
  /** True when the same request had already been applied: nothing was done again. */
  duplicate: boolean;
  /** The hash of the request this answers (the API checks a replayed key against it). */
  requestHash?: string;
  /** The API request this answer was made for (DecisionRequest.requestId). */
  requestId?: string;
}

/** Where a case stood before a decision, for its answer to say what changed. */
export interface CaseMark {
  obligations: Record<string, string>;
  actions: string[];
}

const markOfObligation = (o: ObligationState) => `${o.status}|${o.round}|${o.deadline.dueAt}`;

export function caseMark(state: CaseState): CaseMark {
  return { obligations: Object.fromEntries(Object.values(state.obligations).map((o) => [o.id, markOfObligation(o)])), actions: Object.keys(state.actions ?? {}) };
}

function summaryOf(o: ObligationState): ObligationSummary {
  return { id: o.id, obligation: o.deadline.obligation, round: o.round, status: o.status, dueDate: o.deadline.dueDate, dueAt: o.deadline.dueAt };
}

const soonestFirst = (a: ObligationSummary, b: ObligationSummary) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id);

export function decisionResult(state: CaseState, duplicate = false, requestHash?: string, since?: CaseMark): DecisionResult {
  const obligations = Object.values(state.obligations);
  const due = obligations.filter((o) => o.status === 'open' || o.status === 'missed').map(summaryOf).sort(soonestFirst);
  const changed = since ? obligations.filter((o) => since.obligations[o.id] !== markOfObligation(o)).map(summaryOf).sort(soonestFirst) : [];
  const agreed = since ? Object.keys(state.actions ?? {}).filter((id) => !since.actions.includes(id)) : [];
  return {
    caseReference: state.caseReference,
    stage: state.stage,
    facts: state.facts,
    ...(changed.length ? { changed } : {}),
    due,
    ...(agreed.length ? { agreed: agreed.map((actionId) => ({ actionId, agency: state.actions![actionId]!.agency, deadline: state.actions![actionId]!.deadline })) } : {}),
    ...(state.stage === 'action-plan' ? { waitingFor: waitingFor(state) } : {}),
    pending: { notices: state.outbox.notices.length, records: state.outbox.records.length },
    duplicate,
    ...(requestHash ? { requestHash } : {}),
  };
}

export function nextWakeAt(state: CaseState): number | undefined {
  return nextWakeAtOf(state.obligations);
}

export function overdueCount(state: CaseState): number {
  return overdueCountOf(state.obligations);
}

export function nextDeadline(state: CaseState): string | undefined {
  return nextDeadlineOf(state.obligations);
}

export interface ObligationView extends ObligationSummary {
  explanation: {
    clock: Deadline['clock'];
    rule: string;
    skipped: SkippedDay[];
    section: string;
    statutory: boolean;
    target?: Deadline['target'];
  };
  metAt?: string;
  metOn?: string;
  escalatedAt?: string;
  /** For an obligation met late or missed: by how many working days. */
  late?: Lateness;
  /** Deadlines missed before a correction re-judged it or it was closed. */
  missedBefore?: Array<{ dueAt: string; escalatedAt: string }>;
  closedReason?: string;
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
  /** Emails and register rows asked for and not yet carried out (an outage delays them). */
  pending: { notices: number; records: number };
  /** The improvement actions, by reference: agency, original deadline, status (the words are the action's own). */
  actions: Array<{ actionId: string; agency: string; deadline: string; status: ActionStatus }>;
  /** At the action-plan stage: what the case still waits for before it closes. */
  waitingFor?: string[];
}

function view(o: ObligationState, nowMs: number): ObligationView {
  const d = o.deadline;
  const late = lateness(o, nowMs);
  return {
    id: o.id,
    obligation: d.obligation,
    round: o.round,
    status: o.status,
    dueDate: d.dueDate,
    dueAt: d.dueAt,
    explanation: { clock: d.clock, rule: d.rule, skipped: d.skipped, section: d.section, statutory: d.statutory, ...(d.target ? { target: d.target } : {}) },
    ...(o.metAt ? { metAt: o.metAt } : {}),
    ...(o.metOn ? { metOn: o.metOn } : {}),
    ...(o.escalatedAt ? { escalatedAt: o.escalatedAt } : {}),
    ...(late ? { late } : {}),
    ...(o.missed?.length ? { missedBefore: o.missed } : {}),
    ...(o.closedReason ? { closedReason: o.closedReason } : {}),
    previousDeadlines: o.previousDeadlines.map((p) => ({ dueDate: p.dueDate, rule: p.rule })),
  };
}

/** The case as a person reads it at `nowMs` (lateness of missed obligations grows with it). */
export function caseStatus(state: CaseState, nowMs: number): CaseStatus {
  const all = [...state.pastRounds, ...Object.values(state.obligations)].map((o) => view(o, nowMs));
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
    // In time order: a decision recorded after the fact takes its place by when it happened.
    timeline: [...state.timeline].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
    pending: { notices: state.outbox.notices.length, records: state.outbox.records.length },
    actions: Object.entries(state.actions ?? {}).map(([actionId, a]) => ({ actionId, agency: a.agency, deadline: a.deadline, status: a.status })),
    ...(state.stage === 'action-plan' ? { waitingFor: waitingFor(state) } : {}),
  };
}

/**
 * What a case at the action-plan stage still waits for: its open obligations (a published report
 * kept public for its year is watched until then, and says so) and its open actions.
 */
export function waitingFor(state: CaseState): string[] {
  const obligations = Object.values(state.obligations)
    .filter((o) => o.status === 'open' || o.status === 'missed')
    .map((o) => `${o.id} (${o.status === 'missed' ? 'missed' : 'due'} ${o.deadline.dueDate})`);
  const actions = Object.entries(state.actions ?? {})
    .filter(([, a]) => a.status === 'open')
    .map(([id, a]) => `action ${id} (${a.agency}, due ${a.deadline})`);
  return [...obligations, ...actions];
}

/**
 * What the register keeps of a case for the case list and "my work" (register/case-summary.ts):
 * the procedure's words, dates, the referring agency and sign-in IDs, never anything about the
 * child or the family. The case queues one whenever what it holds changes; the register keeps the
 * newest (by `updatedAt`, then `revision`), so a retried or late write never rolls it back.
 */
export interface CaseSummary {
  caseReference: string;
  rulebookVersion: string;
  /** Increases with every summary the case queues, across continue-as-new. */
  revision: number;
  stage: Stage;
  receivedAt: string;
  /** The soonest open deadline (an instant), as the case's NextDeadline search attribute. */
  nextDeadline: string | null;
  /** How many obligations are missed, as OverdueCount. */
  missed: number;
  referringAgency: string | null;
  /** Sign-in IDs of the reviewers commissioned on the case (§8): they may read it. */
  reviewerIds: string[];
  /** The obligations still to be done, soonest first: what "my work" lists. */
  obligations: Array<{ id: string; status: 'open' | 'missed'; dueAt: string }>;
  /** The case's time when it queued this summary (ISO instant). */
  updatedAt: string;
}

/** The case's summary as it stands; `revision` and `now` are the workflow's. */
export function caseSummary(state: CaseState, revision: number, now: string): CaseSummary {
  const obligations = Object.values(state.obligations)
    .filter((o): o is ObligationState & { status: 'open' | 'missed' } => o.status === 'open' || o.status === 'missed')
    .map((o) => ({ id: o.id, status: o.status, dueAt: o.deadline.dueAt }))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  return {
    caseReference: state.caseReference,
    rulebookVersion: state.rulebookVersion,
    revision,
    stage: state.stage,
    receivedAt: state.receivedAt,
    nextDeadline: nextDeadline(state) ?? null,
    missed: overdueCount(state),
    referringAgency: state.facts.referringAgency ?? null,
    reviewerIds: [...(state.facts.reviewerIds ?? [])],
    obligations,
    updatedAt: now,
  };
}

/** What a summary says, without when it was made: two summaries alike need one write. */
export function summarySignature(summary: CaseSummary): string {
  const { revision: _revision, updatedAt: _updatedAt, ...said } = summary;
  return JSON.stringify(said);
}
