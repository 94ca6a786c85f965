// The engine's side of a decision (DSP 1.5, "People and what they may decide"): whether it fits
// the case now (role, stage, obligation, payload, times, further conditions), and what the case
// waits for instead. Pure and deterministic; the table itself is domain/decision-table.ts.
import { z } from 'zod';
import { caseReadFor } from './access';
import { isOpen, type CaseState } from './case';
import { ANY_STAGE, DECISIONS, type DecisionRule } from './decision-table';
import { zodProblems, type Problem, type Refusal } from './errors';
import { namedFields } from './fields';
import { ACTION_DECISIONS } from './action';
import { ROLE_NAMES, type Actor, type Role } from './roles';
import { inRulebookWords, rulebook } from './rulebook';
import { londonDateAt } from './working-days-late';
import { ruleIdOf } from './obligation-ids';

export * from './decision-table';

export type DecisionName = keyof typeof DECISIONS;
export const DECISION_NAMES = Object.keys(DECISIONS) as DecisionName[];

export function isDecisionName(name: string): name is DecisionName {
  return Object.prototype.hasOwnProperty.call(DECISIONS, name);
}

export function decisionRule(name: DecisionName): DecisionRule {
  return DECISIONS[name] as DecisionRule;
}

/**
 * The key of the obligation a decision meets in the case's ledger: its rule's `meets`, or for an
 * obligation kept once per agency the instance the person's own agency owes (§6.5).
 */
export function metObligationKey(rule: DecisionRule, actor: Actor, payload: unknown): string | undefined {
  if (!rule.meets) return undefined;
  return rule.meetsInstance ? rule.meetsInstance(actor, payload) : rule.meets;
}

/** Whether an obligation a decision meets is open: itself, or any agency's instance of it. */
function meetsOpen(state: Pick<CaseState, 'obligations'>, rule: DecisionRule): boolean {
  if (!rule.meets) return false;
  if (!rule.meetsInstance) {
    const o = state.obligations[rule.meets];
    return o !== undefined && isOpen(o);
  }
  return Object.values(state.obligations).some((o) => ruleIdOf(o.id) === rule.meets && isOpen(o));
}

export type DecisionCheck =
  | { ok: true; payload: unknown }
  | { ok: false; type: Refusal; message: string; problems?: Problem[] };

/** Why a role may not record a decision, or undefined if it may (the API checks it on every request too). */
export function roleRefusal(name: DecisionName, role: Role): string | undefined {
  const roles = decisionRule(name).roles;
  return roles.includes(role) ? undefined : `The role ${role} may not record ${name}; allowed: ${roles.join(', ')}`;
}

/**
 * Why this person may not decide on this case at all, if so: a role may record a decision only on
 * the cases that person may read (a reviewer on the cases they are commissioned on, §8). The
 * answer is the one for a case that does not exist, so that existence is not disclosed.
 */
export function scopeRefusal(state: CaseState, name: DecisionName, actor: Actor): string | undefined {
  // The role comes first: its refusal names the decision only, nothing about the case.
  if (roleRefusal(name, actor.role)) return undefined;
  // An agency's own instance (§6.5) is its scope, though it reads nothing of the case: checkDecision
  // refuses a return from an agency that was not asked, saying so.
  if (decisionRule(name).meetsInstance) return undefined;
  return 'refuse' in caseReadFor(actor, state.facts) ? `No case ${state.caseReference}` : undefined;
}

/**
 * Whether a decision fits the case now. Pure and synchronous: it runs inside the update validator
 * (a refusal there changes nothing and never reaches history) and again in the handler, against
 * the case as the decision before it left it, on replay too: so London's date comes from
 * londonDateAt, never from the host's time-zone data.
 */
export function checkDecision(state: CaseState, name: DecisionName, actor: Actor, raw: unknown, now: number, options: { asRecorded?: boolean } = {}): DecisionCheck {
  const check = checkInSeedWords(state, name, actor, raw, now, options);
  // A refusal about a case speaks its rulebook's words (WT-2023: the Delegated Safeguarding Partners).
  return check.ok ? check : { ...check, message: inRulebookWords(state.rulebookVersion, check.message) };
}

