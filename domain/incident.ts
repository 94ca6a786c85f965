// What opening a case and taking a decision do to it, as pure functions: the workflow computes
// the deadlines a change needs (one activity call), then applies the whole change here at once,
// with no await in between. Emails and register rows are queued in the case's outbox and carried
// out after the decision has answered, so an outage of SMTP or the register delays only them.
import type { CaseState, Deadline } from './case';
import { decisionRule, decisionTime, metObligationKey, type DecisionName, type Effects } from './decisions';
import type { ActionOpening, ActionTerms } from './action';
import { namedFields } from './fields';
import {
  applyDueWork,
  closeObligation,
  emptyOutbox,
  isOpen,
  meetObligation,
  openObligation,
  queueNotice,
  record,
  replaceDeadline,
  type DeadlineRequest,
} from './obligations';
import { noticePolicy, obligationRule, type ClockEvent } from './rulebook';

export { noticePolicy } from './rulebook';
import type { ReferralForm } from './referral-form';
import type { CareLeaverForm } from './care-leaver-form';
import type { Actor } from './roles';

/** What a case starts from. The referral form itself is kept in the register, not here. */
export interface CaseOpening {
  caseReference: string;
  /** When the Business Unit received the referral (ISO instant). */
  receivedAt: string;
  rulebookVersion: string;
  receivedBy: Actor;
  /** From the form: when the referrer became aware (§4.5), a date. */
  referrerBecameAware: string;
  /** From the form: a looked-after child died (§5.3). */
  lookedAfterChildDied: boolean;
  /** The agency that referred the case: who may follow it as its referrer (domain/access.ts). */
  referringAgency?: string;
  /**
   * The kind of case, when it is not a serious incident (cases opened before kinds existed have
   * none): a care leaver's death (WT 2023 ch. 5) opens its notification only.
   */
  kind?: 'care-leaver-death';
}

/** What the workflow needs of a referral: the facts its clocks and obligations depend on. */
export function caseOpeningOf(caseReference: string, receivedAt: string, rulebookVersion: string, receivedBy: Actor, form: ReferralForm): CaseOpening {
  return {
    caseReference,
    receivedAt,
    rulebookVersion,
    receivedBy,
    referrerBecameAware: form.referrer.becameAwareDate,
    lookedAfterChildDied: form.children.some((c) => c.lookedAfter && c.incidentRelatesToDeath),
    // A referrer's own agency comes from sign-in; for a referral entered by the Business Unit, the form's.
    referringAgency: receivedBy.role === 'referrer' ? receivedBy.agency : form.referrer.organisation,
  };
}

/**
 * WT 2023 ch. 5: what the workflow needs of a care leaver's death notification. Its clock is the
 * day the local authority became aware of the death (from the form).
 */
export function careLeaverOpeningOf(caseReference: string, receivedAt: string, rulebookVersion: string, receivedBy: Actor, form: CareLeaverForm): CaseOpening {
  return {
    caseReference,
    receivedAt,
    rulebookVersion,
    receivedBy,
    // The local authority is the one notifying: its awareness is the notifier's, and the clock.
    referrerBecameAware: form.laBecameAwareDate,
    lookedAfterChildDied: false,
    referringAgency: receivedBy.role === 'referrer' ? receivedBy.agency : form.notifier.organisation,
    kind: 'care-leaver-death',
  };
}

/** A care leaver's death: its own stage, counted from the day the LA became aware; no SSP steps follow. */
function newCareLeaverCase(start: CaseOpening): CaseState {
  return {
    ...newCase({ ...start, kind: undefined }),
    stage: 'awaiting-care-leaver-notification',
    clocks: { 'referral-received': start.receivedAt, 'la-became-aware': start.referrerBecameAware },
    facts: { caseKind: 'care-leaver-death', ...(start.referringAgency ? { referringAgency: start.referringAgency } : {}) },
  };
}

export function newCase(start: CaseOpening): CaseState {
  if (start.kind === 'care-leaver-death') return newCareLeaverCase(start);
  return {
    caseReference: start.caseReference,
    rulebookVersion: start.rulebookVersion,
    stage: 'referral-received',
    receivedAt: start.receivedAt,
    clocks: {
      'referrer-became-aware': start.referrerBecameAware,
      'referral-received': start.receivedAt,
      // The LA becomes aware through the referral unless a correction says earlier (§5.2).
      'la-became-aware': start.receivedAt,
    },
    clockCorrections: [],
    facts: { lookedAfterChildDied: start.lookedAfterChildDied, ...(start.referringAgency ? { referringAgency: start.referringAgency } : {}) },
    obligations: {},
    pastRounds: [],
    timeline: [{ at: start.receivedAt, kind: 'referral-received', actor: start.receivedBy }],
    outbox: emptyOutbox(),
    opened: false,
    requests: [],
  };
}

