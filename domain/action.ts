// One improvement action of an action plan (§9.2, §16.2), as its own workflow holds it: the
// obligation tracker (domain/obligations.ts) watches three rows of the rulebook for it:
//   action-due              the action's deadline now in force (reminders to the agency before it;
//                           missed: the L&D Chair told, the agency asked for an explanation);
//   action-escalation-head  three calendar months past the specified deadline (the extended one,
//                           once extended): the agency's Head of Service told;
//   action-escalation-chief six calendar months past the ORIGINAL deadline (§9.2 and §16.2 say
//                           "original"; an extension does not move it): the Chief Officer told.
// Plain JSON, pure functions; the workflow computes deadlines in an activity and applies here.
import { z } from 'zod';
import type { ActionSnapshot, ActionStatus, EscalationLevel } from './action-snapshot';
import { dateSchema, instantSchema } from './instants';
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
  type Ledger,
} from './obligations';
import type { Deadline } from './obligations';
import { field } from './fields';
import { zodProblems, type Problem, type Refusal } from './errors';
import type { Actor, Role } from './roles';
import { noticePolicy } from './rulebook';
import { londonDateAt } from './working-days-late';

export const ACTION_OBLIGATIONS = ['action-due', 'action-escalation-head', 'action-escalation-chief'] as const;

/** Free text typed by staff: bounded, never empty. */
const text = (max: number) => z.string().trim().min(1).max(max);
/** An agency, as the partnership directory names it (the API checks it is one, §16.2). */
const agency = () => field(z.string().trim().min(1).max(120), 'choice', 'the agency, as the partnership directory names it');

/** What the L&D Group agrees for one action (§16.2): who, what, by when, and which finding it answers. */
export const actionTermsSchema = () =>
  z.strictObject({
    agency: agency(),
    owner: field(text(200), 'free-text', 'who in the agency leads the action'),
    description: field(text(4_000), 'free-text', 'what is to be done'),
    finding: field(text(4_000), 'free-text', 'the finding the action answers'),
    deadline: field(dateSchema(), 'date-planned', 'the date by which the action is to be done'),
  });
export type ActionTerms = z.infer<ReturnType<typeof actionTermsSchema>>;

/** What an action's workflow starts from (the case starts it when the plan is agreed). */
export interface ActionOpening {
  caseReference: string;
  actionId: string;
  rulebookVersion: string;
  terms: ActionTerms;
  /** When the plan was agreed (ISO instant). */
  agreedAt: string;
  agreedBy: Actor;
}

export interface ActionExtension {
  from: string;
  to: string;
  at: string;
  requestedBy: { position: 'chief-officer'; agency: string; name: string };
  reason: string;
  recordedBy: string;
}

export interface ActionState extends Ledger {
  action: { actionId: string; agency: string };
  actionId: string;
  rulebookVersion: string;
  terms: ActionTerms;
  agreedAt: string;
  agreedBy: Actor;
  /** The deadline now in force (YYYY-MM-DD); `terms.deadline` stays the original. */
  deadline: string;
  status: ActionStatus;
  sspInvolved: boolean;
  completedOn?: string;
  evidence?: string;
  withdrawnReason?: string;
  extensions: ActionExtension[];
  /** Bumped by every change; the register keeps the highest (domain/action-snapshot.ts). */
  version: number;
  opened: boolean;
  /** Keyed requests already applied (update IDs), as the case keeps them. */
  requests: Array<{ updateId: string; keyId: string; decision: string; requestHash: string }>;
}

export function newAction(opening: ActionOpening): ActionState {
  return {
    caseReference: opening.caseReference,
    action: { actionId: opening.actionId, agency: opening.terms.agency },
    actionId: opening.actionId,
    rulebookVersion: opening.rulebookVersion,
    terms: opening.terms,
    agreedAt: opening.agreedAt,
    agreedBy: opening.agreedBy,
    deadline: opening.terms.deadline,
    status: 'open',
    sspInvolved: false,
    extensions: [],
    version: 0,
    opened: false,
    requests: [],
    obligations: {},
    pastRounds: [],
    timeline: [],
    outbox: emptyOutbox(),
  };
}

