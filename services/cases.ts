// The case service: open a case from a referral, read a case as the signed-in person may, record
// a case decision, read the referral form. The JSON API (api/) is one adapter over it; the staff
// pages are the second. Every check that protects the child's record is made here, on the server,
// whoever calls: who may read what (domain/access.ts), who may decide what (domain/decisions.ts).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { caseReadFor, mayReadReferral, maySendReferral, REFERRING_ROLES, operationsView, referrerView, type OperationsView, type ReferrerView } from '../domain/access';
import { CASE_REFERENCE_PATTERN, type CaseStatus, type DecisionResult } from '../domain/case';
import { decisionsFitting, isDecisionName, roleRefusal, type DecisionName } from '../domain/decisions';
import { zodProblems, type Problem } from '../domain/errors';
import { caseOpeningOf } from '../domain/incident';
import type { Actor } from '../domain/roles';
import { DEFAULT_RULEBOOK } from '../domain/rulebook';
import { isCareLeaverForm, type CaseRegister } from '../register/cases';
import type { CaseEntry } from '../register/events';
import type { Register } from '../register/register';
import { decisionUpdate, statusQuery, workflowIdFor, type IncidentInput } from '../workflows/contract';
import { careLeaverPathOpen, openCareLeaverDeath } from './care-leaver';
import { allocateOpening, receivedAtOf, startCaseWorkflow } from './case-opening';
import { fromRegister } from './register-calls';
import { Refused } from './refused';
import { referralRequestSchema } from './requests';
import type { Bounded } from './temporal-calls';
import { checkIdempotencyKey, decideThroughUpdate, type DecisionSubmission, type UpdateOutcome } from './through-update';

export interface CaseServiceDependencies {
  temporal: Client;
  /** The register (its case register seals the referral and the free text it keeps). */
  register: Register;
  bounded: Bounded;
  /** The bound on a Temporal call (a decision's acceptBy is taken from it). */
  timeoutMs: number;
  rulebookVersion?: string | undefined;
  now: () => Date;
  /** The agencies of the partnership's directory: an action plan may name only these (§16.2). */
  agencies?: readonly string[] | undefined;
}

/** What a case was opened from, as read: the referral form, or a care leaver's death notification (WT 2023 ch. 5). */
export type StoredFormRead = { caseReference: string; referral: unknown; careLeaverDeath?: undefined } | { caseReference: string; referral?: undefined; careLeaverDeath: unknown };

/** A case opened from a referral; `created` false when the same request had opened it before. */
export interface OpenedCase {
  caseReference: string;
  workflowId: string;
  receivedAt: string;
  created: boolean;
}

/** The case reference as given, read case-insensitively (dsp-2026-0001 is DSP-2026-0001). */
export function caseReferenceOf(given: string): string {
  const ref = given.toUpperCase();
  if (!CASE_REFERENCE_PATTERN.test(ref)) throw new Refused(404, 'CaseNotFound', 'No case has that reference: a case reference looks like DSP-2026-0001');
  return ref;
}

/**
 * A case as one person may read it: the whole case (with its register rows, null when the register
 * did not answer, and the decisions this person may make now), or the referrer's or operations' view.
 */
export type CaseView =
  | { view: 'whole'; status: CaseStatus; register: CaseEntry[] | null; decisionsOpen: DecisionName[] }
  | { view: 'referrer'; status: ReferrerView }
  | { view: 'operations'; status: OperationsView };

/** A refused read: 404 where even the case's existence would tell something, else 403. */
function refusedRead(status: 403 | 404, ref: string): Refused {
  if (status === 404) return new Refused(404, 'CaseNotFound', `No case ${ref}`);
  return new Refused(403, 'ReadNotAllowed', 'This case is not open to your role');
}

