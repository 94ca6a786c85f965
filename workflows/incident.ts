// One serious child safeguarding incident, from referral to closure (docs/PROCEDURE.md).
// Decisions arrive as updates (workflows/decision-updates.ts). Each is applied whole by
// domain/incident.ts: the deadlines it needs are computed first (one local activity), then every
// change is made at once, with no await in between. Handlers are serialised, so a second decision
// is checked against the case as the first one left it. Emails and register rows wait in the
// case's outbox and are carried out after the answer (workflows/machinery.ts), so an outage of
// SMTP or the register delays only them.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { caseMark, caseStatus, caseSummary, decisionResult, nextDeadline, nextWakeAt, overdueCount, summarySignature, type CaseState, type CaseStatus, type DecisionResult } from '../domain/case';
import type { OutcomeRecord } from '../domain/obligations';
import { checkDecision, DECISION_NAMES, scopeRefusal, type DecisionName } from '../domain/decisions';
import type { ActionOpening } from '../domain/action';
import { actionWorkflowId } from '../domain/action-snapshot';
import { actionStarted, applyActionSettled, applyDecision, applyDue, applyOpening, closeIfDone, deadlineRequests, newCase, noticePolicy, openingObligations, planDecision, withoutWrittenFreeText, type DecisionPlan } from '../domain/incident';
import { record } from '../domain/obligations';
import type { Deadline } from '../domain/case';
import { actionStaticSummary, caseDetails, wakeSummary } from '../domain/case-details';
import { carryOutOutbox, changeLock, detailsPublisher, openWhenComputed, outboxDispatcher, recordOutcomes, sendNotice, sendNotices, visibilityPublisher, wakeTimer, whenCarriedOut } from './machinery';
import { refuse, registerDecisions, type DecisionRules } from './decision-updates';
import { CASE_SUMMARY_IN_REGISTER, COMMANDS_FROM_MAIN_LOOP, DECISIONS_WITHIN_READ_SCOPE, NOTIFICATION_DEADLINE_AT_REFERRAL, OWNERS_TOLD, REVIEWER_ID_REQUIRED } from './patches';
import { tellMeetingPanel, tellOwners, tellParticipants } from '../domain/owners-told';
import type { actionWorkflow } from './action';
import { actionSettledSignal, caseOpenedUpdate, decisionUpdate, statusQuery, type ActionInput, type IncidentInput } from './contract';

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

  // Every handler is registered before the first await: an update that arrives before its
  // handler exists is rejected.
  setHandler(statusQuery, () => caseStatus(state, Date.now()));
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => state.opened);
    return decisionResult(state);
  });
  const wakeForActions = () => {
    // The main loop starts the actions a decision agreed (newer cases): wake it, the decision still holding the case.
    if (fromMainLoop) revision++;
  };
  registerDecisions(state, DECISION_NAMES, decisionUpdate, lock, caseDecisions(state, wakeForActions, () => actions.toStart().length === 0));

  const fromMainLoop = patched(COMMANDS_FROM_MAIN_LOOP);
  if ('start' in input && fromMainLoop && patched(OWNERS_TOLD)) state.ownersTold = true; // new cases only: the state carries it on
  const summaries = caseSummaries(state);
  const outbox = caseOutbox(state, fromMainLoop, () => revision++, summaries);
  // ---- Improvement actions (§16.2): each tells the case when it is completed or withdrawn.
  setHandler(actionSettledSignal, ({ actionId, status }) => {
    if (applyActionSettled(state, actionId, status, nowIso())) revision++;
  });
  const actions = actionStarts(state, () => revision++);
  if (!fromMainLoop) void actions.loop();
  /** What the main loop issues first on every turn: the emails telling those the change concerns, the case's summary if it says something new; on the newer cases, the outbox and the actions. */
  function issueQueuedCommands(): void {
    tellThoseConcerned(state);
    summaries.queue();
    if (!fromMainLoop) return;
    outbox.dispatch();
    actions.startNext();
  }
  const publishVisibility = visibilityPublisher(() => ({ stage: state.stage, nextDeadline: nextDeadline(state), overdue: overdueCount(state) }));
  const publishDetails = detailsPublisher(() => caseDetails(state)); // its stage and what it waits for, from the start
  publishDetails();

  if ('start' in input) {
    const start = input.start;
    const requests = () => deadlineRequests(state, openingObligations(state));
    // §5.2's deadline told at the referral: one more email, so cases opened before replay without it.
    const open = (deadlines: Deadline[]) => applyOpening(state, start.receivedBy, deadlines, nowIso(), patched(NOTIFICATION_DEADLINE_AT_REFERRAL));
    await openWhenComputed(lock, state, requests, open, { message: 'opening deadlines not computed; trying again', fields: { caseReference: ref } });
  }

  let continueAsNewWaitingSince: number | undefined;
  // Newer cases keep their wake-up timer while its instant is unchanged (one timer, not two
  // commands a decision).
  const timer = fromMainLoop ? wakeTimer() : undefined;
  for (;;) {
    issueQueuedCommands();
    publishVisibility();
    publishDetails();
    const suggested = workflowInfo().continueAsNewSuggested;
    if (suggested) {
      // Deadlines are absolute instants and the outbox is in the state: nothing is lost in the new run.
      if (allHandlersFinished() && !actions.starting()) await continueAsNew<typeof incidentWorkflow>({ continued: withoutWrittenFreeText(state) });
      continueAsNewWaitingSince ??= Date.now();
      alertIfContinueAsNewWaits(state, continueAsNewWaitingSince);
    }
    if (state.stage === 'closed') break;
    const seen = revision;
    const wake = wakeAt(state, continueAsNewWaitingSince);
    const woken = () => revision !== seen || (suggested && allHandlersFinished());
    if (timer) {
      const fired = timer.fires();
      timer.arm(wake, (at) => wakeSummary(state.obligations, at));
      await condition(() => woken() || timer.fires() !== fired);
    } else if (wake === undefined) await condition(woken);
    else await condition(woken, Math.max(1, wake - Date.now()), { summary: wakeSummary(state.obligations, wake) });
    // A handler part-way through holds the case; its end bumps the revision and brings us back.
    if (!lock.busy()) {
      applyDue(state, nowIso());
      // Its last action settled and nothing else open: the case closes itself (§9.2, §16.2).
      closeIfDone(state, nowIso());
    }
  }
  // Closed: every email and row still queued goes out before the workflow ends.
  timer?.arm(undefined);
  const finished = () => allHandlersFinished() && outbox.idle() && actions.toStart().length === 0 && !actions.starting();
  const closed = () => {
    publishVisibility();
    publishDetails();
    return caseStatus(state, Date.now());
  };
  if (fromMainLoop) return whenCarriedOut(issueQueuedCommands, finished, () => revision, closed);
  await condition(finished);
  return closed();
}

