// The register: every decision, deadline met or missed, reminder and escalation sent. The
// source of reports (§18). Kysely speaks both SQLite (a file under .data/ in development) and
// PostgreSQL (production), chosen by DATABASE_URL. Its rows are written and read in
// register/events.ts, the free text about a child sealed (register/crypto.ts).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Generated } from 'kysely';
import { Pool } from 'pg';
import { migrateActionRegister, type ActionRegisterTables } from './actions';
import { migrateCaseRegister, type CaseRegisterTables } from './cases';

export interface RegisterEventTable {
  /** The business identity of the event: a retried write finds it and records nothing twice. */
  event_key: string;
  case_reference: string;
  kind: string;
  obligation_id: string | null;
  occurred_at: string;
  recorded_at: string;
  actor_id: string | null;
  actor_role: string | null;
  detail: string;
}

export interface OutboxTable {
  notice_key: string;
  case_reference: string;
  kind: string;
  obligation_id: string | null;
  recipients: string;
  subject: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  message_id: string | null;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
  /** The attempt that holds the row while it sends (activities/outbox.ts); null when none does. */
  claim_token: string | null;
  /** ISO instant the claim lapses: after it another attempt may claim the row. */
  claimed_until: string | null;
}

export interface RegisterSchema extends CaseRegisterTables, ActionRegisterTables {
  register_event: RegisterEventTable;
  outbox: OutboxTable;
}

export type RegisterDb = Kysely<RegisterSchema>;

export function openRegister(databaseUrl: string): RegisterDb {
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    return new Kysely<RegisterSchema>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: databaseUrl, max: 10 }) }) });
  }
  const file = databaseUrl.replace(/^sqlite:/, '');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  // WAL lets the API read while the worker writes.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return new Kysely<RegisterSchema>({ dialect: new SqliteDialect({ database: db }) });
}

export async function migrateRegister(db: RegisterDb): Promise<void> {
  await migrateCaseRegister(db);
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
  await db.schema
    .createIndex('register_event_case')
    .ifNotExists()
    .on('register_event')
    .columns(['case_reference', 'occurred_at'])
    .execute();
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
  // Registers created before the outbox had claims get the columns; rows already there keep theirs
  // (null: unclaimed).
  for (const column of ['claim_token', 'claimed_until'] as const) await addOutboxColumnIfMissing(db, column);
  // The action log and exception report (§9.2).
  await migrateActionRegister(db);
}

/**
 * ALTER TABLE ... ADD COLUMN, for SQLite and PostgreSQL alike (SQLite has no ADD COLUMN IF NOT
 * EXISTS). The worker and the API migrate at start, possibly at once: if the other added the
 * column between our look and our ALTER, its "duplicate column" error is the outcome we wanted.
 */
async function addOutboxColumnIfMissing(db: RegisterDb, column: 'claim_token' | 'claimed_until'): Promise<void> {
  const present = async () => {
    const tables = (await db.introspection.getTables()).filter((t) => t.name === 'outbox');
    return tables.length > 0 && tables.every((t) => t.columns.some((c) => c.name === column));
  };
  if (await present()) return;
  try {
    await db.schema.alterTable('outbox').addColumn(column, 'text').execute();
  } catch (err) {
    const duplicate = (err as { code?: string }).code === '42701' || /duplicate column/i.test((err as Error).message);
    if (!duplicate) throw err;
  }
}

export async function registerReachable(db: RegisterDb): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

export { recordEntry, readEntries, type CaseEntry, type RegisterEntry } from './events';
