// The document's examples (fictitious: config/example-referral.ts is test data; no real person):
// a request example for every decision, the answers' examples, and the error answers' messages.
//
// The request examples are for "Try it out": each is true on the day the document is served (its
// dates relative to London's today, an instant left out so that it is now), and each says it is an
// example, so that one sent as it is records nothing that could pass for a real reason.
import type { z } from 'zod';
import { addDays, londonToday } from '../../config/example-referral';
import type { ACTION_DECISIONS, ActionDecisionName } from '../../domain/action';
import type { DECISIONS, DecisionName } from '../../domain/decisions';
import type { ErrorCode } from '../errors';
import { BODY_LIMIT } from '../requests';

export const EXAMPLE_REF = 'DSP-2026-0001';
export const RECEIVED_AT = '2026-11-30T09:12:00.000Z';
/** What each request example is called in the document. */
export const REQUEST_EXAMPLE = 'Example: replace before sending';
const RATIONALE = 'Example rationale: replace with the real reasons';
const NOTE = 'Example note: replace with the real one';
const REASON = 'Example reason: replace with the real one';

/**
 * An example payload for each case decision, true on `today` (London's date) for a case opened that
 * day; the test sends them. A new decision may have none: it is documented from its schema alone
 * (Swagger UI builds an example from it), so adding one to the table needs nothing here.
 */
export const caseDecisionExamples = (today: string = londonToday()): { [K in DecisionName]?: z.input<ReturnType<(typeof DECISIONS)[K]['schema']>> } => ({
  'ssp-informed': { note: NOTE },
  'ssp-decision': { outcome: 'criteria-met', rationale: RATIONALE },
  'referrer-feedback-sent': { note: NOTE },
  'shared-with-ld-chair': { note: NOTE },
  'looked-after-death-notified': { note: NOTE },
  'care-leaver-death-notified': { note: NOTE },
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
  // §6.5, Appendix 2: the request, by a date before the meeting; an agency's return.
  'rapid-review-information-requested': { agencies: [{ agency: 'Example Police' }, { agency: 'Example Health Trust' }], returnsDueOn: addDays(today, 7) },
  'rapid-review-return': {
    involvement: 'Example: replace with the nature of the agency’s involvement with the child and family',
    safeguardingIssues: 'Example: replace with the safeguarding issues the agency knew of',
    informationHeld: 'Example: replace with the information the agency holds about the incident',
    author: 'Example Author, safeguarding lead',
    chronology: [
      { date: addDays(today, -400), time: '09:30', event: 'Example event: replace', agency: 'Example Health Trust', source: 'Example records', involved: 'Example: who was involved', decisionsAndOutcome: 'Example: the decisions and outcome', childSeen: 'yes', childViews: 'Example: the child’s views' },
    ],
  },
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

export const EXAMPLE_DECISION_RESULT = {
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

export const EXAMPLE_CASE = {
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
export const EXAMPLE_REFERRER_VIEW = { caseReference: EXAMPLE_REF, stage: 'awaiting-ssp-decision', receivedAt: RECEIVED_AT, deadlines: viewDeadlines };
export const EXAMPLE_OPERATIONS_VIEW = {
  caseReference: EXAMPLE_REF,
  rulebookVersion: '2023-07',
  stage: 'awaiting-ssp-decision',
  receivedAt: RECEIVED_AT,
  deadlines: [...viewDeadlines, { id: 'ssp-informed', obligation: 'SSP informed of the referral', round: 1, status: 'met', dueDate: '2026-12-01' }],
  counts: { open: 2, missed: 0, metLate: 0, met: 1, closed: 0 },
  pending: { notices: 0, records: 0 },
};

export const EXAMPLE_ACTION = {
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

export const EXAMPLE_LOG_ROW = {
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

export const EXAMPLE_PAYLOADS = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"note":"example"}').toString('base64') }] };

// ---- The error answers' examples -----------------------------------------------------------------

/** The messages the API sends with its common codes (examples of the error answers); a function, like the schemas: built when the document is. */
export const exampleMessages = (): Partial<Record<ErrorCode, string>> => ({
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

export const EXAMPLE_PROBLEMS: Partial<Record<ErrorCode, Array<{ path: string; message: string }>>> = {
  InvalidReferral: [{ path: 'referral.children.0.postcode', message: "Child's postcode must be a UK postcode, e.g. AB1 2CD" }],
  InvalidDecision: [
    { path: 'outcome', message: 'Invalid option: expected one of "criteria-met"|"not-met-learning"|"not-met-no-further-action"' },
    { path: 'occurredAt', message: 'must be an ISO date-time with Z or an offset, e.g. 2026-07-01T08:00:00Z (at most 9 decimal places)' },
  ],
  InvalidQuery: [{ path: 'status', message: 'status must be open or all, once' }],
};
