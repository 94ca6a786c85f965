// The codec audit: every decoding of a child's record through the codec server the Temporal UI
// calls (api/codec-server.ts) is itself a record, and so is every refusal of a signed-in person.
// Who, when, which namespace and workflow, how many payloads: never a payload. The table is
// created by the register's migrations (register/migrations/).
import type { ColumnType, Kysely } from 'kysely';

export interface CodecAuditTable {
  at: string;
  actor_id: string;
  actor_role: string;
  operation: CodecOperation;
  namespace: string;
  /** The workflow the UI page showed, when the browser says (Referer); never anything else. */
  workflow_id: string | null;
  payloads: number;
  /**
   * 'decoded' / 'encoded': allowed, and the row written before the codec ran (so a decoding the
   * answer never reached is still recorded); 'refused': a signed-in person whose role may not.
   * Null only in a table migrated from before this column and with no rows then.
   */
  outcome: ColumnType<CodecOutcome | null, CodecOutcome, CodecOutcome>;
}

export type CodecOperation = 'decode' | 'encode';
export type CodecOutcome = 'decoded' | 'encoded' | 'refused';

export interface CodecAuditTables {
  codec_audit: CodecAuditTable;
}

/** One use of the codec, as the codec server records it. */
export interface CodecUse {
  /** ISO instant. */
  at: string;
  actor: { id: string; role: string };
  operation: CodecOperation;
  namespace: string;
  workflowId: string | null;
  payloads: number;
  outcome: CodecOutcome;
}

export interface CodecAudit {
  /** Writes the row; the codec server answers only once it is written. */
  record(use: CodecUse): Promise<void>;
  /** The rows, oldest first. */
  rows(): ReturnType<typeof codecAuditRows>;
}

/** The codec audit of any register database (one whose schema has codec_audit). */
export function codecAudit<DB extends CodecAuditTables>(database: Kysely<DB>): CodecAudit {
  const db = database as unknown as Kysely<CodecAuditTables>;
  return {
    async record(use) {
      await db
        .insertInto('codec_audit')
        .values({
          at: use.at,
          actor_id: use.actor.id,
          actor_role: use.actor.role,
          operation: use.operation,
          namespace: use.namespace,
          workflow_id: use.workflowId,
          payloads: use.payloads,
          outcome: use.outcome,
        })
        .execute();
    },
    rows: () => codecAuditRows(db),
  };
}

/** The audit rows, oldest first (for tests and the register's readers); any register database. */
export async function codecAuditRows(database: Kysely<never> | Kysely<CodecAuditTables> | object) {
  const db = database as Kysely<CodecAuditTables>;
  return db.selectFrom('codec_audit').selectAll().orderBy('at').execute();
}
