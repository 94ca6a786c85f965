// One serious child safeguarding incident, from referral to closure (PROCESS.md). Decisions
// arrive as updates and are applied from the rules in domain/decisions.ts; deadlines are
// absolute instants computed by an activity and watched here with timers.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { IncidentActivities, NoticeKind } from '../activities/types';
import {
  caseStatus,
  decisionResult,
  dueWork,
  isOpen,
  nextDeadline,
  nextWakeAt,
  overdueCount,
  PROCESSED_UPDATE_IDS_KEPT,
  type CaseState,
  type CaseStatus,
  type DecisionResult,
  type ObligationState,
  type TimelineEntry,
} from '../domain/case';
import { checkDecision, DECISION_NAMES, decisionRule, decisionTime, type DecisionName, type Effects } from '../domain/decisions';
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

/** The workflow itself, when it meets an obligation by the passing of time or by sending a notice. */
const SYSTEM: Actor = { id: 'system', role: 'operations', agency: 'case system' };

function nowIso(): string {
  return new Date().toISOString();
}

/** The words a decision gives for itself, whichever field the seed asks for. */
function rationaleOf(payload: unknown): string | undefined {
  const p = payload as Record<string, unknown>;
  for (const key of ['rationale', 'justification', 'reason', 'summary', 'note']) {
    if (typeof p[key] === 'string') return p[key];
  }
  return undefined;
}

