// A decision is sent to its workflow as a Temporal update, the same way for a case and for an
// improvement action: the update ID derives from the decision, the person and their
// Idempotency-Key (no client text reaches Temporal), the request carries the instant the service
// stops waiting (acceptBy: a case that receives it later refuses it, so "nothing applied" is true),
// and a refusal comes back in the case's own words.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { canonicalJson } from '../domain/canonical-json';
import { isRefusal, REFUSALS, type Problem } from '../domain/errors';
import type { Actor } from '../domain/roles';
import type { DecisionRequest } from '../workflows/contract';
import { Refused } from './refused';
import { retryWhileContinuingAsNew, TemporalUnavailable, type Bounded } from './temporal-calls';

/** What an Idempotency-Key may be. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** The API answers 503 "nothing applied" this long before a case would still accept the request. */
const ACCEPT_MARGIN_MS = 2_000;
/** How long a decision that timed out is asked whether it was accepted. */
const ACCEPT_PROBE_MS = 3_000;

export function sha256(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('hex');
}

/** The Idempotency-Key as sent, refused when it is not one. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new Refused(422, 'InvalidIdempotencyKey', 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 . _ : -');
  }
  return key;
}

/** A decision as the person sent it: the body as it came, and the request's own ID. */
export interface DecisionSubmission {
  actor: Actor;
  body: unknown;
  idempotencyKey?: string | undefined;
  /** The request's ID: an answer carrying another request's ID is a replay. */
  requestId: string;
}

/**
 * The decision's answer (`replayed`: the same request was applied before, and this is its outcome),
 * or `accepted`: the case took it in time but its answer is late (the caller says 202).
 */
export type UpdateOutcome<R> = { kind: 'answered'; answer: R; replayed: boolean } | { kind: 'accepted' };

export interface UpdateTarget<R> {
  handle: WorkflowHandle;
  update: UpdateDefinition<R, [DecisionRequest]>;
  /** The decision's name, part of the update ID and the request's hash. */
  name: string;
  /** The workflow is gone: says (throws) whether the case or action is closed or never was. */
  gone: () => Promise<never>;
}

interface UpdateCalls {
  bounded: Bounded;
  /** The bound on a Temporal call: the request's acceptBy is taken from it. */
  timeoutMs: number;
}

/**
 * Sends the decision and waits a bounded time. Not accepted in time, 503 NotApplied; accepted but
 * its answer late, `accepted`; refused, the refusal's status and words (Refused).
 */
export async function decideThroughUpdate<R extends { requestHash?: string; requestId?: string; duplicate?: boolean }>(
  calls: UpdateCalls,
  submission: DecisionSubmission,
  target: UpdateTarget<R>,
): Promise<UpdateOutcome<R>> {
  const { actor } = submission;
  const idempotencyKey = checkIdempotencyKey(submission.idempotencyKey);
  const body: unknown = submission.body ?? {};
  const key = idempotencyKey ? { keyId: sha256('key', actor.id, idempotencyKey), requestHash: sha256(target.name, canonicalJson(body)) } : undefined;
  const updateId = idempotencyKey ? `decision-${sha256('update', target.name, actor.id, idempotencyKey).slice(0, 40)}` : `decision-${randomUUID()}`;
  const acceptBy = new Date(Date.now() + calls.timeoutMs - ACCEPT_MARGIN_MS).toISOString();
  const args: [DecisionRequest] = [{ actor, payload: body, acceptBy, requestId: submission.requestId, ...(key ? { key } : {}) }];
  let result: R;
  try {
    // One call that waits for the answer: no second round trip when all goes well.
    result = await calls.bounded(() => retryWhileContinuingAsNew(() => target.handle.executeUpdate(target.update, { args, updateId })));
  } catch (err) {
    if (err instanceof TemporalUnavailable) return acceptedOrNotApplied(calls, target, args, updateId);
    if (err instanceof WorkflowNotFoundError) return target.gone();
    throw refusalOf(err);
  }
  // Within one run Temporal answers a repeated update ID with the first outcome: a different body is refused here.
  if (key && result.requestHash !== undefined && result.requestHash !== key.requestHash) {
    throw new Refused(422, 'IdempotencyKeyReused', 'This Idempotency-Key was used for a different request');
  }
  // A replay: applied in an earlier run (the case says so), or answered by Temporal with the
  // first request's outcome within this run (it carries the first request's ID).
  if (result.duplicate || (result.requestId !== undefined && result.requestId !== submission.requestId)) {
    return { kind: 'answered', answer: { ...result, duplicate: true }, replayed: true };
  }
  return { kind: 'answered', answer: result, replayed: false };
}

/**
 * No answer in time. The same update ID asked again for its acceptance says whether the case took
 * it, without applying it twice: accepted, it will be applied; not accepted by now, the case
 * refuses it when it comes (acceptBy has passed), so "nothing was applied" is true.
 */
async function acceptedOrNotApplied<R>(calls: UpdateCalls, target: UpdateTarget<R>, args: [DecisionRequest], updateId: string): Promise<UpdateOutcome<R>> {
  try {
    await calls.bounded(
      () => retryWhileContinuingAsNew(() => target.handle.startUpdate(target.update, { args, updateId, waitForStage: WorkflowUpdateStage.ACCEPTED })),
      ACCEPT_PROBE_MS,
    );
  } catch (err) {
    if (err instanceof TemporalUnavailable) throw new Refused(503, 'NotApplied', 'The case engine did not take the decision in time; nothing was applied; try again');
    if (err instanceof WorkflowNotFoundError) return target.gone();
    throw refusalOf(err);
  }
  return { kind: 'accepted' };
}

/** The case's refusal in its own words and status; anything else as it was. */
function refusalOf(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && isRefusal(err.cause.type)) {
    const problems = err.cause.details?.[0] as Problem[] | undefined;
    if (err.cause.type === 'RequestExpired' || err.cause.type === 'DeadlineUnavailable') return new Refused(503, 'NotApplied', err.cause.message);
    return new Refused(REFUSALS[err.cause.type], err.cause.type, err.cause.message, problems);
  }
  return err;
}
