// Who may read what, in one place (§13: the referral is special-category personal data about
// children). Decided from the signed-in person (never from what a request claims) and the case.
import type { CaseStatus, ObligationView } from './case';
import type { Actor, Role } from './roles';

/** Roles that read whole cases and the referral form. */
export const READS_WHOLE_CASES: readonly Role[] = ['business-unit', 'ssp', 'rapid-review-chair', 'ld-chair'];

/**
 * How much of a case a person may read: all of it, what a referrer is told, what operations need
 * to run the system; or nothing, as 404 where even the case's existence would disclose something.
 */
export type CaseRead = { view: 'whole' | 'referrer' | 'operations' } | { refuse: 403 | 404 };

export function caseReadFor(actor: Actor, facts: CaseStatus['facts']): CaseRead {
  if (READS_WHOLE_CASES.includes(actor.role)) return { view: 'whole' };
  switch (actor.role) {
    case 'reviewer':
      // §8: an independent reviewer reads the cases they are commissioned on.
      return facts.reviewerIds?.includes(actor.id) ? { view: 'whole' } : { refuse: 404 };
    case 'referrer':
      // A referring agency follows its own referrals: their stage, deadlines and outcome (§5.7).
      return facts.referringAgency !== undefined && facts.referringAgency === actor.agency ? { view: 'referrer' } : { refuse: 404 };
    case 'operations':
      return { view: 'operations' };
    default:
      // Action owners read their agency's actions (the action-plan workflow), not the case.
      return { refuse: 404 };
  }
}

/**
 * Which cases a person may list (GET /cases): every case, for the roles that read whole cases and
 * for operations (what the listing shows is in both their views); for referrers and reviewers, the
 * cases caseReadFor lets them read, judged case by case from each case's facts; for anyone else none.
 */
export type CaseListRead = { scope: 'all' } | { scope: 'each-case' } | { refuse: 403 };

export function caseListFor(actor: Actor): CaseListRead {
  if (READS_WHOLE_CASES.includes(actor.role) || actor.role === 'operations') return { scope: 'all' };
  if (actor.role === 'referrer' || actor.role === 'reviewer') return { scope: 'each-case' };
  return { refuse: 403 };
}

/** Who may send a referral (§13): the Business Unit, and a referring agency. */
export const REFERRING_ROLES: readonly Role[] = ['business-unit', 'referrer'];

export function maySendReferral(actor: Actor): boolean {
  return REFERRING_ROLES.includes(actor.role);
}

/** The Appendix 1 form: the roles that read whole cases, nobody else. */
export function mayReadReferral(actor: Actor): boolean {
  return READS_WHOLE_CASES.includes(actor.role);
}

interface Deadline {
  id: string;
  obligation: string;
  round: number;
  status: ObligationView['status'];
  dueDate: string;
  late?: ObligationView['late'];
}

function deadline(v: ObligationView): Deadline {
  return { id: v.id, obligation: v.obligation, round: v.round, status: v.status, dueDate: v.dueDate, ...(v.late ? { late: v.late } : {}) };
}

/** What a referrer reads: the stage, the deadlines, and the outcome once it has been fed back (§5.7). */
export interface ReferrerView {
  caseReference: string;
  stage: CaseStatus['stage'];
  receivedAt: string;
  deadlines: Deadline[];
  outcome?: string;
}

/** What operations read: stages, deadlines and counts; never the referral, rationales or the register. */
export interface OperationsView {
  caseReference: string;
  rulebookVersion: string;
  stage: CaseStatus['stage'];
  receivedAt: string;
  deadlines: Deadline[];
  counts: { open: number; missed: number; metLate: number; met: number; closed: number };
  pending: CaseStatus['pending'];
}

export function referrerView(status: CaseStatus): ReferrerView {
  const fedBack = [...status.met, ...status.metLate].some((o) => o.id === 'referrer-feedback');
  return {
    caseReference: status.caseReference,
    stage: status.stage,
    receivedAt: status.receivedAt,
    deadlines: [...status.open, ...status.missed].map(deadline),
    ...(fedBack && status.facts.sspOutcome ? { outcome: status.facts.sspOutcome } : {}),
  };
}

export function operationsView(status: CaseStatus): OperationsView {
  return {
    caseReference: status.caseReference,
    rulebookVersion: status.rulebookVersion,
    stage: status.stage,
    receivedAt: status.receivedAt,
    deadlines: [...status.open, ...status.missed, ...status.metLate, ...status.met].map(deadline),
    counts: { open: status.open.length, missed: status.missed.length, metLate: status.metLate.length, met: status.met.length, closed: status.closed.length },
    pending: status.pending,
  };
}

// --- The action log and exception report (§9.2, §16.2) ----------------------------------------------

/** Roles that read every agency's actions, their free text (owner, description, finding) included. */
export const READS_ALL_ACTIONS: readonly Role[] = ['business-unit', 'ssp', 'rapid-review-chair', 'ld-chair'];

/**
 * How much of the action log a person may read: every agency's actions or only their own agency's
 * (the agency from sign-in, never from the request), with or without the free text; or nothing.
 */
export type ActionRead = { scope: 'all' | 'agency'; freeText: boolean } | { refuse: 403 };

export function actionReadFor(actor: Actor): ActionRead {
  if (READS_ALL_ACTIONS.includes(actor.role)) return { scope: 'all', freeText: true };
  switch (actor.role) {
    case 'action-owner':
      // An agency's action lead follows the actions their agency owns.
      return { scope: 'agency', freeText: true };
    case 'operations':
      // Deadlines, statuses and counts to run the system; never the words.
      return { scope: 'all', freeText: false };
    default:
      // Referrers and reviewers have no part in the action plan.
      return { refuse: 403 };
  }
}

// --- The Rapid Review's information from each agency (§6.5, Appendix 2) -----------------------------

/**
 * Whose returns a person may read: every agency's, for the Rapid Review panel (the roles that read
 * whole cases); its own agency's only, for an agency (its action-owner people: an agency signs in as
 * its agency, from sign-in, never the request), which reads nothing else of the case; nothing for
 * anyone else: 404 where even the case's existence would tell something (a reviewer, a referrer),
 * 403 for operations, who run the system but never read what an agency returned.
 */
export type ReturnRead = { scope: 'all' } | { scope: 'own'; agency: string } | { refuse: 403 | 404 };

export function returnReadFor(actor: Actor): ReturnRead {
  if (READS_WHOLE_CASES.includes(actor.role)) return { scope: 'all' };
  if (actor.role === 'action-owner') return { scope: 'own', agency: actor.agency };
  return actor.role === 'operations' ? { refuse: 403 } : { refuse: 404 };
}
