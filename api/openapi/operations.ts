// The operations table: every route the API serves, its statuses, its request and answer schemas
// and its examples. The document (api/openapi/document.ts) is generated from it, and the tests read
// it (apiOperations, responseSchema, documentedExamples).
import { z } from 'zod';
import { exampleReferral, londonToday } from '../../config/example-referral';
import { ACTION_DECISIONS, ACTION_DECISION_NAMES, type ActionDecisionName } from '../../domain/action';
import { DECISION_NAMES, DECISIONS, type DecisionName } from '../../domain/decisions';
import { referralFormSchema } from '../../domain/referral-form';
import { actionLogQuerySchema, exceptionsQuerySchema } from '../action-log';
import { caseListQuerySchema, caseListResponseSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../case-list';
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
  exceptionReportSchema,
  healthSchema,
  operationsViewSchema,
  referralCreatedSchema,
  referrerViewSchema,
  storedCareLeaverSchema,
  storedReferralSchema,
} from '../openapi-schemas';
import { careLeaverFormSchema } from '../../domain/care-leaver-form';
import { referralRequestSchema } from '../requests';
import { careLeaverRequestSchema } from '../../services/care-leaver';
import { exampleCareLeaverForm } from '../../config/example-care-leaver';
import { returnOperations } from './returns';
import {
  actionDecisionExamples,
  caseDecisionExamples,
  EXAMPLE_ACTION,
  EXAMPLE_CASE,
  EXAMPLE_DECISION_RESULT,
  EXAMPLE_LOG_ROW,
  EXAMPLE_OPERATIONS_VIEW,
  EXAMPLE_PAYLOADS,
  EXAMPLE_REF,
  EXAMPLE_REFERRER_VIEW,
  RECEIVED_AT,
  REQUEST_EXAMPLE,
} from './examples';
import { notificationPackOperation } from './notification-pack';
import {
  actionIdParam,
  BEARER,
  bodyErrors,
  caseReferenceParam,
  CODEC_SESSION,
  csv,
  errorResponse,
  html,
  idempotencyKeySchema,
  json,
  one,
  pageSizePattern,
  pascal,
  rolesOf,
  signedInErrors,
  type Content,
  type DocumentedExample,
  type OperationSpec,
  type ResponseSpec,
} from './spec';

/** The request example, when the decision has one. */
const exampleOf = (value: unknown) => (value === undefined ? undefined : one(value, REQUEST_EXAMPLE));

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
    body: json(DECISIONS[name].schema(), `CaseDecision.${pascal(name)}`, exampleOf(caseDecisionExamples(today)[name])),
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

/** The service's own routes: health, this document and its page. Public. */
function serviceOperations(): OperationSpec[] {
  return [
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
  ];
}

/** Referrals, the case list, a case and its referral form, and a path for every case decision. */
function caseOperations(today: string, readErrors: Record<number, ResponseSpec>, referralExample: ReturnType<typeof exampleReferral>): OperationSpec[] {
  const created = { caseReference: EXAMPLE_REF, workflowId: `incident-${EXAMPLE_REF}`, receivedAt: RECEIVED_AT };
  return [
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
    careLeaverDeathOperation(today, created),
    {
      method: 'get',
      path: '/cases',
      operationId: 'listCases',
      summary: 'The cases, newest first, a page at a time',
      description:
        'Roles that read whole cases and `operations` list every case; a `referrer` their agency\'s referrals; a `reviewer` the cases they are commissioned on. Read from each case\'s summary in the register, which follows the case a moment behind it.',
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
        200: {
          description: "The form as stored: the Appendix 1 referral, or a care leaver's death notification (WT 2023 ch. 5) under `careLeaverDeath`",
          content: json(z.union([storedReferralSchema(referralFormSchema), storedCareLeaverSchema(careLeaverFormSchema)]), 'StoredReferral', one({ caseReference: EXAMPLE_REF, referral: referralExample.referral })),
        },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], 'The referral form is read by the Business Unit, the SSP and the chairs only'),
        404: errorResponse(['CaseNotFound'], 'No such case'),
      },
    },
    ...DECISION_NAMES.map((name) => caseDecisionOperation(name, today)),
  ];
}

/** WT 2023 ch. 5: a care leaver's death notified, a case of its own kind (services/care-leaver.ts). */
function careLeaverDeathOperation(today: string, created: { caseReference: string; workflowId: string; receivedAt: string }): OperationSpec {
  return {
    method: 'post',
    path: '/care-leaver-deaths',
    operationId: 'createCareLeaverDeath',
    summary: "The death of a care leaver aged 24 or under: opens a case of its own (WT 2023 ch. 5)",
    description:
      "Roles: `business-unit`, `referrer`. Only where the partnership file's `rulebook` is `WT-2023`. The local authority notifies the Secretary of State and Ofsted within 5 working days of becoming aware; no rapid review or LCSPR follows (if abuse or neglect is suspected, send a referral as well). Refused when the care leaver was 25 or older on the date of death, when a date lies in the future or the death before the birth. Sent again with the same Idempotency-Key, the same case is answered (200).",
    tags: ['Cases'],
    idempotent: true,
    body: json(careLeaverRequestSchema, 'CareLeaverDeathRequest', one({ careLeaverDeath: exampleCareLeaverForm(today) }, `${REQUEST_EXAMPLE} (fictitious: config/example-care-leaver.ts)`)),
    responses: {
      201: { description: 'The case was opened', headers: ['Location'], content: json(referralCreatedSchema(), 'ReferralCreated', one(created)) },
      200: { description: 'The same Idempotency-Key and form again: the case it opened', headers: ['Location'], content: json(referralCreatedSchema(), 'ReferralCreated', one(created)) },
      ...signedInErrors(),
      ...bodyErrors(),
      403: errorResponse(['RoleNotAllowed'], 'Your role may not send a notification'),
      409: errorResponse(['CaseClosed'], 'The case this key opened is closed'),
      422: errorResponse(['InvalidReferral', 'InvalidIdempotencyKey', 'IdempotencyKeyReused'], "The form is not valid (each problem by path: the care leaver 25 or older on the date of death among them), the partnership is not under WT-2023, or the Idempotency-Key is malformed or was used for another notification"),
      503: errorResponse(['TemporalUnavailable', 'SignInUnavailable'], 'The form is stored but the case engine did not answer: retry with the same Idempotency-Key', ['Retry-After']),
    },
  };
}

/** An improvement action, a path for every decision on one, the action log and the exception report. */
function actionOperations(today: string, readErrors: Record<number, ResponseSpec>): OperationSpec[] {
  return [
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
  ];
}

/** The codec server (only when the API is given the payload codec: api/main.ts always). */
function codecOperations(): OperationSpec[] {
  return [
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
}

function buildOperations(today: string): OperationSpec[] {
  const referralExample = exampleReferral(today);
  const readErrors = { ...signedInErrors() };
  return [
    ...serviceOperations(),
    ...caseOperations(today, readErrors, referralExample),
    notificationPackOperation(readErrors),
    ...returnOperations(),
    ...actionOperations(today, readErrors),
    ...codecOperations(),
  ];
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
