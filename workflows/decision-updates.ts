// A decision arrives as a Temporal update, on a case (workflows/incident.ts) or on an improvement
// action (workflows/action.ts), and is taken the same way on both:
//  - the validator refuses what it can before anything is written (a refused update leaves
//    nothing in the history): a key reused, a request the API stopped waiting for, then what the
//    case's or the action's own rules refuse;
//  - the handler runs one at a time under the change lock: a retry of a request already applied is
//    answered, not applied again; the key and the rules are checked again against the case as the
//    decision before it left it; the deadlines the decision needs are computed (its one bounded
//    await); it is applied whole, with nothing awaited; its key is remembered; it answers.
// What differs between a case and an action (scope, the checks, the answer) is in DecisionRules.
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import { REQUESTS_KEPT, type Deadline, type DecisionRequestRecord } from '../domain/case';
import type { DeadlineRequest } from '../domain/obligations';
import type { DecisionRequest } from './contract';
import { deadlinesForDecision, type ChangeLock } from './machinery';

/** A refusal as the API reads it: the error's type, its message, and the fields' problems if any. */
export interface Refusal {
  type: string;
  message: string;
  problems?: unknown;
}

/** Fails the update (nothing applied); the API answers with the type's status. */
export function refuse(type: string, message: string, problems?: unknown): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: problems ? [problems] : [] });
}

/** What a case or an action keeps that its decisions' updates read and write. */
export interface DecidedOn {
  caseReference: string;
  rulebookVersion: string;
  opened: boolean;
  /** Keyed requests already applied (newest REQUESTS_KEPT), carried across continue-as-new. */
  requests: DecisionRequestRecord[];
}

/** A decision checked in its handler: what the rules made of it, and the deadlines it needs. */
export interface Checked {
  needs: DeadlineRequest[];
}

/** A decision applied: its answer, and what the answer waits for first, if anything. */
export interface Applied<R> {
  answer(): R;
  /** The answer is given once this holds (the decision still holding the case). */
  waitFor?: () => boolean;
}

/** A case's or an action's own part in taking its decisions. */
export interface DecisionRules<N extends string, R, C extends Checked> {
  /** What a request reaches ('case', 'action'): the refusal of a late request names it. */
  subject: string;
  /** The validator's own checks, once the key and the API's wait have passed and the subject has opened. */
  refusal(name: N, request: DecisionRequest): Refusal | undefined;
  /** The answer to a retry of a request already applied (a duplicate): nothing is done again. */
  retried(request: DecisionRequest): R;
  /** The handler's checks, against the subject as the decision before it left it: refuses (throws) or says what it needs. */
  check(name: N, request: DecisionRequest): C;
  /** The decision applied whole, with its deadlines computed: nothing here awaits. */
  apply(name: N, request: DecisionRequest, checked: C, deadlines: Deadline[]): Applied<R>;
}

/** Why a keyed request reuses a key another request of this person already used, if it does. */
export function keyReuse(requests: readonly DecisionRequestRecord[], request: DecisionRequest, name: string): string | undefined {
  const sameKey = request.key && requests.find((r) => r.keyId === request.key!.keyId);
  if (!sameKey) return undefined;
  return `This Idempotency-Key was used for ${sameKey.decision === name ? 'a different body' : `another decision (${sameKey.decision})`}`;
}

/** A keyed request applied: remembered (the newest REQUESTS_KEPT), across continue-as-new too. */
export function rememberRequest(requests: DecisionRequestRecord[], updateId: string | undefined, request: DecisionRequest, name: string): void {
  if (!request.key || updateId === undefined) return;
  requests.push({ updateId, keyId: request.key.keyId, decision: name, requestHash: request.key.requestHash });
  if (requests.length > REQUESTS_KEPT) requests.splice(0, requests.length - REQUESTS_KEPT);
}

/**
 * Registers the update of every decision in `names`, each with its validator and its handler.
 * Called before the workflow's first await: an update that arrives before its handler exists is
 * rejected.
 */
export function registerDecisions<N extends string, R, C extends Checked>(
  subject: DecidedOn,
  names: readonly N[],
  update: (name: N) => UpdateDefinition<R, [DecisionRequest]>,
  lock: ChangeLock,
  rules: DecisionRules<N, R, C>,
): void {
  const requestOf = (id: string | undefined) => (id === undefined ? undefined : subject.requests.find((r) => r.updateId === id));
  for (const name of names) {
    setHandler(
      update(name),
      (request: DecisionRequest): Promise<R> =>
        lock.exclusive(async () => {
          const updateId = currentUpdateInfo()?.id;
          // A retry of a decision applied in an earlier run: answered, not applied again.
          if (requestOf(updateId)) return rules.retried(request);
          // Checked again, the key included (two requests with one key for different decisions
          // can pass their validators together).
          const reused = keyReuse(subject.requests, request, name);
          if (reused) refuse('IdempotencyKeyReused', reused);
          const checked = rules.check(name, request);
          const deadlines = await deadlinesForDecision(subject.caseReference, subject.rulebookVersion, checked.needs);
          // From here to the answer, nothing awaits but what the answer waits for: the decision is applied whole.
          const applied = rules.apply(name, request, checked, deadlines);
          rememberRequest(subject.requests, updateId, request, name);
          if (applied.waitFor) await condition(applied.waitFor);
          return { ...applied.answer(), ...(request.requestId ? { requestId: request.requestId } : {}) };
        }),
      {
        validator: (request: DecisionRequest) => {
          const previous = requestOf(currentUpdateInfo()?.id);
          if (previous) {
            if (previous.requestHash !== request.key?.requestHash) refuse('IdempotencyKeyReused', 'This Idempotency-Key was used for a different request');
            return;
          }
          const reused = keyReuse(subject.requests, request, name);
          if (reused) refuse('IdempotencyKeyReused', reused);
          if (request.acceptBy !== undefined && Date.now() > Date.parse(request.acceptBy)) {
            refuse('RequestExpired', `The request reached the ${rules.subject} after the API had stopped waiting; nothing was applied`);
          }
          // Before the opening (its first moments), the handler checks it once it has opened.
          if (!subject.opened) return;
          const refusal = rules.refusal(name, request);
          if (refusal) refuse(refusal.type, refusal.message, refusal.problems);
        },
      },
    );
  }
}