/** The deadline requests for obligations counted from the given clocks. */
export function deadlineRequests(state: CaseState, ids: readonly string[], clocks: CaseState['clocks'] = state.clocks): DeadlineRequest[] {
  return ids.map((obligationId) => {
    const rule = obligationRule(state.rulebookVersion, obligationId);
    const clock = clocks[rule.clock];
    // A rule's clocks are set by the decision that opens it (domain/decisions.ts): a missing one is a rulebook error.
    if (!clock) throw new Error(`clock ${rule.clock} is not set for ${obligationId}`);
    const orClock = rule.orClock ? clocks[rule.orClock] : undefined;
    return { obligationId, clock, ...(orClock ? { orClock } : {}) };
  });
}

/** §4.5, §4.6, §5.1–5.3: the obligations a referral opens. */
export function openingObligations(state: CaseState): string[] {
  // WT 2023 ch. 5: a care leaver's death is notified; no rapid review or LCSPR follows from it.
  if (state.facts.caseKind === 'care-leaver-death') return ['care-leaver-death-notification'];
  return [
    'referral-submitted',
    'ssp-informed',
    'ssp-decision',
    // §5.2: the notification clock runs from the LA's awareness, whatever the SSP decide and when.
    'national-notification',
    // §5.3: the death of a looked-after child is notified whatever the criteria decision.
    ...(state.facts.lookedAfterChildDied ? ['looked-after-death-notification'] : []),
  ];
}

function byObligation(deadlines: readonly Deadline[]): Map<string, Deadline> {
  return new Map(deadlines.map((d) => [d.obligationId, d]));
}

function deadlineOf(deadlines: Map<string, Deadline>, id: string): Deadline {
  const d = deadlines.get(id);
  if (!d) throw new Error(`no deadline computed for ${id}`);
  return d;
}

/**
 * Opens the case with its computed opening deadlines; the receipt emails are queued.
 * `tellNotificationDeadline`: false only for cases opened before §5.2's receipt email existed
 * (the workflow's patch), so their histories replay.
 */
export function applyOpening(state: CaseState, receivedBy: Actor, computed: readonly Deadline[], now: string, tellNotificationDeadline = true): void {
  const deadlines = byObligation(computed);
  record(state, 'referral-received', 'referral-received', { occurredAt: state.receivedAt, actor: receivedBy, detail: { rulebookVersion: state.rulebookVersion } });
  for (const id of openingObligations(state)) {
    openObligation(state, deadlineOf(deadlines, id), now);
    // §4.5: the referral itself is checked on arrival; a late one is recorded as late.
    if (id === 'referral-submitted') meetObligation(state, id, state.receivedAt, receivedBy);
    if (id === 'ssp-informed') queueNotice(state, 'referral-received', state.obligations[id]!, ['business-unit'], state.receivedAt);
    // §5.2: from the referral, the Business Unit and the SSP know by when the notification is due
    // should the criteria be met.
    if (id === 'national-notification' && tellNotificationDeadline) queueNotice(state, 'referral-received', state.obligations[id]!, noticePolicy(state.rulebookVersion).remind(id), state.receivedAt);
  }
  state.opened = true;
}

/** A decision's effects and the deadlines it needs, worked out before anything changes. */
export interface DecisionPlan {
  at: string;
  effects: Effects;
  /** Obligations whose deadlines are counted from a corrected clock. */
  recomputed: string[];
  needs: DeadlineRequest[];
}

function countedFrom(state: CaseState, clock: ClockEvent): string[] {
  return Object.values(state.obligations)
    .filter((o) => o.status !== 'withdrawn' && o.status !== 'broken')
    .filter((o) => {
      const rule = obligationRule(state.rulebookVersion, o.id);
      return rule.clock === clock || rule.orClock === clock;
    })
    .map((o) => o.id);
}

export function planDecision(state: CaseState, name: DecisionName, payload: unknown, now: number): DecisionPlan {
  const rule = decisionRule(name);
  const at = decisionTime(payload, now);
  const effects: Effects = rule.then?.({ state, payload, at }) ?? {};
  const clocks = { ...state.clocks, ...(effects.clocks ?? {}), ...(effects.corrected ? { [effects.corrected.clock]: effects.corrected.to } : {}) };
  const recomputed = effects.corrected ? countedFrom(state, effects.corrected.clock) : [];
  const opened = [...(effects.open ?? []), ...(effects.shareWithLd ? ['ld-informed'] : [])];
  return { at, effects, recomputed, needs: deadlineRequests(state, [...new Set([...recomputed, ...opened])], clocks) };
}

