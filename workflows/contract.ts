// The incident workflow's contract: imported by the workflow, the worker, the API and the
// tests alike, so that names and shapes are written once.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionDecisionName, ActionOpening, ActionState, ActionStatusView } from '../domain/action';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { CaseState, CaseStatus, DecisionResult } from '../domain/case';
import type { DecisionName } from '../domain/decisions';
import type { CaseOpening } from '../domain/incident';
import type { Actor } from '../domain/roles';

export { workflowIdFor } from '../domain/case';
export { actionWorkflowId } from '../domain/action-snapshot';

export const TASK_QUEUE = 'safeguarding-incidents';

export type IncidentInput = { start: CaseOpening } | { continued: CaseState };

export interface DecisionRequest {
  actor: Actor;
  payload: unknown;
  /**
   * Set when the request carries an Idempotency-Key: `keyId` hashes the person and the key,
   * `requestHash` the decision and its body. No client text reaches Temporal.
   */
  key?: { keyId: string; requestHash: string };
  /**
   * The API stops waiting at this instant and answers 503 "nothing applied": a request the case
   * reaches later (a worker was down) is refused, so that answer stays true.
   */
  acceptBy?: string;
  /**
   * The API's ID for this request (random), echoed in the answer: within a run Temporal answers a
   * repeated update ID with its first outcome, which then carries the first request's ID, so the
   * API can say the answer is a replay (Idempotent-Replayed).
   */
  requestId?: string;
}

/** One Temporal update per decision, named after it (the names show in the Temporal UI). */
export function decisionUpdate(name: DecisionName) {
  return defineUpdate<DecisionResult, [DecisionRequest]>(name);
}

/**
 * Sent with the start (update-with-start): answers once the opening obligations are open, so the
 * API's 201 means the case is ready for its first decision.
 */
export const caseOpenedUpdate = defineUpdate<DecisionResult, []>('case-opened');

export const statusQuery = defineQuery<CaseStatus>('status');

// Visibility for operations in the Temporal UI: never personal data.
export const CASE_STAGE = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const NEXT_DEADLINE = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const OVERDUE_COUNT = defineSearchAttributeKey('OverdueCount', SearchAttributeType.INT);

/** The dev server's `--search-attribute` spelling of each key. */
export const SEARCH_ATTRIBUTE_FLAGS = ['CaseStage=Keyword', 'NextDeadline=Datetime', 'OverdueCount=Int'];

// ---- An improvement action's own workflow (workflows/action.ts), started by its case.

export type ActionInput = { start: ActionOpening } | { continued: ActionState };

/** One update per decision on an action, named after it. */
export function actionDecisionUpdate(name: ActionDecisionName) {
  return defineUpdate<ActionStatusView, [DecisionRequest]>(name);
}

export const actionStatusQuery = defineQuery<ActionStatusView>('action-status');

/** An action tells its case it is completed or withdrawn: the case closes when none is left open. */
export const actionSettledSignal = defineSignal<[{ actionId: string; status: 'completed' | 'withdrawn' }]>('action-settled');