export function actionPolicy(state: ActionState) {
  return noticePolicy(state.rulebookVersion, state.terms.agency);
}

/** The three deadlines an action opens with: its own, and the two escalation steps (§9.2). */
export function openingRequests(state: ActionState): DeadlineRequest[] {
  return [
    { obligationId: 'action-due', clock: state.deadline },
    { obligationId: 'action-escalation-head', clock: state.deadline },
    { obligationId: 'action-escalation-chief', clock: state.terms.deadline },
  ];
}

function deadlineFor(deadlines: readonly Deadline[], id: string): Deadline {
  const d = deadlines.find((x) => x.obligationId === id);
  if (!d) throw new Error(`no deadline computed for ${id}`);
  return d;
}

function changed(state: ActionState): void {
  state.version += 1;
}

export function applyActionOpening(state: ActionState, deadlines: readonly Deadline[], now: string): void {
  record(state, 'action-agreed', 'agreed', {
    occurredAt: state.agreedAt,
    actor: state.agreedBy,
    detail: {
      agency: state.terms.agency,
      deadline: state.terms.deadline,
      // Free text: sealed in the register (register/crypto.ts).
      owner: state.terms.owner,
      description: state.terms.description,
      finding: state.terms.finding,
    },
  });
  state.timeline.push({ at: state.agreedAt, kind: 'action-agreed', actor: state.agreedBy, detail: { deadline: state.terms.deadline } });
  for (const id of ACTION_OBLIGATIONS) openObligation(state, deadlineFor(deadlines, id), now);
  state.opened = true;
  changed(state);
}

/** How far it has been escalated: the furthest step ever taken (it never goes back). */
export function escalationLevel(state: ActionState): EscalationLevel {
  const all = [...state.pastRounds, ...Object.values(state.obligations)];
  const taken = (id: string) => all.some((o) => o.id === id && o.escalatedAt !== undefined);
  if (taken('action-escalation-chief')) return 'chief-officer';
  if (taken('action-escalation-head')) return 'head-of-service';
  if (all.some((o) => o.id === 'action-due' && (o.escalatedAt !== undefined || (o.missed?.length ?? 0) > 0))) return 'overdue';
  return 'none';
}

export function actionSnapshot(state: ActionState, now: string): ActionSnapshot {
  return {
    caseReference: state.caseReference,
    actionId: state.actionId,
    agency: state.terms.agency,
    owner: state.terms.owner,
    description: state.terms.description,
    finding: state.terms.finding,
    agreedOn: londonDateAt(Date.parse(state.agreedAt)),
    originalDeadline: state.terms.deadline,
    deadline: state.deadline,
    status: state.status,
    escalation: escalationLevel(state),
    sspInvolved: state.sspInvolved,
    ...(state.completedOn ? { completedOn: state.completedOn } : {}),
    ...(state.withdrawnReason ? { withdrawnReason: state.withdrawnReason } : {}),
    version: state.version,
    updatedAt: now,
  };
}

// ---- Decisions on an action

const occurredAt = () => field(instantSchema(), 'instant-past', 'when it happened, if not now').optional();
const reason = () => field(text(4_000), 'free-text', 'the reason, as the record will keep it');