/** The register key of the nth decision of a kind (`decision:<name>`), the case reference aside. */
function decisionRecordKey(kind: string, sequence: number): string {
  return `${kind}:${sequence}`;
}

/**
 * The state a new run starts from, without the words typed by staff (rationales, summaries) and
 * the names a decision gave (the reviewer's) that the register already holds: a decision's
 * timeline entry keeps that it had them, and the register keeps them. Entries whose register row
 * is still queued keep theirs until it is written.
 */
export function withoutWrittenFreeText(state: CaseState): CaseState {
  const queued = new Set(state.outbox.records.map((r) => r.key));
  const seen: Record<string, number> = {};
  const timeline = state.timeline.map((entry) => {
    if (!entry.kind.startsWith('decision:')) return entry;
    const sequence = (seen[entry.kind] ?? 0) + 1;
    seen[entry.kind] = sequence;
    if (entry.rationale === undefined && entry.names === undefined) return entry;
    if (queued.has(`${state.caseReference}:${decisionRecordKey(entry.kind, sequence)}`)) return entry;
    const { rationale, names, ...rest } = entry;
    return { ...rest, ...(rationale !== undefined ? { rationaleInRegister: true as const } : {}), ...(names !== undefined ? { namesInRegister: true as const } : {}) };
  });
  return { ...state, timeline };
}

/**
 * What the case keeps of a decision's own words, by what its fields mean (domain/fields.ts): its
 * rationale (the first free-text field the decision has: rationale, justification, reason,
 * summary or note) and the names it gives (the reviewer's, published with the report, §14.4).
 */
function wordsOf(name: DecisionName, payload: unknown): { rationale?: string; names?: Record<string, string> } {
  const values = (payload ?? {}) as Record<string, unknown>;
  const fields = namedFields(decisionRule(name).schema()).filter((f) => f.path.length === 1 && typeof values[f.name] === 'string');
  const rationale = fields.find((f) => f.meta?.meaning === 'free-text');
  const named = fields.filter((f) => f.meta?.meaning === 'person-name');
  return {
    ...(rationale ? { rationale: values[rationale.name] as string } : {}),
    ...(named.length > 0 ? { names: Object.fromEntries(named.map((f) => [f.name, values[f.name] as string])) } : {}),
  };
}

/**
 * A decision kept only sealed (§6.5: an agency's return), as its register row keeps it: each field
 * by name, its text as typed and its lists (the chronology) as JSON. The register seals every one
 * (register/crypto.ts: fieldsHoldingWords names them).
 */
