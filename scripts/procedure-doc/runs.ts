// Each decision run on a representative case for docs/PROCEDURE.md (scripts/procedure-doc.ts): its
// payload fields read from its zod schema, and its `requires` and `then` called with every
// combination of the values its outcome can depend on (the stage, the payload's enums and booleans,
// the case facts it reads).
import { z } from 'zod';
import { STAGES, type CaseFacts, type CaseState, type ObligationState, type Stage } from '../../domain/case';
import { DECISION_NAMES, decisionRule, type DecisionName, type DecisionRule, type Effects } from '../../domain/decisions';
import { CLOCK_EVENTS, DEFAULT_RULEBOOK, rulebook, type ObligationRule } from '../../domain/rulebook';
import { code } from './markdown';

// ---- a representative case ---------------------------------------------------------------------
// The `then` functions read the case: which obligations are still open (to withdraw or break
// them), which clocks have started, and some facts. The case built here has every obligation of
// the rulebook open and every clock started, so "withdraws" lists all a decision can withdraw.

const AT = '2026-03-02T10:00:00.000Z';
const SAMPLE_DATE = '2026-03-02';
const FAR_DATE = '2099-12-31';

function openObligation(rule: ObligationRule): ObligationState {
  const due = { dueDate: FAR_DATE, dueAt: `${FAR_DATE}T23:59:59.999Z` };
  return {
    id: rule.id,
    round: 1,
    status: 'open',
    deadline: {
      obligationId: rule.id,
      obligation: rule.obligation,
      clock: { event: rule.clock, date: SAMPLE_DATE },
      rule: 'representative',
      ...due,
      skipped: [],
      section: rule.section,
      statutory: rule.statutory,
      ...(rule.target ? { target: { rule: 'representative', ...due } } : {}),
      reminders: [],
      computedAt: AT,
    },
    previousDeadlines: [],
    remindersDone: [],
  };
}

/**
 * A case at `stage` with the given facts and every obligation open and every clock started, or
 * (`bare`) none: comparing the two tells whether a check depends on them.
 */
function representativeCase(stage: Stage, facts: CaseFacts, factsRead: Set<string>, bare = false): CaseState {
  const book = rulebook(DEFAULT_RULEBOOK);
  const watched = new Proxy(facts, {
    get(target, key, receiver) {
      if (typeof key === 'string') factsRead.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  // Only what the decisions' effects read: the workflow's own bookkeeping is left out.
  const state: Partial<CaseState> = {
    caseReference: 'DOC-2026-0001',
    rulebookVersion: book.version,
    stage,
    receivedAt: AT,
    clocks: bare ? {} : Object.fromEntries(CLOCK_EVENTS.map((c) => [c, AT])),
    clockCorrections: [],
    facts: watched,
    obligations: bare ? {} : Object.fromEntries(Object.values(book.obligations).map((r) => [r.id, openObligation(r)])),
    pastRounds: [],
    timeline: [],
  };
  return state as CaseState;
}

// ---- payloads from the zod schemas --------------------------------------------------------------

export const ABSENT = Symbol('absent');
export type Value = string | number | boolean | undefined | typeof ABSENT;

export interface Field {
  name: string;
  optional: boolean;
  /** In words, for the decisions table. */
  type: string;
  /** Every value the field can take, when the field is an enum or a boolean. */
  choices?: readonly (string | boolean)[];
  /** A valid-looking value otherwise. */
  sample: Value;
}

/** A field's kind, found by what it accepts: enums and booleans by their values, the rest by probing. */
function describeType(schema: z.ZodType): { type: string; choices?: readonly (string | boolean)[]; sample: Value } {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) {
    return describeType(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodEnum) {
    const choices = schema.options as readonly string[];
    return { type: `one of ${choices.map(code).join(', ')}`, choices, sample: choices[0] };
  }
  if (schema instanceof z.ZodBoolean) return { type: '`true` or `false`', choices: [true, false], sample: true };
  if (schema instanceof z.ZodArray) {
    // A list of records (the actions of an action plan): its fields are named, no sample is made.
    const element = schema.element as z.ZodType;
    const fields = element instanceof z.ZodObject ? Object.keys(element.shape as object).map(code).join(', ') : 'values';
    return { type: `a list, each with ${fields}`, sample: undefined };
  }
  const accepts = (probe: unknown) => {
    const parsed = schema.safeParse(probe);
    return parsed.success ? { value: parsed.data as Value } : undefined;
  };
  const text = accepts('example');
  if (text) return { type: 'text', sample: text.value };
  const date = accepts(SAMPLE_DATE);
  const instant = accepts(AT);
  if (date && instant) return { type: 'date or instant', sample: date.value };
  if (date) return { type: 'date', sample: date.value };
  if (instant) return { type: 'instant', sample: instant.value };
  const number = accepts(1);
  if (number) return { type: 'number', sample: number.value };
  return { type: 'value', sample: undefined };
}

export function fieldsOf(rule: DecisionRule): Field[] {
  const schema = rule.schema();
  if (!(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    optional: schema.safeParse(undefined).success,
    ...describeType(schema),
  }));
}

// ---- variants: every combination of the values a decision's outcome can depend on --------------

export interface Dimension {
  kind: 'stage' | 'payload' | 'fact';
  name: string;
  values: Value[];
  optional?: boolean;
}

function payloadDimensions(fields: Field[]): Dimension[] {
  return fields.flatMap((f): Dimension[] => {
    const values: Value[] = f.choices ? [...f.choices] : [f.sample];
    if (f.optional) values.unshift(ABSENT);
    return values.length > 1 ? [{ kind: 'payload', name: f.name, values, optional: f.optional }] : [];
  });
}

function product(dimensions: Dimension[]): Value[][] {
  return dimensions.reduce<Value[][]>((acc, d) => acc.flatMap((combo) => d.values.map((v): Value[] => [...combo, v])), [[]]);
}

export function isAnyStage(rule: DecisionRule): boolean {
  return typeof rule.stages === 'string';
}

export function stagesOf(rule: DecisionRule): readonly Stage[] {
  return typeof rule.stages === 'string' ? STAGES : rule.stages;
}

export interface Variant {
  values: Value[];
  effects: Effects;
  refused?: string;
  /** The check gives another answer on a case with no obligation open and no clock started. */
  stateDependent: boolean;
}

export interface Run {
  dimensions: Dimension[];
  variants: Variant[];
  factsRead: Set<string>;
}

export function payloadFrom(fields: Field[], dimensions: Dimension[], values: Value[]): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const f of fields) if (!f.optional && f.sample !== undefined) payload[f.name] = f.sample;
  dimensions.forEach((d, i) => {
    const v = values[i];
    if (d.kind === 'payload' && v !== ABSENT) payload[d.name] = v;
  });
  return payload;
}

