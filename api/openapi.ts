// The API's OpenAPI 3.1 document, generated from the zod schemas the routes check requests with
// (the referral, every case decision and action decision, the queries) and the answers' schemas
// (api/openapi-schemas.ts), and a page that renders it (swagger-ui, from this server only).
//
//   GET /openapi.json   the document (public: it holds no personal data)
//   GET /docs           the page
//
// The operations are a table (apiOperations) from which the document is generated and which the
// tests read: each route's statuses, its request and answer schemas and its examples. Schemas get
// their component names through zod's own .meta({ id }), never by patching zod's prototype
// (extendZodWithOpenApi): zod is shared with the domain, whose modules stay free of openapi code.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { z } from 'zod';
import { addDays, exampleReferral, londonToday } from '../config/example-referral';
import { ACTION_DECISIONS, ACTION_DECISION_NAMES, type ActionDecisionName } from '../domain/action';
import { ACTION_ID_PATTERN } from '../domain/action-snapshot';
import { CASE_REFERENCE_PATTERN } from '../domain/case';
import { DECISION_NAMES, DECISIONS, type DecisionName } from '../domain/decisions';
import { referralFormSchema } from '../domain/referral-form';
// A cycle (app.ts mounts apiDocsRoutes): what this module takes from app.ts is read only when the
// document is built, by which time both modules have loaded; never at load.
import { actionLogQuerySchema, exceptionsQuerySchema } from './action-log';
import { BODY_LIMIT, IDEMPOTENCY_KEY, referralRequestSchema } from './requests';
import { caseListQuerySchema, caseListResponseSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './case-list';
import { CODEC_SESSION_COOKIE } from './codec-server';
import { sendError, RETRY_AFTER_SECONDS, type ErrorCode } from './errors';
import {
  acceptedSchema,
  actionLogSchema,
  actionStatusSchema,
  caseDecisionAnswerSchema,
  caseReadSchema,
  caseStatusSchema,
  codecPayloadsSchema,
  codecSignInFormSchema,
  decisionResultSchema,
  decisionStageSchema,
  documentedRequest,
  errorSchema,
  exceptionReportSchema,
  healthSchema,
  operationsViewSchema,
  referralCreatedSchema,
  REFERRAL_FORM_RULES,
  referrerViewSchema,
  storedReferralSchema,
} from './openapi-schemas';

export const API_TITLE = 'Serious child safeguarding incident procedure: staff API';
const API_VERSION = '0.1.0';

// ---- The operations table ------------------------------------------------------------------------

/** An example, and the zod schema it must pass (the one the document shows for it). */
export interface DocumentedExample {
  /** Where it is documented, e.g. "POST /referrals request". */
  where: string;
  schema: z.ZodType;
  value: unknown;
}

interface Content {
  schema: z.ZodType;
  /** The component name the schema is given (absent: inlined). */
  name?: string;
  contentType?: string;
  /** Named examples, each checked against `schema` or a narrower schema of its own. */
  examples?: Record<string, { summary?: string; value: unknown; schema?: z.ZodType }>;
}

export interface ResponseSpec {
  description: string;
  content?: Content;
  /** More representations of the same answer (the CSV of a listing). */
  alternatives?: Content[];
  /** Names of components/headers. */
  headers?: HeaderName[];
  /** For an error answer: the codes it may carry. */
  codes?: readonly ErrorCode[];
}

export interface OperationSpec {
  method: 'get' | 'post';
  /** OpenAPI's template: /cases/{caseReference}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Who may call it: absent, the bearer token; [] public; or the alternatives given. */
  security?: Array<Record<string, string[]>>;
  params?: z.ZodObject;
  query?: z.ZodObject;
  idempotent?: boolean;
  body?: Content;
  responses: Record<number, ResponseSpec>;
}

type HeaderName = 'Retry-After' | 'Location' | 'Idempotent-Replayed' | 'WWW-Authenticate' | 'Content-Disposition' | 'Set-Cookie';

const HEADERS: Record<HeaderName, { description: string; schema: { type: 'string' | 'integer' } }> = {
  'Retry-After': { description: `Seconds to wait before trying again (${RETRY_AFTER_SECONDS} on a 503; the window's reset on a 429)`, schema: { type: 'integer' } },
  Location: { description: 'Where the case or action is read (GET)', schema: { type: 'string' } },
  'Idempotent-Replayed': { description: '"true" when the answer is that of the first request with this Idempotency-Key: nothing was applied again', schema: { type: 'string' } },
  'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
  'Content-Disposition': { description: 'attachment; filename="<listing>-YYYY-MM-DD.csv"', schema: { type: 'string' } },
  'Set-Cookie': { description: `${CODEC_SESSION_COOKIE}: HttpOnly, SameSite=Strict, Path=/codec, 8 hours`, schema: { type: 'string' } },
};

/** The messages the API sends with its common codes (examples of the error answers); a function, for the cycle with app.ts. */
const exampleMessages = (): Partial<Record<ErrorCode, string>> => ({
  MalformedPath: 'The path is not validly encoded',
  MalformedJson: 'The body is not valid JSON',
  Unauthenticated: 'A valid bearer token is required',
  RoleNotAllowed: 'The role business-unit may not record ssp-decision; allowed: ssp',
  ReadNotAllowed: 'This case is not open to your role',
  DecodeNotAllowed: 'Your role may not decode case payloads',
  CaseNotFound: 'No case DSP-2026-0001',
  ActionNotFound: 'No action DSP-2026-0001 A01',
  WrongStage: 'panel-response does not fit case DSP-2026-0001 at stage rapid-review',
  CaseClosed: 'Case DSP-2026-0001 is closed',
  ActionClosed: 'Action DSP-2026-0001 A01 is completed',
  BodyTooLarge: `The body is larger than ${BODY_LIMIT}`,
  UnsupportedMediaType: 'Send the body as application/json',
  InvalidReferral: 'The referral is not valid',
  InvalidDecision: 'The ssp-decision decision is not valid',
  InvalidQuery: 'The query is not valid',
  InvalidPayloads: 'Send {"payloads":[{"metadata":{...},"data":"<base64>"}]}',
  ExtensionNotAllowed: 'An extension is agreed only at the request of the Chief Officer of Example Health Trust (§9.2); this request came from the head-of-service',
  RateLimited: 'Too many requests; try again later',
  InternalError: 'Something went wrong; it has been logged',
  NotApplied: 'The case engine did not take the decision in time; nothing was applied; try again',
  TemporalUnavailable: 'The case engine did not answer in time; try again',
  SignInUnavailable: 'Sign-in cannot check tokens just now; try again shortly',
});

const EXAMPLE_PROBLEMS: Partial<Record<ErrorCode, Array<{ path: string; message: string }>>> = {
  InvalidReferral: [{ path: 'referral.children.0.postcode', message: "Child's postcode must be a UK postcode, e.g. AB1 2CD" }],
  InvalidDecision: [
    { path: 'outcome', message: 'Invalid option: expected one of "criteria-met"|"not-met-learning"|"not-met-no-further-action"' },
    { path: 'occurredAt', message: 'must be an ISO date-time with Z or an offset, e.g. 2026-07-01T08:00:00Z (at most 9 decimal places)' },
  ],
  InvalidQuery: [{ path: 'status', message: 'status must be open or all, once' }],
};

function errorResponse(codes: readonly ErrorCode[], description: string, headers: HeaderName[] = []): ResponseSpec {
  const code = codes[0]!;
  const problems = EXAMPLE_PROBLEMS[code];
  return {
    description: `${description}: ${codes.join(', ')}`,
    codes,
    headers,
    content: {
      schema: errorSchema(),
      name: 'Error',
      examples: { [code]: { value: { error: { code, message: exampleMessages()[code] ?? code, ...(problems ? { problems } : {}) } } } },
    },
  };
}

/** What any route behind sign-in may answer, besides its own. */
function signedInErrors(): Record<number, ResponseSpec> {
  return {
    400: errorResponse(['MalformedPath'], 'The path is not validly encoded'),
    401: errorResponse(['Unauthenticated'], 'No bearer token that signs someone in (answered before the body is read)', ['WWW-Authenticate']),
    429: errorResponse(['RateLimited'], 'Too many requests from this address or person, or too many failed sign-ins', ['Retry-After']),
    500: errorResponse(['InternalError'], 'A defect; its cause is logged by name only'),
    503: errorResponse(['SignInUnavailable', 'TemporalUnavailable'], 'Try again later', ['Retry-After']),
  };
}

/** What reading a JSON body may answer. */
function bodyErrors(): Record<number, ResponseSpec> {
  return {
    400: errorResponse(['MalformedJson', 'MalformedBody', 'MalformedPath'], 'The body is not JSON, nests more than 16 levels, or could not be read (or the path is badly encoded)'),
    413: errorResponse(['BodyTooLarge'], `The body is larger than ${BODY_LIMIT}`),
    415: errorResponse(['UnsupportedMediaType', 'UnsupportedCharset', 'UnsupportedContentEncoding'], 'Not application/json, not UTF-8, or a compression other than gzip, deflate, br'),
  };
}

const json = (schema: z.ZodType, name?: string, examples?: Content['examples']): Content => ({ schema, ...(name ? { name } : {}), ...(examples ? { examples } : {}) });
const one = (value: unknown, summary?: string) => ({ example: { value, ...(summary ? { summary } : {}) } });

/**
 * What GET /cases takes as limit (api/case-list.ts: 1 to 3 digits, read as a number from 1 to
 * `max`; leading zeros allowed), for a max that is a power of ten. The test samples it.
 */
function pageSizePattern(max: number): string {
  const digits = String(max).length - 1;
  if (max !== 10 ** digits || digits < 1 || digits > 2) throw new Error(`pageSizePattern: ${max} is not 10 or 100`);
  // 1-9, 10-99 (below 100), 100, each with leading zeros up to three digits.
  return digits === 2 ? '^(?:0{0,2}[1-9]|0?[1-9][0-9]|100)$' : '^(?:0{0,2}[1-9]|0?10)$';
}

const caseReferenceParam = () => z.string().regex(CASE_REFERENCE_PATTERN).meta({ description: 'The case reference the system allocated', example: 'DSP-2026-0001' });
const actionIdParam = () => z.string().regex(ACTION_ID_PATTERN).meta({ description: "The action's reference within its case", example: 'A01' });

/** The Idempotency-Key header, with the pattern api/app.ts checks it against. */
export const idempotencyKeySchema = () =>
  z
    .string()
    .regex(IDEMPOTENCY_KEY)
    .meta({
      description:
        'Optional. The same key with the same body gives the first answer again (Idempotent-Replayed: true), applied once; with another body, 422 IdempotencyKeyReused. Scoped to the signed-in person.',
      example: 'ssp-informed-DSP-2026-0001',
    });

// ---- Examples (fictitious: config/example-referral.ts is test data; no real person) ---------------
//
// The request examples are for "Try it out": each is true on the day the document is served (its
// dates relative to London's today, an instant left out so that it is now), and each says it is an
// example, so that one sent as it is records nothing that could pass for a real reason.

const EXAMPLE_REF = 'DSP-2026-0001';
const RECEIVED_AT = '2026-11-30T09:12:00.000Z';
/** What each request example is called in the document. */
const REQUEST_EXAMPLE = 'Example: replace before sending';
const RATIONALE = 'Example rationale: replace with the real reasons';
const NOTE = 'Example note: replace with the real one';
const REASON = 'Example reason: replace with the real one';

/** An example payload for every case decision, true on `today` (London's date) for a case opened that day; the test sends them. */
export const caseDecisionExamples = (today: string = londonToday()): { [K in DecisionName]: z.input<ReturnType<(typeof DECISIONS)[K]['schema']>> } => ({
  'ssp-informed': { note: NOTE },
  'ssp-decision': { outcome: 'criteria-met', rationale: RATIONALE },
  'referrer-feedback-sent': { note: NOTE },
  'shared-with-ld-chair': { note: NOTE },
  'looked-after-death-notified': { note: NOTE },
  'national-notification': { panelReference: 'CSPRP-2026-0042' },
  'panel-acknowledgement': {},
  'rapid-review-scheduled': { meetingDate: addDays(today, 14) },
  'rapid-review-held': { recommendation: 'lcspr', rationale: RATIONALE },
  'rapid-review-report': { levelOfReview: 'lcspr', rationale: RATIONALE },
  'panel-response': { response: 'local-review' },
  'further-information-sent': { note: NOTE },
  'reviewer-commissioned': { reviewer: 'Example Independent Reviewer', reviewerId: 'reviewer-1' },
  'reviewer-changed': { reviewer: 'Example Second Reviewer', reviewerId: 'reviewer-2', replaces: 'reviewer-1', reason: 'Example reason: replace with the real one' },
  'terms-of-reference-agreed': { note: NOTE },
  'review-progress': { summary: 'Example summary: replace with what the review has done' },
  'draft-report-to-ld': { note: NOTE },
  'ssp-sign-off': { plannedPublicationDate: addDays(today, 56), publish: 'full-report' },
  'report-sent-to-panel': {},
  'publication-delayed': { reason: REASON, newPlannedPublicationDate: addDays(today, 140) },
  'delay-explained-to-panel': {},
  published: { publishedOn: today },
  'not-to-publish': { justification: 'Example justification: replace with the real one' },
  'justification-sent-to-panel': {},
  'publication-removed': { reason: REASON },
  'national-review-completed': { note: NOTE },
  'other-review-completed': { note: NOTE },
  'ld-decision': { outcome: 'multi-agency-audit', rationale: RATIONALE },
  'ssp-approval': { approved: true, rationale: RATIONALE },
  'clock-corrected': { clock: 'la-became-aware', correctedTo: addDays(today, -1), reason: REASON },
  'actions-agreed': {
    actions: [
      { agency: 'Example Health Trust', owner: 'Example owner: replace', description: 'Example action: replace with what is to be done', finding: 'Example finding: replace with the finding it answers', deadline: addDays(today, 120) },
      { agency: 'Example Police', owner: 'Example owner: replace', description: 'Example action: replace with what is to be done', finding: 'Example finding: replace with the finding it answers', deadline: addDays(today, 150) },
    ],
  },
  'close-case': { note: NOTE },
});

/** An example payload for every decision on an action, true on `today` for an action agreed that day. */
export const actionDecisionExamples = (today: string = londonToday()): { [K in ActionDecisionName]: z.input<ReturnType<(typeof ACTION_DECISIONS)[K]['schema']>> } => ({
  'action-completed': { completedOn: today, evidence: 'Example evidence: replace with what shows the action was done' },
  'action-extended': {
    newDeadline: addDays(today, 210),
    requestedBy: { position: 'chief-officer', agency: 'Example Health Trust', name: 'Example Chief Executive' },
    reason: REASON,
  },
  'action-withdrawn': { reason: REASON },
  'ssp-involved': { reason: REASON },
});

const deadlineSummary = (id: string, obligation: string, dueDate: string, dueAt: string, status = 'open' as const) => ({ id, obligation, round: 1, status, dueDate, dueAt });

const EXAMPLE_DUE = [
  deadlineSummary('ssp-decision', 'SSP decide whether the criteria for notification are met', '2026-12-07', '2026-12-07T23:59:59.999Z'),
  deadlineSummary('national-notification', 'Notify the Panel, Ofsted and DfE', '2026-12-07', '2026-12-07T23:59:59.999Z'),
];

const EXAMPLE_DECISION_RESULT = {
  caseReference: EXAMPLE_REF,
  stage: 'awaiting-ssp-decision',
  facts: { lookedAfterChildDied: false, referringAgency: 'Example Primary School' },
  changed: [{ ...deadlineSummary('ssp-informed', 'SSP informed of the referral', '2026-12-01', '2026-12-01T23:59:59.999Z'), status: 'met' }],
  due: EXAMPLE_DUE,
  pending: { notices: 1, records: 1 },
  duplicate: false,
};

const EXAMPLE_EXPLANATION = {
  clock: { event: 'referral-received', date: RECEIVED_AT },
  rule: '5 working days after 2026-11-30 (referral-received)',
  skipped: [
    { date: '2026-12-05', reason: 'weekend' },
    { date: '2026-12-06', reason: 'weekend' },
  ],
  section: '§5.2',
  statutory: true,
};

const EXAMPLE_CASE = {
  caseReference: EXAMPLE_REF,
  rulebookVersion: '2023-07',
  stage: 'awaiting-ssp-decision',
  receivedAt: RECEIVED_AT,
  facts: { lookedAfterChildDied: false, referringAgency: 'Example Primary School' },
  clocks: { 'referral-received': RECEIVED_AT, 'la-became-aware': RECEIVED_AT },
  clockCorrections: [],
  open: EXAMPLE_DUE.map((d) => ({ ...d, explanation: EXAMPLE_EXPLANATION, previousDeadlines: [] })),
  met: [
    {
      ...deadlineSummary('ssp-informed', 'SSP informed of the referral', '2026-12-01', '2026-12-01T23:59:59.999Z'),
      status: 'met',
      explanation: { ...EXAMPLE_EXPLANATION, rule: '1 working day after 2026-11-30 (referral-received)', skipped: [], section: '§4.6' },
      metAt: '2026-11-30T10:02:00.000Z',
      previousDeadlines: [],
    },
  ],
  metLate: [],
  missed: [],
  closed: [],
  obligations: {
    'ssp-informed': { id: 'ssp-informed', status: 'met' },
    'ssp-decision': { id: 'ssp-decision', status: 'open' },
    'national-notification': { id: 'national-notification', status: 'open' },
  },
  timeline: [
    { at: RECEIVED_AT, kind: 'referral-received', actor: { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' } },
    { at: '2026-11-30T10:02:00.000Z', kind: 'decision:ssp-informed', obligationId: 'ssp-informed', actor: { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' } },
  ],
  pending: { notices: 0, records: 0 },
  actions: [],
  register: [
    { kind: 'referral-received', occurredAt: RECEIVED_AT, recordedAt: '2026-11-30T09:12:01.000Z', actor: { id: 'bu-1', role: 'business-unit' }, detail: {} },
  ],
};

const viewDeadlines = EXAMPLE_DUE.map(({ id, obligation, round, status, dueDate }) => ({ id, obligation, round, status, dueDate }));
const EXAMPLE_REFERRER_VIEW = { caseReference: EXAMPLE_REF, stage: 'awaiting-ssp-decision', receivedAt: RECEIVED_AT, deadlines: viewDeadlines };
const EXAMPLE_OPERATIONS_VIEW = {
  caseReference: EXAMPLE_REF,
  rulebookVersion: '2023-07',
  stage: 'awaiting-ssp-decision',
  receivedAt: RECEIVED_AT,
  deadlines: [...viewDeadlines, { id: 'ssp-informed', obligation: 'SSP informed of the referral', round: 1, status: 'met', dueDate: '2026-12-01' }],
  counts: { open: 2, missed: 0, metLate: 0, met: 1, closed: 0 },
  pending: { notices: 0, records: 0 },
};

const EXAMPLE_ACTION = {
  caseReference: 'DSP-2026-0002',
  actionId: 'A01',
  agency: 'Example Health Trust',
  status: 'open',
  escalation: 'none',
  originalDeadline: '2027-03-31',
  deadline: '2027-06-30',
  sspInvolved: false,
  extensions: [{ from: '2027-03-31', to: '2027-06-30', at: '2027-01-10T12:00:00.000Z', recordedBy: 'ld-chair', requestedBy: 'Chief Officer, Example Health Trust' }],
  steps: [
    { id: 'action-due', round: 1, status: 'open', dueDate: '2027-06-30', rule: 'the action deadline 2027-06-30 (action-deadline)' },
    { id: 'action-escalation-head', round: 1, status: 'open', dueDate: '2027-09-30', rule: '3 calendar months after 2027-06-30 (action-deadline)' },
    { id: 'action-escalation-chief', round: 1, status: 'open', dueDate: '2027-09-30', rule: '6 calendar months after 2027-03-31 (action-original-deadline)' },
  ],
  pending: { notices: 0, records: 1 },
  version: 2,
};

const EXAMPLE_LOG_ROW = {
  caseReference: 'DSP-2026-0002',
  actionId: 'A01',
  agency: 'Example Health Trust',
  owner: 'Named nurse for safeguarding',
  description: 'Audit discharge summaries for safeguarding flags',
  finding: 'Finding 1: information was not shared at discharge',
  agreedOn: '2026-12-15',
  originalDeadline: '2027-03-31',
  deadline: '2027-03-31',
  status: 'open',
  escalation: 'overdue',
  sspInvolved: false,
  overdue: true,
  daysOverdue: 12,
};

const EXAMPLE_PAYLOADS = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"note":"example"}').toString('base64') }] };

// ---- Names ---------------------------------------------------------------------------------------

const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

const rolesOf = (roles: readonly string[]) => roles.map((r) => `\`${r}\``).join(', ');

function caseDecisionOperation(name: DecisionName, today: string): OperationSpec {
  const rule = DECISIONS[name] as { roles: readonly string[]; stages: readonly string[] | string; meets?: string };
  const stages = Array.isArray(rule.stages) ? rule.stages.map((s) => `\`${s}\``).join(', ') : 'any stage while the obligation it meets is open';
  return {
    method: 'post',
    path: `/cases/{caseReference}/decisions/${name}`,
    operationId: `decide${pascal(name)}`,
    summary: `Record ${name}`,
    description: [
      `Roles: ${rolesOf(rule.roles)}. Stages: ${stages}.${rule.meets ? ` Meets the obligation \`${rule.meets}\`, stopping its clock.` : ''}`,
      'Instants (`…At`) lie between the referral and now; dates of things done are not in the future. The answer is the decision\'s own (what it changed, what is due); the whole case is GET /cases/{caseReference}.',
    ].join('\n\n'),
    tags: ['Case decisions'],
    params: z.object({ caseReference: caseReferenceParam() }),
    idempotent: true,
    body: json(DECISIONS[name].schema(), `CaseDecision.${pascal(name)}`, one(caseDecisionExamples(today)[name], REQUEST_EXAMPLE)),
    responses: {
      200: {
        description: "Applied: the case's stage, what changed, what is now due, and how many emails and register rows were queued",
        headers: ['Idempotent-Replayed'],
        content: json(caseDecisionAnswerSchema(), 'CaseDecisionAnswer', {
          example: { value: EXAMPLE_DECISION_RESULT, schema: decisionResultSchema() },
          stageOnly: { summary: 'To someone who does not read the whole case', value: { caseReference: EXAMPLE_REF, stage: 'awaiting-ssp-decision' }, schema: decisionStageSchema() },
        }),
      },
      202: { description: 'Accepted by the case but its answer was late: it is being applied (read the case)', headers: ['Location'], content: json(acceptedSchema(), 'Accepted', one({ status: 'accepted', message: 'The decision was accepted and is being applied' })) },
      ...signedInErrors(),
      ...bodyErrors(),
      403: errorResponse(['RoleNotAllowed'], 'Your role may not record this decision (checked on every request, a replayed key included)'),
      404: errorResponse(['CaseNotFound'], 'No such case, or not one you may act on'),
      409: errorResponse(['WrongStage', 'AlreadyMet', 'CaseClosed'], 'The decision does not fit the case now'),
      422: errorResponse(['InvalidDecision', 'InvalidIdempotencyKey', 'IdempotencyKeyReused'], 'The payload is not valid (each problem by path), or the Idempotency-Key is malformed or was used for another request'),
      503: errorResponse(['NotApplied', 'TemporalUnavailable', 'SignInUnavailable'], 'Nothing was applied; try again', ['Retry-After']),
    },
  };
}

function actionDecisionOperation(name: ActionDecisionName, today: string): OperationSpec {
  return {
    method: 'post',
    path: `/cases/{caseReference}/actions/{actionId}/decisions/${name}`,
    operationId: `decideAction${pascal(name)}`,
    summary: `Record ${name} on an improvement action`,
    description: `Roles: ${rolesOf(ACTION_DECISIONS[name].roles)} (an action owner only on their own agency's actions). The answer is the action as it now stands.`,
    tags: ['Improvement actions'],
    params: z.object({ caseReference: caseReferenceParam(), actionId: actionIdParam() }),
    idempotent: true,
    body: json(ACTION_DECISIONS[name].schema(), `ActionDecision.${pascal(name)}`, one(actionDecisionExamples(today)[name], REQUEST_EXAMPLE)),
    responses: {
      200: { description: 'Applied: the action as it now stands', headers: ['Idempotent-Replayed'], content: json(actionStatusSchema(), 'ActionStatus', one(EXAMPLE_ACTION)) },
      202: { description: 'Accepted but its answer was late: it is being applied', headers: ['Location'], content: json(acceptedSchema(), 'Accepted', one({ status: 'accepted', message: 'The decision was accepted and is being applied' })) },
      ...signedInErrors(),
      ...bodyErrors(),
      403: errorResponse(['RoleNotAllowed'], 'Your role may not record this decision'),
      404: errorResponse(['ActionNotFound', 'CaseNotFound'], "No such action, or another agency's"),
      409: errorResponse(['ActionClosed', 'AlreadyMet'], 'The action is completed or withdrawn, or the SSP are already involved'),
      422: errorResponse(['InvalidDecision', 'ExtensionNotAllowed', 'InvalidIdempotencyKey', 'IdempotencyKeyReused'], 'The payload is not valid, or an extension was not asked for by the Chief Officer of the owning agency (§9.2)'),
      503: errorResponse(['NotApplied', 'TemporalUnavailable', 'SignInUnavailable'], 'Nothing was applied; try again', ['Retry-After']),
    },
  };
}

const csv = (): Content => ({ schema: z.string().meta({ description: 'RFC 4180, CRLF, with a byte order mark; cells a spreadsheet would read as formulas are made text' }), contentType: 'text/csv' });
const html = (description: string): Content => ({ schema: z.string().meta({ description }), contentType: 'text/html' });

const BEARER = 'bearer';
const CODEC_SESSION = 'codecSession';

function buildOperations(today: string): OperationSpec[] {
  const referralExample = exampleReferral(today);
  const created = { caseReference: EXAMPLE_REF, workflowId: `incident-${EXAMPLE_REF}`, receivedAt: RECEIVED_AT };
  const readErrors = { ...signedInErrors() };
  const ops: OperationSpec[] = [
    {
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Whether Temporal, the register database and SMTP answer',
      tags: ['Service'],
      security: [],
      responses: {
        200: { description: 'All three answer', content: json(healthSchema(), 'Health', one({ status: 'ok', temporal: true, database: true, smtp: true })) },
        503: { description: 'One or more does not answer', content: json(healthSchema(), 'Health', one({ status: 'degraded', temporal: true, database: true, smtp: false })) },
        429: errorResponse(['RateLimited'], 'Too many requests from this address', ['Retry-After']),
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This document (OpenAPI 3.1)',
      tags: ['Service'],
      security: [],
      responses: { 200: { description: 'The OpenAPI document', content: json(z.looseObject({ openapi: z.literal('3.1.0') })) }, 429: errorResponse(['RateLimited'], 'Too many requests from this address', ['Retry-After']) },
    },
    {
      method: 'get',
      path: '/docs',
      operationId: 'apiDocsPage',
      summary: 'This document, rendered (swagger-ui, served from this server)',
      tags: ['Service'],
      security: [],
      responses: { 200: { description: 'The page', content: html('An HTML page') }, 429: errorResponse(['RateLimited'], 'Too many requests from this address', ['Retry-After']) },
    },
    {
      method: 'post',
      path: '/referrals',
      operationId: 'createReferral',
      summary: 'A referral: opens a case (the Appendix 1 form)',
      description:
        'Roles: `business-unit`, `referrer`. The system allocates the case reference. The answer comes once the case is ready for its first decision. Sent again with the same Idempotency-Key (a retry after a lost answer), the same case is answered (200), not a new one.',
      tags: ['Cases'],
      idempotent: true,
      body: json(referralRequestSchema, 'ReferralRequest', one(referralExample, `${REQUEST_EXAMPLE} (fictitious: config/example-referral.ts, the referring agency aware today; npm run -s example:referral prints it)`)),
      responses: {
        201: { description: 'The case was opened', headers: ['Location'], content: json(referralCreatedSchema(), 'ReferralCreated', one(created)) },
        200: { description: 'The same Idempotency-Key and form again: the case it opened', headers: ['Location'], content: json(referralCreatedSchema(), 'ReferralCreated', one(created)) },
        ...signedInErrors(),
        ...bodyErrors(),
        403: errorResponse(['RoleNotAllowed'], 'Your role may not make a referral'),
        409: errorResponse(['CaseClosed'], 'The case this key opened is closed'),
        422: errorResponse(['InvalidReferral', 'InvalidIdempotencyKey', 'IdempotencyKeyReused'], 'The form is not valid (each problem by path), or the Idempotency-Key is malformed or was used for another referral'),
        503: errorResponse(['TemporalUnavailable', 'SignInUnavailable'], 'The form is stored but the case engine did not answer: retry with the same Idempotency-Key', ['Retry-After']),
      },
    },
    {
      method: 'get',
      path: '/cases',
      operationId: 'listCases',
      summary: 'The cases, newest first, a page at a time',
      description:
        'Roles that read whole cases and `operations` list every case; a `referrer` their agency\'s referrals; a `reviewer` the cases they are commissioned on (such a page may hold fewer than `limit` cases while a next page exists).',
      tags: ['Cases'],
      query: documentedRequest(caseListQuerySchema(), { limit: { type: 'string', pattern: pageSizePattern(MAX_PAGE_SIZE), description: `A whole number from 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` } }),
      responses: {
        200: {
          description: 'A page of cases',
          content: json(caseListResponseSchema(), 'CaseList', one({ cases: [{ caseReference: EXAMPLE_REF, stage: 'awaiting-ssp-decision', openedAt: RECEIVED_AT, nextDeadline: '2026-12-07T23:59:59.999Z', overdue: 0, open: true }], nextCursor: null })),
        },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], 'Your role does not list cases'),
        422: errorResponse(['InvalidQuery'], `A parameter is not valid (limit at most ${MAX_PAGE_SIZE}), repeated or unknown`),
      },
    },
    {
      method: 'get',
      path: '/cases/{caseReference}',
      operationId: 'readCase',
      summary: 'A case, as much of it as your role reads',
      description:
        'The whole case (stage, deadlines with how they were counted, lateness, timeline, register rows, pending emails and rows) for `business-unit`, `ssp`, `rapid-review-chair`, `ld-chair`, and a `reviewer` commissioned on it; the referrer view for a `referrer` of the referring agency; the operations view for `operations`.',
      tags: ['Cases'],
      params: z.object({ caseReference: caseReferenceParam() }),
      responses: {
        200: {
          description: 'The case',
          content: json(caseReadSchema(), 'CaseRead', {
            whole: { summary: 'The whole case', value: EXAMPLE_CASE, schema: caseStatusSchema() },
            referrer: { summary: 'What a referrer reads', value: EXAMPLE_REFERRER_VIEW, schema: referrerViewSchema() },
            operations: { summary: 'What operations read', value: EXAMPLE_OPERATIONS_VIEW, schema: operationsViewSchema() },
          }),
        },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], 'This case is not open to your role'),
        404: errorResponse(['CaseNotFound'], 'No such case, or one whose existence your role may not learn'),
      },
    },
    {
      method: 'get',
      path: '/cases/{caseReference}/referral',
      operationId: 'readReferral',
      summary: 'The referral form of a case',
      description: 'Roles: `business-unit`, `ssp`, `rapid-review-chair`, `ld-chair`.',
      tags: ['Cases'],
      params: z.object({ caseReference: caseReferenceParam() }),
      responses: {
        200: { description: 'The form as stored', content: json(storedReferralSchema(referralFormSchema), 'StoredReferral', one({ caseReference: EXAMPLE_REF, referral: referralExample.referral })) },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], 'The referral form is read by the Business Unit, the SSP and the chairs only'),
        404: errorResponse(['CaseNotFound'], 'No such case'),
      },
    },
    ...DECISION_NAMES.map((name) => caseDecisionOperation(name, today)),
    {
      method: 'get',
      path: '/cases/{caseReference}/actions/{actionId}',
      operationId: 'readAction',
      summary: 'An improvement action: its deadlines, each step and how it was counted',
      description: "Roles that read every agency's actions, `operations`, and an `action-owner` of the owning agency.",
      tags: ['Improvement actions'],
      params: z.object({ caseReference: caseReferenceParam(), actionId: actionIdParam() }),
      responses: {
        200: { description: 'The action', content: json(actionStatusSchema(), 'ActionStatus', one(EXAMPLE_ACTION)) },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], 'Your role does not read improvement actions'),
        404: errorResponse(['ActionNotFound', 'CaseNotFound'], "No such action, or another agency's"),
      },
    },
    ...ACTION_DECISION_NAMES.map((name) => actionDecisionOperation(name, today)),
    {
      method: 'get',
      path: '/actions',
      operationId: 'actionLog',
      summary: 'The action log: every open action across all cases (§9.2)',
      description: "An action owner reads their own agency's; operations without the free text (owner, description, finding). JSON, or CSV with ?format=csv or Accept: text/csv.",
      tags: ['Improvement actions'],
      query: actionLogQuerySchema(),
      responses: {
        200: { description: 'The actions, by deadline', headers: ['Content-Disposition'], content: json(actionLogSchema(), 'ActionLog', one({ today: '2027-04-12', actions: [EXAMPLE_LOG_ROW] })), alternatives: [csv()] },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], 'The action log is not open to your role'),
        422: errorResponse(['InvalidQuery'], 'A parameter is not valid, repeated or unknown'),
      },
    },
    {
      method: 'get',
      path: '/actions/exceptions',
      operationId: 'exceptionReport',
      summary: 'The exception report: overdue open actions, by agency, oldest first',
      tags: ['Improvement actions'],
      query: exceptionsQuerySchema(),
      responses: {
        200: {
          description: 'The overdue actions by agency',
          headers: ['Content-Disposition'],
          content: json(exceptionReportSchema(), 'ExceptionReport', one({ today: '2027-04-12', agencies: [{ agency: 'Example Health Trust', actions: [EXAMPLE_LOG_ROW] }] })),
          alternatives: [csv()],
        },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], 'The exception report is not open to your role'),
        422: errorResponse(['InvalidQuery'], 'A parameter is not valid, repeated or unknown'),
      },
    },
    // The codec server (only when the API is given the payload codec: api/main.ts always).
    {
      method: 'get',
      path: '/codec/sign-in',
      operationId: 'codecSignInPage',
      summary: "The codec server's sign-in page (for the Temporal UI)",
      tags: ['Codec server'],
      security: [],
      responses: { 200: { description: 'The sign-in form, or who is signed in', content: html('An HTML page, no script') }, 429: errorResponse(['RateLimited'], 'Too many requests from this address', ['Retry-After']) },
    },
    {
      method: 'post',
      path: '/codec/sign-in',
      operationId: 'codecSignIn',
      summary: 'Sign in to the codec server with a token: a session cookie for the Temporal UI',
      description: 'Accepted only from the sign-in page of this server (Origin).',
      tags: ['Codec server'],
      security: [],
      body: { schema: codecSignInFormSchema(), contentType: 'application/x-www-form-urlencoded' },
      responses: {
        200: { description: 'Signed in', headers: ['Set-Cookie'], content: html('Who is signed in, and whether their role may decode') },
        401: { description: 'The token signs no one in', content: html('The form again') },
        403: { description: 'Not posted from this server\'s sign-in page', content: html('A refusal') },
        429: errorResponse(['RateLimited'], 'Too many requests from this address', ['Retry-After']),
        503: { description: 'Sign-in cannot check tokens just now', headers: ['Retry-After'], content: html('The form again') },
      },
    },
    {
      method: 'post',
      path: '/codec/sign-out',
      operationId: 'codecSignOut',
      summary: 'End the codec session',
      tags: ['Codec server'],
      security: [],
      responses: {
        200: { description: 'Signed out', content: html('The sign-in form') },
        403: { description: 'Not posted from this server\'s sign-in page', content: html('A refusal') },
        429: errorResponse(['RateLimited'], 'Too many requests from this address', ['Retry-After']),
      },
    },
    ...(['decode', 'encode'] as const).map(
      (operation): OperationSpec => ({
        method: 'post',
        path: `/codec/${operation}`,
        operationId: `codec${pascal(operation)}`,
        summary: `${operation === 'decode' ? 'Decode' : 'Encode'} Temporal payloads (the Temporal UI's codec endpoint)`,
        description: 'Roles: those that read the referral form. Every call is recorded (who, when, how many; never a payload). The bearer token, or the session cookie of /codec/sign-in.',
        tags: ['Codec server'],
        security: [{ [BEARER]: [] }, { [CODEC_SESSION]: [] }],
        body: json(codecPayloadsSchema(), 'CodecPayloads', one(EXAMPLE_PAYLOADS, `${REQUEST_EXAMPLE} (a JSON payload, base64)`)),
        responses: {
          200: { description: 'The payloads, in order', content: json(codecPayloadsSchema(), 'CodecPayloads', one(EXAMPLE_PAYLOADS)) },
          400: errorResponse(['MalformedJson', 'MalformedBody'], 'The body is not JSON or could not be read'),
          401: errorResponse(['Unauthenticated'], 'Neither a bearer token nor a session that signs someone in', ['WWW-Authenticate']),
          403: errorResponse(['DecodeNotAllowed'], 'Your role may not decode case payloads'),
          413: errorResponse(['BodyTooLarge'], 'More than 4 MB'),
          422: errorResponse(['InvalidPayloads', 'CannotDecode'], 'Not payloads, or not decodable with the keys this server holds'),
          429: errorResponse(['RateLimited'], 'Too many requests', ['Retry-After']),
          500: errorResponse(['InternalError'], 'A defect; its cause is logged by name only'),
          503: errorResponse(['SignInUnavailable'], 'Sign-in cannot check tokens just now', ['Retry-After']),
        },
      }),
    ),
  ];
  return ops;
}

