// Every Temporal call the case service makes is bounded: without a worker the client would wait for
// ever. A call that is not answered in time is TemporalUnavailable (503 "try again"), never a 500.
import { WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError, type Client } from '@temporalio/client';

/** The case engine did not answer in time: nothing is known to have been done. */
export class TemporalUnavailable extends Error {
  constructor() {
    super('the case engine did not answer in time');
    this.name = 'TemporalUnavailable';
  }
}

/**
 * gRPC codes that mean the case engine did not answer, not that it refused: DEADLINE_EXCEEDED and
 * UNAVAILABLE, and CANCELLED, which a query sometimes ends with when our deadline passes while no
 * worker answers it (with the worker down, 3 reads in 20 were answered 500 before this was mapped).
 */
const UNANSWERED: readonly number[] = [1, 4, 14];

/** Whether a Temporal call's error means it was not answered (in time), rather than refused. */
export function unanswered(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (isGrpcServiceError(err) && UNANSWERED.includes(err.code)) return true;
  return err instanceof Error && 'cause' in err && isGrpcServiceError(err.cause) && UNANSWERED.includes(err.cause.code);
}

/** A Temporal call bounded to `withinMs` (the default given here); unanswered, TemporalUnavailable. */
export type Bounded = <T>(fn: () => Promise<T>, withinMs?: number) => Promise<T>;

export function boundedCalls(temporal: Client, defaultMs: number): Bounded {
  return async (fn, withinMs = defaultMs) => {
    try {
      return await temporal.withDeadline(new Date(Date.now() + withinMs), fn);
    } catch (err) {
      if (unanswered(err)) throw new TemporalUnavailable();
      throw err;
    }
  };
}

/**
 * An update that reaches a case in the moment it continues as new is turned away before it is
 * accepted (FAILED_PRECONDITION, "unexpected workflow task failure"); sent again (same update ID)
 * it reaches the new run. The caller's deadline bounds the retries.
 */
export async function retryWhileContinuingAsNew<T>(send: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await send();
    } catch (err) {
      const cause = err instanceof Error && 'cause' in err ? err.cause : undefined;
      if (!(isGrpcServiceError(cause) && cause.code === 9)) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