function checkInSeedWords(state: CaseState, name: DecisionName, actor: Actor, raw: unknown, now: number, options: { asRecorded?: boolean }): DecisionCheck {
  const rule = decisionRule(name);
  const ref = state.caseReference;
  const roleRefused = roleRefusal(name, actor.role);
  if (roleRefused) return { ok: false, type: 'RoleNotAllowed', message: roleRefused };
  if (state.stage === 'closed') return { ok: false, type: 'CaseClosed', message: `Case ${ref} is closed` };
  const meets = metObligationKey(rule, actor, raw);
  if (meets) {
    const o = state.obligations[meets];
    if (o && (o.status === 'met' || o.status === 'met-late')) {
      return { ok: false, type: 'AlreadyMet', message: `${meets} was already recorded for case ${ref}` };
    }
    if (!o && rule.meetsInstance) {
      return { ok: false, type: 'WrongStage', message: `${actor.agency} has not been asked for its ${rule.meets} on case ${ref}: only the agencies the Rapid Review asked return their information (§6.5); ${waitsFor(state)}` };
    }
    if (!o || !isOpen(o)) {
      return { ok: false, type: 'WrongStage', message: `${name} does not fit case ${ref}: ${meets} is not required at stage ${state.stage}; ${waitsFor(state)}` };
    }
  }
  if (rule.stages !== ANY_STAGE && !rule.stages.includes(state.stage)) {
    return { ok: false, type: 'WrongStage', message: `${name} does not fit case ${ref} at stage ${state.stage}; ${waitsFor(state)}` };
  }
  const schema = options.asRecorded && rule.recordedSchema ? rule.recordedSchema() : rule.schema();
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, type: 'InvalidDecision', message: `The ${name} decision is not valid`, problems: zodProblems(parsed.error, raw, schema) };
  }
  const timeProblems = checkTimes(state, schema, parsed.data, now);
  if (timeProblems.length > 0) {
    return { ok: false, type: 'InvalidDecision', message: `The ${name} decision is not valid`, problems: timeProblems };
  }
  const missing = contentMissing(state, name, parsed.data);
  if (missing.length > 0) {
    return { ok: false, type: 'InvalidDecision', message: `The ${name} decision is not valid`, problems: missing };
  }
  const unmet = rule.requires?.(state, parsed.data);
  if (unmet) return { ok: false, type: 'WrongStage', message: `${name} does not fit case ${ref} yet: ${unmet}` };
  return { ok: true, payload: parsed.data };
}


/**
 * The decisions a case waits for now, first the ones that meet an obligation open at this stage,
 * else the ones this stage takes; what a refusal for the wrong stage says comes first.
 */
export function nextDecisions(state: Pick<CaseState, 'stage' | 'obligations'>): DecisionName[] {
  const fitsStage = (n: DecisionName) => {
    const stages = decisionRule(n).stages;
    return stages !== ANY_STAGE && stages.includes(state.stage) && n !== 'clock-corrected';
  };
  const meetsOpenNow = (n: DecisionName) => meetsOpen(state, decisionRule(n)) && (decisionRule(n).stages === ANY_STAGE || fitsStage(n));
  const first = DECISION_NAMES.filter(meetsOpenNow);
  return first.length > 0 ? first : DECISION_NAMES.filter(fitsStage);
}

/**
 * Every decision that fits the case now, whoever records it: its stage is the case's (or it fits
 * any open stage) and the obligation it meets, if it names one, is open. Wider than
 * nextDecisions (what the case waits for first): a form is offered for each of these, and the case
 * still checks the rest (a decision's own conditions) when it is sent.
 */
export function decisionsFitting(state: Pick<CaseState, 'stage' | 'obligations'>): DecisionName[] {
  return DECISION_NAMES.filter((n) => {
    const rule = decisionRule(n);
    if (rule.stages === ANY_STAGE ? state.stage === 'closed' : !rule.stages.includes(state.stage)) return false;
    return rule.meets === undefined || meetsOpen(state, rule);
  });
}

/** The fields the case's rulebook requires of this decision that it lacks, each with what to send. */
function contentMissing(state: CaseState, name: DecisionName, payload: unknown): Problem[] {
  const required = rulebook(state.rulebookVersion).contentRequired?.[name] ?? [];
  const given = (payload ?? {}) as Record<string, unknown>;
  const purposes = Object.fromEntries(namedFields(decisionRule(name).schema()).map((f) => [f.name, f.meta?.purpose]));
  return required
    .filter((key) => given[key] === undefined)
    .map((key) => ({ path: key, message: `${key} is required under ${state.rulebookVersion}: send ${purposes[key] ?? key}` }));
}