let operations: { today: string; ops: OperationSpec[] } | undefined;

/** Every documented operation, with its zod schemas and examples (built once a London day: the request examples are dated that day). */
export function apiOperations(today: string = londonToday()): readonly OperationSpec[] {
  if (operations?.today !== today) operations = { today, ops: buildOperations(today) };
  return operations.ops;
}

/** The zod schema documented for a route's answer, for tests: the document's own. */
export function responseSchema(method: 'get' | 'post', path: string, status: number): z.ZodType {
  const op = apiOperations().find((o) => o.method === method && o.path === path);
  const schema = op?.responses[status]?.content?.schema;
  if (!schema) throw new Error(`No documented ${status} answer for ${method.toUpperCase()} ${path}`);
  return schema;
}

/** Every example in the document, with the schema it must pass. */
export function documentedExamples(): DocumentedExample[] {
  const found: DocumentedExample[] = [];
  const of = (where: string, content: Content | undefined) => {
    for (const [name, ex] of Object.entries(content?.examples ?? {})) found.push({ where: `${where} (${name})`, schema: ex.schema ?? content!.schema, value: ex.value });
  };
  for (const op of apiOperations()) {
    const at = `${op.method.toUpperCase()} ${op.path}`;
    of(`${at} request`, op.body);
    for (const [status, r] of Object.entries(op.responses)) of(`${at} ${status}`, r.content);
    for (const [kind, shape] of [['path', op.params], ['query', op.query]] as const) {
      for (const [key, schema] of Object.entries(shape?.shape ?? {}) as Array<[string, z.ZodType]>) {
        const example = (schema.meta() as { example?: unknown } | undefined)?.example;
        if (example !== undefined) found.push({ where: `${at} ${kind} ${key}`, schema, value: example });
      }
    }
  }
  const key = idempotencyKeySchema();
  found.push({ where: 'Idempotency-Key header', schema: key, value: (key.meta() as { example: unknown }).example });
  return found;
}

