// docs/PROCEDURE.md, the procedure as this software runs it, rendered from domain/: the stages
// (domain/case.ts), the decisions (domain/decisions.ts) and the obligations of the default
// rulebook (domain/rulebook.ts). Nothing in the tables is written by hand: a decision's outcomes
// come from calling its `then` with every value of the enums in its payload schema (and of the
// case facts it reads), so the page changes when the code does and `--check` notices.
//
//   npm run docs:procedure              # writes docs/PROCEDURE.md
//   npm run docs:procedure -- --check   # exits 1 when docs/PROCEDURE.md is out of date
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { findProjectRoot } from '../config/project-root';
import { STAGES, type CaseFacts, type CaseState, type ObligationState, type Stage } from '../domain/case';
import { DECISION_NAMES, decisionRule, type DecisionName, type DecisionRule, type Effects } from '../domain/decisions';
import { newCase, openingObligations } from '../domain/incident';
import { CLOCK_EVENTS, DEFAULT_RULEBOOK, rulebook, type LimitRule, type ObligationRule, type ReminderRule } from '../domain/rulebook';

/** The obligations a referral opens, as the engine opens them. */
function openedAtReferral(lookedAfterChildDied: boolean): string[] {
  const state = newCase({
    caseReference: 'DSP-2026-0000',
    receivedAt: '2026-01-05T10:00:00.000Z',
    rulebookVersion: DEFAULT_RULEBOOK,
    receivedBy: { id: 'business-unit', role: 'business-unit', agency: 'Business Unit' },
    referrerBecameAware: '2026-01-05',
    lookedAfterChildDied,
  });
  return openingObligations(state);
}

export const PROCEDURE_DOC = 'docs/PROCEDURE.md';
export const REGENERATE_COMMAND = 'npm run docs:procedure';

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

const ABSENT = Symbol('absent');
type Value = string | number | boolean | undefined | typeof ABSENT;

