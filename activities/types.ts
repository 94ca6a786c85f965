// Activity signatures: the only thing workflow code imports from activities/.
import type { CaseSummary, Deadline } from '../domain/case';
import type { CalendarInvite, DeadlineRequest, NoticeKind, OutcomeRecord } from '../domain/obligations';
import type { ActionSnapshot } from '../domain/action-snapshot';
import type { Recipient } from '../domain/roles';

export type { DeadlineRequest, NoticeKind, OutcomeRecord } from '../domain/obligations';

/** Every deadline a change needs, computed in one call. */
export interface DeadlinesRequest {
  caseReference: string;
  rulebookVersion: string;
  requests: DeadlineRequest[];
}

/** An email about a case: only its reference, the obligation and the deadline, never personal data. */
export interface ObligationNotice {
  /** Business identity (case, obligation, kind, instant): a retried send is not sent twice. */
  key: string;
  caseReference: string;
  kind: Exclude<NoticeKind, 'operations-alert'>;
  to: Recipient[];
  deadline: Deadline;
  /** The improvement action it is about (its reference within the case) and the agency owning it. */
  action?: { actionId: string; agency: string };
  /** Outcome words for a decision notice (e.g. 'criteria-met'); never personal data. */
  outcome?: string;
  /** The calendar entry the email carries (activities/invites.ts). */
  invite?: CalendarInvite;
}

/** An alert to operations about a case's workflow: the reference and what is wrong, nothing else. */
export interface OperationsAlert {
  key: string;
  caseReference: string;
  kind: 'operations-alert';
  to: Recipient[];
  reason: string;
}

export type Notice = ObligationNotice | OperationsAlert;

/**
 * What became of one notice of a batch (sendNotices): its result, or `failed` where the relay refused
 * it for good. A batch answers for a prefix of its notices: those after it are sent in the next.
 */
export type BatchedNoticeResult = NoticeResult | { failed: true };

export interface NoticeResult {
  messageId: string;
  duplicate: boolean;
  /** Recipients the relay refused while accepting the others. */
  refused?: number;
}

/** An action's register rows and its latest snapshot for the action log, in one transaction. */
export interface ActionRecords {
  records: OutcomeRecord[];
  snapshot: ActionSnapshot;
}

export interface IncidentActivities {
  computeDeadlines(request: DeadlinesRequest): Promise<Deadline[]>;
  /**
   * Writes rows in one transaction; rows already there are kept as they are. The case's summary
   * for the case list, when it has changed, rides in the same transaction (kept only if newer).
   */
  recordOutcomes(records: OutcomeRecord[], summary?: CaseSummary): Promise<void>;
  sendNotice(notice: Notice): Promise<NoticeResult>;
  /**
   * Several notices in one activity, each at most once as sendNotice sends it: a change that tells
   * five people costs one activity in the history, not five. Answers for the notices it got to.
   */
  sendNotices(notices: Notice[]): Promise<BatchedNoticeResult[]>;
  recordActionOutcomes(batch: ActionRecords): Promise<void>;
}

/** The weekly digest's run: the instant the schedule fired for (a run the worker took late is still that day's). */
export interface WeeklyDigestInput {
  scheduledAt: string;
}

/** How many digests went out, and how many had gone already (the schedule fired twice); or why none were due. */
export interface WeeklyDigestResult {
  sent: number;
  duplicates: number;
  skipped?: string;
}

export interface DigestActivities {
  sendWeeklyDigests(input: WeeklyDigestInput): Promise<WeeklyDigestResult>;
}
