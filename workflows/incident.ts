// One serious child safeguarding incident, from referral to closure (docs/PROCEDURE.md).
// Decisions arrive as updates. Each is applied whole by domain/incident.ts: the deadlines it
// needs are computed first (one local activity), then every change is made at once, with no
// await in between. Handlers are serialised, so a second decision is checked against the case
// as the first one left it. Emails and register rows wait in the case's outbox and are carried
// out by two loops of their own, so an outage of SMTP or the register delays only them.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { caseMark, caseStatus, decisionResult, nextDeadline, nextWakeAt, overdueCount, type CaseState, type CaseStatus, type DecisionResult } from '../domain/case';
import { checkDecision, DECISION_NAMES, scopeRefusal } from '../domain/decisions';
import { actionWorkflowId } from '../domain/action-snapshot';
import { actionStarted, applyActionSettled, applyDecision, applyDue, applyOpening, closeIfDone, deadlineRequests, newCase, openingObligations, planDecision, withoutWrittenFreeText } from '../domain/incident';
import { record, type DeadlineRequest } from '../domain/obligations';
import { COMMANDS_FROM_MAIN_LOOP, DECISIONS_WITHIN_READ_SCOPE, NOTIFICATION_DEADLINE_AT_REFERRAL, REVIEWER_ID_REQUIRED } from './patches';
import { carryOutOutbox, changeLock, computeDeadlines, deadlinesForDecision, keyReuse, outboxDispatcher, recordOutcomes, rememberRequest, sendNotice, wakeTimer } from './machinery';
import type { actionWorkflow } from './action';
import { actionSettledSignal, CASE_STAGE, caseOpenedUpdate, decisionUpdate, NEXT_DEADLINE, OVERDUE_COUNT, statusQuery, type DecisionRequest, type IncidentInput } from './contract';

/** How long continue-as-new waits for running handlers before operations are alerted. */
const CONTINUE_AS_NEW_WAIT_MS = 10 * 60_000;
function nowIso(): string {
  return new Date().toISOString();
}

