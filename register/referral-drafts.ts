// Drafts of the referral form typed on the staff pages (table from migration 0004_referral_draft).
// A draft is what a person typed, section by section, kept so that a long form is not lost between
// visits. It is special-category data about a child (§13) however unfinished: the whole of it is
// sealed under the key ring (register/crypto.ts), bound to its draft and its owner, so a draft
// copied into another row or given another owner does not open. In clear: only its random ID, who
// started it and when. A draft lives at most DRAFT_LIFETIME_DAYS from when it was started.
import type { Kysely } from 'kysely';
import type { KeyRing } from '../config/key-ring';
import { openText, sealText } from './crypto';

export interface ReferralDraftTable {
  /** A random UUID: nothing about the child. */
  draft_id: string;
  /** The sign-in id of the person who started it: only they may open it. */
  owner_id: string;
  /** The typed sections as JSON, sealed (v1:<key ID>:<IV>:<ciphertext>). */
  data: string;
  created_at: string;
  updated_at: string;
}

export interface ReferralDraftTables {
  referral_draft: ReferralDraftTable;
}

/** How long a draft is kept from when it was started; older drafts are deleted, never shown. */
export const DRAFT_LIFETIME_DAYS = 30;

export interface StoredDraft {
  draftId: string;
  ownerId: string;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ReferralDrafts {
  create(draftId: string, ownerId: string, data: Record<string, unknown>, now: Date): Promise<void>;
  /** The owner's draft, if it exists and is not past its lifetime at `now` (an expired one is deleted). */
  get(draftId: string, ownerId: string, now: Date): Promise<StoredDraft | undefined>;
  /** Replaces the draft's data (the owner's only); whether there was such a draft. Sweeps expired drafts. */
  save(draftId: string, ownerId: string, data: Record<string, unknown>, now: Date): Promise<boolean>;
  /** The owner's drafts still in their lifetime, last saved first (without their data). */
  list(ownerId: string, now: Date): Promise<Array<Omit<StoredDraft, 'data'>>>;
  delete(draftId: string, ownerId: string): Promise<void>;
  /** Deletes every draft past its lifetime at `now`; how many. */
  sweep(now: Date): Promise<number>;
}

const context = (draftId: string, ownerId: string) => `referral_draft.data:${draftId}:${ownerId}`;

/** The earliest start a draft may have at `now` and still be kept. */
function oldestKept(now: Date): string {
  return new Date(now.getTime() - DRAFT_LIFETIME_DAYS * 86_400_000).toISOString();
}

export function referralDrafts<DB extends ReferralDraftTables>(database: Kysely<DB>, ring: KeyRing): ReferralDrafts {
  // The drafts' own table, whatever else the database holds (as register/web-sessions.ts reads its own).
  const db = database as unknown as Kysely<ReferralDraftTables>;
  const sweep = async (now: Date) => Number((await db.deleteFrom('referral_draft').where('created_at', '<', oldestKept(now)).executeTakeFirst()).numDeletedRows);
  return {
    async create(draftId, ownerId, data, now) {
      const at = now.toISOString();
      await db
        .insertInto('referral_draft')
        .values({ draft_id: draftId, owner_id: ownerId, data: sealText(ring, JSON.stringify(data), context(draftId, ownerId)), created_at: at, updated_at: at })
        .execute();
    },
    async get(draftId, ownerId, now) {
      const row = await db.selectFrom('referral_draft').selectAll().where('draft_id', '=', draftId).where('owner_id', '=', ownerId).executeTakeFirst();
      if (!row) return undefined;
      if (row.created_at < oldestKept(now)) {
        await db.deleteFrom('referral_draft').where('draft_id', '=', draftId).execute();
        return undefined;
      }
      const data = JSON.parse(openText(ring, row.data, context(draftId, ownerId))) as Record<string, unknown>;
      return { draftId, ownerId, data, createdAt: row.created_at, updatedAt: row.updated_at };
    },
    async save(draftId, ownerId, data, now) {
      await sweep(now);
      const result = await db
        .updateTable('referral_draft')
        .set({ data: sealText(ring, JSON.stringify(data), context(draftId, ownerId)), updated_at: now.toISOString() })
        .where('draft_id', '=', draftId)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async list(ownerId, now) {
      const rows = await db
        .selectFrom('referral_draft')
        .select(['draft_id', 'owner_id', 'created_at', 'updated_at'])
        .where('owner_id', '=', ownerId)
        .where('created_at', '>=', oldestKept(now))
        .orderBy('updated_at', 'desc')
        .execute();
      return rows.map((r) => ({ draftId: r.draft_id, ownerId: r.owner_id, createdAt: r.created_at, updatedAt: r.updated_at }));
    },
    async delete(draftId, ownerId) {
      await db.deleteFrom('referral_draft').where('draft_id', '=', draftId).where('owner_id', '=', ownerId).execute();
    },
    sweep,
  };
}
