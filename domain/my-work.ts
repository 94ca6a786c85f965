// "My work": what falls to a person or their role, overdue first, then soonest due, each item saying
// what to do next in the procedure's words (the rulebook's obligation and the decision that records
// it). Pure: the register keeps, for each open obligation of a case, the roles it falls to (workRows,
// written with the case's summary), and reads the candidates by role with an index; selectWork
// decides, with the read policy of domain/access.ts, which of them are this person's, and in what
// order.
import { caseReadFor, actionReadFor } from './access';
import type { ActionStatus } from './action-snapshot';
import { endOfLondonDay, londonDateOf } from './calendar';
import type { CaseSummary, Stage } from './case';
import { DECISION_NAMES, decisionRule } from './decisions';
import { agencyOfInstance, ruleIdOf } from './obligation-ids';
import { rulebook, type ObligationRule } from './rulebook';
import type { Actor, Role } from './roles';

/** One open obligation of a case and a role it falls to, as the register keeps it for "my work". */
export interface WorkRow {
  obligationId: string;
  role: Role;
  /** The decision by which that role records it, where there is one. */
  decision: string | null;
  status: 'open' | 'missed';
  dueAt: string;
}

/**
 * Steps with no deadline of their own that a role takes toward an obligation another owns, at one
 * stage. §8, §16.1: the commissioned reviewer writes the LCSPR and sends the draft to the L&D Group
 * (draft-report-to-ld is theirs alone), within the review's six months (lcspr-publication, §15.5).
 */
const STEPS_TOWARD: ReadonlyArray<{ obligationId: string; stage: Stage; role: Role; decision: string }> = [
  { obligationId: 'lcspr-publication', stage: 'lcspr', role: 'reviewer', decision: 'draft-report-to-ld' },
];

function ruleOf(rulebookVersion: string, obligationId: string): ObligationRule | undefined {
  try {
    // An agency's instance of a per-agency obligation (§6.5) falls to whom its rule says.
    return rulebook(rulebookVersion).obligations[ruleIdOf(obligationId)];
  } catch {
    // A rulebook this code does not know: its obligations fall to nobody here, rather than failing the write.
    return undefined;
  }
}

/**
 * Who an open obligation falls to at a stage: the roles that may make the decision that meets it
 * (each with that decision), its owner in the rulebook, and the steps taken toward it (STEPS_TOWARD).
 * A minimum period (§14.4) or a step the system takes itself (§9.2) falls to nobody: there is
 * nothing for a person to do.
 */
export function whoDoes(rulebookVersion: string, obligationId: string, stage: Stage): Array<{ role: Role; decision: string | null }> {
  const rule = ruleOf(rulebookVersion, obligationId);
  if (!rule || rule.minimumPeriod || rule.trigger) return [];
  const roles = new Map<Role, string | null>();
  for (const name of DECISION_NAMES) {
    const decision = decisionRule(name);
    if (decision.meets !== ruleIdOf(obligationId)) continue;
    for (const role of decision.roles) if (!roles.has(role)) roles.set(role, name);
  }
  if (!roles.has(rule.owner)) roles.set(rule.owner, null);
  for (const step of STEPS_TOWARD) {
    if (step.obligationId === obligationId && step.stage === stage && !roles.has(step.role)) roles.set(step.role, step.decision);
  }
  return [...roles].map(([role, decision]) => ({ role, decision }));
}

/** The rows "my work" reads for a case: each open obligation once per role it falls to; none once closed. */
export function workRows(summary: Pick<CaseSummary, 'rulebookVersion' | 'stage' | 'obligations'>): WorkRow[] {
  if (summary.stage === 'closed') return [];
  return summary.obligations.flatMap((o) =>
    whoDoes(summary.rulebookVersion, o.id, summary.stage).map(({ role, decision }) => ({ obligationId: o.id, role, decision, status: o.status, dueAt: o.dueAt })),
  );
}

/** An obligation of a case as the register hands it to selectWork: the row and what the read policy needs. */
export interface CaseWorkCandidate extends WorkRow {
  caseReference: string;
  rulebookVersion: string;
  stage: Stage;
  referringAgency: string | null;
  reviewerIds: string[];
}

