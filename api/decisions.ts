// How a decision's outcome is answered, the same for a case and an action: the answer (with
// Idempotent-Replayed when it is an earlier request's), or 202 when the case took the decision but
// its answer is late.
import type { Request, Response } from 'express';
import type { DecisionSubmission, UpdateOutcome } from '../services/through-update';
import { actorOf } from './auth';

/** The decision as this request sends it: the person from sign-in, never from the body. */
export function submissionOf(req: Request, res: Response): DecisionSubmission {
  return { actor: actorOf(res), body: req.body as unknown, idempotencyKey: req.get('idempotency-key'), requestId: res.locals.requestId as string };
}

export function answerDecision(res: Response, outcome: UpdateOutcome<object>, location: string): void {
  if (outcome.kind === 'accepted') {
    res.status(202).location(location).json({ status: 'accepted', message: 'The decision was accepted and is being applied' });
    return;
  }
  if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.json(outcome.answer);
}