/** Opens a case from a referral (caseService's openReferral). */
async function openReferral(deps: CaseServiceDependencies, cases: CaseRegister, actor: Actor, body: unknown, idempotencyKey?: string): Promise<OpenedCase> {
  if (!maySendReferral(actor)) {
    throw new Refused(403, 'RoleNotAllowed', `The role ${actor.role} may not do this; allowed: ${REFERRING_ROLES.join(', ')}`);
  }
  const parsed = referralRequestSchema.safeParse(body);
  if (!parsed.success) throw new Refused(422, 'InvalidReferral', 'The referral is not valid', zodProblems(parsed.error, body));
  const key = checkIdempotencyKey(idempotencyKey);
  const { referral } = parsed.data;
  const receivedAt = receivedAtOf(deps, parsed.data.receivedAt, 'InvalidReferral', 'referral');
  const allocated = await allocateOpening(cases, actor, receivedAt, referral, 'referral', key, 'referral');
  const { caseReference } = allocated;
  const input: IncidentInput = { start: caseOpeningOf(caseReference, receivedAt, deps.rulebookVersion ?? DEFAULT_RULEBOOK, actor, referral) };
  await startCaseWorkflow(deps, caseReference, input, 'referral-received', 'referral');
  return { caseReference, workflowId: workflowIdFor(caseReference), receivedAt, created: allocated.created };
}

/** The form a case was opened from (caseService's readReferral): every reading is audited first. */
async function readStoredForm(deps: CaseServiceDependencies, cases: CaseRegister, actor: Actor, ref: string): Promise<StoredFormRead> {
  if (!mayReadReferral(actor)) throw new Refused(403, 'ReadNotAllowed', 'The referral form is read by the Business Unit, the SSP and the chairs only');
  const form = await fromRegister(() => cases.storedFormOf(ref));
  if (!form) throw new Refused(404, 'CaseNotFound', `No case ${ref}`);
  // Every reading of the form is recorded (who, when, which case) before it is shown: an
  // outage of the audit refuses the read rather than let it go unrecorded.
  await fromRegister(() => deps.register.webSessions.recordReferralView({ at: deps.now().toISOString(), actorId: actor.id, actorRole: actor.role, caseReference: ref }));
  // A care leaver's death notification (WT 2023 ch. 5) answers under its own name.
  return isCareLeaverForm(form) ? { caseReference: ref, careLeaverDeath: form.careLeaverDeath } : { caseReference: ref, referral: form };
}

/** The rows of a list whose `agency` is not one of the directory's, as problems on the list's path. */
function agenciesNotInDirectory(agencies: readonly string[], list: unknown, path: string, what: string): Problem[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((a: { agency?: unknown } | null, i) =>
    typeof a?.agency === 'string' && !agencies.includes(a.agency)
      ? [{ path: `${path}.${i}.agency`, message: `agency (${what} ${i + 1}) is not one of the partnership's agencies; send one of: ${agencies.join(', ')}` }]
      : [],
  );
}

/**
 * §16.2: every agency named in an action plan must be one the directory can reach; §6.5: so must
 * every agency asked for its information (its contacts are reminded).
 */
function unknownAgencies(agencies: readonly string[] | undefined, decision: string, body: unknown): Problem[] {
  if (!agencies) return [];
  if (decision === 'rapid-review-information-requested') return agenciesNotInDirectory(agencies, (body as { agencies?: unknown } | null)?.agencies, 'agencies', 'agency asked');
  if (decision !== 'actions-agreed') return [];
  const actions = (body as { actions?: unknown } | null)?.actions;
  if (!Array.isArray(actions)) return [];
  return actions.flatMap((a: { agency?: unknown }, i) =>
    typeof a?.agency === 'string' && !agencies.includes(a.agency)
      ? [{ path: `actions.${i}.agency`, message: `agency (action ${i + 1}) is not one of the partnership's agencies; send one of: ${agencies.join(', ')}` }]
      : [],
  );
}