interface Field {
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

function fieldsOf(rule: DecisionRule): Field[] {
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

interface Dimension {
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

function isAnyStage(rule: DecisionRule): boolean {
  return typeof rule.stages === 'string';
}

function stagesOf(rule: DecisionRule): readonly Stage[] {
  return typeof rule.stages === 'string' ? STAGES : rule.stages;
}

interface Variant {
  values: Value[];
  effects: Effects;
  refused?: string;
  /** The check gives another answer on a case with no obligation open and no clock started. */
  stateDependent: boolean;
}

interface Run {
  dimensions: Dimension[];
  variants: Variant[];
  factsRead: Set<string>;
}

function payloadFrom(fields: Field[], dimensions: Dimension[], values: Value[]): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const f of fields) if (!f.optional && f.sample !== undefined) payload[f.name] = f.sample;
  dimensions.forEach((d, i) => {
    const v = values[i];
    if (d.kind === 'payload' && v !== ABSENT) payload[d.name] = v;
  });
  return payload;
}

function runDecision(name: DecisionName, stage: Stage | undefined, factDomains: ReadonlyMap<string, Value[]>): Run {
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
function factDomains(): Map<string, Value[]> {
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

// ---- effects in words ---------------------------------------------------------------------------

interface Row {
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

function code(s: string): string {
  return `\`${s}\``;
}

function stageLink(stage: Stage): string {
  return `[${code(stage)}](#stage-${stage})`;
}

function list(ids: readonly string[] | undefined): string {
  return ids && ids.length > 0 ? [...new Set(ids)].map(code).join(', ') : '';
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

interface Refusal {
  decision: DecisionName;
  stage?: Stage;
  when: string;
  reason: string;
}

function describeVariants(
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

// ---- Markdown -----------------------------------------------------------------------------------

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

const DECISION_HEADER = ['decision', 'who', 'when', 'then the stage is', 'meets', 'opens', 'withdraws (those open)', 'also'];

function decisionRows(rows: Row[]): string[][] {
  return rows.map((r) => [code(r.decision), r.roles, r.when, r.stage, r.meets, r.opens, r.withdraws, r.also]);
}

function stagesInWords(rule: DecisionRule): string {
  if (typeof rule.stages === 'string') return 'whenever its obligation is open';
  const stages = rule.stages;
  const missing = STAGES.filter((s) => !stages.includes(s));
  if (missing.length === 0) return 'every stage';
  if (missing.length <= 2 && stages.length > missing.length) return `every stage but ${missing.map(code).join(', ')}`;
  return stages.map(code).join(', ');
}

/** A decision's `requires`: the refusals that depend on the payload, found by calling it. */
function conditionsInWords(rule: DecisionRule, name: DecisionName, refusals: Refusal[], stateDependent: boolean): string {
  if (!rule.requires) return '';
  const byReason = new Map<string, { when: string; reason: string; stages: Stage[] }>();
  for (const r of refusals.filter((x) => x.decision === name)) {
    const key = JSON.stringify([r.when, r.reason]);
    const entry = byReason.get(key) ?? { when: r.when, reason: r.reason, stages: [] };
    if (r.stage) entry.stages.push(r.stage);
    byReason.set(key, entry);
  }
  const allowed = stagesOf(rule);
  const parts = [...byReason.values()].map(({ when, reason, stages }) => {
    const where = stages.length === 0 || allowed.every((s) => stages.includes(s)) ? '' : ` at ${stages.map(code).join(', ')}`;
    return `refused${where}${when ? ` ${when.replace(/^(?!with)/, 'when ')}` : ''}: "${reason}"`;
  });
  return [...parts, ...(stateDependent ? ["checks on the case's open obligations or started clocks"] : [])].join('; ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function limitInWords(limit: LimitRule): string {
  switch (limit.kind) {
    case 'working-days-after':
      return `${plural(limit.days, 'working day')} after`;
    case 'working-days-before':
      return `at least ${plural(limit.days, 'working day')} before`;
    case 'calendar-months-after':
      return `${plural(limit.months, 'calendar month')} after`;
    case 'on-the-date':
      return 'on';
    default: {
      const unknown: never = limit;
      return JSON.stringify(unknown);
    }
  }
}

function reminderInWords(r: ReminderRule): string {
  if ('workingDaysBefore' in r) {
    return r.workingDaysBefore === 0 ? `on the day, ${r.at}` : `${plural(r.workingDaysBefore, 'working day')} before, ${r.at}`;
  }
  return `${plural(r.calendarMonthsBefore, 'calendar month')} before, ${r.at}`;
}

function obligationRow(o: ObligationRule): string[] {
  const limit = o.minimumPeriod
    ? `at least ${limitInWords(o.limit)} (a minimum period: met when it has run, broken if ended early)`
    : limitInWords(o.limit);
  const reminders = o.reminders.length > 0 ? `to ${code(o.remind)}: ${o.reminders.map(reminderInWords).join('; ')}` : 'none';
  return [
    code(o.id),
    o.obligation,
    code(o.owner),
    code(o.clock),
    limit,
    o.target ? limitInWords(o.target) : '',
    o.statutory ? 'statutory' : 'local policy',
    reminders,
    list(o.escalateTo),
    o.section,
  ];
}

export function renderProcedureDoc(): string {
  const book = rulebook(DEFAULT_RULEBOOK);
  const domains = factDomains();
  const anyStage = DECISION_NAMES.filter((n) => isAnyStage(decisionRule(n)));
  const refusals: Refusal[] = [];
  const stateDependent = new Set<DecisionName>();

  const rowsAt = new Map<Stage, Row[]>();
  for (const stage of STAGES) {
    const rows: Row[] = [];
    for (const name of DECISION_NAMES) {
      const rule = decisionRule(name);
      if (isAnyStage(rule) || !stagesOf(rule).includes(stage)) continue;
      const described = describeVariants(name, stage, runDecision(name, stage, domains));
      rows.push(...described.rows);
      refusals.push(...described.refused);
      if (described.stateDependent) stateDependent.add(name);
    }
    rowsAt.set(stage, rows);
  }
  const anyRows = anyStage.flatMap((name) => {
    const described = describeVariants(name, undefined, runDecision(name, undefined, domains));
    refusals.push(...described.refused);
    if (described.stateDependent) stateDependent.add(name);
    return described.rows;
  });

  const out: string[] = [];
  out.push(
    `<!-- Generated by scripts/procedure-doc.ts from domain/. Do not edit: run \`${REGENERATE_COMMAND}\`. -->`,
    '',
    '# The procedure as this software runs it',
    '',
    'When a child dies or is seriously harmed and abuse or neglect is known or suspected, an agency',
    "refers the incident to the Safeguarding Partnership's Business Unit. The Statutory Safeguarding",
    'Partners (SSP) decide whether the criteria for notification are met; if they are, the national',
    'Child Safeguarding Practice Review Panel is notified (shared with Ofsted and DfE), a Rapid Review',
    'follows, and the Panel and the SSP settle the level of review: a Local Child Safeguarding Practice',
    'Review (LCSPR), a national review, another kind of review, or no further action. A referral that',
    "does not meet the criteria may still go to the Learning and Development (L&D) Group. Reviews end",
    'in action plans. Each step has a deadline in working days in England (or calendar months), which',
    'the incident workflow watches: it reminds the owner before, and escalates when a deadline is missed.',
    '',
    `This page is generated from the code (\`domain/case.ts\`, \`domain/decisions.ts\`, \`domain/incident.ts\`, \`domain/rulebook.ts\`);`,
    `regenerate it with \`${REGENERATE_COMMAND}\` (\`${REGENERATE_COMMAND} -- --check\` tells whether it is up to date).`,
    `Section numbers (§) refer to the partnership's procedure document, the rulebook ${code(book.version)}:`,
    `*${book.title}*, which remains the authority.`,
    '',
    'A referral opens one case, at the first stage below, with the obligations watched from the referral',
    `(\`openingObligations\` in \`domain/incident.ts\`): ${openedAtReferral(false).map(code).join(', ')}; and where a looked-after child died, also ${openedAtReferral(true)
      .filter((id) => !openedAtReferral(false).includes(id))
      .map(code)
      .join(', ')}. From then on, everything that moves`,
    'the case is a decision a person records through the API (`POST /cases/:ref/decisions/<decision>`).',
    'A decision that does not fit the stage, comes from a role that may not make it, or meets an',
    'obligation that is not open is refused and changes nothing.',
    '',
    '## The stage map',
    '',
    'For each stage: the decisions that may be recorded there, by whom, and what each does. "When"',
    'names the payload values (or facts of the case) an outcome depends on; blank means always.',
    '"Meets" stops an obligation\'s clock, "opens" starts one (its clock is set by the same decision or',
    'an earlier one), "withdraws" closes those no longer required on the path taken (only those still',
    `open). Decisions recorded whenever their obligation is open are listed [after the stages](#whenever-their-obligation-is-open).`,
    '',
    `Stages, in order: ${STAGES.map(stageLink).join(' → ')}.`,
  );

  for (const stage of STAGES) {
    const rows = rowsAt.get(stage) ?? [];
    const reachedBy = [...STAGES.flatMap((from) => (rowsAt.get(from) ?? []).map((r) => ({ from, r }))), ...anyRows.map((r) => ({ from: undefined, r }))]
      .filter(({ r, from }) => r.to === stage && from !== stage)
      .map(({ r, from }) => `${code(r.decision)}${r.when ? ` (${r.when})` : ''}${from ? ` from ${stageLink(from)}` : ''}`);
    out.push('', `### Stage ${code(stage)}`, '');
    out.push(`Reached by: ${reachedBy.length > 0 ? [...new Set(reachedBy)].join('; ') : 'no decision'}.`, '');
    out.push(rows.length > 0 ? table(DECISION_HEADER, decisionRows(rows)) : 'No decision names this stage.');
  }

  out.push(
    '',
    '### Whenever their obligation is open',
    '',
    'These decisions fit any stage, as long as the obligation they meet is open.',
    '',
    table(DECISION_HEADER, decisionRows(anyRows)),
    '',
    '## The decisions and their payloads',
    '',
    'Every decision records who made it and when (`occurredAt`, if given, else now). A field marked',
    '"optional" may be left out. "Further conditions" are the checks of `requires` in',
    '`domain/decisions.ts`, found by calling it: the refusals that depend on the payload are spelt out;',
    'those that depend on which obligations are open or which clocks have started are only flagged.',
    '',
    table(
      ['decision', 'payload', 'who', 'at stage', 'meets', 'further conditions'],
      DECISION_NAMES.map((name) => {
        const rule = decisionRule(name);
        const payload = fieldsOf(rule)
          .map((f) => `${code(f.name)}: ${f.type}${f.optional ? ' (optional)' : ''}`)
          .join('; ');
        return [code(name), payload, rule.roles.join(', '), stagesInWords(rule), rule.meets ? code(rule.meets) : '', conditionsInWords(rule, name, refusals, stateDependent.has(name))];
      }),
    ),
  );

  out.push(
    '',
    `## The obligations (rulebook ${code(book.version)})`,
    '',
    'One row per obligation the workflow tracks, in the rulebook\'s order. "Clock" is the event the',
    'count starts from. Reminders go to the mailbox named, at London wall-clock times; a missed',
    'deadline is escalated to the mailboxes listed. "Local policy" marks a limit the procedure document',
    'does not set: the rulebook gives a default, and a partnership may set its own number of working',
    'days (`localPolicyWorkingDays` in its `PARTNERSHIP_FILE`); statutory limits cannot be changed.',
    '',
    table(
      ['id', 'obligation', 'owner', 'clock', 'limit', 'target', 'statutory', 'reminders', 'escalation to', '§'],
      Object.values(book.obligations).map(obligationRow),
    ),
    '',
    '## How to count',
    '',
    'A working day is a Monday to Friday that is not a bank holiday in England and Wales (substitute',
    'days count as holidays; observances such as Mother\'s Day do not) and not one of the closure days',
    'the partnership configures. Days are dates in Europe/London, whatever the season (GMT or BST).',
    '"Within N working days of X": the date of X is day 0, and the deadline is the end of the Nth',
    'working day after it; if X falls on a non-working day, the next working day is day 1. "N calendar',
    'months after X": the same day of the month N months later, or that month\'s last day where the',
    'day does not exist (31 August + 6 months is 28 February, or the 29th in a leap year). "At least',
    'N working days before Y": count N working days back from the date of Y. Every deadline ends at',
    'the end of its day, London time, and each one shown to a person says how it was counted: its',
    'clock, its rule, the days skipped, and its §. A corrected clock date recomputes every deadline',
    'counted from it and keeps the old one in the history.',
    '',
  );
  return out.join('\n');
}

// ---- CLI ----------------------------------------------------------------------------------------

function main(argv: string[]): number {
  const file = path.join(findProjectRoot(__dirname), PROCEDURE_DOC);
  const rendered = renderProcedureDoc();
  if (argv.includes('--check')) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === rendered) return 0;
    process.stderr.write(`${PROCEDURE_DOC} is out of date with domain/: run \`${REGENERATE_COMMAND}\` and commit it.\n`);
    return 1;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, rendered);
  process.stdout.write(`wrote ${PROCEDURE_DOC}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