export async function incidentWorkflow(input: IncidentInput): Promise<CaseStatus> {
  const state: CaseState = 'continued' in input ? input.continued : newCase(input.start);
  // Cases continued from before these fields existed.
  state.outbox ??= { records: [], notices: [] };
  state.requests ??= [];
  if ('continued' in input) state.opened ??= true;
  const ref = state.caseReference;
  // Bumped by every change, so the main loop re-plans its timers.
  let revision = 0;

  // One change at a time: a handler that awaits its deadlines holds the case until it has applied.
  const lock = changeLock(() => revision++);
  const exclusive = lock.exclusive;

  const deadlinesFor = (requests: DeadlineRequest[]) => deadlinesForDecision(ref, state.rulebookVersion, requests);


  // Every handler is registered before the first await: an update that arrives before its
  // handler exists is rejected.
  setHandler(statusQuery, () => caseStatus(state, Date.now()));
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => state.opened);
    return decisionResult(state);
  });

  const requestOf = (id: string | undefined) => (id === undefined ? undefined : state.requests.find((r) => r.updateId === id));
  for (const name of DECISION_NAMES) {
    setHandler(
      decisionUpdate(name),
      (request: DecisionRequest): Promise<DecisionResult> =>
        exclusive(async () => {
          const updateId = currentUpdateInfo()?.id;
          // A retry of a decision applied in an earlier run: answered, not applied again.
          if (requestOf(updateId)) return decisionResult(state, true, request.key?.requestHash);
          // Checked again against the case as the decisions before it left it, the key included
          // (two requests with one key for different decisions can pass their validators together).
          const reused = keyReuse(state.requests, request, name);
          if (reused) throw ApplicationFailure.create({ type: 'IdempotencyKeyReused', message: reused, nonRetryable: true });
          // Histories recorded before this check never ran it in the handler (their validators did not either).
          const outOfScope = patched(DECISIONS_WITHIN_READ_SCOPE) ? scopeRefusal(state, name, request.actor) : undefined;
          if (outOfScope) throw ApplicationFailure.create({ type: 'CaseNotFound', message: outOfScope, nonRetryable: true });
          // A commissioning recorded before the reviewer's ID was required replays as it was checked then.
          const asRecorded = name === 'reviewer-commissioned' && !patched(REVIEWER_ID_REQUIRED);
          const check = checkDecision(state, name, request.actor, request.payload, Date.now(), { asRecorded });
          if (!check.ok) throw ApplicationFailure.create({ type: check.type, message: check.message, nonRetryable: true, details: check.problems ? [check.problems] : [] });
          const plan = planDecision(state, name, check.payload, Date.now());
          const deadlines = await deadlinesFor(plan.needs);
          const before = caseMark(state);
          // From here to the end, nothing awaits: the decision is applied whole.
          applyDecision(state, name, request.actor, check.payload, plan, deadlines, nowIso());
          rememberRequest(state.requests, updateId, request, name);
          // Applied whole above; the answer waits until the actions' own workflows exist, so an
          // action can be read and decided on as soon as its plan is answered.
          if (plan.effects.actions?.length) {
            // The main loop starts them (newer cases): wake it, the decision still holding the case.
            if (fromMainLoop) revision++;
            await condition(() => toStart().length === 0);
          }
          return { ...decisionResult(state, false, request.key?.requestHash, before), ...(request.requestId ? { requestId: request.requestId } : {}) };
        }),
      {
        validator: (request: DecisionRequest) => {
          const refuse = (type: string, message: string, problems?: unknown) => {
            throw ApplicationFailure.create({ type, message, nonRetryable: true, details: problems ? [problems] : [] });
          };
          const previous = requestOf(currentUpdateInfo()?.id);
          if (previous) {
            if (previous.requestHash !== request.key?.requestHash) refuse('IdempotencyKeyReused', 'This Idempotency-Key was used for a different request');
            return;
          }
          const reused = keyReuse(state.requests, request, name);
          if (reused) refuse('IdempotencyKeyReused', reused);
          if (request.acceptBy !== undefined && Date.now() > Date.parse(request.acceptBy)) {
            refuse('RequestExpired', 'The request reached the case after the API had stopped waiting; nothing was applied');
          }
          // Before the case has opened (its first moments), the handler checks it once it has.
          if (!state.opened) return;
          const outOfScope = scopeRefusal(state, name, request.actor);
          if (outOfScope) refuse('CaseNotFound', outOfScope);
          const check = checkDecision(state, name, request.actor, request.payload, Date.now());
          if (!check.ok) refuse(check.type, check.message, check.problems);
        },
      },
    );
  }

  // ---- Carrying out the outbox. Cases started before the patch did it in two loops of their own
  // (register rows, emails) and started their actions in a third; their histories replay so. Newer
  // cases do all three from the main loop (outboxDispatcher): one coroutine issues every command,
  // in an order the state alone decides, so a worker that replays the case without it cached
  // issues them in the order the history has them.
  const fromMainLoop = patched(COMMANDS_FROM_MAIN_LOOP);
  const loops = fromMainLoop ? undefined : carryOutOutbox(state, { write: recordOutcomes, sendNotice }, () => revision++, nowIso);
  const dispatcher = fromMainLoop ? outboxDispatcher(state, { write: recordOutcomes, sendNotice }, () => revision++, nowIso) : undefined;
  const outboxEmpty = () => (loops ?? dispatcher!).idle();

  // ---- Improvement actions (§16.2): each agreed action is started as a workflow of its own once
  // the decision has answered; it tells the case when it is completed or withdrawn.
  setHandler(actionSettledSignal, ({ actionId, status }) => {
    if (applyActionSettled(state, actionId, status, nowIso())) revision++;
  });
  let startingAction = false;
  const toStart = () => Object.entries(state.actions ?? {}).filter(([, a]) => a.pendingStart !== undefined);
  async function startActionsLoop(): Promise<void> {
    for (;;) {
      await condition(() => toStart().length > 0);
      startingAction = true;
      const [actionId, action] = toStart()[0]!;
      try {
        // Abandoned, not terminated, when this run continues as new: the action outlives the run.
        await startChild<typeof actionWorkflow>('actionWorkflow', {
          workflowId: actionWorkflowId(ref, actionId),
          args: [{ start: action.pendingStart! }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (err) {
        // Started by an earlier run of this case (it continued as new before hearing back).
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      actionStarted(state, actionId);
      startingAction = false;
      revision++;
    }
  }
  if (!fromMainLoop) void startActionsLoop();
  /** The main loop's way: the next pending action's workflow started, not waited for. */
  function startPendingActions(): void {
    const next = toStart()[0];
    if (startingAction || !next) return;
    startingAction = true;
    const [actionId, action] = next;
    void startChild<typeof actionWorkflow>('actionWorkflow', {
      workflowId: actionWorkflowId(ref, actionId),
      args: [{ start: action.pendingStart! }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    })
      .then(
        () => undefined,
        (err: unknown) => {
          // Started by an earlier run of this case (it continued as new before hearing back).
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        },
      )
      .then(() => {
        actionStarted(state, actionId);
        startingAction = false;
        revision++;
      });
  }
  /** What the main loop issues first on every turn, on the newer cases. */
  function issueQueuedCommands(): void {
    if (!fromMainLoop) return;
    dispatcher!.dispatch();
    startPendingActions();
  }

  let published = '';
  function publishVisibility(): void {
    const next = nextDeadline(state);
    const overdue = overdueCount(state);
    const signature = `${state.stage}|${next ?? ''}|${overdue}`;
    if (signature === published) return;
    published = signature;
    upsertSearchAttributes([
      { key: CASE_STAGE, value: state.stage },
      { key: NEXT_DEADLINE, value: next ? new Date(next) : null },
      { key: OVERDUE_COUNT, value: overdue },
    ]);
  }

  if ('start' in input) {
    const start = input.start;
    // Taken before the first await: no decision can be checked against a half-opened case.
    await exclusive(async () => {
      const requests = deadlineRequests(state, openingObligations(state));
      // The opening is not a request anyone can retry: it keeps trying (a worker overloaded for a
      // minute must not end a case before it begins). Its inputs were validated at the API.
      for (let attempt = 1; ; attempt++) {
        try {
          const deadlines = await computeDeadlines({ caseReference: ref, rulebookVersion: state.rulebookVersion, requests });
          // §5.2's deadline told at the referral: one more email, so cases opened before replay without it.
          applyOpening(state, start.receivedBy, deadlines, nowIso(), patched(NOTIFICATION_DEADLINE_AT_REFERRAL));
          return;
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          log.error('opening deadlines not computed; trying again', { caseReference: ref, attempt });
          await sleep(Math.min(attempt, 30) * 60_000);
        }
      }
    });
  }

  let continueAsNewWaitingSince: number | undefined;
  // Newer cases keep their wake-up timer while its instant is unchanged (issue 9).
  const timer = fromMainLoop ? wakeTimer() : undefined;
  for (;;) {
    issueQueuedCommands();
    publishVisibility();
    const suggested = workflowInfo().continueAsNewSuggested;
    if (suggested) {
      // Deadlines are absolute instants and the outbox is in the state: nothing is lost in the new run.
      if (allHandlersFinished() && !startingAction) await continueAsNew<typeof incidentWorkflow>({ continued: withoutWrittenFreeText(state) });
      continueAsNewWaitingSince ??= Date.now();
      // Handlers are short (their one await is bounded): a long wait means something is wrong.
      if (Date.now() - continueAsNewWaitingSince >= CONTINUE_AS_NEW_WAIT_MS && !state.continueAsNewAlertedAt) {
        state.continueAsNewAlertedAt = nowIso();
        log.error('continue-as-new is waiting for a handler', { caseReference: ref });
        const reason = 'continue-as-new has waited 10 minutes for a running decision';
        record(state, 'operations-alert', `operations-alert:continue-as-new:${state.continueAsNewAlertedAt}`, { occurredAt: state.continueAsNewAlertedAt, detail: { reason } });
        state.outbox.notices.push({ key: `${ref}:operations-alert:continue-as-new:${state.continueAsNewAlertedAt}`, kind: 'operations-alert', instant: state.continueAsNewAlertedAt, to: ['operations'], reason });
      }
    }
    if (state.stage === 'closed') break;
    const seen = revision;
    let wake = nextWakeAt(state);
    if (continueAsNewWaitingSince !== undefined && !state.continueAsNewAlertedAt) {
      const alertAt = continueAsNewWaitingSince + CONTINUE_AS_NEW_WAIT_MS;
      wake = wake === undefined ? alertAt : Math.min(wake, alertAt);
    }
    const woken = () => revision !== seen || (suggested && allHandlersFinished());
    if (timer) {
      const fired = timer.fires();
      timer.arm(wake);
      await condition(() => woken() || timer.fires() !== fired);
    } else if (wake === undefined) await condition(woken);
    else await condition(woken, Math.max(1, wake - Date.now()));
    // A handler part-way through holds the case; its end bumps the revision and brings us back.
    if (!lock.busy()) {
      applyDue(state, nowIso());
      // Its last action settled and nothing else open: the case closes itself (§9.2, §16.2).
      closeIfDone(state, nowIso());
    }
  }
  // Closed: every email and row still queued goes out before the workflow ends.
  timer?.arm(undefined);
  const finished = () => allHandlersFinished() && outboxEmpty() && toStart().length === 0 && !startingAction;
  if (fromMainLoop) {
    for (;;) {
      issueQueuedCommands();
      if (finished()) break;
      const seen = revision;
      await condition(() => revision !== seen || finished());
    }
  } else await condition(finished);
  publishVisibility();
  return caseStatus(state, Date.now());
}

