// The zod schemas of what the API answers, for its OpenAPI document (api/openapi.ts) and for the
// tests that check real answers against it. Requests are checked by the schemas the routes use
// (domain/decisions.ts, domain/action.ts, api/app.ts ...); these describe answers, which no route
// parses, so they live here and nowhere in domain/ (a workflow's modules stay free of them).
//
// Where an answer is big and grows with the procedure (the whole case), the fields clients rely on
// are described and the rest is allowed (z.object: unknown keys pass); the referrer's and
// operations' views are strict, because what they leave out is the point of them (domain/access.ts).
// Each is a factory, like the domain's schemas: built when the document is, never kept at load.
import { z } from 'zod';
import type { ActionLogRow, ExceptionGroup } from '../register/actions';
import type { OperationsView, ReferrerView } from '../domain/access';
import type { ActionStatusView } from '../domain/action';
import { ACTION_STATUSES, ESCALATION_LEVELS } from '../domain/action-snapshot';
import { STAGES, type DecisionResult, type ObligationStatus, type ObligationSummary } from '../domain/case';
import { REFUSALS } from '../domain/errors';
import { CLOCK_EVENTS } from '../domain/rulebook';
import { ROLES } from '../domain/roles';
import { API_ERRORS, type ErrorCode } from './errors';

/** Every code an error answer can carry: the API's own and a case's or an action's refusals. */
export const ERROR_CODES = [...new Set([...Object.keys(API_ERRORS), ...Object.keys(REFUSALS)])] as [ErrorCode, ...ErrorCode[]];

const OBLIGATION_STATUSES = ['open', 'missed', 'met', 'met-late', 'withdrawn', 'broken'] as const satisfies readonly ObligationStatus[];

const instant = () => z.iso.datetime({ offset: true }).describe('An ISO 8601 instant');
const date = () => z.iso.date();
const stage = () => z.enum(STAGES);
const count = () => z.number().int().min(0);
const pending = () =>
  z.strictObject({ notices: count(), records: count() }).describe('Emails and register rows queued and not yet carried out (they follow the answer)');

export const problemSchema = () =>
  z.strictObject({
    path: z.string().describe('Where: a field path such as "children.0.postcode", "(body)", "(query)", or "(a key)" for a key that could not be a field name'),
    message: z.string().describe('What is expected; never the value that was sent'),
  });

/** The one error shape of every route. */
export const errorSchema = () =>
  z.strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string().describe('For people; never repeats what was sent'),
      problems: z.array(problemSchema()).optional().describe('Only for invalid input: each problem by path'),
    }),
  });

export const healthSchema = () =>
  z.strictObject({
    status: z.enum(['ok', 'degraded']),
    temporal: z.boolean(),
    database: z.boolean(),
    smtp: z.boolean(),
  });

export const referralCreatedSchema = () =>
  z.strictObject({
    caseReference: z.string().describe('Allocated by the system (DSP-YYYY-NNNN); never chosen by the caller'),
    workflowId: z.string(),
    receivedAt: instant(),
  });

const caseFacts = () =>
  z
    .object({
      sspOutcome: z.string().optional(),
      rapidReviewRecommendation: z.string().optional(),
      levelOfReview: z.string().optional(),
      panelReference: z.string().optional(),
      panelResponse: z.string().optional(),
      ldOutcome: z.string().optional(),
      publish: z.string().optional(),
      plannedPublicationDate: z.string().optional(),
      lookedAfterChildDied: z.boolean().optional(),
      caseKind: z.enum(['care-leaver-death']).optional().describe("Set on a case opened from a care leaver's death notification (WT 2023 ch. 5)"),
      referringAgency: z.string().optional(),
      reviewerIds: z.array(z.string()).optional(),
    })
    .describe('Outcomes the path depends on; never personal data');

const obligationSummary = () =>
  z.object({
    id: z.string(),
    obligation: z.string(),
    round: z.number().int().min(1),
    status: z.enum(OBLIGATION_STATUSES),
    dueDate: date(),
    dueAt: instant(),
  }) satisfies z.ZodType<ObligationSummary>;