/**
 * Newer cases (OWNERS_TOLD): after each change, the referrer's receipt, the reviewer's commissioning,
 * each step's owner told with its calendar entry kept true, and the Rapid Review meeting's entry.
 */
function tellThoseConcerned(state: CaseState): void {
  if (!state.ownersTold) return;
  const now = nowIso();
  tellParticipants(state, now);
  tellOwners(state, noticePolicy(state.rulebookVersion), now);
  tellMeetingPanel(state, now);
}

/**
 * The case's outbox. Cases started before COMMANDS_FROM_MAIN_LOOP carry it out in two loops of
 * their own (register rows, emails) and start their actions in a third; their histories replay so.
 * Newer cases do all three from the main loop (`dispatch`): one coroutine issues every command, in
 * an order the state alone decides, so a worker that replays the case without it cached issues
 * them in the order the history has them.
 */
function caseOutbox(state: CaseState, fromMainLoop: boolean, changed: () => void, summaries: CaseSummaries): { dispatch(): void; idle(): boolean } {
  // Cases started since OWNERS_TOLD send more emails: a turn's go in one activity.
  const activities = { write: summaries.write, waiting: summaries.waiting, sendNotice, ...(state.ownersTold ? { sendNotices } : {}) };
  if (fromMainLoop) return outboxDispatcher(state, activities, changed, nowIso);
  const loops = carryOutOutbox(state, activities, changed, nowIso);
  return { dispatch: () => undefined, idle: loops.idle };
}

type CaseSummaries = ReturnType<typeof caseSummaries>;

/**
 * The case's summary in the register, for the case list and "my work" (CASE_SUMMARY_IN_REGISTER).
 * `queue` runs once per turn of the main loop: a summary that says something new replaces the one
 * waiting, with the next revision. The outbox's register write carries the waiting one (`write`);
 * it stays in the state until written, so a run that continues as new writes it.
 */
function caseSummaries(state: CaseState) {
  let inRegister = false;
  return {
    queue(): void {
      // Asked each turn until it holds: a case running when this was deployed takes it from its next turn.
      if (!inRegister) inRegister = patched(CASE_SUMMARY_IN_REGISTER);
      if (!inRegister) return;
      const kept = (state.summary ??= { revision: 0, signature: '' });
      const next = caseSummary(state, kept.revision + 1, nowIso());
      const signature = summarySignature(next);
      if (signature === kept.signature) return;
      state.summary = { revision: next.revision, signature, queued: next };
    },
    waiting: (): boolean => state.summary?.queued !== undefined,
    /** The rows as before; with the waiting summary, if any, in the same call. */
    write(records: OutcomeRecord[]): Promise<void> {
      const summary = state.summary?.queued;
      if (!summary) return recordOutcomes(records);
      return recordOutcomes(records, summary).then(() => {
        if (state.summary?.queued?.revision === summary.revision) delete state.summary.queued;
      });
    },
  };
}