/** An improvement action as the action log keeps it (register/actions.ts). */
export interface ActionWorkCandidate {
  caseReference: string;
  actionId: string;
  agency: string;
  /** The deadline in force (YYYY-MM-DD). */
  deadline: string;
  status: ActionStatus;
  /** The rulebook of the action's case, where the register knows it. */
  rulebookVersion: string | null;
}

/** One thing to do, as "my work" shows it. */
export interface WorkItem {
  caseReference: string;
  /** The improvement action, for an action's item: link to the action rather than the case. */
  actionId?: string;
  obligationId: string;
  /** What to do next, in the procedure's words: the rulebook's obligation. */
  todo: string;
  /** Where the procedure says so. */
  section: string;
  /** The decision that records it, where there is one (a case's or an action's, by its name). */
  decision: string | null;
  /** The deadline: the end of its London day (an instant), and that day. */
  dueAt: string;
  dueDate: string;
  /** Missed (escalated), or its deadline has passed. */
  overdue: boolean;
  /** The case's stage (an action's item: undefined). */
  stage?: Stage;
}

/** The obligation an improvement action's own work is (§9.2, §16.2), and the decision that records it. */
const ACTION_DUE = 'action-due';
const ACTION_DONE_DECISION = 'action-completed';

function caseItem(c: CaseWorkCandidate, now: number): WorkItem | undefined {
  const rule = ruleOf(c.rulebookVersion, c.obligationId);
  if (!rule) return undefined;
  return {
    caseReference: c.caseReference,
    obligationId: c.obligationId,
    todo: rule.obligation,
    section: rule.section,
    decision: c.decision,
    dueAt: c.dueAt,
    dueDate: londonDateOf(c.dueAt),
    overdue: c.status === 'missed' || Date.parse(c.dueAt) < now,
    stage: c.stage,
  };
}

function actionItem(a: ActionWorkCandidate, rule: ObligationRule, now: number): WorkItem {
  const dueAt = endOfLondonDay(a.deadline);
  return {
    caseReference: a.caseReference,
    actionId: a.actionId,
    obligationId: ACTION_DUE,
    todo: rule.obligation,
    section: rule.section,
    decision: ACTION_DONE_DECISION,
    dueAt,
    dueDate: a.deadline,
    overdue: Date.parse(dueAt) < now,
  };
}

/** Overdue first, then soonest due; then by case, action and obligation, so the order is stable. */
export function byUrgency(a: WorkItem, b: WorkItem): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return (
    a.dueAt.localeCompare(b.dueAt) ||
    a.caseReference.localeCompare(b.caseReference) ||
    (a.actionId ?? '').localeCompare(b.actionId ?? '') ||
    a.obligationId.localeCompare(b.obligationId)
  );
}

/**
 * The person's work from the candidates the register found: a case's obligation when it falls to
 * their role and they may read the case (caseReadFor: a referrer their agency's referrals, a
 * reviewer the cases they are commissioned on); an open improvement action when their role owns
 * the action's deadline in the rulebook and they may read it (actionReadFor: an action lead their
 * own agency's). Sorted by urgency; at most `limit`.
 */
export function selectWork(actor: Actor, candidates: { cases: readonly CaseWorkCandidate[]; actions: readonly ActionWorkCandidate[] }, now: number, limit: number, defaultRulebook: string): WorkItem[] {
  const items: WorkItem[] = [];
  for (const c of candidates.cases) {
    if (c.role !== actor.role) continue;
    // An agency's own step (§6.5: its return for the Rapid Review) is its work, though it reads nothing else of the case.
    const ownAgencyStep = actor.role === 'action-owner' && agencyOfInstance(c.obligationId) === actor.agency;
    if (!ownAgencyStep && 'refuse' in caseReadFor(actor, { ...(c.referringAgency !== null ? { referringAgency: c.referringAgency } : {}), reviewerIds: c.reviewerIds })) continue;
    const item = caseItem(c, now);
    if (item) items.push(item);
  }
  const actionRead = actionReadFor(actor);
  for (const a of candidates.actions) {
    const rule = ruleOf(a.rulebookVersion ?? defaultRulebook, ACTION_DUE);
    if (!rule || rule.owner !== actor.role || a.status !== 'open' || 'refuse' in actionRead) continue;
    if (actionRead.scope === 'agency' && a.agency !== actor.agency) continue;
    items.push(actionItem(a, rule, now));
  }
  return items.sort(byUrgency).slice(0, limit);
}