// ---- The document --------------------------------------------------------------------------------

/** Component names, given once per schema instance (zod's registry keeps an id to one schema). */
function named(content: Content): z.ZodType {
  return content.name ? content.schema.meta({ id: content.name }) : content.schema;
}

function buildDocument(today: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "An access token the partnership's OpenID Connect provider issues for this API (SIGN_IN=oidc: its iss, aud, exp and signature are checked; the person's id, role and agency come from its claims), or in development (SIGN_IN=dev-tokens) a token of the users file, e.g. dev-business-unit-token.",
  });
  registry.registerComponent('securitySchemes', CODEC_SESSION, { type: 'apiKey', in: 'cookie', name: CODEC_SESSION_COOKIE, description: 'The session of /codec/sign-in (the Temporal UI sends it with "include cross-origin credentials")' });
  for (const [name, header] of Object.entries(HEADERS)) registry.registerComponent('headers', name, header);
  // registry.registerParameter would need zod's prototype patched (.openapi): the header is given per route.
  const idempotencyKey = z.object({ 'Idempotency-Key': idempotencyKeySchema().optional() });

  // One instance per component name: a name given twice would be two schemas to zod's registry.
  const namedSchemas = new Map<string, z.ZodType>();
  const schemaOf = (content: Content) => {
    if (!content.name) return content.schema;
    const existing = namedSchemas.get(content.name);
    if (existing) return existing;
    const schema = named(content);
    namedSchemas.set(content.name, schema);
    return schema;
  };
  const media = (content: Content) => ({
    schema: schemaOf(content),
    ...(content.examples ? { examples: Object.fromEntries(Object.entries(content.examples).map(([k, { summary, value }]) => [k, { ...(summary ? { summary } : {}), value }])) } : {}),
  });
  const contentOf = (...contents: Content[]) => Object.fromEntries(contents.map((c) => [c.contentType ?? 'application/json', media(c)]));

  // What the routes check that the generator cannot read (api/openapi-schemas.ts documentedRequest).
  documentedRequest(referralFormSchema, REFERRAL_FORM_RULES);
  for (const op of apiOperations(today)) {
    if (op.body) documentedRequest(op.body.schema);
    if (op.query) documentedRequest(op.query);
    // An answer's schema may be the same component as a request's (CodecPayloads): said the same way.
    for (const r of Object.values(op.responses)) if (r.content) documentedRequest(r.content.schema);
    const responses: Record<string, ResponseConfig> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.headers?.length ? { headers: Object.fromEntries(r.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) } : {}),
        ...(r.content ? { content: contentOf(r.content, ...(r.alternatives ?? [])) } : {}),
      };
    }
    const route: RouteConfig = {
      method: op.method,
      path: op.path,
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: op.tags,
      ...(op.security ? { security: op.security } : {}),
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.idempotent ? { headers: idempotencyKey } : {}),
        ...(op.body ? { body: { required: true, content: contentOf(op.body) } } : {}),
      },
      responses,
    };
    registry.registerPath(route);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description: [
        "Staff API of the Safeguarding Partnership's serious child safeguarding incident procedure (DSP 1.5): referrals open cases; staff record decisions; every deadline is watched by the case's workflow.",
        'Every answer is JSON with `Cache-Control: no-store` and an `X-Request-Id`; every error is `{ "error": { "code", "message", "problems"? } }`, its code one of the enum in the Error schema. A message never repeats what was sent. Examples are fictitious.',
        'A method a path does not have is answered 405 `MethodNotAllowed` with an `Allow` header listing those it has; a path that is not here, 404 `NotFound`.',
        `The request examples are dated ${today} (London), the day this document was served, and each says it is an example: replace its words before sending.`,
      ].join('\n\n'),
    },
    security: [{ [BEARER]: [] }],
    tags: [
      { name: 'Cases' },
      { name: 'Case decisions', description: 'One path per decision: who may record it, when, and its payload' },
      { name: 'Improvement actions', description: 'Action plans (§9.2, §16.2), the action log and the exception report' },
      { name: 'Codec server', description: 'For the Temporal UI to read encrypted payloads' },
      { name: 'Service' },
    ],
  });
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;
let document: { today: string; document: OpenApiDocument; json: string } | undefined;

