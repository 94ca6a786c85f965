// No dead ends (issue 16, item 1): every stage a case can reach through the real rules is walked,
// taking every decision some person of the directory can record there, with only the fields a
// decision requires (every optional field left out) and each choice's every value. From each
// state reached, every open obligation must be one some role can meet (or the system meets by
// itself: a period that runs out, a step the system takes), and the case must still be able to
// close. The walk runs again with the commissioned reviewer absent (§8.1: they leave, fall ill or
// have a conflict of interest): nobody else may record their steps, so the SSP must be able to
// bring in another.
//
// The engine is the real one (checkDecision, planDecision, applyDecision, applyDue, closeIfDone) with
// the real deadline arithmetic; the payloads are built from each decision's own schema.
import { deadlineCalculator } from '../../activities/deadlines';
import { WorkingDayCalendar } from '../../domain/calendar';
import { isOpen, type CaseState } from '../../domain/case';
import { checkDecision, decisionRule, DECISION_NAMES, scopeRefusal, type DecisionName } from '../../domain/decisions';
import { actionStarted, applyActionSettled, applyDecision, applyDue, applyOpening, closeIfDone, deadlineRequests, newCase, openingObligations, planDecision } from '../../domain/incident';
import { emptyOutbox } from '../../domain/obligations';
import { rulebook, RULEBOOKS } from '../../domain/rulebook';
import { ROLES, type Actor } from '../../domain/roles';
import { payloadsFor } from '../helpers/payloads';

const RECEIVED_AT = '2026-11-02T10:00:00.000Z';
const FIRST_REVIEWER = 'reviewer-1';
const SECOND_REVIEWER = 'reviewer-2';
/** More states than the walk reaches: a walk that grows past it has a loop the signature misses. */
const MAX_STATES = 10_000;

/** The directory: one person of each role, and two reviewers the SSP may commission. */
const DIRECTORY: Actor[] = [
  ...ROLES.filter((r) => r !== 'reviewer').map((role) => ({ id: `${role}-1`, role, agency: 'Local Authority' })),
  { id: FIRST_REVIEWER, role: 'reviewer', agency: 'Independent' },
  { id: SECOND_REVIEWER, role: 'reviewer', agency: 'Independent' },
];

const calendar = new WorkingDayCalendar();

function londonDate(instant: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(instant));
}

interface Node {
  state: CaseState;
  /** The walk's clock: decisions are taken at it; time passing moves it on. */
  now: string;
  /** How the walk got here (for the failure message). */
  path: string[];
}

/** Text candidates for a required field, in order; the first its schema takes is sent. */
function stringCandidates(now: string): string[] {
  return ['Example text (walk)', FIRST_REVIEWER, londonDate(now), now];
}

/** Payloads per decision and day: building a schema is the walk's dearest step. */
const payloadCache = new Map<string, unknown[]>();
function decisionPayloads(name: DecisionName, now: string, rulebookVersion: string): unknown[] {
  const key = `${name} ${londonDate(now)} ${rulebookVersion}`;
  let payloads = payloadCache.get(key);
  if (!payloads) {
    const required = rulebook(rulebookVersion).contentRequired?.[name] ?? [];
    payloads = payloadsFor(decisionRule(name).schema(), { text: stringCandidates(now), people: [FIRST_REVIEWER, SECOND_REVIEWER] }, required);
    payloadCache.set(key, payloads);
  }
  return payloads;
}

/** A copy to change; the emails and rows already queued, and the timeline, do not decide what fits next. */
function clone(state: CaseState): CaseState {
  return structuredClone({ ...state, timeline: [], outbox: emptyOutbox() });
}

const calculator = deadlineCalculator(calendar, undefined, () => new Date(RECEIVED_AT));
/** The same requests give the same deadlines (the walk asks for them again and again): counted once. */
const deadlineCache = new Map<string, ReturnType<typeof calculator.computeDeadlines>>();
const computeFor = (rulebookVersion: string) => (state: CaseState, requests: ReturnType<typeof deadlineRequests>) => {
  const key = JSON.stringify([rulebookVersion, requests]);
  let deadlines = deadlineCache.get(key);
  if (!deadlines) {
    deadlines = calculator.computeDeadlines({ caseReference: state.caseReference, rulebookVersion, requests });
    deadlineCache.set(key, deadlines);
  }
  return structuredClone(deadlines);
};

function opened(rulebookVersion: string): Node {
  const bu = DIRECTORY.find((a) => a.role === 'business-unit')!;
  const state = newCase({ caseReference: 'WALK-2026-0001', receivedAt: RECEIVED_AT, rulebookVersion, receivedBy: bu, referrerBecameAware: '2026-11-02', lookedAfterChildDied: true });
  applyOpening(state, bu, computeFor(rulebookVersion)(state, deadlineRequests(state, openingObligations(state))), RECEIVED_AT);
  return { state, now: RECEIVED_AT, path: [] };
}

