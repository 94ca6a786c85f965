// The case summary (table case_summary, migration 0002): one row per case, written by the case's
// workflow through its register activity whenever what the row holds changes (domain/case.ts
// CaseSummary), so that the case list and "my work" read the register instead of asking each
// case. A summary replaces the stored one only when it is newer (the case's time, then its
// revision), in one statement, so a retried, late or out-of-order write never rolls a case back.
// Beside it: who may read the case as its reviewer (case_summary_reviewer) and what falls to each
// role (case_summary_work, domain/my-work.ts workRows), replaced with the row, in its transaction.
//
// Nothing here is about the child or the family: stages, dates, obligation IDs and sign-in IDs. The
// referring agency may come from the referral form (a school's name would narrow down the child),
// so the row keeps only its keyed digest (KeyRing.digests): a referrer's listing matches the
// digests of their own agency. Nothing here logs a value or puts one in an error.
import type { Kysely, Transaction } from 'kysely';
import type { KeyRing } from '../config/key-ring';
import { londonDateOf } from '../domain/calendar';
import { CASE_REFERENCE_PATTERN, STAGES, type CaseSummary, type Stage } from '../domain/case';
import { workRows, type ActionWorkCandidate, type CaseWorkCandidate } from '../domain/my-work';
import { ruleIdOf } from '../domain/obligation-ids';
import { rulebook } from '../domain/rulebook';
import type { Role } from '../domain/roles';
import type { ActionRegisterTables } from './actions';
import type { CaseRegisterTables } from './cases';

export interface CaseSummaryTable {
  case_reference: string;
  rulebook_version: string;
  stage: Stage;
  /** 0 or 1. */
  closed: number;
  received_at: string;
  /** When the case's register row was made (the referral came in through the API), else its receipt. */
  opened_at: string;
  next_deadline: string | null;
  missed_count: number;
  /** The referring agency's digest under the key current when written (agencyDigests); null when none. */
  referrer_agency_digest: string | null;
  /** JSON: string[]. */
  reviewer_ids: string;
  /** JSON: StoredObligation[]. */
  obligations: string;
  revision: number;
  updated_at: string;
}

export interface CaseSummaryReviewerTable {
  reviewer_id: string;
  case_reference: string;
}

export interface CaseSummaryWorkTable {
  case_reference: string;
  obligation_id: string;
  role: Role;
  decision: string | null;
  status: 'open' | 'missed';
  due_at: string;
}

export interface CaseSummaryTables {
  case_summary: CaseSummaryTable;
  case_summary_reviewer: CaseSummaryReviewerTable;
  case_summary_work: CaseSummaryWorkTable;
}

/** An obligation still to be done as the row keeps it: its owner (a role) from the rulebook, its due date. */
export interface StoredObligation {
  id: string;
  status: 'open' | 'missed';
  owner: Role | null;
  dueAt: string;
  dueDate: string;
}

type SummaryDb = Kysely<CaseSummaryTables & CaseRegisterTables & ActionRegisterTables>;

/** Queries are written against the tables they read (see register/cases.ts). */
function narrow<DB>(db: Kysely<DB>): SummaryDb {
  return db as unknown as SummaryDb;
}

// --- Writing -----------------------------------------------------------------------------------------

const isInstant = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** RangeError naming the field (never its value) when a summary would store what a listing cannot use. */
function checkSummary(s: CaseSummary): void {
  const bad = (field: string, expected: string) => new RangeError(`Case summary: ${field} must be ${expected}`);
  if (typeof s.caseReference !== 'string' || !CASE_REFERENCE_PATTERN.test(s.caseReference)) throw bad('caseReference', 'a case reference');
  if (!(STAGES as readonly string[]).includes(s.stage)) throw bad('stage', 'a stage of the procedure');
  if (!Number.isSafeInteger(s.revision) || s.revision < 0 || s.revision > 2_147_483_647) throw bad('revision', 'a whole number from 0');
  if (!Number.isSafeInteger(s.missed) || s.missed < 0) throw bad('missed', 'a whole number from 0');
  for (const field of ['receivedAt', 'updatedAt'] as const) if (!isInstant(s[field])) throw bad(field, 'an ISO instant');
  if (s.nextDeadline !== null && !isInstant(s.nextDeadline)) throw bad('nextDeadline', 'an ISO instant or null');
  if (!Array.isArray(s.reviewerIds) || !s.reviewerIds.every((id) => typeof id === 'string')) throw bad('reviewerIds', 'a list of sign-in IDs');
  if (!Array.isArray(s.obligations) || !s.obligations.every((o) => typeof o.id === 'string' && (o.status === 'open' || o.status === 'missed') && isInstant(o.dueAt))) {
    throw bad('obligations', 'a list of open or missed obligations with their deadlines');
  }
}