const lateness = () => z.strictObject({ workingDays: count(), atLeast: z.literal(true).optional() });

/** An obligation as GET /cases/:ref shows it: what, by when, how the date was counted, where it stands. */
const obligationView = () =>
  obligationSummary().extend({
    explanation: z.object({
      clock: z.object({ event: z.enum(CLOCK_EVENTS), date: z.string() }),
      rule: z.string().describe('e.g. "1 working day after 2026-12-21 (referral-received)"'),
      skipped: z.array(z.object({ date: date(), reason: z.enum(['weekend', 'bank holiday', 'closure day']), name: z.string().optional() })),
      section: z.string(),
      statutory: z.boolean(),
      target: z.object({ rule: z.string(), dueDate: date(), dueAt: instant() }).optional(),
    }),
    metAt: instant().optional(),
    metOn: date().optional(),
    escalatedAt: instant().optional(),
    late: lateness().optional(),
    missedBefore: z.array(z.object({ dueAt: instant(), escalatedAt: instant() })).optional(),
    closedReason: z.string().optional(),
    previousDeadlines: z.array(z.object({ dueDate: date(), rule: z.string() })),
  });

const actor = () => z.object({ id: z.string(), role: z.enum(ROLES), agency: z.string() });

/** The whole case (GET /cases/:ref for the roles that read whole cases): the fields clients rely on; the rest is allowed. */
export const caseStatusSchema = () =>
  z.object({
    caseReference: z.string(),
    rulebookVersion: z.string(),
    stage: stage(),
    receivedAt: instant(),
    facts: caseFacts(),
    clocks: z.partialRecord(z.enum(CLOCK_EVENTS), z.string()).describe('When each clock started: an instant, or a date for planned-publication and publication'),
    clockCorrections: z.array(z.object({ clock: z.enum(CLOCK_EVENTS), from: z.string(), to: z.string(), at: instant(), reason: z.string() })),
    open: z.array(obligationView()),
    met: z.array(obligationView()),
    metLate: z.array(obligationView()),
    missed: z.array(obligationView()),
    closed: z.array(obligationView()).describe('Withdrawn (no longer required on the path taken) or broken (a minimum period ended early)'),
    obligations: z.record(z.string(), z.object({ id: z.string(), status: z.enum(OBLIGATION_STATUSES) })).describe('The obligations as the case holds them, by id (the views above are the readable form)'),
    timeline: z.array(z.object({ at: instant(), kind: z.string(), obligationId: z.string().optional(), actor: actor().optional() })),
    pending: pending(),
    actions: z.array(z.object({ actionId: z.string(), agency: z.string(), deadline: date(), status: z.enum(ACTION_STATUSES) })),
    waitingFor: z.array(z.string()).optional().describe('At the action-plan stage: what the case still waits for before it closes'),
    register: z
      .array(
        z.object({
          kind: z.string(),
          obligationId: z.string().optional(),
          occurredAt: z.string(),
          recordedAt: z.string(),
          actor: z.object({ id: z.string(), role: z.string().nullable() }).optional(),
          detail: z.record(z.string(), z.unknown()),
        }),
      )
      .nullable()
      .describe("The case's register rows; null when the register did not answer (then registerUnavailable is true)"),
    registerUnavailable: z.literal(true).optional(),
  });

const viewDeadline = () =>
  z.strictObject({ id: z.string(), obligation: z.string(), round: z.number().int().min(1), status: z.enum(OBLIGATION_STATUSES), dueDate: date(), late: lateness().optional() });

/** What a referrer reads of their agency's referral (§5.7): nothing more. */
export const referrerViewSchema = () =>
  z.strictObject({
    caseReference: z.string(),
    stage: stage(),
    receivedAt: instant(),
    deadlines: z.array(viewDeadline()),
    outcome: z.string().optional().describe('The SSP outcome, once it has been fed back to the referrer'),
  }) satisfies z.ZodType<ReferrerView>;

