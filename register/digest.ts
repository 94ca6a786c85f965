// What the weekly digest reads (domain/digest.ts): the open cases with something overdue or due by
// the digest's horizon, from their summaries (register/case-summary.ts), and the open improvement
// actions due by then, from the action log (register/actions.ts). Two indexed queries however many
// cases are open; no workflow is asked. Only references, stages, obligation IDs, agencies and
// dates are read: neither the referring agency's digest nor any sealed column of an action.
import type { Kysely } from 'kysely';
import type { DigestAction, DigestCase } from '../domain/digest';
import type { ActionRegisterTables } from './actions';
import type { CaseSummaryTables, StoredObligation } from './case-summary';

type DigestDb = Kysely<CaseSummaryTables & ActionRegisterTables>;

export interface DigestProjection {
  cases: DigestCase[];
  actions: DigestAction[];
}

/**
 * The cases and actions a digest may list, with `dueBy` the end of its horizon (an ISO instant)
 * and `dueByDate` that day. A case qualifies by its summary's next deadline (the soonest open one)
 * or a missed step; its every open or missed step comes with it, for the domain to sort out.
 */
export async function readDigestProjection<DB>(database: Kysely<DB>, horizon: { dueBy: string; dueByDate: string }): Promise<DigestProjection> {
  const db = database as unknown as DigestDb;
  const caseRows = await db
    .selectFrom('case_summary')
    .select(['case_reference', 'rulebook_version', 'stage', 'obligations'])
    .where('closed', '=', 0)
    .where((eb) => eb.or([eb('missed_count', '>', 0), eb('next_deadline', '<=', horizon.dueBy)]))
    .orderBy('case_reference')
    .execute();
  const actionRows = await db
    .selectFrom('action_record as a')
    .leftJoin('case_summary as s', 's.case_reference', 'a.case_reference')
    .select(['a.case_reference', 'a.action_id', 'a.agency', 'a.deadline', 'a.escalation', 's.rulebook_version'])
    .where('a.status', '=', 'open')
    .where((eb) => eb.or([eb('a.deadline', '<=', horizon.dueByDate), eb('a.escalation', '!=', 'none')]))
    .orderBy('a.case_reference')
    .orderBy('a.action_id')
    .execute();
  // The reviewers commissioned on those cases (§8): their steps go to them as well.
  const references = caseRows.map((r) => r.case_reference);
  const reviewerRows = references.length === 0 ? [] : await db.selectFrom('case_summary_reviewer').select(['case_reference', 'reviewer_id']).where('case_reference', 'in', references).orderBy('reviewer_id').execute();
  const reviewersOf = (ref: string) => reviewerRows.filter((r) => r.case_reference === ref).map((r) => r.reviewer_id);
  return {
    cases: caseRows.map((r) => ({
      caseReference: r.case_reference,
      rulebookVersion: r.rulebook_version,
      stage: r.stage,
      obligations: (JSON.parse(r.obligations) as StoredObligation[]).map((o) => ({ id: o.id, status: o.status, dueAt: o.dueAt })),
      reviewerIds: reviewersOf(r.case_reference),
    })),
    actions: actionRows.map((r) => ({
      caseReference: r.case_reference,
      actionId: r.action_id,
      agency: r.agency,
      deadline: r.deadline,
      escalation: r.escalation,
      rulebookVersion: r.rulebook_version,
    })),
  };
}