interface Step {
  label: string;
  /** Who took it (a person's sign-in ID), if a person did. */
  by?: string;
  node: Node;
}

/** What can happen next: every accepted decision by anyone present, actions settling, time passing. */
function steps(node: Node, present: readonly Actor[]): Step[] {
  const out: Step[] = [];
  const { state, now } = node;
  const nowMs = Date.parse(now);
  /** The first way anyone present may take a decision now, applied to `target`; false if none. */
  const take = (target: CaseState, name: DecisionName, actor: Actor, payload: unknown): boolean => {
    const check = checkDecision(target, name, actor, payload ?? {}, nowMs);
    if (!check.ok) return false;
    const plan = planDecision(target, name, check.payload, nowMs);
    applyDecision(target, name, actor, check.payload, plan, computeFor(target.rulebookVersion)(target, plan.needs), now);
    closeIfDone(target, now);
    return true;
  };
  const side: DecisionName[] = [];
  for (const name of DECISION_NAMES) {
    // Adding actions again is tested elsewhere; here it only grows the plan. A corrected clock
    // moves deadlines, never what is open or the stage.
    if (name === 'actions-agreed' && Object.keys(state.actions ?? {}).length > 0) continue;
    if (name === 'clock-corrected') continue;
    const rule = decisionRule(name);
    // Cheap refusals first (the stage, an obligation not open): the schema is never built for them.
    if (rule.stages !== 'any-open-stage' && !rule.stages.includes(state.stage)) continue;
    if (rule.meets !== undefined && !(state.obligations[rule.meets] && isOpen(state.obligations[rule.meets]!))) continue;
    // A decision of any stage meets its own obligation and changes nothing else: taken together
    // below, so the walk does not branch on the order of independent steps.
    if (rule.stages === 'any-open-stage') {
      side.push(name);
      continue;
    }
    for (const actor of present.filter((a) => rule.roles.includes(a.role))) {
      if (scopeRefusal(state, name, actor)) continue;
      for (const payload of decisionPayloads(name, now, node.state.rulebookVersion)) {
        const next = clone(state);
        if (!take(next, name, actor, payload)) continue;
        out.push({ label: `${name} by ${actor.id} ${JSON.stringify(payload ?? {})}`, by: actor.id, node: { state: next, now, path: [...node.path, name] } });
      }
    }
  }
  if (side.length > 0) {
    const next = clone(state);
    const taken = side.filter((name) =>
      present.some((actor) => decisionRule(name).roles.includes(actor.role) && !scopeRefusal(next, name, actor) && decisionPayloads(name, now, next.rulebookVersion).some((p) => take(next, name, actor, p))),
    );
    if (taken.length > 0) out.push({ label: taken.join(' + '), node: { state: next, now, path: [...node.path, taken.join(' + ')] } });
  }
  // An action's own workflow ends it (completed by its agency, or withdrawn): the case hears of it.
  for (const [actionId, action] of Object.entries(state.actions ?? {})) {
    if (action.status !== 'open') continue;
    const next = clone(state);
    actionStarted(next, actionId);
    applyActionSettled(next, actionId, 'completed', now);
    closeIfDone(next, now);
    out.push({ label: `action ${actionId} completed`, node: { state: next, now, path: [...node.path, `action ${actionId} completed`] } });
  }
  // Time passes beyond every deadline open now: periods run out, deadlines are missed.
  const open = Object.values(state.obligations).filter(isOpen);
  if (open.length > 0) {
    const later = new Date(Math.max(...open.map((o) => Date.parse(o.deadline.dueAt))) + 86_400_000).toISOString();
    if (later > now) {
      const next = clone(state);
      applyDue(next, later);
      closeIfDone(next, later);
      out.push({ label: 'time passes', node: { state: next, now: later, path: [...node.path, 'time passes'] } });
    }
  }
  return out;
}

/**
 * What makes two states the same for the walk: the stage, what is still to do (open or missed,
 * whatever its round), the facts the path depends on and the actions' statuses; never when, and
 * not what is already done or ended (no decision is taken differently for it: one already
 * recorded and one not required are refused alike).
 */
function signature(state: CaseState): string {
  const { plannedPublicationDate: _date, panelReference: _ref, reviewerIds, ...facts } = state.facts;
  return JSON.stringify({
    stage: state.stage,
    toDo: Object.values(state.obligations)
      .filter(isOpen)
      .map((o) => o.id)
      .sort(),
    facts: Object.entries(facts).sort(),
    reviewers: [...(reviewerIds ?? [])].sort(),
    actions: Object.values(state.actions ?? {})
      .map((a) => a.status)
      .sort(),
  });
}

interface Edge {
  label: string;
  by?: string;
  to: string;
}

