// One serious child safeguarding incident, from referral to closure (PROCESS.md). Decisions
// arrive as updates; deadlines are absolute instants computed by an activity and watched here.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { IncidentActivities, NoticeKind } from '../activities/types';
import {
  dueWork,
  nextDeadline,
  nextWakeAt,
  overdueCount,
  type CaseState,
  type ObligationState,
  type TimelineEntry,
} from '../domain/case';
import { checkDecision, DECISION_NAMES, type DecisionName, type DecisionPayload } from '../domain/decisions';
import { obligationRule, type ClockEvent } from '../domain/rulebook';
import type { Actor, Mailbox } from '../domain/roles';
import {
  CASE_STAGE,
  decisionUpdate,
  NEXT_DEADLINE,
  OVERDUE_COUNT,
  statusQuery,
  type DecisionRequest,
  type IncidentInput,
  type ReferralStart,
} from './contract';

const { recordOutcome, sendNotice } = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '1 minute',
  // SMTP or the register being down is transient: keep trying, backing off to every 30 minutes.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', nonRetryableErrorTypes: ['NoticeRefused'] },
});

const { computeDeadline } = proxyLocalActivities<IncidentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function nowIso(): string {
  return new Date().toISOString();
}

export async function incidentWorkflow(input: IncidentInput): Promise<CaseState> {
  const state: CaseState = 'continued' in input ? input.continued : newCase(input.start);
  const ref = state.caseReference;
  // Bumped by every change a handler makes, so the main loop re-plans its timers.
  let revision = 0;

  // Every handler is registered before the first await: an update that arrives before its
  // handler exists is rejected.
  setHandler(statusQuery, () => state);
  for (const name of DECISION_NAMES) {
    setHandler(
      decisionUpdate(name),
      async (request: DecisionRequest) => {
        const payload = accepted(name, request);
        await applyDecision(name, request.actor, payload);
        return state;
      },
      { validator: (request: DecisionRequest) => void accepted(name, request) },
    );
  }

  function accepted<K extends DecisionName>(name: K, request: DecisionRequest): DecisionPayload<K> {
    const check = checkDecision(state, name, request.actor, request.payload, Date.now());
    if (!check.ok) {
      throw ApplicationFailure.create({
        type: check.type,
        message: check.message,
        nonRetryable: true,
        details: check.problems ? [check.problems] : [],
      });
    }
    return check.payload;
  }

  function note(entry: TimelineEntry): void {
    state.timeline.push(entry);
    revision++;
  }

  async function applyDecision<K extends DecisionName>(name: K, actor: Actor, payload: DecisionPayload<K>): Promise<void> {
    switch (name) {
      case 'ssp-informed': {
        const { informedAt, note: remark } = payload as DecisionPayload<'ssp-informed'>;
        const at = informedAt ? new Date(informedAt).toISOString() : nowIso();
        state.stage = 'awaiting-ssp-decision';
        note({ at, kind: 'ssp-informed', actor, rationale: remark });
        await recordDecision(name, at, actor, remark);
        await meet('ssp-informed', at, actor);
        break;
      }
    }
  }

  async function recordDecision(name: DecisionName, at: string, actor: Actor, rationale?: string): Promise<void> {
    await recordOutcome({
      key: `${ref}:decision:${name}`,
      caseReference: ref,
      kind: `decision:${name}`,
      occurredAt: at,
      actor: { id: actor.id, role: actor.role },
      detail: rationale ? { rationale } : {},
    });
  }

  /** A decision that stops a clock: the obligation is met (late if after its deadline). */
  async function meet(obligationId: string, at: string, actor: Actor): Promise<void> {
    const o = state.obligations[obligationId];
    if (!o) return;
    const late = Date.parse(at) > Date.parse(o.deadline.dueAt);
    o.status = late ? 'met-late' : 'met';
    o.metAt = at;
    o.metBy = actor.id;
    note({ at, kind: late ? 'obligation-met-late' : 'obligation-met', obligationId, actor });
    await recordOutcome({
      key: `${ref}:${obligationId}:met`,
      caseReference: ref,
      kind: late ? 'obligation-met-late' : 'obligation-met',
      obligationId,
      occurredAt: at,
      actor: { id: actor.id, role: actor.role },
      detail: { dueAt: o.deadline.dueAt },
    });
  }

  async function openObligation(obligationId: string, clock: ClockEvent): Promise<ObligationState> {
    const clockAt = state.clocks[clock];
    if (!clockAt) throw ApplicationFailure.nonRetryable(`clock ${clock} not set`, 'ClockNotSet');
    const deadline = await computeDeadline({
      caseReference: ref,
      rulebookVersion: state.rulebookVersion,
      obligationId,
      clock: clockAt,
    });
    const now = Date.now();
    const o: ObligationState = {
      id: obligationId,
      status: 'open',
      deadline,
      previousDeadlines: [],
      // A reminder whose moment had already passed when the clock started is not sent late.
      remindersDone: deadline.reminders.filter((r) => Date.parse(r) <= now),
    };
    state.obligations[obligationId] = o;
    note({ at: nowIso(), kind: 'deadline-set', obligationId, detail: { dueAt: deadline.dueAt, rule: deadline.rule } });
    await recordOutcome({
      key: `${ref}:${obligationId}:deadline:${deadline.dueAt}`,
      caseReference: ref,
      kind: 'deadline-set',
      obligationId,
      occurredAt: nowIso(),
      detail: { dueDate: deadline.dueDate, dueAt: deadline.dueAt, rule: deadline.rule, section: deadline.section },
    });
    return o;
  }

  async function notify(kind: NoticeKind, o: ObligationState, to: Mailbox[], key: string): Promise<void> {
    try {
      await sendNotice({ key, caseReference: ref, kind, to, deadline: o.deadline });
      note({ at: nowIso(), kind: `${kind}-sent`, obligationId: o.id });
      await recordOutcome({ key: `${key}:sent`, caseReference: ref, kind: `${kind}-sent`, obligationId: o.id, occurredAt: nowIso(), detail: { to: to.join(', ') } });
    } catch (err) {
      // A refused address must not end a two-year case: record it and go on.
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('notice refused', { caseReference: ref, kind, obligationId: o.id });
      note({ at: nowIso(), kind: `${kind}-failed`, obligationId: o.id });
      await recordOutcome({ key: `${key}:failed`, caseReference: ref, kind: `${kind}-failed`, obligationId: o.id, occurredAt: nowIso() });
    }
  }

  async function handleDue(): Promise<void> {
    const work = dueWork(state, Date.now());
    for (const { obligationId, at } of work.reminders) {
      const o = state.obligations[obligationId];
      if (!o) continue;
      o.remindersDone.push(at);
      const rule = obligationRule(state.rulebookVersion, obligationId);
      await notify('reminder', o, [rule.remind], `${ref}:${obligationId}:reminder:${at}`);
    }
    for (const { obligationId } of work.escalations) {
      const o = state.obligations[obligationId];
      if (!o) continue;
      o.escalatedAt = nowIso();
      o.status = 'missed';
      o.remindersDone = [...o.deadline.reminders];
      const rule = obligationRule(state.rulebookVersion, obligationId);
      await recordOutcome({
        key: `${ref}:${obligationId}:missed:${o.deadline.dueAt}`,
        caseReference: ref,
        kind: 'obligation-missed',
        obligationId,
        occurredAt: o.escalatedAt,
        detail: { dueAt: o.deadline.dueAt },
      });
      note({ at: o.escalatedAt, kind: 'obligation-missed', obligationId });
      await notify('escalation', o, rule.escalateTo, `${ref}:${obligationId}:escalation:${o.deadline.dueAt}`);
    }
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

  async function openCase(start: ReferralStart): Promise<void> {
    await recordOutcome({
      key: `${ref}:referral-received`,
      caseReference: ref,
      kind: 'referral-received',
      occurredAt: start.receivedAt,
      actor: { id: start.receivedBy.id, role: start.receivedBy.role },
      detail: { rulebookVersion: state.rulebookVersion },
    });
    const informed = await openObligation('ssp-informed', 'referral-received');
    await notify('referral-received', informed, ['business-unit'], `${ref}:referral-received:notice`);
  }

  if ('start' in input) await openCase(input.start);

  for (;;) {
    publishVisibility();
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      // Deadlines are absolute instants in the state, so no timer is lost across the new run.
      await continueAsNew<typeof incidentWorkflow>({ continued: state });
    }
    if (state.stage === 'closed') break;
    const seen = revision;
    const wake = nextWakeAt(state);
    if (wake === undefined) await condition(() => revision !== seen);
    else await condition(() => revision !== seen, Math.max(1, wake - Date.now()));
    await handleDue();
  }
  await condition(allHandlersFinished);
  return state;
}

function newCase(start: ReferralStart): CaseState {
  return {
    caseReference: start.caseReference,
    rulebookVersion: start.rulebookVersion,
    stage: 'referral-received',
    receivedAt: start.receivedAt,
    clocks: {
      'referral-received': start.receivedAt,
      'referrer-became-aware': start.referral.referrer.becameAwareDate,
    },
    obligations: {},
    timeline: [{ at: start.receivedAt, kind: 'referral-received', actor: start.receivedBy }],
  };
}