export const ACTION_DECISIONS = {
  // §16.2: the agency completes the action; completion records its evidence.
  'action-completed': {
    roles: ['action-owner', 'ld-chair'] as Role[],
    schema: () => z.strictObject({ occurredAt: occurredAt(), completedOn: field(dateSchema(), 'date-done', 'the date the action was completed'), evidence: field(text(10_000), 'free-text', 'what shows the action was done') }),
  },
  // §9.2: "an extension to the original deadline should only be agreed in exceptional circumstances
  // and at the request of the Chief Officer": recorded by the L&D Chair, naming the request.
  'action-extended': {
    roles: ['ld-chair'] as Role[],
    schema: () => z.strictObject({
      occurredAt: occurredAt(),
      newDeadline: field(dateSchema(), 'date-planned', 'the new date by which the action is to be done'),
      requestedBy: field(
        z.strictObject({
          position: field(z.enum(['chief-officer', 'head-of-service', 'action-lead', 'ld-chair', 'other']), 'choice', 'their position in the agency'),
          agency: agency(),
          name: field(text(200), 'person-name', 'their name'),
        }),
        'person-name',
        'who asked for the extension (§9.2: the Chief Officer)',
      ),
      reason: reason(),
    }),
  },
  // §18.1: the annual report gives the reasons actions were not implemented.
  'action-withdrawn': {
    roles: ['ld-chair'] as Role[],
    schema: () => z.strictObject({ occurredAt: occurredAt(), reason: reason() }),
  },
  // §9.2: "in exceptional circumstances ... involve the Statutory Safeguarding Partners".
  'ssp-involved': {
    roles: ['ld-chair'] as Role[],
    schema: () => z.strictObject({ occurredAt: occurredAt(), reason: reason() }),
  },
} as const;

export type ActionDecisionName = keyof typeof ACTION_DECISIONS;
export const ACTION_DECISION_NAMES = Object.keys(ACTION_DECISIONS) as ActionDecisionName[];

export function isActionDecisionName(name: string): name is ActionDecisionName {
  return Object.prototype.hasOwnProperty.call(ACTION_DECISIONS, name);
}

export type ActionCheck = { ok: true; payload: unknown } | { ok: false; type: Refusal; message: string; problems?: Problem[] };

/** Who may act on this action: the roles of the decision, and an action owner only of their own agency. */
export function actionRoleRefusal(name: ActionDecisionName, role: Role): string | undefined {
  const roles = ACTION_DECISIONS[name].roles;
  return roles.includes(role) ? undefined : `The role ${role} may not record ${name}; allowed: ${roles.join(', ')}`;
}

/** Whether a decision fits the action now: pure and synchronous (the update validator runs it). */
export function checkActionDecision(state: ActionState, name: ActionDecisionName, actor: Actor, raw: unknown, now: number): ActionCheck {
  const label = `${state.caseReference} ${state.actionId}`;
  const roleRefused = actionRoleRefusal(name, actor.role);
  if (roleRefused) return { ok: false, type: 'RoleNotAllowed', message: roleRefused };
  // An action owner of another agency is told there is no such action (existence would disclose).
  if (actor.role === 'action-owner' && actor.agency !== state.terms.agency) return { ok: false, type: 'ActionNotFound', message: `No action ${label}` };
  if (state.status !== 'open') return { ok: false, type: 'ActionClosed', message: `Action ${label} is ${state.status}` };
  const schema = ACTION_DECISIONS[name].schema();
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, type: 'InvalidDecision', message: `The ${name} decision is not valid`, problems: zodProblems(parsed.error, raw, schema) };
  // The UK's clock-change rule, not the host's time-zone data: the handler runs this on replay too.
  const today = londonDateAt(now);
  const payload = parsed.data as Record<string, unknown>;
  const problems: Problem[] = [];
  if (typeof payload.occurredAt === 'string' && Date.parse(payload.occurredAt) > now) problems.push({ path: 'occurredAt', message: 'occurredAt is in the future' });
  if (name === 'action-completed') {
    const on = payload.completedOn as string;
    if (on > today) problems.push({ path: 'completedOn', message: 'completedOn is in the future' });
    if (on < londonDateAt(Date.parse(state.agreedAt))) problems.push({ path: 'completedOn', message: 'completedOn is before the action was agreed' });
  }
  if (name === 'action-extended') {
    const { newDeadline, requestedBy } = payload as z.infer<ReturnType<(typeof ACTION_DECISIONS)['action-extended']['schema']>>;
    // §9.2: the Chief Officer of the agency that owns the action, nobody else.
    if (requestedBy.position !== 'chief-officer') {
      return {
        ok: false,
        type: 'ExtensionNotAllowed',
        message: `An extension is agreed only at the request of the Chief Officer of ${state.terms.agency} (§9.2); this request came from the ${requestedBy.position}`,
      };
    }
    if (requestedBy.agency !== state.terms.agency) {
      return { ok: false, type: 'ExtensionNotAllowed', message: `An extension is agreed only at the request of the Chief Officer of the agency that owns the action, ${state.terms.agency} (§9.2)` };
    }
    if (newDeadline <= state.deadline) problems.push({ path: 'newDeadline', message: `newDeadline must be later than the deadline now in force, ${state.deadline}` });
    if (newDeadline < today) problems.push({ path: 'newDeadline', message: 'newDeadline is in the past' });
  }
  if (name === 'ssp-involved' && state.sspInvolved) return { ok: false, type: 'AlreadyMet', message: `The SSP were already involved in action ${label}` };
  if (problems.length > 0) return { ok: false, type: 'InvalidDecision', message: `The ${name} decision is not valid`, problems };
  return { ok: true, payload: parsed.data };
}

