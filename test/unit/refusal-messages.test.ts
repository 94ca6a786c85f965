// Refusals a person can act on (issue 16, item 4), held over the whole decision table: for every
// field of every decision on a case and on an action, a missing, mistyped or wrongly chosen value
// is refused with words that name the field (a list's items counted from 1), say what to send and
// what it is for, list a choice's values, and show a date's or an instant's form by example; never
// the value sent. A decision sent at the wrong stage says what the case waits for first, and from
// whom. The payloads come from each decision's own schema; the checks are the engine's own
// (checkDecision, checkActionDecision).
import { z } from 'zod';
import type { ActionState } from '../../domain/action';
import { ACTION_DECISION_NAMES, ACTION_DECISIONS, checkActionDecision } from '../../domain/action';
import type { CaseState } from '../../domain/case';
import { checkDecision, decisionRule, DECISION_NAMES, type DecisionName } from '../../domain/decisions';
import { zodProblems } from '../../domain/errors';
import { fieldMetaOf } from '../../domain/fields';
import { newCase } from '../../domain/incident';
import { ROLES, type Actor } from '../../domain/roles';
import { fieldsOf, isOptional, payloadsFor, type SchemaField } from '../helpers/payloads';

const MARKER = 'MARKER-7f3e';
const MARKER_NUMBER = 987_654_321;
const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const TODAY = '2026-12-07';
const CANDIDATES = { text: ['Example text (test)', 'reviewer-1', TODAY, '2026-12-07T11:00:00.000Z'] };
/** How people write a date and time without the form we need. */
const MISWRITTEN_TIME = '2026-12-07 09:30';

interface Probe {
  decision: string;
  schema: z.ZodType;
  field: SchemaField;
}

const probes: Probe[] = [
  ...DECISION_NAMES.map((name) => ({ decision: name, schema: decisionRule(name).schema() })),
  ...ACTION_DECISION_NAMES.map((name) => ({ decision: `action ${name}`, schema: ACTION_DECISIONS[name].schema() as z.ZodType })),
].flatMap(({ decision, schema }) => fieldsOf(schema).map((field) => ({ decision, schema, field })));

/** A valid payload with a list's every item 3 deep, so that a problem in the third is seen. */
function validPayload(schema: z.ZodType): Record<string, unknown> {
  const payload = structuredClone(payloadsFor(schema, CANDIDATES)[0]) as Record<string, unknown>;
  for (const [key, value] of Object.entries(payload)) if (Array.isArray(value)) payload[key] = [0, 1, 2].map(() => structuredClone(value[0]));
  return payload;
}

