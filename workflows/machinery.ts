// What the case's workflow and each action's workflow share: one change at a time, the opening
// that keeps trying until its deadlines are computed, the outbox carried out after a change has
// answered (register rows in batches, emails one by one), so an outage of SMTP or the register
// delays only them, and what operations see of them in the Temporal UI. Their decisions' updates
// are workflows/decision-updates.ts.
//
// Every helper here keeps the awaits of the code it came from, one for one: the order in which a
// workflow's coroutines issue commands depends on them, and recorded histories replay only in
// that order.
import { ActivityFailure, ApplicationFailure, CancellationScope, condition, log, proxyActivities, proxyLocalActivities, setCurrentDetails, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ActionRecords, BatchedNoticeResult, IncidentActivities, Notice, NoticeResult, OutcomeRecord } from '../activities/types';
import type { CaseSummary, Deadline } from '../domain/case';
import { deadlinesSummary, noticesSummary, noticeSummary, OPENING_RETRY_SUMMARY, registerSummary } from '../domain/case-details';
import { applyNoticeOutcome, record, type DeadlineRequest, type Ledger } from '../domain/obligations';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT } from './contract';

// Sending and recording: an outage is transient, so keep trying, backing off to every 30 minutes.
// Heartbeats let Temporal notice a worker that died mid-send within a minute.
const activities = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', nonRetryableErrorTypes: ['NoticeRefused'] },
});

// Deadline arithmetic is pure computation: bounded, and a failure from bad data is final.
const localActivities = proxyLocalActivities<IncidentActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: ['InvalidDeadlineInput'] },
});

// Each call carries a one-line summary the Temporal UI shows beside its event (domain/case-details.ts:
// never personal data). A summary is user metadata on the command, not one of the attributes replay
// compares: histories recorded without them replay (test/replay).

/** Sends one email; its summary names the kind and the obligation ("email: escalation rapid-review-report"). */
export function sendNotice(notice: Notice): Promise<NoticeResult> {
  const obligationId = notice.kind === 'operations-alert' ? undefined : notice.deadline.obligationId;
  return activities.sendNotice.executeWithOptions({ summary: noticeSummary({ kind: notice.kind, ...(obligationId ? { obligationId } : {}) }) }, [notice]);
}

/** Emails per batch (sendNotices): a turn rarely queues more than a handful. */
export const NOTICES_PER_BATCH = 20;

// A batch sends one email after another, each only while its claim's lease ends within the attempt
// (activities/outbox.ts timeForAnotherSend): 5 minutes (BATCH_ACTIVITY_TIMEOUT_MS) leaves room for
// a whole batch even after a wait for a worker. Heartbeats still show a dead worker within 30 s.
const batchActivities = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', nonRetryableErrorTypes: ['NoticeRefused'] },
});

/** Sends several emails in one activity; its summary names the first and how many more. */
export function sendNotices(notices: Notice[]): Promise<BatchedNoticeResult[]> {
  const described = notices.map((n) => ({ kind: n.kind, ...(n.kind === 'operations-alert' ? {} : { obligationId: n.deadline.obligationId }) }));
  return batchActivities.sendNotices.executeWithOptions({ summary: noticesSummary(described) }, [notices]);
}

/** Writes a case's register rows, and its summary if one waits, in one transaction. */
export function recordOutcomes(records: OutcomeRecord[], summary?: CaseSummary): Promise<void> {
  const args: Parameters<IncidentActivities['recordOutcomes']> = summary ? [records, summary] : [records];
  return activities.recordOutcomes.executeWithOptions({ summary: registerSummary(records, summary !== undefined) }, args);
}

/** Writes an action's register rows with its snapshot for the action log. */
export function recordActionOutcomes(batch: ActionRecords): Promise<void> {
  return activities.recordActionOutcomes.executeWithOptions({ summary: registerSummary(batch.records) }, [batch]);
}

/** The deadlines for `input.requests`, computed by the local activity. */
function computeDeadlines(input: Parameters<IncidentActivities['computeDeadlines']>[0]): Promise<Deadline[]> {
  return localActivities.computeDeadlines.executeWithOptions({ summary: deadlinesSummary(input.requests) }, [input]);
}

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

