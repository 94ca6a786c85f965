// The register as the code before numbered migrations created it at every start (the tables of
// register/database.ts, register/cases.ts, register/actions.ts and the codec server's audit), so
// that a register that code made, with its rows, becomes a migrated one with nothing lost.
//
// Such a register may have every table already, or some, and the outbox or the codec audit from
// before their later columns (claim_token and claimed_until; outcome): tables and indexes are
// created only if missing, the columns added only where missing, and nothing else is touched.
// It runs under the migration lock (register/migrate.ts), so no other process creates the same
// table or column meanwhile.
//
// Frozen: the register's schema changes in a new migration, never here (docs/DEVELOPMENT.md).
import { sql, type Kysely } from 'kysely';

// A migration sees the database as it is, not as today's table types say (Kysely's advice).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await caseTables(db);
  await eventTables(db);
  await actionTables(db);
  await codecAuditTable(db);
}

/** The case register (§4.1): references per year, the case, its referral form (Appendix 1). */
async function caseTables(db: Db): Promise<void> {
  await db.schema
    .createTable('case_counter')
    .ifNotExists()
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('case_record')
    .ifNotExists()
    .addColumn('case_reference', 'text', (c) => c.primaryKey())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('received_by', 'text', (c) => c.notNull())
    .addColumn('idempotency_scope', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('case_record_year_number', ['year', 'number'])
    .execute();
  await db.schema
    .createTable('referral')
    .ifNotExists()
    .addColumn('case_reference', 'text', (c) => c.primaryKey().references('case_record.case_reference'))
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'text', (c) => c.notNull())
    .execute();
}

/** The register's rows (the source of reports, §18) and the outbox of emails. */
async function eventTables(db: Db): Promise<void> {
  await db.schema
    .createTable('register_event')
    .ifNotExists()
    .addColumn('event_key', 'text', (c) => c.primaryKey())
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('obligation_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('register_event_case').ifNotExists().on('register_event').columns(['case_reference', 'occurred_at']).execute();
  await db.schema
    .createTable('outbox')
    .ifNotExists()
    .addColumn('notice_key', 'text', (c) => c.primaryKey())
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('obligation_id', 'text')
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('claim_token', 'text')
    .addColumn('claimed_until', 'text')
    .execute();
  // An outbox from before claims gets the columns; its rows are unclaimed (null).
  await addColumnIfMissing(db, 'outbox', 'claim_token');
  await addColumnIfMissing(db, 'outbox', 'claimed_until');
}

/** The action log and exception report (§9.2, §16.2). */
async function actionTables(db: Db): Promise<void> {
  await db.schema
    .createTable('action_record')
    .ifNotExists()
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('agency', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('finding', 'text', (c) => c.notNull())
    .addColumn('agreed_on', 'text', (c) => c.notNull())
    .addColumn('original_deadline', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('escalation', 'text', (c) => c.notNull())
    .addColumn('ssp_involved', 'integer', (c) => c.notNull())
    .addColumn('completed_on', 'text')
    .addColumn('withdrawn_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('action_record_pk', ['case_reference', 'action_id'])
    .execute();
  await db.schema.createIndex('action_record_status_deadline').ifNotExists().on('action_record').columns(['status', 'deadline']).execute();
  await db.schema.createIndex('action_record_agency').ifNotExists().on('action_record').columns(['agency']).execute();
}

/** Who decoded or encoded what through the codec server, and who was refused. */
async function codecAuditTable(db: Db): Promise<void> {
  await db.schema
    .createTable('codec_audit')
    .ifNotExists()
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text')
    .addColumn('payloads', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .execute();
  // A table from before the outcome column gets it. Its rows were all allowed operations (the
  // refusals were not recorded then), so they are filled from the operation.
  await addColumnIfMissing(db, 'codec_audit', 'outcome');
  await db
    .updateTable('codec_audit')
    .set({ outcome: sql`case when operation = 'encode' then 'encoded' else 'decoded' end` })
    .where('outcome', 'is', null)
    .execute();
}

/** ALTER TABLE ... ADD COLUMN (text, nullable) unless the column is there: SQLite has no IF NOT EXISTS for it. */
async function addColumnIfMissing(db: Db, table: string, column: string): Promise<void> {
  const found = (await db.introspection.getTables()).find((t) => t.name === table);
  if (found && !found.columns.some((c) => c.name === column)) await db.schema.alterTable(table).addColumn(column, 'text').execute();
}