/** The document, built on first use and kept for the London day (its request examples are dated that day). */
export function openApiDocument(today: string = londonToday()): OpenApiDocument {
  if (document?.today !== today) {
    const built = buildDocument(today);
    document = { today, document: built, json: JSON.stringify(built) };
  }
  return document.document;
}

/** As served: serialised once a day (a few hundred kB). */
function openApiJson(): string {
  const today = londonToday();
  openApiDocument(today);
  return document!.json;
}

// ---- The page ------------------------------------------------------------------------------------

/** What the page loads: swagger-ui's own files (swagger-ui-dist, through swagger-ui-express) and the init script. */
const DOCS_ASSETS = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js', '/swagger-ui-standalone-preset.js', '/swagger-ui-init.js', '/favicon-32x32.png', '/favicon-16x16.png']);

/**
 * The page's own policy, in place of the API's `default-src 'none'`: swagger-ui's script and style
 * from this server only (no inline script or style: the page below has none), the document fetched
 * from here, and the icons its stylesheet holds as data: URIs.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// swagger-ui-express's own page has inline styles; this one has none, so the policy needs no
// 'unsafe-inline' and no hashes. The symbols are those swagger-ui's icons refer to.
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${API_TITLE}</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true">
<defs>
<symbol viewBox="0 0 20 20" id="unlocked"><path d="M15.8 8H14V5.6C14 2.703 12.665 1 10 1 7.334 1 6 2.703 6 5.6V6h2v-.801C8 3.754 8.797 3 10 3c1.203 0 2 .754 2 2.199V8H4c-.553 0-1 .646-1 1.199V17c0 .549.428 1.139.951 1.307l1.197.387C5.672 18.861 6.55 19 7.1 19h5.8c.549 0 1.428-.139 1.951-.307l1.196-.387c.524-.167.953-.757.953-1.306V9.199C17 8.646 16.352 8 15.8 8z"/></symbol>
<symbol viewBox="0 0 20 20" id="locked"><path d="M15.8 8H14V5.6C14 2.703 12.665 1 10 1 7.334 1 6 2.703 6 5.6V8H4c-.553 0-1 .646-1 1.199V17c0 .549.428 1.139.951 1.307l1.197.387C5.672 18.861 6.55 19 7.1 19h5.8c.549 0 1.428-.139 1.951-.307l1.196-.387c.524-.167.953-.757.953-1.306V9.199C17 8.646 16.352 8 15.8 8zM12 8H8V5.199C8 3.754 8.797 3 10 3c1.203 0 2 .754 2 2.199V8z"/></symbol>
<symbol viewBox="0 0 20 20" id="close"><path d="M14.348 14.849c-.469.469-1.229.469-1.697 0L10 11.819l-2.651 3.029c-.469.469-1.229.469-1.697 0-.469-.469-.469-1.229 0-1.697l2.758-3.15-2.759-3.152c-.469-.469-.469-1.228 0-1.697.469-.469 1.228-.469 1.697 0L10 8.183l2.651-3.031c.469-.469 1.228-.469 1.697 0 .469.469.469 1.229 0 1.697l-2.758 3.152 2.758 3.15c.469.469.469 1.229 0 1.698z"/></symbol>
<symbol viewBox="0 0 20 20" id="large-arrow"><path d="M13.25 10L6.109 2.58c-.268-.27-.268-.707 0-.979.268-.27.701-.27.969 0l7.83 7.908c.268.271.268.709 0 .979l-7.83 7.908c-.268.271-.701.27-.969 0-.268-.269-.268-.707 0-.979L13.25 10z"/></symbol>
<symbol viewBox="0 0 20 20" id="large-arrow-down"><path d="M17.418 6.109c.272-.268.709-.268.979 0s.271.701 0 .969l-7.908 7.83c-.27.268-.707.268-.979 0l-7.908-7.83c-.27-.268-.27-.701 0-.969.271-.268.709-.268.979 0L10 13.25l7.418-7.141z"/></symbol>
<symbol viewBox="0 0 24 24" id="jump-to"><path d="M19 7v4H5.83l3.58-3.59L8 6l-6 6 6 6 1.41-1.41L5.83 13H21V7z"/></symbol>
<symbol viewBox="0 0 24 24" id="expand"><path d="M10 18h4v-2h-4v2zM3 6v2h18V6H3zm3 7h12v-2H6v2z"/></symbol>
</defs>
</svg>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/swagger-ui-init.js"></script>
</body>
</html>
`;

/**
 * GET /openapi.json and GET /docs, with the page's files. Public: the document holds no personal
 * data. Mounted before sign-in, after the request ID and security headers (it replaces the CSP).
 */
export function apiDocsRoutes(): Router {
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('json').send(openApiJson());
  });
  router.use('/docs', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    next();
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  // Only the files the page loads: not swagger-ui-dist's sample page, its source maps or package.json.
  router.use('/docs', (req, res, next) => (DOCS_ASSETS.has(req.path) ? next() : sendError(res, 404, 'NotFound', 'No such resource')));
  // The init script swagger-ui-express writes: the document from /openapi.json, no top bar (whose
  // box would load any address), no online validator (it would send the document elsewhere).
  router.use('/docs', ...swaggerUi.serveFiles(undefined, { swaggerUrl: '/openapi.json', swaggerOptions: { layout: 'BaseLayout', validatorUrl: null, deepLinking: true } }));
  return router;
}
