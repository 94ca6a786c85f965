// The case summary: one row per case that its workflow keeps up to date (domain/case.ts
// CaseSummary, register/case-summary.ts), so that the case list and "my work" read the register,
// not one workflow query per case. Beside it, two narrow tables that let those listings use an
// index: who may read a case as its reviewer (§8), and what falls to each role in it. Nothing about
// the child or the family: stages, dates, obligation IDs, sign-in IDs, and the referring agency as
// a keyed digest only (it may come from the referral form, which stays sealed: a school's name
// would narrow down the child).
//
// Also an index for "my work" on the action log: an agency's open actions by deadline.
//
// Tables and indexes are made only if missing, as 0001's: a register whose record of migrations was
// lost (the tests make one so, to stand for a register from before migrations) runs them all again.
//
// Frozen once merged: the schema changes in a new migration (docs/DEVELOPMENT.md).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the database as it is at this point
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('case_summary')
    .ifNotExists()
    .addColumn('case_reference', 'text', (c) => c.primaryKey())
    .addColumn('rulebook_version', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    // 0 or 1 (the same column type on both databases, as action_record.ssp_involved).
    .addColumn('closed', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    // When the case was opened (its register row made): the list's order, newest first.
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('next_deadline', 'text')
    .addColumn('missed_count', 'integer', (c) => c.notNull())
    // KeyRing.digests of the referring agency under the key current when written; null when none.
    .addColumn('referrer_agency_digest', 'text')
    // JSON: the sign-in IDs; and the open and missed obligations ({ id, status, dueAt }).
    .addColumn('reviewer_ids', 'text', (c) => c.notNull())
    .addColumn('obligations', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The list: newest first among open cases, or among all; by stage; a referrer's agency; by next deadline.
  const index = (name: string, columns: string[]) => db.schema.createIndex(name).ifNotExists().on('case_summary').columns(columns).execute();
  await index('case_summary_open_newest', ['closed', 'opened_at', 'case_reference']);
  await index('case_summary_newest', ['opened_at', 'case_reference']);
  await index('case_summary_stage_newest', ['stage', 'opened_at', 'case_reference']);
  await index('case_summary_agency_newest', ['referrer_agency_digest', 'opened_at', 'case_reference']);
  await index('case_summary_next_deadline', ['closed', 'next_deadline']);
  await index('case_summary_missed', ['closed', 'missed_count']);

  await db.schema
    .createTable('case_summary_reviewer')
    .ifNotExists()
    .addColumn('reviewer_id', 'text', (c) => c.notNull())
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_summary_reviewer_pk', ['reviewer_id', 'case_reference'])
    .execute();
  await db.schema.createIndex('case_summary_reviewer_case').ifNotExists().on('case_summary_reviewer').columns(['case_reference']).execute();

  // One row per open obligation and role it falls to (domain/my-work.ts workRows).
  await db.schema
    .createTable('case_summary_work')
    .ifNotExists()
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .addColumn('obligation_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_summary_work_pk', ['case_reference', 'obligation_id', 'role'])
    .execute();
  await db.schema.createIndex('case_summary_work_role_due').ifNotExists().on('case_summary_work').columns(['role', 'due_at', 'case_reference']).execute();

  await db.schema.createIndex('action_record_agency_open_deadline').ifNotExists().on('action_record').columns(['agency', 'status', 'deadline']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('action_record_agency_open_deadline').execute();
  await db.schema.dropTable('case_summary_work').execute();
  await db.schema.dropTable('case_summary_reviewer').execute();
  await db.schema.dropTable('case_summary').execute();
}
