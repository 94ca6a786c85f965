// The register: every decision, deadline met or missed, reminder and escalation sent. The
// source of reports (§18). Kysely speaks both SQLite (a file under .data/ in development) and
// PostgreSQL (production), chosen by DATABASE_URL. Its rows are written and read in
// register/events.ts, the free text about a child sealed (register/crypto.ts). Its tables are
// made and changed by numbered migrations (register/migrate.ts, register/migrations/); the
// register as the rest of the system uses it is one object, Register (register/register.ts).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Generated } from 'kysely';
import { Pool } from 'pg';
import type { ActionRegisterTables } from './actions';
import type { CaseSummaryTables } from './case-summary';
import type { CaseRegisterTables } from './cases';
import type { CodecAuditTables } from './codec-audit';
import type { ReferralDraftTables } from './referral-drafts';
import type { WebSessionTables } from './web-sessions';

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

export interface RegisterSchema extends CaseRegisterTables, ActionRegisterTables, CodecAuditTables, CaseSummaryTables, WebSessionTables, ReferralDraftTables {
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

export async function registerReachable(db: RegisterDb): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

export { migrateRegister } from './migrate';
export { recordEntry, readEntries, type CaseEntry, type RegisterEntry } from './events';