/** What operations read: stages, deadlines and counts; never the referral, rationales or the register. */
export const operationsViewSchema = () =>
  z.strictObject({
    caseReference: z.string(),
    rulebookVersion: z.string(),
    stage: stage(),
    receivedAt: instant(),
    deadlines: z.array(viewDeadline()),
    counts: z.strictObject({ open: count(), missed: count(), metLate: count(), met: count(), closed: count() }),
    pending: pending(),
  }) satisfies z.ZodType<OperationsView>;

/** GET /cases/:ref: which of the three the person reads is decided by their role (domain/access.ts). */
export const caseReadSchema = () => z.union([caseStatusSchema(), referrerViewSchema(), operationsViewSchema()]);

/** A decision's answer: small, from the update itself (the whole case is GET /cases/:ref). */
export const decisionResultSchema = () =>
  z.object({
    caseReference: z.string(),
    stage: stage(),
    facts: caseFacts(),
    changed: z.array(obligationSummary()).optional().describe('The obligations the decision met, opened, withdrew or re-dated'),
    due: z.array(obligationSummary()).describe('The obligations still to be done (open or missed), soonest first'),
    agreed: z.array(z.object({ actionId: z.string(), agency: z.string(), deadline: date() })).optional().describe('actions-agreed: the actions it agreed, by reference'),
    waitingFor: z.array(z.string()).optional(),
    pending: pending(),
    duplicate: z.boolean().describe('True when the same request (same Idempotency-Key and body) had already been applied: nothing was done again'),
  }) satisfies z.ZodType<Omit<DecisionResult, 'requestHash'>>;

/** A decision's answer to someone who does not read the whole case. */
export const decisionStageSchema = () => z.strictObject({ caseReference: z.string(), stage: stage() });

export const caseDecisionAnswerSchema = () => z.union([decisionResultSchema(), decisionStageSchema()]);

/** 202: the decision was taken by the case and is being applied; its answer was late. */
export const acceptedSchema = () => z.strictObject({ status: z.literal('accepted'), message: z.string() });

export const actionStatusSchema = () =>
  z.object({
    caseReference: z.string(),
    actionId: z.string(),
    agency: z.string(),
    status: z.enum(ACTION_STATUSES),
    escalation: z.enum(ESCALATION_LEVELS),
    originalDeadline: date().describe('The deadline first agreed: the Chief Officer step counts from it (§9.2)'),
    deadline: date().describe('The deadline now in force'),
    sspInvolved: z.boolean(),
    completedOn: date().optional(),
    extensions: z.array(z.object({ from: date(), to: date(), at: instant(), recordedBy: z.string(), requestedBy: z.string() })),
    steps: z
      .array(
        z.object({
          id: z.string(),
          round: z.number().int().min(1),
          status: z.string(),
          dueDate: date(),
          rule: z.string(),
          escalatedAt: instant().optional(),
          metAt: instant().optional(),
          closedReason: z.string().optional(),
        }),
      )
      .describe("Each step's date and how it was counted"),
    pending: pending(),
    version: z.number().int().min(0),
  }) satisfies z.ZodType<Omit<ActionStatusView, 'requestHash'>>;

const actionLogRow = () =>
  z.object({
    caseReference: z.string(),
    actionId: z.string(),
    agency: z.string(),
    owner: z.string().optional().describe('Free text: absent for operations'),
    description: z.string().optional().describe('Free text: absent for operations'),
    finding: z.string().optional().describe('Free text: absent for operations'),
    agreedOn: date(),
    originalDeadline: date(),
    deadline: date(),
    status: z.enum(ACTION_STATUSES),
    escalation: z.enum(ESCALATION_LEVELS),
    sspInvolved: z.boolean(),
    overdue: z.boolean(),
    daysOverdue: count(),
    completedOn: date().optional(),
    withdrawnReason: z.string().optional(),
  }) satisfies z.ZodType<ActionLogRow>;

export const actionLogSchema = () => z.object({ today: date().describe("London's date the listing was made for"), actions: z.array(actionLogRow()) });

export const exceptionReportSchema = () =>
  z.object({
    today: date(),
    agencies: z.array(z.object({ agency: z.string(), actions: z.array(actionLogRow()) }) satisfies z.ZodType<ExceptionGroup>).describe('Agencies in alphabetical order, each oldest deadline first'),
  });