/** A case's decisions: the rules of domain/decisions.ts, applied by domain/incident.ts. */
function caseDecisions(
  state: CaseState,
  /** Wakes the main loop, which starts the actions a decision agreed (newer cases). */
  wakeMainLoop: () => void,
  /** True once every action agreed has its workflow. */
  actionsStarted: () => boolean,
): DecisionRules<DecisionName, DecisionResult, { needs: DecisionPlan['needs']; payload: unknown; plan: DecisionPlan }> {
  return {
    subject: 'case',
    refusal(name, request) {
      const outOfScope = scopeRefusal(state, name, request.actor);
      if (outOfScope) return { type: 'CaseNotFound', message: outOfScope };
      const check = checkDecision(state, name, request.actor, request.payload, Date.now());
      return check.ok ? undefined : check;
    },
    retried: (request) => decisionResult(state, true, request.key?.requestHash),
    check(name, request) {
      // Histories recorded before this check never ran it in the handler (their validators did not either).
      const outOfScope = patched(DECISIONS_WITHIN_READ_SCOPE) ? scopeRefusal(state, name, request.actor) : undefined;
      if (outOfScope) refuse('CaseNotFound', outOfScope);
      // A commissioning recorded before the reviewer's ID was required replays as it was checked then.
      const asRecorded = name === 'reviewer-commissioned' && !patched(REVIEWER_ID_REQUIRED);
      const check = checkDecision(state, name, request.actor, request.payload, Date.now(), { asRecorded });
      if (!check.ok) return refuse(check.type, check.message, check.problems);
      const plan = planDecision(state, name, check.payload, Date.now());
      return { needs: plan.needs, payload: check.payload, plan };
    },
    apply(name, request, { payload, plan }, deadlines) {
      const before = caseMark(state);
      applyDecision(state, name, request.actor, payload, plan, deadlines, nowIso());
      const answer = () => decisionResult(state, false, request.key?.requestHash, before);
      // Applied whole above; the answer waits until the actions' own workflows exist, so an
      // action can be read and decided on as soon as its plan is answered.
      if (!plan.effects.actions?.length) return { answer };
      wakeMainLoop();
      return { answer, waitFor: actionsStarted };
    },
  };
}

/**
 * Each agreed action is started as a workflow of its own once the decision has answered (§16.2).
 * Cases started before the main loop issued every command start them in a loop of their own
 * (`loop`); newer ones from the main loop (`startNext`), one at a time either way.
 */
function actionStarts(state: CaseState, changed: () => void) {
  const ref = state.caseReference;
  let startingAction = false;
  const toStart = () => Object.entries(state.actions ?? {}).filter(([, a]) => a.pendingStart !== undefined);
  // Abandoned, not terminated, when the case's run continues as new: the action outlives the run.
  const options = (actionId: string, pendingStart: ActionOpening) => ({
    workflowId: actionWorkflowId(ref, actionId),
    staticSummary: actionStaticSummary(ref, actionId),
    args: [{ start: pendingStart }] as [ActionInput],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  async function loop(): Promise<void> {
    for (;;) {
      await condition(() => toStart().length > 0);
      startingAction = true;
      const [actionId, action] = toStart()[0]!;
      try {
        await startChild<typeof actionWorkflow>('actionWorkflow', options(actionId, action.pendingStart!));
      } catch (err) {
        // Started by an earlier run of this case (it continued as new before hearing back).
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      actionStarted(state, actionId);
      startingAction = false;
      changed();
    }
  }
  /** The main loop's way: the next pending action's workflow started, not waited for. */
  function startNext(): void {
    const next = toStart()[0];
    if (startingAction || !next) return;
    startingAction = true;
    const [actionId, action] = next;
    void startChild<typeof actionWorkflow>('actionWorkflow', options(actionId, action.pendingStart!))
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
        changed();
      });
  }
  return { toStart, starting: () => startingAction, loop, startNext };
}

/** The next instant the main loop must wake: the next reminder, target or deadline, or the alert below. */
function wakeAt(state: CaseState, continueAsNewWaitingSince: number | undefined): number | undefined {
  const wake = nextWakeAt(state);
  if (continueAsNewWaitingSince === undefined || state.continueAsNewAlertedAt) return wake;
  const alertAt = continueAsNewWaitingSince + CONTINUE_AS_NEW_WAIT_MS;
  return wake === undefined ? alertAt : Math.min(wake, alertAt);
}

/** Handlers are short (their one await is bounded): continue-as-new waiting long means something is wrong. */
function alertIfContinueAsNewWaits(state: CaseState, waitingSince: number): void {
  if (Date.now() - waitingSince < CONTINUE_AS_NEW_WAIT_MS || state.continueAsNewAlertedAt) return;
  const ref = state.caseReference;
  state.continueAsNewAlertedAt = nowIso();
  log.error('continue-as-new is waiting for a handler', { caseReference: ref });
  const reason = 'continue-as-new has waited 10 minutes for a running decision';
  record(state, 'operations-alert', `operations-alert:continue-as-new:${state.continueAsNewAlertedAt}`, { occurredAt: state.continueAsNewAlertedAt, detail: { reason } });
  state.outbox.notices.push({ key: `${ref}:operations-alert:continue-as-new:${state.continueAsNewAlertedAt}`, kind: 'operations-alert', instant: state.continueAsNewAlertedAt, to: ['operations'], reason });
}
