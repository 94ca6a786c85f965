// Every decision a person records through the API (PROCESS.md "People and what they may
// decide"): which roles may make it, at which stages it fits, and its payload schema.
import { z } from 'zod';
import type { CaseState, Stage } from './case';
import type { Problem, Refusal } from './errors';
import type { Actor, Role } from './roles';

const instant = z.iso.datetime({ offset: true });

export const sspInformedSchema = z.strictObject({
  /** When the SSP were informed; defaults to when the decision is recorded. */
  informedAt: instant.optional(),
  note: z.string().trim().max(2_000).optional(),
});

export interface DecisionRule<S extends z.ZodType = z.ZodType> {
  roles: readonly Role[];
  stages: readonly Stage[];
  schema: S;
  /** The obligation the decision meets, stopping its clock. */
  meets?: string;
}

export const DECISIONS = {
  'ssp-informed': {
    roles: ['business-unit'],
    stages: ['referral-received'],
    schema: sspInformedSchema,
    meets: 'ssp-informed',
  },
} as const satisfies Record<string, DecisionRule>;

export type DecisionName = keyof typeof DECISIONS;
export type DecisionPayload<K extends DecisionName> = z.infer<(typeof DECISIONS)[K]['schema']>;
export const DECISION_NAMES = Object.keys(DECISIONS) as DecisionName[];

export function isDecisionName(name: string): name is DecisionName {
  return Object.prototype.hasOwnProperty.call(DECISIONS, name);
}

export function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

export type DecisionCheck<K extends DecisionName> =
  | { ok: true; payload: DecisionPayload<K> }
  | { ok: false; type: Refusal; message: string; problems?: Problem[] };

/**
 * Whether a decision fits the case now. Pure and synchronous: it runs inside the update
 * validator, so a refusal changes nothing and never reaches history.
 */
export function checkDecision<K extends DecisionName>(
  state: CaseState,
  name: K,
  actor: Actor,
  raw: unknown,
  now: number,
): DecisionCheck<K> {
  const rule: DecisionRule = DECISIONS[name];
  if (!rule.roles.includes(actor.role)) {
    return { ok: false, type: 'RoleNotAllowed', message: `The role ${actor.role} may not record ${name}; allowed: ${rule.roles.join(', ')}` };
  }
  if (rule.meets) {
    const obligation = state.obligations[rule.meets];
    if (obligation && !(obligation.status === 'open' || obligation.status === 'missed')) {
      return { ok: false, type: 'AlreadyMet', message: `${rule.meets} was already recorded for case ${state.caseReference}` };
    }
  }
  if (!rule.stages.includes(state.stage)) {
    return { ok: false, type: 'WrongStage', message: `${name} does not fit case ${state.caseReference} at stage ${state.stage}` };
  }
  const parsed = rule.schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, type: 'InvalidDecision', message: `The ${name} decision is not valid`, problems: zodProblems(parsed.error) };
  }
  const payload = parsed.data as DecisionPayload<K>;
  const timeProblems = checkTimes(state, payload, now);
  if (timeProblems.length > 0) {
    return { ok: false, type: 'InvalidDecision', message: `The ${name} decision is not valid`, problems: timeProblems };
  }
  return { ok: true, payload };
}

/** Any instant a decision carries must lie between the referral's receipt and now. */
function checkTimes(state: CaseState, payload: unknown, now: number): Problem[] {
  const problems: Problem[] = [];
  if (payload && typeof payload === 'object') {
    for (const [key, value] of Object.entries(payload)) {
      if (!key.endsWith('At') || typeof value !== 'string') continue;
      const t = Date.parse(value);
      if (t > now) problems.push({ path: key, message: `${key} is in the future` });
      else if (t < Date.parse(state.receivedAt)) problems.push({ path: key, message: `${key} is before the referral was received` });
    }
  }
  return problems;
}