interface Walk {
  nodes: Map<string, Node>;
  edges: Map<string, Edge[]>;
}

function walk(rulebookVersion: string, present: readonly Actor[]): Walk {
  const start = opened(rulebookVersion);
  const nodes = new Map<string, Node>([[signature(start.state), start]]);
  const edges = new Map<string, Edge[]>();
  const queue = [signature(start.state)];
  while (queue.length > 0) {
    const key = queue.shift()!;
    const out: Edge[] = [];
    for (const step of steps(nodes.get(key)!, present)) {
      const to = signature(step.node.state);
      out.push({ label: step.label, ...(step.by ? { by: step.by } : {}), to });
      if (!nodes.has(to)) {
        nodes.set(to, step.node);
        queue.push(to);
        if (nodes.size > MAX_STATES) {
          const byStage: Record<string, number> = {};
          for (const n of nodes.values()) byStage[n.state.stage] = (byStage[n.state.stage] ?? 0) + 1;
          throw new Error(`the walk passed ${MAX_STATES} states: ${JSON.stringify(byStage)} ${[...nodes.keys()].slice(-4).join('\n')}`);
        }
      }
    }
    edges.set(key, out);
  }
  return { nodes, edges };
}

/** The states from which no sequence of steps closes the case, with only the steps `usable` allows. */
function cannotClose(w: Walk, usable: (e: Edge) => boolean = () => true): Node[] {
  const canClose = new Set([...w.nodes].filter(([, n]) => n.state.stage === 'closed').map(([k]) => k));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [key, out] of w.edges) {
      if (!canClose.has(key) && out.some((e) => usable(e) && canClose.has(e.to))) {
        canClose.add(key);
        grew = true;
      }
    }
  }
  return [...w.nodes].filter(([k]) => !canClose.has(k)).map(([, n]) => n);
}

/**
 * Obligations to do in a state that no sequence of steps from it ever meets or ends by the rules
 * (withdrawn when the path no longer needs it). Met by the system itself counts: a period that runs
 * out, a step the system takes when due (the walk lets time pass).
 */
function neverDone(w: Walk): Array<{ key: string; obligationId: string }> {
  const ids = new Set([...w.nodes.values()].flatMap((n) => Object.keys(n.state.obligations)));
  const found: Array<{ key: string; obligationId: string }> = [];
  for (const id of ids) {
    const toDo = (key: string) => {
      const o = w.nodes.get(key)!.state.obligations[id];
      return o !== undefined && isOpen(o);
    };
    // Not to do any more: done or ended (the signature holds those with the ones never opened).
    const gets = new Set([...w.nodes.keys()].filter((k) => !toDo(k)));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [key, out] of w.edges) {
        if (!gets.has(key) && out.some((e) => gets.has(e.to))) {
          gets.add(key);
          grew = true;
        }
      }
    }
    for (const key of w.nodes.keys()) if (toDo(key) && !gets.has(key)) found.push({ key, obligationId: id });
  }
  return found;
}

function describe_(node: Node): string {
  return `stage ${node.state.stage} after ${node.path.join(' → ') || 'the referral'}`;
}

describe.each(Object.keys(RULEBOOKS))('rulebook %s: no dead ends', (version) => {
  let everyone: Walk;
  beforeAll(() => {
    everyone = walk(version, DIRECTORY);
  });

  test('the walk reaches every stage a case can be at, and closure', () => {
    const stages = new Set([...everyone.nodes.values()].map((n) => n.state.stage));
    // Stages only a later rulebook or a corrupt history reaches are not expected here.
    expect([...stages].sort()).toEqual(expect.arrayContaining(['referral-received', 'lcspr', 'lcspr-draft', 'awaiting-publication', 'action-plan', 'closed']));
    expect(everyone.nodes.size).toBeGreaterThan(50);
  });

  test('from every state reached, every open obligation can be met by someone in the directory', () => {
    const stuck = neverDone(everyone).map(({ key, obligationId }) => `${obligationId} at ${describe_(everyone.nodes.get(key)!)}`);
    expect(stuck.slice(0, 5)).toEqual([]);
  });

  test('from every state reached, the case can still close', () => {
    expect(cannotClose(everyone).slice(0, 5).map(describe_)).toEqual([]);
  });

  test('with the commissioned reviewer absent, every case can still close (the SSP bring in another)', () => {
    // The same walk without a step the first reviewer takes: nobody else can take one for them.
    const absent = (e: Edge) => e.by !== FIRST_REVIEWER;
    expect(cannotClose(everyone, absent).slice(0, 5).map(describe_)).toEqual([]);
    // And the first reviewer was commissioned in the walk: the test does not pass by never naming them.
    expect([...everyone.nodes.values()].some((n) => n.state.facts.reviewerIds?.includes(FIRST_REVIEWER))).toBe(true);
  });
});
