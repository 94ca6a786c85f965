// The incident workflow's contract: imported by the workflow, the worker, the API and the
// tests alike, so that names and shapes are written once.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { CaseState, CaseStatus, DecisionResult } from '../domain/case';
import type { DecisionName } from '../domain/decisions';
import type { ReferralForm } from '../domain/referral-form';
import type { Actor } from '../domain/roles';

export { workflowIdFor } from '../domain/case';

export const TASK_QUEUE = 'safeguarding-incidents';

/**
 * Starts a case. The form lives only in payloads (never in IDs, search attributes or logs); a
 * payload codec must encrypt them before real referrals are entered (README: not done yet).
 */
export interface ReferralStart {
  caseReference: string;
  /** When the Business Unit received the referral (ISO instant). */
  receivedAt: string;
  referral: ReferralForm;
  rulebookVersion: string;
  receivedBy: Actor;
}

export type IncidentInput = { start: ReferralStart } | { continued: CaseState };

export interface DecisionRequest {
  actor: Actor;
  payload: unknown;
}

/** One Temporal update per decision, named after it (the names show in the Temporal UI). */
export function decisionUpdate(name: DecisionName) {
  return defineUpdate<DecisionResult, [DecisionRequest]>(name);
}

export const statusQuery = defineQuery<CaseStatus>('status');

// Visibility for operations in the Temporal UI: never personal data.
export const CASE_STAGE = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const NEXT_DEADLINE = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const OVERDUE_COUNT = defineSearchAttributeKey('OverdueCount', SearchAttributeType.INT);

/** The dev server's `--search-attribute` spelling of each key. */
export const SEARCH_ATTRIBUTE_FLAGS = ['CaseStage=Keyword', 'NextDeadline=Datetime', 'OverdueCount=Int'];