/** GET /cases/:ref/referral: the Appendix 1 form as stored. */
export const storedReferralSchema = (form: z.ZodType) => z.strictObject({ caseReference: z.string(), referral: form });
/** GET /cases/:ref/referral of a case opened from a care leaver's death notification (WT 2023 ch. 5): that form as stored. */
export const storedCareLeaverSchema = (form: z.ZodType) => z.strictObject({ caseReference: z.string(), careLeaverDeath: form });

/** The Temporal UI's payloads, as the codec server takes and gives them (base64): its own schema. */
export { codecPayloadsSchema } from './codec-server';

/** The body of the codec's sign-in form. */
export const codecSignInFormSchema = () => z.strictObject({ token: z.string().min(1).describe('An access token, as a bearer token would be sent') });

// ---- Requests: what the generator cannot read --------------------------------------------------
//
// The routes check requests with the zod schemas of domain/ and api/; the document is generated
// from the same schemas, but zod-to-openapi reads only what zod says declaratively. What it cannot
// read, and how the document says it instead (found by walking each request schema, never by
// naming fields one by one; test/e2e/openapi.test.ts checks sampled values of every field against
// the document and the route alike):
//   - a string that is trimmed (or upper-cased) before its length and patterns are checked: its
//     length and patterns are said of the trimmed (case-folded) text, as patterns;
//   - a string format (a date, an email, base64) whose pattern the generator leaves out: zod's own;
//   - the instants and dates people send (domain/instants.ts: a string and a transform, which the
//     generator shows as a bare string): asked which they take, and given the pattern of it;
//   - cross-field rules (a refinement): given as JSON Schema where JSON Schema can say them (the
//     referral form's, REFERRAL_FORM_RULES), else described.
// Metadata is registered in zod's registry against the schema instances the document is built
// from (the routes' own); it changes nothing a schema accepts.

type JsonSchema = Record<string, unknown>;

/** A calendar date from 2000-01-01 to 2099-12-31 (domain/instants.ts EARLIEST_DATE, LATEST_DATE), leap days included. */
const MONTH_DAY = '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))';
const DATE_2000S = `20(?:[0-9]{2}-${MONTH_DAY}|(?:[02468][048]|[13579][26])-02-29)`;
const TIME_AND_ZONE = 'T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])';
/** What parseDate takes. */
export const DATE_PATTERN = `^${DATE_2000S}$`;
/**
 * What parseInstant takes, but for the first and last day of the span with an offset that moves
 * the instant out of it (e.g. 2000-01-01T00:30:00+01:00, refused): a pattern cannot subtract.
 */
export const INSTANT_PATTERN = `^${DATE_2000S}${TIME_AND_ZONE}$`;
const DATE_OR_INSTANT_PATTERN = `^${DATE_2000S}(?:${TIME_AND_ZONE})?$`;

/** The pattern a transform from a string is documented with: asked which of a date and an instant it takes. */
function transformedString(schema: z.ZodType): JsonSchema | undefined {
  const date = schema.safeParse('2026-01-15').success;
  const instant = schema.safeParse('2026-01-15T10:00:00Z').success && schema.safeParse('2026-01-15T10:00+01:00').success;
  if (date && instant) return { type: 'string', pattern: DATE_OR_INSTANT_PATTERN, description: 'A date YYYY-MM-DD, or an ISO 8601 instant with Z or an offset' };
  if (instant) return { type: 'string', pattern: INSTANT_PATTERN, description: 'An ISO 8601 instant with Z or an offset (seconds and up to 9 decimals optional)' };
  if (date) return { type: 'string', format: 'date', pattern: DATE_PATTERN };
  return undefined;
}

/** A pattern that holds for the whole text, without its own anchors; undefined when it is not anchored at both ends. */
function unanchored(source: string): string | undefined {
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) return undefined;
  const inner = source.slice(1, -1);
  // ^a|b$ is (^a)|(b$): only a pattern with no alternation outside groups and classes loses its anchors as a whole.
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return undefined;
  }
  return inner;
}

