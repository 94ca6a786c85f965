// One improvement action, from the action plan that agreed it to its completion or withdrawal
// (§9.2, §16.2), as a workflow of its own: months of timers for one action stay out of its case's
// history. Its case starts it (workflows/incident.ts) and hears when it is settled. The three
// steps it watches, and how each date is counted, are in domain/action.ts.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  log,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ACTION_DECISION_NAMES,
  actionDecisionNeeds,
  actionSnapshot,
  actionStatus,
  applyActionDecision,
  applyActionDue,
  applyActionOpening,
  checkActionDecision,
  newAction,
  openingRequests,
  type ActionState,
  type ActionStatusView,
} from '../domain/action';
import { workflowIdFor } from '../domain/case';
import { nextDeadline, nextWakeAt, overdueCount, type DeadlineRequest } from '../domain/obligations';
import { actionDecisionUpdate, actionSettledSignal, actionStatusQuery, CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT, type ActionInput, type DecisionRequest } from './contract';
import { changeLock, outboxDispatcher, computeDeadlines, deadlinesForDecision, keyReuse, recordActionOutcomes, rememberRequest, sendNotice } from './machinery';

function nowIso(): string {
  return new Date().toISOString();
}

export async function actionWorkflow(input: ActionInput): Promise<ActionStatusView> {
  const state: ActionState = 'continued' in input ? input.continued : newAction(input.start);
  const ref = state.caseReference;
  let revision = 0;
  const lock = changeLock(() => revision++);

  const deadlinesFor = (requests: DeadlineRequest[]) => deadlinesForDecision(ref, state.rulebookVersion, requests);


  setHandler(actionStatusQuery, () => actionStatus(state));
  const requestOf = (id: string | undefined) => (id === undefined ? undefined : state.requests.find((r) => r.updateId === id));
  for (const name of ACTION_DECISION_NAMES) {
    const refuse = (type: string, message: string, problems?: unknown): never => {
      throw ApplicationFailure.create({ type, message, nonRetryable: true, details: problems ? [problems] : [] });
    };
    setHandler(
      actionDecisionUpdate(name),
      (request: DecisionRequest): Promise<ActionStatusView> =>
        lock.exclusive(async () => {
          const updateId = currentUpdateInfo()?.id;
          if (requestOf(updateId)) return { ...actionStatus(state), ...(request.key ? { requestHash: request.key.requestHash } : {}), duplicate: true };
          const reused = keyReuse(state.requests, request, name);
          if (reused) refuse('IdempotencyKeyReused', reused);
          // Checked again against the action as the decision before it left it.
          const check = checkActionDecision(state, name, request.actor, request.payload, Date.now());
          if (!check.ok) return refuse(check.type, check.message, check.problems);
          const deadlines = await deadlinesFor(actionDecisionNeeds(state, name, check.payload));
          // From here to the end, nothing awaits: the decision is applied whole.
          applyActionDecision(state, name, request.actor, check.payload, deadlines, nowIso());
          rememberRequest(state.requests, updateId, request, name);
          return { ...actionStatus(state), ...(request.key ? { requestHash: request.key.requestHash } : {}), ...(request.requestId ? { requestId: request.requestId } : {}) };
        }),
      {
        validator: (request: DecisionRequest) => {
          const previous = requestOf(currentUpdateInfo()?.id);
          if (previous) {
            if (previous.requestHash !== request.key?.requestHash) refuse('IdempotencyKeyReused', 'This Idempotency-Key was used for a different request');
            return;
          }
          const reused = keyReuse(state.requests, request, name);
          if (reused) refuse('IdempotencyKeyReused', reused);
          if (request.acceptBy !== undefined && Date.now() > Date.parse(request.acceptBy)) {
            refuse('RequestExpired', 'The request reached the action after the API had stopped waiting; nothing was applied');
          }
          if (!state.opened) return;
          const check = checkActionDecision(state, name, request.actor, request.payload, Date.now());
          if (!check.ok) refuse(check.type, check.message, check.problems);
        },
      },
    );
  }

  // Register rows go with the action's latest snapshot for the action log, in one transaction.
  const outbox = outboxDispatcher(
    state,
    { write: (records) => recordActionOutcomes({ records, snapshot: actionSnapshot(state, nowIso()) }), sendNotice },
    () => revision++,
    nowIso,
  );

  let published = '';
  function publishVisibility(): void {
    const next = nextDeadline(state.obligations);
    const overdue = overdueCount(state.obligations);
    const signature = `${state.status}|${next ?? ''}|${overdue}`;
    if (signature === published) return;
    published = signature;
    // Operations see an action's status and next date beside the cases; never its words.
    upsertSearchAttributes([
      { key: CASE_STAGE, value: `action-${state.status}` },
      { key: NEXT_DEADLINE, value: next ? new Date(next) : null },
      { key: OVERDUE_COUNT, value: overdue },
    ]);
  }

  if ('start' in input) {
    await lock.exclusive(async () => {
      // Agreed already: the action is not a request anyone can retry, so it keeps trying.
      for (let attempt = 1; ; attempt++) {
        try {
          applyActionOpening(state, await computeDeadlines({ caseReference: ref, rulebookVersion: state.rulebookVersion, requests: openingRequests(state) }), nowIso());
          return;
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          log.error('action deadlines not computed; trying again', { caseReference: ref, actionId: state.actionId, attempt });
          await sleep(Math.min(attempt, 30) * 60_000);
        }
      }
    });
  }

  while (state.status === 'open') {
    // Every command from this one loop: the outbox first, then visibility, then the timer.
    outbox.dispatch();
    publishVisibility();
    const suggested = workflowInfo().continueAsNewSuggested;
    if (suggested && allHandlersFinished()) await continueAsNew<typeof actionWorkflow>({ continued: state });
    const seen = revision;
    const wake = nextWakeAt(state.obligations);
    const woken = () => revision !== seen || (suggested && allHandlersFinished());
    if (wake === undefined) await condition(woken);
    else await condition(woken, Math.max(1, wake - Date.now()));
    if (!lock.busy()) applyActionDue(state, nowIso());
  }
  // Completed or withdrawn: what is queued goes out, then the case hears of it.
  for (;;) {
    outbox.dispatch();
    if (allHandlersFinished() && outbox.idle()) break;
    const seen = revision;
    await condition(() => revision !== seen || (allHandlersFinished() && outbox.idle()));
  }
  publishVisibility();
  const settled = state.status === 'completed' ? 'completed' : 'withdrawn';
  try {
    await getExternalWorkflowHandle(workflowIdFor(ref)).signal(actionSettledSignal, { actionId: state.actionId, status: settled });
  } catch (err) {
    // A case that no longer runs (closed by hand, or terminated) has nothing left to wait for.
    log.warn('the case did not take the action settled signal', { caseReference: ref, actionId: state.actionId, error: err instanceof Error ? err.name : 'unknown' });
  }
  return actionStatus(state);
}
