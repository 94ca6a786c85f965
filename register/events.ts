// The register's rows (table register_event, created by the register's migrations): every decision,
// deadline set, met or missed, reminder and escalation sent; the source of reports (§18).
//
// The free text of a row's detail (a rationale, a note, a reason, a summary, a justification, a
// reviewer's name) is stored sealed under the key ring (register/crypto.ts); what a
// report counts (kinds, outcome words, stages, dates, obligation IDs) stays in clear.
import type { KeyRing } from '../config/key-ring';
import type { OutcomeRecord } from '../domain/obligations';
import { openDetail, sealDetail, type Detail } from './crypto';
import type { RegisterDb } from './database';

/** A row of the register: what the workflow queues (domain/obligations.ts). */
export type RegisterEntry = OutcomeRecord;

/** A row as read back, its free text opened. */
export interface CaseEntry {
  kind: string;
  obligationId: string | undefined;
  occurredAt: string;
  recordedAt: string;
  actor: { id: string; role: string | null } | undefined;
  detail: Record<string, unknown>;
}

/** Idempotent: the same key twice records one row. */
export async function recordEntry(db: RegisterDb, ring: KeyRing, entry: RegisterEntry, now: Date = new Date()): Promise<boolean> {
  const result = await db
    .insertInto('register_event')
    .values({
      event_key: entry.key,
      case_reference: entry.caseReference,
      kind: entry.kind,
      obligation_id: entry.obligationId ?? null,
      occurred_at: entry.occurredAt,
      recorded_at: now.toISOString(),
      actor_id: entry.actor?.id ?? null,
      actor_role: entry.actor?.role ?? null,
      detail: JSON.stringify(sealDetail(ring, entry.detail ?? {}, entry.key)),
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** A case's rows in the order they happened, their free text opened. */
export async function readEntries(db: RegisterDb, ring: KeyRing, caseReference: string): Promise<CaseEntry[]> {
  const rows = await db
    .selectFrom('register_event')
    .selectAll()
    .where('case_reference', '=', caseReference)
    .orderBy('occurred_at')
    .orderBy('recorded_at')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    obligationId: r.obligation_id ?? undefined,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    actor: r.actor_id ? { id: r.actor_id, role: r.actor_role } : undefined,
    detail: openDetail(ring, JSON.parse(r.detail) as Detail, r.event_key),
  }));
}