export function caseService(deps: CaseServiceDependencies) {
  const cases = deps.register.cases;

  async function readCaseView(actor: Actor, ref: string): Promise<CaseView> {
    try {
      const state = await deps.bounded(() => deps.temporal.workflow.getHandle(workflowIdFor(ref)).query(statusQuery));
      const read = caseReadFor(actor, state.facts);
      if ('refuse' in read) throw refusedRead(read.refuse, ref);
      if (read.view === 'referrer') return { view: 'referrer', status: referrerView(state) };
      if (read.view === 'operations') return { view: 'operations', status: operationsView(state) };
      const register = await fromRegister(() => cases.caseEntries(ref)).catch(() => null);
      // What fits the case now that this person's role may record (the case checks the rest when they do).
      const decisionsOpen = decisionsFitting(state).filter((n) => roleRefusal(n, actor.role) === undefined);
      return { view: 'whole', status: state, register, decisionsOpen };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new Refused(404, 'CaseNotFound', `No case ${ref}`);
      throw err;
    }
  }

  /** A case the register knows whose workflow is gone (completed, past retention) is closed. */
  async function closedOrNotFound(ref: string): Promise<never> {
    if (await fromRegister(() => cases.caseExists(ref))) throw new Refused(409, 'CaseClosed', `Case ${ref} is closed`);
    throw new Refused(404, 'CaseNotFound', `No case ${ref}`);
  }

  return {
    /**
     * §13: the referral form is kept once, in the register, under a reference the system allocates;
     * then the case's workflow starts and answers once its opening obligations are open. The same
     * Idempotency-Key finds the same case.
     */
    openReferral: (actor: Actor, body: unknown, idempotencyKey?: string) => openReferral(deps, cases, actor, body, idempotencyKey),

    /** WT 2023 ch. 5: a care leaver's death notified, a case of its own kind (services/care-leaver.ts). */
    openCareLeaverDeath: (actor: Actor, body: unknown, idempotencyKey?: string) => openCareLeaverDeath(deps, cases, actor, body, idempotencyKey),
    /** Whether new cases start under a rulebook with that path (WT-2023): the pages offer it only then. */
    careLeaverPathOpen: (): boolean => careLeaverPathOpen(deps.rulebookVersion ?? DEFAULT_RULEBOOK),

    /**
     * The case as this person may read it: the whole case with its register rows, or the
     * referrer's or operations' view (domain/access.ts). The register being unreachable delays its
     * rows; the case itself still answers.
     */
    async readCase(actor: Actor, ref: string): Promise<object> {
      const read = await readCaseView(actor, ref);
      if (read.view !== 'whole') return read.status;
      return { ...read.status, register: read.register, ...(read.register === null ? { registerUnavailable: true } : {}) };
    },

    /** The same read, typed by view (what the staff pages render). */
    readCaseView: (actor: Actor, ref: string) => readCaseView(actor, ref),

    /** The referral form, for the Business Unit, the SSP and the chairs only. */
    readReferral: (actor: Actor, ref: string) => readStoredForm(deps, cases, actor, ref),

    /**
     * A decision on the case: the name and the role are checked on every request (a replayed key
     * included), then the case checks the rest. The answer is as much as the person may read: every
     * role that records a case decision reads the whole case, but the policy is still checked,
     * against the facts the answer carries.
     */
    async recordDecision(ref: string, decision: string, submission: DecisionSubmission): Promise<UpdateOutcome<object>> {
      if (!isDecisionName(decision)) throw new Refused(404, 'UnknownDecision', 'There is no decision by that name');
      const roleRefused = roleRefusal(decision, submission.actor.role);
      if (roleRefused) throw new Refused(403, 'RoleNotAllowed', roleRefused);
      const unknown = unknownAgencies(deps.agencies, decision, submission.body);
      if (unknown.length > 0) throw new Refused(422, 'InvalidDecision', `The ${decision} decision is not valid`, unknown);
      const outcome = await decideThroughUpdate<DecisionResult>({ bounded: deps.bounded, timeoutMs: deps.timeoutMs }, submission, {
        handle: deps.temporal.workflow.getHandle(workflowIdFor(ref)),
        update: decisionUpdate(decision),
        name: decision,
        gone: () => closedOrNotFound(ref),
      });
      if (outcome.kind === 'accepted') return outcome;
      const { requestHash: _hash, requestId: _id, ...answer } = outcome.answer;
      const read = caseReadFor(submission.actor, outcome.answer.facts);
      if ('refuse' in read || read.view !== 'whole') return { ...outcome, answer: { caseReference: ref, stage: outcome.answer.stage } };
      return { ...outcome, answer };
    },
  };
}

export type CaseService = ReturnType<typeof caseService>;
