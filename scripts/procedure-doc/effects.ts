// A decision's runs (scripts/procedure-doc/runs.ts) in words for docs/PROCEDURE.md: the variants
// with the same effects grouped into rows, each with the condition it holds under ("when"), and
// the refusals that depend on the payload or the facts.
import { decisionRule, type DecisionName, type Effects } from '../../domain/decisions';
import type { Stage } from '../../domain/case';
import { code, list, stageLink } from './markdown';
import { ABSENT, fieldsOf, payloadFrom, type Dimension, type Run, type Value, type Variant } from './runs';

export interface Row {
  decision: DecisionName;
  roles: string;
  when: string;
  stage: string;
  /** The stage the decision moves the case to, if it moves it. */
  to?: Stage;
  meets: string;
  opens: string;
  withdraws: string;
  also: string;
}

const SHOWN_EFFECTS = new Set(['stage', 'meet', 'open', 'withdraw', 'breach', 'clocks', 'corrected', 'shareWithLd', 'facts', 'detail']);

/** A value an effect took from the payload is named by its field, not by the sample value. */
function fromPayload(value: unknown, payload: Record<string, unknown>): string | undefined {
  const field = Object.keys(payload).find((k) => payload[k] === value);
  return field === undefined ? undefined : `the ${code(field)} given`;
}

function alsoColumn(effects: Effects, payload: Record<string, unknown>): string {
  const parts: string[] = [];
  if (effects.breach?.length) parts.push(`breaks ${list(effects.breach)} (a minimum period)`);
  if (effects.corrected) {
    const clock = fromPayload(effects.corrected.clock, payload)?.replace(/^the (.*) given$/, 'named in $1') ?? code(effects.corrected.clock);
    const to = fromPayload(effects.corrected.to, payload);
    parts.push(`corrects the clock ${clock}${to ? ` to ${to}` : ''}`);
  }
  const clocks = Object.keys(effects.clocks ?? {});
  if (clocks.length) parts.push(`sets the clock${clocks.length > 1 ? 's' : ''} ${list(clocks)}`);
  if (effects.shareWithLd) parts.push('the decision and its rationale go to the L&D Chair (`shareWithLd`)');
  for (const [key, value] of Object.entries(effects)) {
    if (SHOWN_EFFECTS.has(key) || value === undefined) continue;
    parts.push(`${code(key)}: ${fromPayload(value, payload) ?? code(JSON.stringify(value))}`);
  }
  return parts.join('; ');
}

function valueWords(d: Dimension, v: Value): string {
  if (v === ABSENT) return 'absent';
  if (v === undefined) return 'unset';
  return code(String(v));
}

function condition(d: Dimension, values: Value[], domain: Value[]): string | undefined {
  if (domain.every((v) => values.includes(v))) return undefined;
  const subject = d.kind === 'stage' ? 'the stage' : d.kind === 'fact' ? `the case's ${code(d.name)}` : code(d.name);
  // An optional field that is not an enum: present or not.
  if (d.kind === 'payload' && d.optional && domain.length === 2 && values.length === 1) {
    return values[0] === ABSENT ? `without ${code(d.name)}` : `with ${code(d.name)}`;
  }
  const rest = domain.filter((v) => !values.includes(v));
  if (values.length > 1 && rest.length < values.length) {
    return `${subject} is not ${rest.map((v) => valueWords(d, v)).join(' or ')}`;
  }
  return `${subject} is ${values.map((v) => valueWords(d, v)).join(' or ')}`;
}

/** Splits variants with the same outcome into blocks that are each a product of value sets. */
function blocks(variants: Variant[], dimensions: Dimension[]): Value[][][] {
  const sets = dimensions.map((_, i) => [...new Set(variants.map((v) => v.values[i]))]);
  const size = sets.reduce((n, s) => n * s.length, 1);
  if (size === variants.length) return [sets];
  const split = sets.findIndex((s) => s.length > 1);
  return (sets[split] ?? []).flatMap((value) => blocks(variants.filter((v) => v.values[split] === value), dimensions));
}

export interface Refusal {
  decision: DecisionName;
  stage?: Stage;
  when: string;
  reason: string;
}

export function describeVariants(
  name: DecisionName,
  stage: Stage | undefined,
  run: Run,
): { rows: Row[]; refused: Refusal[]; stateDependent: boolean } {
  const rule = decisionRule(name);
  const fields = fieldsOf(rule);
  // Refusals that depend on the payload or the facts (some variants pass, some do not) narrow the
  // outcomes; refusals of every variant depend on the case's obligations and are not shown here.
  const accepted = run.variants.filter((v) => !v.refused);
  const usable = accepted.length > 0 ? accepted : run.variants;
  const domains = run.dimensions.map((_, i) => [...new Set(usable.map((v) => v.values[i]))]);
  const conditionOf = (sets: Value[][]) =>
    run.dimensions
      .map((d, i) => condition(d, sets[i] ?? [], domains[i] ?? []))
      .filter((c): c is string => c !== undefined)
      .join(', ');

  const groups = new Map<string, { row: Omit<Row, 'when'>; variants: Variant[] }>();
  for (const v of usable) {
    const payload = payloadFrom(fields, run.dimensions, v.values);
    const e = v.effects;
    const row: Omit<Row, 'when'> = {
      decision: name,
      roles: rule.roles.join(', '),
      stage: e.stage ? stageLink(e.stage) : '(stays)',
      ...(e.stage ? { to: e.stage } : {}),
      meets: list([...(rule.meets ? [rule.meets] : []), ...(e.meet ?? [])]),
      opens: list(e.open),
      withdraws: list(e.withdraw),
      also: alsoColumn(e, payload),
    };
    const key = JSON.stringify(row);
    const group = groups.get(key) ?? { row, variants: [] };
    group.variants.push(v);
    groups.set(key, group);
  }
  const rows = [...groups.values()].flatMap(({ row, variants }) =>
    blocks(variants, run.dimensions).map((sets) => ({ ...row, when: conditionOf(sets) })),
  );

  const refused = new Map<string, Variant[]>();
  if (accepted.length > 0) {
    for (const v of run.variants.filter((x) => x.refused)) refused.set(v.refused ?? '', [...(refused.get(v.refused ?? '') ?? []), v]);
  }
  const fullDomains = run.dimensions.map((d) => d.values);
  const refusedText = [...refused.entries()].flatMap(([reason, variants]) =>
    blocks(variants, run.dimensions).map((sets): Refusal => {
      const when = run.dimensions
        .map((d, i) => condition(d, sets[i] ?? [], fullDomains[i] ?? []))
        .filter((c): c is string => c !== undefined)
        .join(', ');
      return { decision: name, ...(stage ? { stage } : {}), when, reason };
    }),
  );
  return { rows, refused: refusedText, stateDependent: run.variants.some((v) => v.stateDependent) };
}