function sealedWordsOf(payload: unknown): Record<string, string> {
  const values = (payload ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/**
 * Applies a validated decision, all at once: stage, clocks, facts, obligations met, withdrawn,
 * broken, recomputed and opened with their deadlines; emails and register rows queued.
 */
export function applyDecision(state: CaseState, name: DecisionName, actor: Actor, payload: unknown, plan: DecisionPlan, computed: readonly Deadline[], now: string): void {
  const rule = decisionRule(name);
  const { at, effects } = plan;
  const deadlines = byObligation(computed);
  const sequence = state.timeline.filter((t) => t.kind === `decision:${name}`).length + 1;
  // Words kept only sealed (§6.5: an agency's return) never reach the timeline.
  const { rationale, names } = rule.sealedOnly ? {} : wordsOf(name, payload);
  const met = metObligationKey(rule, actor, payload);
  // An agency's own instance (§6.5) says whose it is: the agency, an organisation, in clear.
  const detail = rule.meetsInstance ? { ...(effects.detail ?? {}), agency: actor.agency } : effects.detail;

  Object.assign(state.clocks, effects.clocks ?? {});
  Object.assign(state.facts, effects.facts ?? {});
  if (effects.stage) state.stage = effects.stage;
  state.timeline.push({ at, kind: `decision:${name}`, actor, ...(rationale ? { rationale } : {}), ...(names ? { names } : {}), ...(detail ? { detail } : {}) });
  record(state, `decision:${name}`, decisionRecordKey(`decision:${name}`, sequence), {
    occurredAt: at,
    actor,
    ...(rule.meetsInstance && met ? { obligationId: met } : {}),
    detail: { ...(detail ?? {}), ...(rationale ? { rationale } : {}), ...(names ?? {}), ...(rule.sealedOnly ? sealedWordsOf(payload) : {}), stage: state.stage },
  });
  for (const id of [...(met ? [met] : []), ...(effects.meet ?? [])]) meetObligation(state, id, at, actor, effects.meetOn);
  for (const id of effects.withdraw ?? []) closeObligation(state, id, 'withdrawn', `${name} (${state.stage})`, now);
  for (const id of effects.breach ?? []) {
    const o = closeObligation(state, id, 'broken', name, at);
    if (o) queueNotice(state, 'breach', o, noticePolicy(state.rulebookVersion).escalateTo(id), o.deadline.dueAt);
  }
  if (effects.corrected) {
    const { clock, to, reason } = effects.corrected;
    const from = state.clocks[clock];
    if (from !== undefined) state.clockCorrections.push({ clock, from, to, at, reason });
    state.clocks[clock] = to;
    for (const id of plan.recomputed) replaceDeadline(state, id, deadlineOf(deadlines, id), now);
  }
  for (const id of effects.open ?? []) openObligation(state, deadlineOf(deadlines, id), now);
  if (effects.actions) agreeActions(state, effects.actions, actor, at);
  if (effects.shareWithLd) {
    // §5.6, §10.1: the decision goes to the L&D Chair at once; delivering it meets ld-informed.
    const o = openObligation(state, deadlineOf(deadlines, 'ld-informed'), now);
    const outcome = effects.detail?.outcome;
    queueNotice(state, 'ssp-decision-shared', o, ['ld-chair'], o.deadline.clock.date, {
      ...(typeof outcome === 'string' ? { outcome } : {}),
      meetsOnDelivery: 'ld-informed',
    });
  }
}

/** The next action references of a case: A01, A02, ... (three digits past 99). */
function actionIdAt(n: number): string {
  return `A${String(n).padStart(2, '0')}`;
}

/**
 * §16.2: the actions the L&D Group determined join the case, each with its reference; their
 * workflows are started by the case once the decision has answered (workflows/incident.ts).
 */
function agreeActions(state: CaseState, terms: readonly ActionTerms[], agreedBy: Actor, agreedAt: string): void {
  state.actions ??= {};
  let n = Object.keys(state.actions).length;
  for (const t of terms) {
    const actionId = actionIdAt(++n);
    const opening: ActionOpening = { caseReference: state.caseReference, actionId, rulebookVersion: state.rulebookVersion, terms: t, agreedAt, agreedBy };
    state.actions[actionId] = { agency: t.agency, deadline: t.deadline, status: 'open', pendingStart: opening };
    state.timeline.push({ at: agreedAt, kind: 'action-agreed', actor: agreedBy, detail: { actionId, agency: t.agency, deadline: t.deadline } });
  }
}

/** An action's workflow has started: the case no longer keeps what it started from. */
export function actionStarted(state: CaseState, actionId: string): void {
  const action = state.actions?.[actionId];
  if (action) delete action.pendingStart;
}

/** An action's workflow says it is completed or withdrawn (its own record is in the register). */
export function applyActionSettled(state: CaseState, actionId: string, status: 'completed' | 'withdrawn', now: string): boolean {
  const action = state.actions?.[actionId];
  if (!action || action.status !== 'open') return false;
  action.status = status;
  state.timeline.push({ at: now, kind: `action-${status}`, detail: { actionId } });
  return true;
}

/**
 * The case closes by itself once it has actions, every one is completed or withdrawn, and no
 * obligation is open (a published report is watched for its year first): the closing is recorded.
 */
export function closeIfDone(state: CaseState, now: string): boolean {
  if (state.stage !== 'action-plan' || !state.actions || Object.keys(state.actions).length === 0) return false;
  if (Object.values(state.actions).some((a) => a.status === 'open')) return false;
  if (Object.values(state.obligations).some(isOpen)) return false;
  state.stage = 'closed';
  const actions = Object.values(state.actions);
  const detail = { automatic: true, actionsCompleted: actions.filter((a) => a.status === 'completed').length, actionsWithdrawn: actions.filter((a) => a.status === 'withdrawn').length };
  state.timeline.push({ at: now, kind: 'case-closed', detail });
  record(state, 'case-closed', 'case-closed', { occurredAt: now, detail });
  return true;
}

/** Time has passed: what fell due is applied and its emails queued. */
export function applyDue(state: CaseState, now: string): void {
  applyDueWork(state, noticePolicy(state.rulebookVersion), now);
}
