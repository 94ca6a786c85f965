// What the case's workflow and each action's workflow share: one change at a time, and the
// outbox carried out after a change has answered (register rows in batches, emails one by one),
// so an outage of SMTP or the register delays only them.
import { ActivityFailure, ApplicationFailure, CancellationScope, condition, log, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { IncidentActivities, Notice, NoticeResult, OutcomeRecord } from '../activities/types';
import { REQUESTS_KEPT, type Deadline, type DecisionRequestRecord } from '../domain/case';
import { applyNoticeOutcome, record, type DeadlineRequest, type Ledger } from '../domain/obligations';
import type { DecisionRequest } from './contract';

// Sending and recording: an outage is transient, so keep trying, backing off to every 30 minutes.
// Heartbeats let Temporal notice a worker that died mid-send within a minute.
export const { recordOutcomes, recordActionOutcomes, sendNotice } = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', nonRetryableErrorTypes: ['NoticeRefused'] },
});

// Deadline arithmetic is pure computation: bounded, and a failure from bad data is final.
export const { computeDeadlines } = proxyLocalActivities<IncidentActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: ['InvalidDeadlineInput'] },
});

/**
 * The deadlines a decision needs, computed before anything changes: bad dates refuse it
 * (InvalidDecision), a computation that does not answer in time refuses it as not applied.
 */
export async function deadlinesForDecision(caseReference: string, rulebookVersion: string, requests: DeadlineRequest[]): Promise<Deadline[]> {
  if (requests.length === 0) return [];
  try {
    return await computeDeadlines({ caseReference, rulebookVersion, requests });
  } catch (err) {
    if (err instanceof ActivityFailure) {
      if (err.cause instanceof ApplicationFailure && err.cause.type === 'InvalidDeadlineInput') {
        throw ApplicationFailure.create({ type: 'InvalidDecision', message: 'A deadline could not be computed from the dates given', nonRetryable: true });
      }
      throw ApplicationFailure.create({ type: 'DeadlineUnavailable', message: 'The deadlines could not be computed in time; nothing was applied; try again', nonRetryable: true });
    }
    throw err;
  }
}

/** Register rows written per activity call. */
export const RECORDS_PER_BATCH = 200;

/**
 * A FIFO lock handed from one holder to the next (two waiters woken by one condition could
 * otherwise both go in). `released` runs after every holder, so the main loop re-plans its timers.
 */
export function changeLock(released: () => void) {
  let busy = false;
  const waiting: Array<() => void> = [];
  return {
    busy: () => busy,
    async exclusive<T>(fn: () => Promise<T>): Promise<T> {
      if (busy) await new Promise<void>((resolve) => waiting.push(resolve));
      busy = true;
      try {
        return await fn();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else busy = false;
        released();
      }
    },
  };
}

export interface OutboxActivities {
  /** Writes a batch of rows (and whatever the workflow adds to the batch) in one transaction. */
  write(records: OutcomeRecord[]): Promise<void>;
  sendNotice(notice: Notice): Promise<NoticeResult>;
}

/** The activity's input for a queued notice: the reference, the deadline, never personal data. */
function noticeInput(ref: string, notice: Ledger['outbox']['notices'][number]): Notice {
  return notice.kind === 'operations-alert'
    ? { key: notice.key, caseReference: ref, kind: notice.kind, to: notice.to, reason: notice.reason }
    : {
        key: notice.key,
        caseReference: ref,
        kind: notice.kind,
        to: notice.to,
        deadline: notice.deadline,
        ...(notice.outcome ? { outcome: notice.outcome } : {}),
        ...(notice.action ? { action: notice.action } : {}),
      };
}

/** A notice's send has ended (`sent` undefined: refused for good): dequeued, and its outcome recorded. */
function noticeDone(ledger: Ledger, notice: Ledger['outbox']['notices'][number], sent: { refused?: number } | undefined, now: () => string): void {
  const ref = ledger.caseReference;
  ledger.outbox.notices.shift();
  if (notice.kind === 'operations-alert') {
    record(ledger, `operations-alert-${sent ? 'sent' : 'failed'}`, `${notice.key.slice(ref.length + 1)}:${sent ? 'sent' : 'failed'}`, { occurredAt: now() });
  } else {
    applyNoticeOutcome(ledger, notice, sent ? { sent: true, ...(sent.refused ? { refusedRecipients: sent.refused } : {}) } : { sent: false }, now());
  }
}