export async function incidentWorkflow(input: IncidentInput): Promise<CaseStatus> {
  const state: CaseState = 'continued' in input ? input.continued : newCase(input.start);
  const ref = state.caseReference;
  // Bumped by every change a handler makes, so the main loop re-plans its timers.
  let revision = 0;

  // Every handler is registered before the first await: an update that arrives before its
  // handler exists is rejected.
  setHandler(statusQuery, () => caseStatus(state));
  state.processedUpdateIds ??= [];
  const processed = state.processedUpdateIds;
  const alreadyApplied = () => {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && processed.includes(id);
  };
  for (const name of DECISION_NAMES) {
    setHandler(
      decisionUpdate(name),
      async ({ actor, payload }: DecisionRequest): Promise<DecisionResult> => {
        if (alreadyApplied()) return decisionResult(state, true);
        const id = currentUpdateInfo()?.id;
        if (id !== undefined) {
          processed.push(id);
          if (processed.length > PROCESSED_UPDATE_IDS_KEPT) processed.splice(0, processed.length - PROCESSED_UPDATE_IDS_KEPT);
        }
        // Validated already; parsing again gives the typed payload (zod is deterministic).
        const parsed = decisionRule(name).schema.safeParse(payload);
        if (!parsed.success) throw ApplicationFailure.create({ type: 'InvalidDecision', message: `The ${name} decision is not valid`, nonRetryable: true });
        await applyDecision(name, actor, parsed.data);
        return decisionResult(state);
      },
      {
        validator: ({ actor, payload }: DecisionRequest) => {
          // A retry of a decision applied in an earlier run is answered, not refused.
          if (alreadyApplied()) return;
          const check = checkDecision(state, name, actor, payload, Date.now());
          if (!check.ok) {
            throw ApplicationFailure.create({ type: check.type, message: check.message, nonRetryable: true, details: check.problems ? [check.problems] : [] });
          }
        },
      },
    );
  }

  function note(entry: TimelineEntry): void {
    state.timeline.push(entry);
    revision++;
  }

  function record(kind: string, key: string, extra: { obligationId?: string; occurredAt?: string; actor?: Actor; detail?: Record<string, string | number | boolean | null> } = {}) {
    return recordOutcome({
      key: `${ref}:${key}`,
      caseReference: ref,
      kind,
      occurredAt: extra.occurredAt ?? nowIso(),
      ...(extra.obligationId ? { obligationId: extra.obligationId } : {}),
      ...(extra.actor ? { actor: { id: extra.actor.id, role: extra.actor.role } } : {}),
      ...(extra.detail ? { detail: extra.detail } : {}),
    });
  }

  async function applyDecision(name: DecisionName, actor: Actor, payload: unknown): Promise<void> {
    const rule = decisionRule(name);
    const at = decisionTime(payload, Date.now());
    const effects: Effects = rule.then?.({ state, payload, at }) ?? {};
    const sequence = state.timeline.filter((t) => t.kind === `decision:${name}`).length + 1;
    const rationale = rationaleOf(payload);

    // Everything the decision changes is changed at once, before any await, so that a query or
    // the next decision's validator sees the case as it now is.
    Object.assign(state.clocks, effects.clocks ?? {});
    Object.assign(state.facts, effects.facts ?? {});
    if (effects.stage) state.stage = effects.stage;
    note({ at, kind: `decision:${name}`, actor, ...(rationale ? { rationale } : {}), ...(effects.detail ? { detail: effects.detail } : {}) });
    const met = [...(rule.meets ? [rule.meets] : []), ...(effects.meet ?? [])].flatMap((id) => markMet(id, at, actor));
    const withdrawn = (effects.withdraw ?? []).flatMap((id) => markClosed(id, 'withdrawn', `${name} (${state.stage})`));
    const broken = (effects.breach ?? []).flatMap((id) => markClosed(id, 'broken', name));
    if (effects.corrected) correctClock(effects.corrected.clock, effects.corrected.to, effects.corrected.reason, at);

    await record(`decision:${name}`, `decision:${name}:${sequence}`, {
      occurredAt: at,
      actor,
      detail: { ...(effects.detail ?? {}), ...(rationale ? { rationale } : {}), stage: state.stage },
    });
    for (const o of met) await recordMet(o);
    for (const o of withdrawn) await record('obligation-withdrawn', `${o.id}:${o.round}:withdrawn`, { obligationId: o.id, detail: { reason: o.closedReason ?? null } });
    for (const o of broken) {
      await record('obligation-broken', `${o.id}:${o.round}:broken`, { obligationId: o.id, occurredAt: at });
      await notify('breach', o, obligationRule(state.rulebookVersion, o.id).escalateTo);
    }
    if (effects.corrected) await recompute(effects.corrected.clock);
    for (const id of effects.open ?? []) await openObligation(id);
    if (effects.shareWithLd) await shareWithLd(effects.detail?.outcome);
  }

  /** A decision (or time, for a minimum period) meets an obligation: late if after its deadline. */
  function markMet(obligationId: string, at: string, actor: Actor): ObligationState[] {
    const o = state.obligations[obligationId];
    if (!o || !isOpen(o)) return [];
    const late = Date.parse(at) > Date.parse(o.deadline.dueAt);
    o.status = late ? 'met-late' : 'met';
    o.metAt = at;
    o.metBy = actor.id;
    note({ at, kind: late ? 'obligation-met-late' : 'obligation-met', obligationId, ...(actor === SYSTEM ? {} : { actor }) });
    return [o];
  }

  function recordMet(o: ObligationState) {
    return record(o.status === 'met-late' ? 'obligation-met-late' : 'obligation-met', `${o.id}:${o.round}:met`, {
      obligationId: o.id,
      occurredAt: o.metAt,
      detail: { dueAt: o.deadline.dueAt, metBy: o.metBy ?? null },
    });
  }

  function markClosed(obligationId: string, status: 'withdrawn' | 'broken', reason: string): ObligationState[] {
    const o = state.obligations[obligationId];
    if (!o || !isOpen(o)) return [];
    o.status = status;
    o.closedReason = reason;
    note({ at: nowIso(), kind: `obligation-${status}`, obligationId, detail: { reason } });
    return [o];
  }

  function correctClock(clock: ClockEvent, to: string, reason: string, at: string): void {
    const from = state.clocks[clock];
    if (from === undefined) return;
    state.clockCorrections.push({ clock, from, to, at, reason });
    state.clocks[clock] = to;
  }

  async function deadlineFor(obligationId: string) {
    const clock = obligationRule(state.rulebookVersion, obligationId).clock;
    const clockAt = state.clocks[clock];
    if (!clockAt) throw ApplicationFailure.create({ type: 'ClockNotSet', message: `clock ${clock} is not set`, nonRetryable: true });
    return computeDeadline({ caseReference: ref, rulebookVersion: state.rulebookVersion, obligationId, clock: clockAt });
  }

  async function openObligation(obligationId: string): Promise<ObligationState> {
    const deadline = await deadlineFor(obligationId);
    const now = Date.now();
    const previous = state.obligations[obligationId];
    if (previous) state.pastRounds.push(previous);
    const o: ObligationState = {
      id: obligationId,
      round: previous ? previous.round + 1 : 1,
      status: 'open',
      deadline,
      previousDeadlines: [],
      // A reminder whose moment had already passed when the clock started is not sent late.
      remindersDone: deadline.reminders.filter((r) => Date.parse(r) <= now),
    };
    state.obligations[obligationId] = o;
    note({ at: nowIso(), kind: 'deadline-set', obligationId, detail: { dueAt: deadline.dueAt, rule: deadline.rule } });
    await record('deadline-set', `${obligationId}:${o.round}:deadline:${deadline.dueAt}`, {
      obligationId,
      detail: { dueDate: deadline.dueDate, dueAt: deadline.dueAt, rule: deadline.rule, section: deadline.section },
    });
    return o;
  }

  /** A corrected clock: every deadline counted from it is computed again; the old one is kept. */
  async function recompute(clock: ClockEvent): Promise<void> {
    for (const o of Object.values(state.obligations)) {
      if (o.status === 'withdrawn' || o.status === 'broken') continue;
      if (obligationRule(state.rulebookVersion, o.id).clock !== clock) continue;
      const deadline = await deadlineFor(o.id);
      const now = Date.now();
      o.previousDeadlines.push(o.deadline);
      o.deadline = deadline;
      o.remindersDone = deadline.reminders.filter((r) => Date.parse(r) <= now);
      if (deadline.target && Date.parse(deadline.target.dueAt) >= now) delete o.targetWarnedAt;
      if (o.status === 'missed' && Date.parse(deadline.dueAt) >= now) {
        o.status = 'open';
        delete o.escalatedAt;
      }
      if ((o.status === 'met' || o.status === 'met-late') && o.metAt) {
        o.status = Date.parse(o.metAt) > Date.parse(deadline.dueAt) ? 'met-late' : 'met';
      }
      note({ at: nowIso(), kind: 'deadline-recomputed', obligationId: o.id, detail: { dueAt: deadline.dueAt, rule: deadline.rule } });
      await record('deadline-recomputed', `${o.id}:${o.round}:deadline:${deadline.dueAt}`, {
        obligationId: o.id,
        detail: { dueDate: deadline.dueDate, dueAt: deadline.dueAt, rule: deadline.rule, previousDueDate: o.previousDeadlines.at(-1)?.dueDate ?? null },
      });
    }
  }

  /** Sends a notice about an obligation; a refused address is recorded and the case goes on. */
  async function notify(kind: NoticeKind, o: ObligationState, to: Mailbox[], instant = o.deadline.dueAt, outcome?: string): Promise<boolean> {
    const key = `${ref}:${o.id}:${o.round}:${kind}:${instant}`;
    try {
      const sent = await sendNotice({ key, caseReference: ref, kind, to, deadline: o.deadline, ...(outcome ? { outcome } : {}) });
      note({ at: nowIso(), kind: `${kind}-sent`, obligationId: o.id });
      await record(`${kind}-sent`, `${o.id}:${o.round}:${kind}:${instant}:sent`, {
        obligationId: o.id,
        detail: { to: to.join(', '), ...(sent.refused ? { refusedRecipients: sent.refused } : {}) },
      });
      return true;
    } catch (err) {
      // A refused address must not end a two-year case: record it and go on.
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('notice refused', { caseReference: ref, kind, obligationId: o.id });
      note({ at: nowIso(), kind: `${kind}-failed`, obligationId: o.id });
      await record(`${kind}-failed`, `${o.id}:${o.round}:${kind}:${instant}:failed`, { obligationId: o.id });
      return false;
    }
  }

  /** §5.6, §10.1: the decision goes to the L&D Chair at once; if sending fails, the clock runs. */
  async function shareWithLd(outcome: string | number | boolean | null | undefined): Promise<void> {
    const o = await openObligation('ld-informed');
    if (await notify('ssp-decision-shared', o, ['ld-chair'], o.deadline.clock.date, typeof outcome === 'string' ? outcome : undefined)) {
      for (const met of markMet('ld-informed', nowIso(), SYSTEM)) await recordMet(met);
    }
  }

  async function handleDue(): Promise<void> {
    const minimumPeriod = (id: string) => obligationRule(state.rulebookVersion, id).minimumPeriod === true;
    const work = dueWork(state, Date.now(), minimumPeriod);
    for (const { obligationId, at } of work.reminders) {
      const o = state.obligations[obligationId];
      if (!o) continue;
      o.remindersDone.push(at);
      await notify('reminder', o, [obligationRule(state.rulebookVersion, obligationId).remind], at);
    }
    for (const { obligationId } of work.targetWarnings) {
      const o = state.obligations[obligationId];
      if (!o?.deadline.target) continue;
      o.targetWarnedAt = nowIso();
      const rule = obligationRule(state.rulebookVersion, obligationId);
      await record('target-passed', `${obligationId}:${o.round}:target:${o.deadline.target.dueAt}`, { obligationId, detail: { targetDueAt: o.deadline.target.dueAt } });
      note({ at: o.targetWarnedAt, kind: 'target-passed', obligationId });
      await notify('target-warning', o, [rule.remind, ...rule.escalateTo], o.deadline.target.dueAt);
    }
    for (const { obligationId } of work.escalations) {
      const o = state.obligations[obligationId];
      if (!o) continue;
      o.escalatedAt = nowIso();
      o.status = 'missed';
      o.remindersDone = [...o.deadline.reminders];
      note({ at: o.escalatedAt, kind: 'obligation-missed', obligationId });
      await record('obligation-missed', `${obligationId}:${o.round}:missed:${o.deadline.dueAt}`, { obligationId, occurredAt: o.escalatedAt, detail: { dueAt: o.deadline.dueAt } });
      await notify('escalation', o, obligationRule(state.rulebookVersion, obligationId).escalateTo);
    }
    for (const { obligationId } of work.completedPeriods) {
      const o = state.obligations[obligationId];
      if (!o) continue;
      for (const met of markMet(obligationId, o.deadline.dueAt, SYSTEM)) await recordMet(met);
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
    await record('referral-received', 'referral-received', {
      occurredAt: start.receivedAt,
      actor: start.receivedBy,
      detail: { rulebookVersion: state.rulebookVersion },
    });
    // §4.5: the referral itself is checked on arrival; a late one is recorded as late.
    await openObligation('referral-submitted');
    for (const o of markMet('referral-submitted', start.receivedAt, start.receivedBy)) await recordMet(o);
    const informed = await openObligation('ssp-informed');
    await notify('referral-received', informed, ['business-unit'], start.receivedAt);
    await openObligation('ssp-decision');
    // §5.3: the death of a looked-after child is notified whatever the criteria decision.
    if (state.facts.lookedAfterChildDied) await openObligation('looked-after-death-notification');
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
  publishVisibility();
  return caseStatus(state);
}

function newCase(start: ReferralStart): CaseState {
  return {
    caseReference: start.caseReference,
    rulebookVersion: start.rulebookVersion,
    stage: 'referral-received',
    receivedAt: start.receivedAt,
    clocks: {
      'referrer-became-aware': start.referral.referrer.becameAwareDate,
      'referral-received': start.receivedAt,
      // The LA becomes aware through the referral unless a correction says earlier (§5.2).
      'la-became-aware': start.receivedAt,
    },
    clockCorrections: [],
    facts: { lookedAfterChildDied: start.referral.children.some((c) => c.lookedAfter && c.incidentRelatesToDeath) },
    obligations: {},
    pastRounds: [],
    timeline: [{ at: start.receivedAt, kind: 'referral-received', actor: start.receivedBy }],
  };
}