/** A pattern for text that was upper-cased (or lower-cased) before it was matched: either case. */
function eitherCase(source: string, folded: 'upper' | 'lower'): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      if (folded === 'upper' && source.startsWith('A-Z', i)) {
        out += 'A-Za-z';
        i += 2;
      } else if (folded === 'lower' && source.startsWith('a-z', i)) {
        out += 'a-zA-Z';
        i += 2;
      } else out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (/[A-Za-z]/.test(c) && !/[{]/.test(source[i - 1] ?? '')) {
      out += `[${c.toUpperCase()}${c.toLowerCase()}]`;
    } else out += c;
  }
  return out;
}

/** Text whose trimmed length lies in [min, max]. */
function trimmedLength(min: number, max: number): string {
  const alternatives: string[] = [];
  if (min <= 1 && max >= 1) alternatives.push('\\S');
  if (max >= 2) alternatives.push(`\\S[\\s\\S]{${Math.max(min - 2, 0)},${Number.isFinite(max) ? max - 2 : ''}}\\S`);
  return `^\\s*(?:${alternatives.join('|')})${min === 0 ? '?' : ''}\\s*$`;
}

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  pattern?: RegExp;
  tx?: (value: string) => unknown;
}

/** A string schema as the document should show it, when the generator's reading of it is not exact. */
function stringSchema(schema: z.ZodType): JsonSchema | undefined {
  const def = schema._zod.def as unknown as { format?: string; pattern?: RegExp; checks?: Array<{ _zod: { def: CheckDef } }> };
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  let trimmed = false;
  let folded: 'upper' | 'lower' | undefined;
  let min = 0;
  let max = Infinity;
  const patterns: string[] = [];
  for (const check of checks) {
    if (check.check === 'overwrite' && check.tx) {
      if (check.tx(' a ') === 'a') trimmed = true;
      else if (check.tx('a') === 'A') folded = 'upper';
      else if (check.tx('A') === 'a') folded = 'lower';
    } else if (check.check === 'min_length') min = Math.max(min, check.minimum!);
    else if (check.check === 'max_length') max = Math.min(max, check.maximum!);
    else if (check.check === 'length_equals') [min, max] = [check.length!, check.length!];
    else if (check.check === 'string_format' && check.pattern && check.format !== def.format) patterns.push(check.pattern.source);
  }
  // A format (date, email, base64 ...): zod's own pattern, which the generator leaves out. Base64's
  // def.pattern is looser than its check (which counts the padding): its exact pattern instead.
  const exact = def.format === 'base64' ? z.regexes.base64 : def.format === 'base64url' ? z.regexes.base64url : def.pattern;
  const formatPattern = def.format && exact ? { pattern: exact.source, ...(def.format === 'base64' ? { contentEncoding: 'base64' } : {}) } : {};
  if (!trimmed && !folded) return def.format && def.pattern ? formatPattern : undefined;
  const whole = patterns.map((source) => {
    const inner = unanchored(source);
    if (inner === undefined) return source;
    const either = folded ? eitherCase(inner, folded) : inner;
    // Matched against the trimmed text: it starts and ends with what is not space.
    return trimmed ? `^\\s*(?=\\S)(?:${either})(?<=\\S)\\s*$` : `^(?:${either})$`;
  });
  const all = [...(trimmed ? [trimmedLength(min, max)] : []), ...whole];
  const description = (schema.meta() as { description?: string } | undefined)?.description;
  return {
    type: 'string',
    ...(description ? { description } : {}),
    ...(!trimmed && min > 0 ? { minLength: min } : {}),
    ...(!trimmed && Number.isFinite(max) ? { maxLength: max } : {}),
    ...(all.length === 1 ? { pattern: all[0] } : { allOf: all.map((pattern) => ({ pattern })) }),
  };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

function annotate(schema: z.ZodType, meta: JsonSchema): void {
  z.globalRegistry.add(schema, { ...(z.globalRegistry.get(schema) ?? {}), ...meta });
}

/**
 * Makes the document say of a request schema what the route checks: walks it (objects, arrays,
 * records, unions, wrappers) and registers, on each node the generator would read loosely, the
 * JSON Schema it should show. `rules` adds JSON Schema at a path ("" the root, "children[]" an
 * item, "caseDetails.mainCause" a field) for the cross-field rules a refinement holds.
 */
export function documentedRequest<T extends z.ZodType>(schema: T, rules: Readonly<Record<string, JsonSchema>> = {}): T {
  const walk = (node: z.ZodType, path: string): void => {
    const def = node._zod.def as unknown as { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; out?: z.ZodType };
    if (WRAPPERS.has(def.type) && def.innerType) return walk(def.innerType, path);
    const at = (key: string) => (path ? `${path}.${key}` : key);
    if (def.type === 'object') for (const [key, field] of Object.entries(def.shape ?? {})) walk(field, at(key));
    else if (def.type === 'array' && def.element) walk(def.element, `${path}[]`);
    else if (def.type === 'record' && def.valueType) walk(def.valueType, `${path}{}`);
    else if (def.type === 'union') for (const option of def.options ?? []) walk(option, path);
    else if (def.type === 'string') {
      const documented = stringSchema(node);
      if (documented) annotate(node, documented);
    } else if (def.type === 'pipe' && def.in?._zod.def.type === 'string' && def.out?._zod.def.type === 'transform') {
      const documented = transformedString(node);
      if (documented) annotate(node, documented);
    }
    const rule = rules[path];
    if (rule) annotate(node, rule);
  };
  walk(schema, '');
  return schema;
}

const present = (...fields: string[]) => ({ required: fields });
const isTrue = (field: string) => ({ properties: { [field]: { const: true } }, required: [field] });
const isValue = (field: string, value: string) => ({ properties: { [field]: { const: value } }, required: [field] });
/** Free text that, trimmed, is not empty (the form's "required when ..." narratives). */
const notBlank = (field: string) => ({ required: [field], properties: { [field]: { pattern: '\\S' } } });

/**
 * The referral form's cross-field rules (domain/referral-form.ts, its superRefine calls) as JSON
 * Schema. Dates in order (a death or an incident not before the birth, an end not before its
 * start) cannot be said in JSON Schema: they are described, and the API refuses them (422).
 */
export const REFERRAL_FORM_RULES: Readonly<Record<string, JsonSchema>> = {
  '': {
    description:
      'Exactly one of determination.meetsCriteriaForNotification and determination.learningToExplore is true; whyMeetsCriteria (not blank) is required when the case meets the criteria, whyLearningToExplore when there is learning to explore. Dates in order are checked too, which this schema cannot say: a child\'s dateOfDeath and dateOfIncident not before their dateOfBirth; a plan\'s ended not before its commenced; an agency\'s endDate not before its startDate.',
    if: { properties: { determination: isTrue('meetsCriteriaForNotification') }, required: ['determination'] },
    then: { allOf: [{ properties: { determination: { properties: { learningToExplore: { const: false } } } } }, notBlank('whyMeetsCriteria')] },
    else: { allOf: [{ properties: { determination: { properties: { learningToExplore: { const: true } } } } }, notBlank('whyLearningToExplore')] },
  },
  'children[]': {
    allOf: [
      { if: isTrue('incidentRelatesToDeath'), then: present('dateOfDeath'), else: { not: present('dateOfDeath') } },
      { if: isValue('coronerInvolved', 'yes'), then: present('coronerDetails') },
    ],
  },
  caseDetails: {
    allOf: [
      { if: isValue('mainCause', 'Other'), then: present('mainCauseOther') },
      { if: { properties: { characteristics: { contains: { const: 'Other' } } }, required: ['characteristics'] }, then: present('characteristicsOther') },
    ],
  },
  'caseDetails.characteristics': { uniqueItems: true },
  'childProtection.childProtectionPlan': { if: isTrue('was'), then: present('commenced') },
  'childProtection.childInNeedPlan': { if: isTrue('was'), then: present('commenced') },
  otherReviews: { if: { properties: { reviews: { maxItems: 0 } }, required: ['reviews'] }, then: { properties: { unawareOfOtherReviews: { const: true } } } },
};