/**
 * Starts the two loops that carry out a ledger's outbox; `idle()` is true when nothing is queued
 * or under way. `changed` runs after each email (its outcome changes the ledger).
 */
export function carryOutOutbox(ledger: Ledger, activities: OutboxActivities, changed: () => void, now: () => string): { idle(): boolean } {
  const ref = ledger.caseReference;
  let recording = false;
  let sending = false;
  async function recordLoop(): Promise<void> {
    for (;;) {
      await condition(() => ledger.outbox.records.length > 0);
      recording = true;
      const batch = ledger.outbox.records.slice(0, RECORDS_PER_BATCH);
      await activities.write(batch);
      ledger.outbox.records.splice(0, batch.length);
      recording = false;
    }
  }
  async function sendLoop(): Promise<void> {
    for (;;) {
      await condition(() => ledger.outbox.notices.length > 0);
      sending = true;
      const notice = ledger.outbox.notices[0]!;
      let sent: { refused?: number } | undefined;
      try {
        sent = await activities.sendNotice(noticeInput(ref, notice));
      } catch (err) {
        // A refused address must not end a case of years: record it and go on.
        if (!(err instanceof ActivityFailure)) throw err;
        log.warn('notice refused', { caseReference: ref, kind: notice.kind });
      }
      noticeDone(ledger, notice, sent, now);
      sending = false;
      changed();
    }
  }
  void recordLoop();
  void sendLoop();
  return { idle: () => ledger.outbox.records.length === 0 && ledger.outbox.notices.length === 0 && !recording && !sending };
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
 * The outbox carried out by the workflow's main loop itself: `dispatch()` starts the next batch of
 * register rows and the next email, if none is under way, records first, and returns at once; a
 * completion changes the ledger and calls `changed`, which wakes the main loop. One coroutine
 * issues every command, in an order that depends on the state alone, so a replay on a worker that
 * did not cache the workflow issues them in the same order as the run that wrote the history.
 */
export function outboxDispatcher(ledger: Ledger, activities: OutboxActivities, changed: () => void, now: () => string) {
  const ref = ledger.caseReference;
  let recording = false;
  let sending = false;
  function dispatch(): void {
    if (!recording && ledger.outbox.records.length > 0) {
      recording = true;
      const batch = ledger.outbox.records.slice(0, RECORDS_PER_BATCH);
      void activities.write(batch).then(() => {
        ledger.outbox.records.splice(0, batch.length);
        recording = false;
        changed();
      });
    }
    if (!sending && ledger.outbox.notices.length > 0) {
      sending = true;
      const notice = ledger.outbox.notices[0]!;
      const sent = activities.sendNotice(noticeInput(ref, notice));
      void sent
        .then(
          (result): { refused?: number } | undefined => result,
          (err: unknown) => {
            // A refused address must not end an action of years: record it and go on.
            if (!(err instanceof ActivityFailure)) throw err;
            log.warn('notice refused', { caseReference: ref, kind: notice.kind });
            return undefined;
          },
        )
        .then((result) => {
          noticeDone(ledger, notice, result, now);
          sending = false;
          changed();
        });
    }
  }
  return { dispatch, idle: () => ledger.outbox.records.length === 0 && ledger.outbox.notices.length === 0 && !recording && !sending };
}

/**
 * The one timer a workflow waits on for its next reminder, target or deadline: re-armed only when
 * that instant changes, so a decision that leaves the next wake-up where it was costs no timer
 * commands (issue 9: cancelling and restarting it each time cost two events a decision). A timer
 * that has fired for an instant is not armed again for it: the work it woke for is done when the
 * case is next free (a decision part-way through holds it, and bumps the revision when it ends).
 * Only for a loop that issues every command itself (see outboxDispatcher): with other loops
 * issuing commands too, the order on replay is not assured.
 */
export function wakeTimer() {
  let armed: { at: number; pending: boolean; scope: CancellationScope } | undefined;
  let fires = 0;
  return {
    arm(at: number | undefined): void {
      if (armed?.at === at) return;
      if (armed?.pending) armed.scope.cancel();
      armed = undefined;
      if (at === undefined) return;
      const timer = { at, pending: true, scope: new CancellationScope() };
      timer.scope
        .run(() => sleep(Math.max(1, at - Date.now())))
        .then(
          () => {
            timer.pending = false;
            fires++;
          },
          () => {
            // cancelled: a later wake-up replaced it
            timer.pending = false;
          },
        );
      armed = timer;
    },
    /** How many times an armed instant has come: the loop waits for this to move. */
    fires: () => fires,
  };
}