/** The deadlines a decision needs computed before it is applied. */
export function actionDecisionNeeds(state: ActionState, name: ActionDecisionName, payload: unknown): DeadlineRequest[] {
  if (name !== 'action-extended') return [];
  const { newDeadline } = payload as { newDeadline: string };
  // The Head of Service step moves with the extended deadline; the Chief Officer step does not.
  return [
    { obligationId: 'action-due', clock: newDeadline },
    { obligationId: 'action-escalation-head', clock: newDeadline },
  ];
}

function at(payload: unknown, now: string): string {
  const occurred = (payload as { occurredAt?: string }).occurredAt;
  return occurred ? new Date(occurred).toISOString() : now;
}

/** The action is finished: whatever is still pending for it stops, saying why. */
function closeAll(state: ActionState, reason: string, now: string): void {
  for (const id of ACTION_OBLIGATIONS) closeObligation(state, id, 'withdrawn', reason, now);
}

export function applyActionDecision(state: ActionState, name: ActionDecisionName, actor: Actor, payload: unknown, deadlines: readonly Deadline[], now: string): void {
  const when = at(payload, now);
  const p = payload as Record<string, unknown>;
  switch (name) {
    case 'action-completed': {
      const completedOn = p.completedOn as string;
      // Judged by the day it was completed, against the deadline in force.
      meetObligation(state, 'action-due', when, actor, completedOn);
      closeAll(state, 'the action was completed', now);
      state.status = 'completed';
      state.completedOn = completedOn;
      state.evidence = p.evidence as string;
      record(state, 'action-completed', 'completed', { occurredAt: when, actor, detail: { completedOn, evidence: p.evidence as string, deadline: state.deadline } });
      break;
    }
    case 'action-extended': {
      const { newDeadline, requestedBy, reason } = p as { newDeadline: string; requestedBy: ActionExtension['requestedBy']; reason: string };
      const from = state.deadline;
      state.extensions.push({ from, to: newDeadline, at: when, requestedBy, reason, recordedBy: actor.id });
      state.deadline = newDeadline;
      replaceDeadline(state, 'action-due', deadlineFor(deadlines, 'action-due'), now);
      const head = state.obligations['action-escalation-head'];
      // Not yet taken: it moves. Already taken (the Head of Service was told): that stays in the
      // record, and the step is watched again against the new deadline.
      if (head && isOpen(head)) replaceDeadline(state, 'action-escalation-head', deadlineFor(deadlines, 'action-escalation-head'), now);
      else openObligation(state, deadlineFor(deadlines, 'action-escalation-head'), now);
      record(state, 'action-extended', `extended:${newDeadline}`, {
        occurredAt: when,
        actor,
        detail: { from, to: newDeadline, originalDeadline: state.terms.deadline, requestedBy: `${requestedBy.name}, Chief Officer, ${requestedBy.agency}`, reason },
      });
      break;
    }
    case 'action-withdrawn': {
      closeAll(state, 'the action was withdrawn', now);
      state.status = 'withdrawn';
      state.withdrawnReason = p.reason as string;
      record(state, 'action-withdrawn', 'withdrawn', { occurredAt: when, actor, detail: { reason: p.reason as string } });
      break;
    }
    case 'ssp-involved': {
      state.sspInvolved = true;
      const due = state.obligations['action-due']!;
      queueNotice(state, 'ssp-involved', due, ['ssp', 'ld-chair'], when);
      record(state, 'ssp-involved', 'ssp-involved', { occurredAt: when, actor, detail: { reason: p.reason as string } });
      break;
    }
  }
  state.timeline.push({ at: when, kind: `decision:${name}`, actor });
  changed(state);
}