/** "the case waits first for ssp-informed (by the Business Unit (business-unit))". */
function waitsFor(state: Pick<CaseState, 'stage' | 'obligations'>): string {
  const next = nextDecisions(state);
  if (next.length === 0) return 'no decision is open at this stage';
  return `the case waits first for ${next.map((n) => `${n} (by ${decisionRule(n).roles.map((r) => ROLE_NAMES[r]).join(' or ')})`).join(', or ')}`;
}

// London dates below come from londonDateAt (the UK's clock-change rule), not the host's
// time-zone data: the handler checks a decision again on replay, so any host must agree.


/** Planned dates lie ahead: not before today, and within this many years. */
const PLANNED_WITHIN_YEARS = 3;

/**
 * The times a decision carries, judged by what each field means (domain/fields.ts): instants lie
 * between the referral's receipt and now; dates of things done are not after today in London nor
 * before the referral's date; a corrected clock is not in the future; planned dates lie ahead
 * (§16.2: an action's deadline too, when the plan is agreed).
 */
function checkTimes(state: CaseState, schema: z.ZodType, payload: unknown, now: number): Problem[] {
  const problems: Problem[] = [];
  if (!payload || typeof payload !== 'object') return problems;
  const londonToday = londonDateAt(now);
  const latest = `${Number(londonToday.slice(0, 4)) + PLANNED_WITHIN_YEARS}${londonToday.slice(4)}`;
  const values = payload as Record<string, unknown>;
  for (const f of namedFields(schema).filter((n) => n.path.length === 1)) {
    const key = f.name;
    const value = values[key];
    if (f.meta?.meaning === 'list' && Array.isArray(value)) {
      const planned = namedFields(f.schema).filter((n) => n.path.length === 1 && n.meta?.meaning === 'date-planned');
      value.forEach((item: Record<string, unknown> | null, i) => {
        for (const p of planned) {
          const v = item?.[p.name];
          if (typeof v !== 'string') continue;
          if (v < londonToday) problems.push({ path: `${key}.${i}.${p.name}`, message: `the ${p.name} is in the past` });
          else if (v > latest) problems.push({ path: `${key}.${i}.${p.name}`, message: `the ${p.name} is more than ${PLANNED_WITHIN_YEARS} years ahead` });
        }
      });
    }
    if (typeof value !== 'string') continue;
    const inFuture = value.length === 10 ? value > londonToday : Date.parse(value) > now;
    switch (f.meta?.meaning) {
      case 'instant-past': {
        const t = Date.parse(value);
        if (t > now) problems.push({ path: key, message: `${key} is in the future` });
        else if (t < Date.parse(state.receivedAt)) problems.push({ path: key, message: `${key} is before the referral was received` });
        break;
      }
      case 'date-done':
        if (inFuture) problems.push({ path: key, message: `${key} is in the future` });
        if (value.length === 10 && value < londonDateAt(Date.parse(state.receivedAt))) problems.push({ path: key, message: `${key} is before the referral was received` });
        break;
      case 'date-corrected':
        if (inFuture) problems.push({ path: key, message: `${key} is in the future` });
        break;
      case 'date-planned':
        if (value < londonToday) problems.push({ path: key, message: `${key} is in the past` });
        else if (value > latest) problems.push({ path: key, message: `${key} is more than ${PLANNED_WITHIN_YEARS} years ahead` });
        break;
      default:
        break;
    }
  }
  return problems;
}

/** The instant a decision says it happened: its occurredAt, else now. */
export function decisionTime(payload: unknown, now: number): string {
  const at = (payload as { occurredAt?: unknown } | null)?.occurredAt;
  return typeof at === 'string' ? new Date(at).toISOString() : new Date(now).toISOString();
}

/**
 * Every field, of any case or action decision (an action plan's items included), that holds words
 * typed by staff or a person's name (domain/fields.ts): the register seals what these hold. Built
 * from every schema: call it once, outside workflow code.
 */
export function fieldsHoldingWords(): Set<string> {
  const rules = Object.values(DECISIONS) as DecisionRule[];
  const schemas = [...rules.map((r) => r.schema()), ...Object.values(ACTION_DECISIONS).map((r) => r.schema())];
  const names = schemas.flatMap((s) => namedFields(s).filter((f) => f.meta?.meaning === 'free-text' || f.meta?.meaning === 'person-name').map((f) => f.name));
  // A decision kept only sealed (§6.5: an agency's return) is sealed whole, its lists (the chronology) too.
  const sealedOnly = rules.filter((r) => r.sealedOnly).flatMap((r) => namedFields(r.schema()).filter((f) => f.path.length === 1).map((f) => f.name));
  return new Set([...names, ...sealedOnly]);
}
