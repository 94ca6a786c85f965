// Activity signatures: the only thing workflow code imports from activities/.
import type { Deadline } from '../domain/case';
import type { Mailbox } from '../domain/roles';

export interface DeadlineRequest {
  caseReference: string;
  rulebookVersion: string;
  obligationId: string;
  /** When the clock event happened: an ISO instant, or a date (YYYY-MM-DD). Its London date is day 0. */
  clock: string;
}

export interface OutcomeRecord {
  /** Business identity of the outcome; recording it twice keeps one row. */
  key: string;
  caseReference: string;
  kind: string;
  obligationId?: string;
  occurredAt: string;
  actor?: { id: string; role: string };
  detail?: Record<string, string | number | boolean | null>;
}

export type NoticeKind =
  | 'referral-received'
  | 'reminder'
  | 'target-warning'
  | 'escalation'
  | 'breach'
  | 'ssp-decision-shared';

/** An email about a case: only its reference, the obligation and the deadline, never personal data. */
export interface Notice {
  /** Business identity (case, obligation, kind, instant): a retried send is not sent twice. */
  key: string;
  caseReference: string;
  kind: NoticeKind;
  to: Mailbox[];
  deadline: Deadline;
  /** Outcome words for a decision notice (e.g. 'criteria-met'); never personal data. */
  outcome?: string;
}

export interface NoticeResult {
  messageId: string;
  duplicate: boolean;
  /** Recipients the relay refused while accepting the others. */
  refused?: number;
}

export interface IncidentActivities {
  computeDeadline(request: DeadlineRequest): Promise<Deadline>;
  recordOutcome(record: OutcomeRecord): Promise<void>;
  sendNotice(notice: Notice): Promise<NoticeResult>;
}