export function runDecision(name: DecisionName, stage: Stage | undefined, factDomains: ReadonlyMap<string, Value[]>): Run {
  const rule = decisionRule(name);
  const fields = fieldsOf(rule);
  const factsRead = new Set<string>();
  const base: Dimension[] = [
    ...(stage === undefined ? [{ kind: 'stage' as const, name: 'stage', values: [...STAGES] }] : []),
    ...payloadDimensions(fields),
  ];
  // Facts the decision reads become dimensions too; reading one may lead to reading another.
  let dimensions = base;
  for (let round = 0; ; round++) {
    const variants = product(dimensions).map((values): Variant => {
      const facts: Record<string, unknown> = {};
      let at: Stage = stage ?? STAGES[0];
      dimensions.forEach((d, i) => {
        const v = values[i];
        if (d.kind === 'fact' && v !== ABSENT && v !== undefined) facts[d.name] = v;
        if (d.kind === 'stage') at = v as Stage;
      });
      const state = representativeCase(at, facts as CaseFacts, factsRead);
      const payload = payloadFrom(fields, dimensions, values);
      const refused = rule.requires?.(state, payload);
      const bare = rule.requires?.(representativeCase(at, facts as CaseFacts, factsRead, true), payload);
      const effects = rule.then?.({ state, payload, at: AT }) ?? {};
      return { values, effects, ...(refused ? { refused } : {}), stateDependent: bare !== refused };
    });
    const known = new Set(dimensions.filter((d) => d.kind === 'fact').map((d) => d.name));
    const added = [...factsRead].filter((f) => !known.has(f));
    if (added.length === 0 || round > 5) return { dimensions, variants, factsRead };
    dimensions = [...dimensions, ...added.map((f): Dimension => ({ kind: 'fact', name: f, values: factDomains.get(f) ?? [undefined] }))];
  }
}

/** The values each case fact can take: whatever some decision's effects set it to. */
export function factDomains(): Map<string, Value[]> {
  const domains = new Map<string, Value[]>();
  for (let round = 0; round < 5; round++) {
    let changed = false;
    for (const name of DECISION_NAMES) {
      for (const stage of stagesOf(decisionRule(name))) {
        for (const v of runDecision(name, stage, domains).variants) {
          for (const [fact, value] of Object.entries(v.effects.facts ?? {})) {
            if (typeof value !== 'string' && typeof value !== 'boolean') continue;
            const list = domains.get(fact) ?? [];
            if (!list.includes(value)) {
              domains.set(fact, [...list, value]);
              changed = true;
            }
          }
        }
      }
    }
    if (!changed) break;
  }
  return domains;
}
