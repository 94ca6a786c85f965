// One improvement action, from the action plan that agreed it to its completion or withdrawal
// (§9.2, §16.2), as a workflow of its own: months of timers for one action stay out of its case's
// history. Its case starts it (workflows/incident.ts) and hears when it is settled. The three
// steps it watches, and how each date is counted, are in domain/action.ts; its decisions arrive as
// updates, taken as a case's are (workflows/decision-updates.ts).
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  ACTION_DECISION_NAMES,
  actionDecisionNeeds,
  actionPolicy,
  actionSnapshot,
  actionStatus,
  applyActionDecision,
  applyActionDue,
  applyActionOpening,
  checkActionDecision,
  newAction,
  openingRequests,
  type ActionDecisionName,
  type ActionState,
  type ActionStatusView,
} from '../domain/action';
import { workflowIdFor } from '../domain/case';
import { actionDetails, wakeSummary } from '../domain/case-details';
import { nextDeadline, nextWakeAt, overdueCount, type DeadlineRequest } from '../domain/obligations';
import { tellOwners } from '../domain/owners-told';
import { OWNERS_TOLD } from './patches';
import { actionDecisionUpdate, actionSettledSignal, actionStatusQuery, type ActionInput } from './contract';
import { refuse, registerDecisions, type DecisionRules } from './decision-updates';
import { changeLock, detailsPublisher, openWhenComputed, outboxDispatcher, recordActionOutcomes, sendNotice, sendNotices, visibilityPublisher, whenCarriedOut } from './machinery';

function nowIso(): string {
  return new Date().toISOString();
}

export async function actionWorkflow(input: ActionInput): Promise<ActionStatusView> {
  const state: ActionState = 'continued' in input ? input.continued : newAction(input.start);
  const ref = state.caseReference;
  let revision = 0;
  const lock = changeLock(() => revision++);

  setHandler(actionStatusQuery, () => actionStatus(state));
  registerDecisions(state, ACTION_DECISION_NAMES, actionDecisionUpdate, lock, actionDecisions(state));

  // A new action tells its agency's action lead that it is theirs, with its deadline's calendar entry.
  if ('start' in input && patched(OWNERS_TOLD)) state.ownersTold = true;
  // Register rows go with the action's latest snapshot for the action log, in one transaction; a
  // turn's emails in one activity for actions started since OWNERS_TOLD.
  const outbox = outboxDispatcher(
    state,
    { write: (records) => recordActionOutcomes({ records, snapshot: actionSnapshot(state, nowIso()) }), sendNotice, ...(state.ownersTold ? { sendNotices } : {}) },
    () => revision++,
    nowIso,
  );
  // Operations see an action's status and next date beside the cases; never its words.
  const publishVisibility = visibilityPublisher(() => ({ stage: `action-${state.status}`, nextDeadline: nextDeadline(state.obligations), overdue: overdueCount(state.obligations) }));
  // Its page in the Temporal UI: its status, deadline and escalation, never its words.
  const publishDetails = detailsPublisher(() => actionDetails(state));
  publishDetails();

  /** The outbox's next commands, after the owners' emails a change calls for are queued. */
  const issueQueuedCommands = () => {
    if (state.ownersTold) tellOwners(state, actionPolicy(state), nowIso());
    outbox.dispatch();
  };

  if ('start' in input) {
    // Agreed already: the action is not a request anyone can retry, so it keeps trying.
    await openWhenComputed(
      lock,
      state,
      () => openingRequests(state),
      (deadlines) => applyActionOpening(state, deadlines, nowIso()),
      { message: 'action deadlines not computed; trying again', fields: { caseReference: ref, actionId: state.actionId } },
    );
  }

  while (state.status === 'open') {
    // Every command from this one loop: the outbox first, then visibility, then the timer.
    issueQueuedCommands();
    publishVisibility();
    publishDetails();
    const suggested = workflowInfo().continueAsNewSuggested;
    if (suggested && allHandlersFinished()) await continueAsNew<typeof actionWorkflow>({ continued: state });
    const seen = revision;
    const wake = nextWakeAt(state.obligations);
    const woken = () => revision !== seen || (suggested && allHandlersFinished());
    if (wake === undefined) await condition(woken);
    else await condition(woken, Math.max(1, wake - Date.now()), { summary: wakeSummary(state.obligations, wake) });
    if (!lock.busy()) applyActionDue(state, nowIso());
  }
  // Completed or withdrawn: what is queued goes out, then the case hears of it.
  return whenCarriedOut(
    issueQueuedCommands,
    () => allHandlersFinished() && outbox.idle(),
    () => revision,
    async () => {
      publishVisibility();
      publishDetails();
      await tellTheCase(state);
      return actionStatus(state);
    },
  );
}

/** An action's decisions: ACTION_DECISIONS in domain/action.ts. No scope check: the API checks who may decide on an action. */
function actionDecisions(state: ActionState): DecisionRules<ActionDecisionName, ActionStatusView, { needs: DeadlineRequest[]; payload: unknown }> {
  const withHash = (request: { key?: { requestHash: string } }) => (request.key ? { requestHash: request.key.requestHash } : {});
  return {
    subject: 'action',
    refusal(name, request) {
      const check = checkActionDecision(state, name, request.actor, request.payload, Date.now());
      return check.ok ? undefined : check;
    },
    retried: (request) => ({ ...actionStatus(state), ...withHash(request), duplicate: true }),
    check(name, request) {
      // Checked again against the action as the decision before it left it.
      const check = checkActionDecision(state, name, request.actor, request.payload, Date.now());
      if (!check.ok) return refuse(check.type, check.message, check.problems);
      return { needs: actionDecisionNeeds(state, name, check.payload), payload: check.payload };
    },
    apply(name, request, { payload }, deadlines) {
      applyActionDecision(state, name, request.actor, payload, deadlines, nowIso());
      return { answer: () => ({ ...actionStatus(state), ...withHash(request) }) };
    },
  };
}

/** The action is settled: its case hears of it, and closes once none is left open (§16.2). */
async function tellTheCase(state: ActionState): Promise<void> {
  const settled = state.status === 'completed' ? 'completed' : 'withdrawn';
  try {
    await getExternalWorkflowHandle(workflowIdFor(state.caseReference)).signal(actionSettledSignal, { actionId: state.actionId, status: settled });
  } catch (err) {
    // A case that no longer runs (closed by hand, or terminated) has nothing left to wait for.
    log.warn('the case did not take the action settled signal', { caseReference: state.caseReference, actionId: state.actionId, error: err instanceof Error ? err.name : 'unknown' });
  }
}