export interface ChangeLock {
  /** True while a change holds the case (or the action): the main loop leaves due work until it ends. */
  busy(): boolean;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * A FIFO lock handed from one holder to the next (two waiters woken by one condition could
 * otherwise both go in). `released` runs after every holder, so the main loop re-plans its timers.
 */
export function changeLock(released: () => void): ChangeLock {
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

/** What a log line about an opening says, never personal data: the reference (and the action's ID). */
export interface OpeningLog {
  message: string;
  fields: Record<string, string>;
}

/**
 * The opening of a case (its referral) or of an improvement action (agreed in its case's plan),
 * under the lock, taken before the workflow's first await, so no decision is checked against a
 * half-opened case or action. It is not a request anyone can retry, and its inputs were validated
 * before it started: it keeps trying until its deadlines are computed (a worker overloaded for a
 * minute must not end a case before it begins), waiting a minute more each time, up to 30, then
 * `open` applies them.
 */
export function openWhenComputed(
  lock: ChangeLock,
  ledger: { caseReference: string; rulebookVersion: string },
  requests: () => DeadlineRequest[],
  open: (deadlines: Deadline[]) => void,
  retrying: OpeningLog,
): Promise<void> {
  return lock.exclusive(async () => {
    const input = { caseReference: ledger.caseReference, rulebookVersion: ledger.rulebookVersion, requests: requests() };
    for (let attempt = 1; ; attempt++) {
      try {
        open(await computeDeadlines(input));
        return;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        log.error(retrying.message, { ...retrying.fields, attempt });
        await sleep(Math.min(attempt, 30) * 60_000, { summary: OPENING_RETRY_SUMMARY });
      }
    }
  });
}

export interface OutboxActivities {
  /** Writes a batch of rows (and whatever the workflow adds to the batch) in one transaction. */
  write(records: OutcomeRecord[]): Promise<void>;
  sendNotice(notice: Notice): Promise<NoticeResult>;
  /**
   * Where given (cases and actions started since OWNERS_TOLD, which send more emails), the queued
   * emails go in batches, one activity each, rather than one activity an email.
   */
  sendNotices?: (notices: Notice[]) => Promise<BatchedNoticeResult[]>;
  /**
   * Whether the workflow has something for the register besides the rows (the case's summary,
   * which `write` adds to its batch): then `write` is called even with no row queued, and the
   * outbox is not idle until it has been.
   */
  waiting?: () => boolean;
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
        ...(notice.invite ? { invite: notice.invite } : {}),
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
  const waiting = () => activities.waiting?.() ?? false;
  async function recordLoop(): Promise<void> {
    for (;;) {
      await condition(() => ledger.outbox.records.length > 0 || waiting());
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
  return { idle: () => ledger.outbox.records.length === 0 && ledger.outbox.notices.length === 0 && !recording && !sending && !waiting() };
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
  const waiting = () => activities.waiting?.() ?? false;
  function dispatch(): void {
    if (!recording && (ledger.outbox.records.length > 0 || waiting())) {
      recording = true;
      const batch = ledger.outbox.records.slice(0, RECORDS_PER_BATCH);
      void activities.write(batch).then(() => {
        ledger.outbox.records.splice(0, batch.length);
        recording = false;
        changed();
      });
    }
    if (!sending && ledger.outbox.notices.length > 0 && activities.sendNotices) {
      sending = true;
      const batch = ledger.outbox.notices.slice(0, NOTICES_PER_BATCH);
      void activities
        .sendNotices(batch.map((n) => noticeInput(ref, n)))
        .then(
          (results): Array<{ refused?: number } | undefined> => results.map((r) => ('failed' in r ? undefined : r)),
          (err: unknown) => {
            // Each refusal is answered for inside the batch; a batch that failed as a whole is recorded so.
            if (!(err instanceof ActivityFailure)) throw err;
            log.warn('notices refused', { caseReference: ref, notices: batch.length });
            return batch.map(() => undefined);
          },
        )
        .then((results) => {
          // The batch answers for its first notices, in order: those are the outbox's head.
          results.forEach((result, i) => noticeDone(ledger, batch[i]!, result, now));
          sending = false;
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
  return { dispatch, idle: () => ledger.outbox.records.length === 0 && ledger.outbox.notices.length === 0 && !recording && !sending && !waiting() };
}

/**
 * The end of a case (closed) or of an action (completed or withdrawn): what is still queued goes
 * out before the workflow ends. `issue` starts the next commands (the outbox's, and a case's
 * actions' starts); the loop wakes on every change (`changes` moves) and ends when `finished`.
 * `then` runs as soon as it has, before anything else is awaited: its commands come right after
 * the last ones issued.
 */
export async function whenCarriedOut<T>(issue: () => void, finished: () => boolean, changes: () => number, then: () => T): Promise<T> {
  for (;;) {
    issue();
    if (finished()) return then();
    const seen = changes();
    await condition(() => changes() !== seen || finished());
  }
}

/** What operations see of a case or an action in the Temporal UI: never personal data. */
export interface Visibility {
  stage: string;
  nextDeadline: string | undefined;
  overdue: number;
}

/**
 * Sets the workflow's current details (the Markdown the Temporal UI shows on its page, served by
 * the built-in __temporal_workflow_metadata query) when they have changed. Not a command: nothing in
 * the history, so no patch; a replay sets them again as it goes.
 */
export function detailsPublisher(read: () => string): () => void {
  let published = '';
  return () => {
    const details = read();
    if (details === published) return;
    published = details;
    setCurrentDetails(details);
  };
}

/** Publishes the search attributes when they have changed since they were last published. */
export function visibilityPublisher(read: () => Visibility): () => void {
  let published = '';
  return () => {
    const { stage, nextDeadline, overdue } = read();
    const signature = `${stage}|${nextDeadline ?? ''}|${overdue}`;
    if (signature === published) return;
    published = signature;
    upsertSearchAttributes([
      { key: CASE_STAGE, value: stage },
      { key: NEXT_DEADLINE, value: nextDeadline ? new Date(nextDeadline) : null },
      { key: OVERDUE_COUNT, value: overdue },
    ]);
  };
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
    /** `summary` says what the timer waits for, in the Temporal UI (domain/case-details.ts wakeSummary). */
    arm(at: number | undefined, summary?: (at: number) => string): void {
      if (armed?.at === at) return;
      if (armed?.pending) armed.scope.cancel();
      armed = undefined;
      if (at === undefined) return;
      const timer = { at, pending: true, scope: new CancellationScope() };
      timer.scope
        .run(() => sleep(Math.max(1, at - Date.now()), summary ? { summary: summary(at) } : undefined))
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