/** The payload with the field at `path` (a list index meaning the third item) set, or removed. */
function withField(payload: Record<string, unknown>, path: Array<string | number>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(payload);
  let at: Record<string | number, unknown> = copy;
  const real = path.map((p) => (typeof p === 'number' ? 2 : p));
  for (const segment of real.slice(0, -1)) {
    at[segment] ??= {};
    at = at[segment] as Record<string | number, unknown>;
  }
  const last = real[real.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** The problem the schema's refusal gives for the field, through the engine's own words. */
function problemsFor(probe: Probe, payload: unknown) {
  const parsed = probe.schema.safeParse(payload);
  expect(parsed.success).toBe(false);
  // zodProblems is what checkDecision and checkActionDecision answer with.
  return zodProblems(parsed.error!, payload, probe.schema);
}

/** How a person reads the field: its name, and "action 3" for the third item of the actions. */
function labelPattern(field: SchemaField): RegExp {
  const inList = field.path.some((p) => typeof p === 'number');
  return inList ? new RegExp(`^${field.name} \\(.*\\b3\\b`) : new RegExp(`^${field.name} `);
}

const label = (p: Probe) => `${p.decision}: ${p.field.path.join('.')}`;
const required = probes.filter((p) => !isOptional(p.field.schema));
const choices = probes.filter((p) => {
  const inner = p.field.schema instanceof z.ZodOptional ? p.field.schema.unwrap() : p.field.schema;
  return inner instanceof z.ZodEnum;
});
// Dates and instants: fields that take one and refuse other words.
const times = probes.filter((p) => ['2026-12-07', '2026-12-07T11:00:00.000Z'].some((v) => p.field.schema.safeParse(v).success) && !p.field.schema.safeParse('reviewer-1').success);

test('every field of the decision table has a purpose a refusal can give', () => {
  expect([...new Set(probes.filter((p) => fieldMetaOf(p.field.schema)?.purpose === undefined).map((p) => p.field.name))]).toEqual([]);
});

test.each(required.map((p) => [label(p), p] as const))('%s missing: named, with what it is for', (_label, probe) => {
  const problems = problemsFor(probe, withField(validPayload(probe.schema), probe.field.path, undefined));
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  expect(problem!.message).toMatch(labelPattern(probe.field));
  expect(problem!.message).toContain('is missing');
  expect(problem!.message).toContain(fieldMetaOf(probe.field.schema)!.purpose);
});

test.each(probes.map((p) => [label(p), p] as const))('%s of the wrong kind: named, never echoed', (_label, probe) => {
  const sent = probe.field.schema.safeParse(MARKER_NUMBER).success ? MARKER : MARKER_NUMBER;
  const problems = problemsFor(probe, withField(validPayload(probe.schema), probe.field.path, sent));
  const mine = problems.find((p) => p.message.match(labelPattern(probe.field)));
  expect(mine).toBeDefined();
  expect(JSON.stringify(problems)).not.toContain(String(sent));
  expect(mine!.message).not.toMatch(/Invalid input|expected \w+, received/);
});

test.each(choices.map((p) => [label(p), p] as const))('%s not one of its values: every value listed', (_label, probe) => {
  const problems = problemsFor(probe, withField(validPayload(probe.schema), probe.field.path, MARKER));
  const inner = (probe.field.schema instanceof z.ZodOptional ? probe.field.schema.unwrap() : probe.field.schema) as z.ZodEnum;
  expect(problems).toHaveLength(1);
  expect(problems[0]!.message).toMatch(labelPattern(probe.field));
  for (const option of inner.options) expect(problems[0]!.message).toContain(String(option));
  expect(problems[0]!.message).not.toContain(MARKER);
});

test.each(times.map((p) => [label(p), p] as const))('%s miswritten: the form shown by example', (_label, probe) => {
  const problems = problemsFor(probe, withField(validPayload(probe.schema), probe.field.path, MISWRITTEN_TIME));
  expect(problems).toHaveLength(1);
  expect(problems[0]!.message).toMatch(labelPattern(probe.field));
  expect(problems[0]!.message).toMatch(/like \d{4}-\d{2}-\d{2}/);
  expect(problems[0]!.message).not.toContain(MISWRITTEN_TIME);
});

test('an unknown field is pointed at, never repeated', () => {
  for (const name of DECISION_NAMES) {
    const schema = decisionRule(name).schema();
    const problems = problemsFor({ decision: name, schema, field: { path: [], name: '', schema } }, { ...validPayload(schema), [MARKER]: MARKER });
    expect(JSON.stringify(problems)).not.toContain(MARKER);
    expect(problems[0]!.message).toMatch(/not part of .*remove it/);
  }
});

// ---- The wrong stage: what the case waits for, from whom, and which decision comes first.

const person = (role: (typeof ROLES)[number]): Actor => ({ id: `${role}-1`, role, agency: 'Local Authority' });

function justReceived(): CaseState {
  const state = newCase({ caseReference: 'DSP-2026-0003', receivedAt: '2026-12-07T09:00:00.000Z', rulebookVersion: 'DSP-1.5', receivedBy: person('business-unit'), referrerBecameAware: TODAY, lookedAfterChildDied: false });
  state.opened = true;
  state.obligations['ssp-informed'] = {
    id: 'ssp-informed',
    round: 1,
    status: 'open',
    previousDeadlines: [],
    remindersDone: [],
    deadline: { obligationId: 'ssp-informed', obligation: 'SSP informed', clock: { event: 'referral-received', date: TODAY }, rule: 'test', dueDate: '2026-12-08', dueAt: '2026-12-08T23:59:59.999Z', skipped: [], section: '§4.6', statutory: true, reminders: [], afterDue: { nonWorking: [], horizon: '2028-12-08' }, computedAt: '2026-12-07T09:00:00.000Z' },
  };
  return state;
}

const notYet = DECISION_NAMES.filter((name) => {
  const stages = decisionRule(name).stages;
  return stages !== 'any-open-stage' && !stages.includes('referral-received');
});

test.each(notYet)('%s on a case just received: says the case waits first for ssp-informed, from the Business Unit', (name: DecisionName) => {
  const rule = decisionRule(name);
  const check = checkDecision(justReceived(), name, person(rule.roles[0]!), validPayload(rule.schema()), NOW);
  expect(check.ok).toBe(false);
  if (check.ok) return;
  expect(check.type).toBe('WrongStage');
  expect(check.message).toContain('waits first for ssp-informed (by the Business Unit');
});

test('an action decision on a closed action says so; one with a bad field names it (positions from 1)', () => {
  const state = { caseReference: 'DSP-2026-0003', actionId: 'A01', status: 'open', terms: { agency: 'Police', owner: 'x', description: 'x', finding: 'x', deadline: '2027-01-31' }, deadline: '2027-01-31', agreedAt: '2026-12-01T09:00:00.000Z' } as unknown as ActionState;
  const check = checkActionDecision(state, 'action-extended', person('ld-chair'), { newDeadline: '31/01/2027', requestedBy: { position: 'chief', agency: 'Police' }, reason: 'x' }, NOW);
  expect(check.ok).toBe(false);
  if (check.ok) return;
  const messages = (check.problems ?? []).map((p) => p.message);
  expect(messages).toEqual(
    expect.arrayContaining([expect.stringMatching(/^newDeadline must be a date written YYYY-MM-DD, like/), expect.stringMatching(/^position \(requestedBy\) must be one of: chief-officer/), expect.stringMatching(/^name \(requestedBy\) is missing: send their name/)]),
  );
});