/** The digests of an agency's name under each key of the ring, the current key's first. */
export function agencyDigests(ring: KeyRing, agency: string): string[] {
  return ring.digests(agency, 'case_summary.referrer_agency');
}

/** Instants as we write them everywhere (toISOString), so that text order is time order. */
const iso = (instant: string) => new Date(instant).toISOString();

function ownerOf(rulebookVersion: string, obligationId: string): Role | null {
  try {
    // An agency's instance of a per-agency obligation (§6.5) is owned as its rule says.
    return rulebook(rulebookVersion).obligations[ruleIdOf(obligationId)]?.owner ?? null;
  } catch {
    return null;
  }
}

function rowOf(ring: KeyRing, s: CaseSummary, openedAt: string): CaseSummaryTable {
  const obligations: StoredObligation[] = s.obligations.map((o) => ({ id: o.id, status: o.status, owner: ownerOf(s.rulebookVersion, o.id), dueAt: iso(o.dueAt), dueDate: londonDateOf(o.dueAt) }));
  return {
    case_reference: s.caseReference,
    rulebook_version: s.rulebookVersion,
    stage: s.stage,
    closed: s.stage === 'closed' ? 1 : 0,
    received_at: iso(s.receivedAt),
    opened_at: openedAt,
    next_deadline: s.nextDeadline === null ? null : iso(s.nextDeadline),
    missed_count: s.missed,
    referrer_agency_digest: s.referringAgency === null ? null : agencyDigests(ring, s.referringAgency)[0]!,
    reviewer_ids: JSON.stringify(s.reviewerIds),
    obligations: JSON.stringify(obligations),
    revision: s.revision,
    updated_at: iso(s.updatedAt),
  };
}

/**
 * Stores the summary if it is newer than the stored one (a later `updatedAt`, or the same and a
 * higher revision: a case reset by an operator runs on with lower revisions but later times), with
 * its reviewers and its work rows. One upsert decides (INSERT ... ON CONFLICT DO UPDATE ... WHERE),
 * so two writers of one case cannot interleave; the rest follows in the same transaction. Returns
 * whether it wrote.
 */
export async function recordCaseSummary<DB>(database: Kysely<DB> | Transaction<DB>, ring: KeyRing, summary: CaseSummary): Promise<boolean> {
  checkSummary(summary);
  const db = narrow(database);
  return db.isTransaction ? write(db, ring, summary) : db.transaction().execute((tx) => write(tx, ring, summary));
}

