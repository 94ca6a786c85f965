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
import type { ActionLogRow, ExceptionGroup } from '../activities/action-register';
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

/** The Temporal UI's payloads, as the codec server takes and gives them (base64): its own schema. */
export { codecPayloadsSchema } from './codec-server';

/** The body of the codec's sign-in form. */
export const codecSignInFormSchema = () => z.strictObject({ token: z.string().min(1).describe('An access token, as a bearer token would be sent') });