/** Time has passed for the action: reminders, the missed deadline, the escalation steps. */
export function applyActionDue(state: ActionState, now: string): boolean {
  const before = escalationLevel(state);
  const pending = state.outbox.records.length + state.outbox.notices.length;
  applyDueWork(state, actionPolicy(state), now);
  const moved = state.outbox.records.length + state.outbox.notices.length !== pending;
  if (moved || escalationLevel(state) !== before) changed(state);
  return moved;
}

/** What an action's status query and its decisions answer. */
export interface ActionStatusView {
  caseReference: string;
  actionId: string;
  agency: string;
  status: ActionStatus;
  escalation: EscalationLevel;
  originalDeadline: string;
  deadline: string;
  sspInvolved: boolean;
  completedOn?: string;
  extensions: Array<Omit<ActionExtension, 'reason' | 'requestedBy'> & { requestedBy: string }>;
  /** Each step's date and how it was counted (§9.2: the original deadline stays in every explanation). */
  steps: Array<{ id: string; round: number; status: string; dueDate: string; rule: string; escalatedAt?: string; metAt?: string; closedReason?: string }>;
  pending: { notices: number; records: number };
  version: number;
  /** The hash of the request a decision answers (the API checks a replayed key against it). */
  requestHash?: string;
  /** The API request this answer was made for (DecisionRequest.requestId). */
  requestId?: string;
  /** A decision applied in an earlier run, answered again (the API says Idempotent-Replayed). */
  duplicate?: boolean;
}

export function actionStatus(state: ActionState): ActionStatusView {
  return {
    caseReference: state.caseReference,
    actionId: state.actionId,
    agency: state.terms.agency,
    status: state.status,
    escalation: escalationLevel(state),
    originalDeadline: state.terms.deadline,
    deadline: state.deadline,
    sspInvolved: state.sspInvolved,
    ...(state.completedOn ? { completedOn: state.completedOn } : {}),
    // Who asked, by position and agency: the name and the reason are in the register.
    extensions: state.extensions.map(({ from, to, at, recordedBy, requestedBy }) => ({ from, to, at, recordedBy, requestedBy: `Chief Officer, ${requestedBy.agency}` })),
    steps: [...state.pastRounds, ...Object.values(state.obligations)].map((o) => ({
      id: o.id,
      round: o.round,
      status: o.status,
      dueDate: o.deadline.dueDate,
      rule: o.deadline.rule,
      ...(o.escalatedAt ? { escalatedAt: o.escalatedAt } : {}),
      ...(o.metAt ? { metAt: o.metAt } : {}),
      ...(o.closedReason ? { closedReason: o.closedReason } : {}),
    })),
    pending: { notices: state.outbox.notices.length, records: state.outbox.records.length },
    version: state.version,
  };
}