async function write(db: SummaryDb, ring: KeyRing, summary: CaseSummary): Promise<boolean> {
  const ref = summary.caseReference;
  // The list's order: when the case came in through the API (its register row), else its receipt.
  const opened = await db.selectFrom('case_record').select('created_at').where('case_reference', '=', ref).executeTakeFirst();
  const row = rowOf(ring, summary, iso(opened?.created_at ?? summary.receivedAt));
  const result = await db
    .insertInto('case_summary')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('case_reference')
        .doUpdateSet((eb) => ({
          rulebook_version: eb.ref('excluded.rulebook_version'),
          stage: eb.ref('excluded.stage'),
          closed: eb.ref('excluded.closed'),
          received_at: eb.ref('excluded.received_at'),
          next_deadline: eb.ref('excluded.next_deadline'),
          missed_count: eb.ref('excluded.missed_count'),
          referrer_agency_digest: eb.ref('excluded.referrer_agency_digest'),
          reviewer_ids: eb.ref('excluded.reviewer_ids'),
          obligations: eb.ref('excluded.obligations'),
          revision: eb.ref('excluded.revision'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where((eb) =>
          eb.or([
            eb('case_summary.updated_at', '<', eb.ref('excluded.updated_at')),
            eb.and([eb('case_summary.updated_at', '=', eb.ref('excluded.updated_at')), eb('case_summary.revision', '<', eb.ref('excluded.revision'))]),
          ]),
        ),
    )
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
  await db.deleteFrom('case_summary_reviewer').where('case_reference', '=', ref).execute();
  const reviewers = [...new Set(summary.reviewerIds)].map((reviewer_id) => ({ reviewer_id, case_reference: ref }));
  if (reviewers.length > 0) await db.insertInto('case_summary_reviewer').values(reviewers).execute();
  await db.deleteFrom('case_summary_work').where('case_reference', '=', ref).execute();
  const work = workRows(summary).map((w) => ({ case_reference: ref, obligation_id: w.obligationId, role: w.role, decision: w.decision, status: w.status, due_at: iso(w.dueAt) }));
  if (work.length > 0) await db.insertInto('case_summary_work').values(work).execute();
  return true;
}

// --- Reading -----------------------------------------------------------------------------------------

/** Which cases a listing may show: all, a referring agency's, or a reviewer's (domain/access.ts caseReadFor). */
export type SummaryScope = { all: true } | { referringAgency: string } | { reviewerId: string };

/** The scope as the register matches it: a referring agency by its digests under every key of the ring. */
function agencyOf(ring: KeyRing, scope: SummaryScope): { agency: string; digests: string[] } | undefined {
  return 'referringAgency' in scope ? { agency: scope.referringAgency, digests: agencyDigests(ring, scope.referringAgency) } : undefined;
}

/** The agency a scope asked about when the row's digest is one of its, else null: the register knows no more. */
function referringAgencyOf(digest: string | null, asked: { agency: string; digests: string[] } | undefined): string | null {
  return digest !== null && asked?.digests.includes(digest) ? asked.agency : null;
}

export interface SummaryListFilter {
  /** 'open': cases not closed; 'all': closed ones too. */
  status: 'open' | 'all';
  stage?: Stage;
  /** true: a missed deadline; false: none. */
  overdue?: boolean;
  /** An instant (toISOString): the next deadline falls before it. */
  dueBefore?: string;
  scope: SummaryScope;
  /** The last case of the page before (newest first): the page starts after it. */
  after?: { openedAt: string; caseReference: string };
  limit: number;
}

/** A case as the list reads it from its summary. */
export interface SummaryListRow {
  caseReference: string;
  stage: Stage;
  openedAt: string;
  receivedAt: string;
  nextDeadline: string | null;
  missed: number;
  closed: boolean;
  /** The referring agency when it is the one the scope asked about (the register keeps only its digest); else null. */
  referringAgency: string | null;
  reviewerIds: string[];
  obligations: StoredObligation[];
}

/**
 * Up to `limit` cases, newest first (by when each was opened, then by reference), filtered in SQL
 * on the indexes of migration 0002; a page continues after the last case of the one before.
 */
export async function listCaseSummaries<DB>(database: Kysely<DB>, ring: KeyRing, filter: SummaryListFilter): Promise<SummaryListRow[]> {
  const asked = agencyOf(ring, filter.scope);
  let query = narrow(database).selectFrom('case_summary as s').selectAll('s');
  if (filter.status === 'open') query = query.where('s.closed', '=', 0);
  if (filter.stage !== undefined) query = query.where('s.stage', '=', filter.stage);
  if (filter.overdue !== undefined) query = query.where('s.missed_count', filter.overdue ? '>' : '=', 0);
  if (filter.dueBefore !== undefined) query = query.where('s.next_deadline', '<', filter.dueBefore);
  const scope = filter.scope;
  if (asked) query = query.where('s.referrer_agency_digest', 'in', asked.digests);
  if ('reviewerId' in scope) {
    query = query.where('s.case_reference', 'in', (eb) => eb.selectFrom('case_summary_reviewer').select('case_reference').where('reviewer_id', '=', scope.reviewerId));
  }
  const after = filter.after;
  if (after) {
    // (opened_at, case_reference) before the last one listed, written so an index on opened_at serves it.
    query = query
      .where('s.opened_at', '<=', after.openedAt)
      .where((eb) => eb.or([eb('s.opened_at', '<', after.openedAt), eb('s.case_reference', '<', after.caseReference)]));
  }
  const rows = await query.orderBy('s.opened_at', 'desc').orderBy('s.case_reference', 'desc').limit(filter.limit).execute();
  return rows.map((r) => listRowOf(r, asked));
}

function listRowOf(r: CaseSummaryTable, asked: { agency: string; digests: string[] } | undefined): SummaryListRow {
  return {
    caseReference: r.case_reference,
    stage: r.stage,
    openedAt: r.opened_at,
    receivedAt: r.received_at,
    nextDeadline: r.next_deadline,
    missed: Number(r.missed_count),
    closed: Number(r.closed) === 1,
    referringAgency: referringAgencyOf(r.referrer_agency_digest, asked),
    reviewerIds: JSON.parse(r.reviewer_ids) as string[],
    obligations: JSON.parse(r.obligations) as StoredObligation[],
  };
}

export interface WorkQuery {
  role: Role;
  /** A referrer's agency or a reviewer's sign-in ID narrows it as the list's scope does. */
  scope: SummaryScope;
  limit: number;
}

/** The open obligations of cases that fall to a role, soonest due first, at most `limit` (index case_summary_work_role_due). */
export async function caseWorkFor<DB>(database: Kysely<DB>, ring: KeyRing, q: WorkQuery): Promise<CaseWorkCandidate[]> {
  const asked = agencyOf(ring, q.scope);
  let query = narrow(database)
    .selectFrom('case_summary_work as w')
    .innerJoin('case_summary as s', 's.case_reference', 'w.case_reference')
    .select(['w.case_reference', 'w.obligation_id', 'w.role', 'w.decision', 'w.status', 'w.due_at', 's.rulebook_version', 's.stage', 's.referrer_agency_digest', 's.reviewer_ids'])
    .where('w.role', '=', q.role);
  const scope = q.scope;
  if (asked) query = query.where('s.referrer_agency_digest', 'in', asked.digests);
  if ('reviewerId' in scope) {
    query = query.where('w.case_reference', 'in', (eb) => eb.selectFrom('case_summary_reviewer').select('case_reference').where('reviewer_id', '=', scope.reviewerId));
  }
  const rows = await query.orderBy('w.due_at').orderBy('w.case_reference').orderBy('w.obligation_id').limit(q.limit).execute();
  return rows.map((r) => ({
    caseReference: r.case_reference,
    obligationId: r.obligation_id,
    role: r.role,
    decision: r.decision,
    status: r.status,
    dueAt: r.due_at,
    rulebookVersion: r.rulebook_version,
    stage: r.stage,
    referringAgency: referringAgencyOf(r.referrer_agency_digest, asked),
    reviewerIds: JSON.parse(r.reviewer_ids) as string[],
  }));
}

/** An agency's open improvement actions, soonest deadline first, at most `limit` (index action_record_agency_open_deadline). */
export async function actionWorkFor<DB>(database: Kysely<DB>, q: { agency: string; limit: number }): Promise<ActionWorkCandidate[]> {
  const rows = await narrow(database)
    .selectFrom('action_record as a')
    .leftJoin('case_summary as s', 's.case_reference', 'a.case_reference')
    .select(['a.case_reference', 'a.action_id', 'a.agency', 'a.deadline', 'a.status', 's.rulebook_version'])
    .where('a.agency', '=', q.agency)
    .where('a.status', '=', 'open')
    .orderBy('a.deadline')
    .orderBy('a.case_reference')
    .orderBy('a.action_id')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({ caseReference: r.case_reference, actionId: r.action_id, agency: r.agency, deadline: r.deadline, status: r.status, rulebookVersion: r.rulebook_version }));
}

/** The summary the register holds for a case, if any (tests, and a page that wants it). */
export async function readCaseSummary<DB>(
  database: Kysely<DB>,
  caseReference: string,
): Promise<(SummaryListRow & { referrerAgencyDigest: string | null; revision: number; updatedAt: string }) | undefined> {
  const r = await narrow(database).selectFrom('case_summary').selectAll().where('case_reference', '=', caseReference).executeTakeFirst();
  return r ? { ...listRowOf(r, undefined), referrerAgencyDigest: r.referrer_agency_digest, revision: Number(r.revision), updatedAt: r.updated_at } : undefined;
}
