// The staff pages' sessions and the referral-view audit (tables from migration 0003_web_session).
// A session is found by the SHA-256 of its ID, so the table holds nothing a browser could present.
// Its data is who signed in (sign-in id, role, agency), the CSRF token and where to go after
// sign-in: never anything about a child.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

export interface WebSessionTable {
  sid_hash: string;
  data: string;
  /** Who the session signs in, so every session of a person can be ended at once. */
  actor_id: string | null;
  created_at: string;
  /** The idle timeout's end: a session not used by then is gone. */
  expires_at: string;
}

export interface ReferralViewTable {
  at: string;
  actor_id: string;
  actor_role: string;
  case_reference: string;
  /** What was shown: null for the form itself, "notification pack" for the pack (migration 0005). */
  what: string | null;
}

export interface WebSessionTables {
  web_session: WebSessionTable;
  referral_view: ReferralViewTable;
}

const sidHash = (sid: string) => createHash('sha256').update(sid, 'utf8').digest('hex');

export interface StoredSession {
  data: Record<string, unknown>;
  createdAt: string;
  expiresAt: string;
}

export interface WebSessions {
  /** The session, if it exists and its idle timeout has not passed at `now`. */
  get(sid: string, now: Date): Promise<StoredSession | undefined>;
  /** Writes the session (created now if new), its idle timeout ending at `expiresAt`. */
  set(sid: string, data: Record<string, unknown>, actorId: string | undefined, expiresAt: string, now: Date): Promise<void>;
  /** Moves the idle timeout's end on, nothing else. */
  touch(sid: string, expiresAt: string): Promise<void>;
  destroy(sid: string): Promise<void>;
  /** Ends every session of one person (an administrator revoking access); how many ended. */
  destroyAllOf(actorId: string): Promise<number>;
  /** Deletes the sessions whose idle timeout passed before `now`; how many. */
  prune(now: Date): Promise<number>;
  /** Records that a person read a case's referral form, or what was made from it (`what`). */
  recordReferralView(view: { at: string; actorId: string; actorRole: string; caseReference: string; what?: string }): Promise<void>;
  referralViews(caseReference: string): Promise<Array<{ at: string; actorId: string; actorRole: string; what?: string }>>;
}

export function webSessions<DB extends WebSessionTables>(database: Kysely<DB>): WebSessions {
  const db = database as unknown as Kysely<WebSessionTables>;
  return {
    async get(sid, now) {
      const row = await db.selectFrom('web_session').selectAll().where('sid_hash', '=', sidHash(sid)).executeTakeFirst();
      if (!row) return undefined;
      if (row.expires_at <= now.toISOString()) {
        // Met past its idle timeout: gone for good.
        await db.deleteFrom('web_session').where('sid_hash', '=', row.sid_hash).execute();
        return undefined;
      }
      return { data: JSON.parse(row.data) as Record<string, unknown>, createdAt: row.created_at, expiresAt: row.expires_at };
    },
    async set(sid, data, actorId, expiresAt, now) {
      const values = { sid_hash: sidHash(sid), data: JSON.stringify(data), actor_id: actorId ?? null, created_at: now.toISOString(), expires_at: expiresAt };
      await db
        .insertInto('web_session')
        .values(values)
        .onConflict((oc) => oc.column('sid_hash').doUpdateSet({ data: values.data, actor_id: values.actor_id, expires_at: values.expires_at }))
        .execute();
    },
    async touch(sid, expiresAt) {
      await db.updateTable('web_session').set({ expires_at: expiresAt }).where('sid_hash', '=', sidHash(sid)).execute();
    },
    async destroy(sid) {
      await db.deleteFrom('web_session').where('sid_hash', '=', sidHash(sid)).execute();
    },
    async destroyAllOf(actorId) {
      const result = await db.deleteFrom('web_session').where('actor_id', '=', actorId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async prune(now) {
      const result = await db.deleteFrom('web_session').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async recordReferralView(view) {
      await db.insertInto('referral_view').values({ at: view.at, actor_id: view.actorId, actor_role: view.actorRole, case_reference: view.caseReference, what: view.what ?? null }).execute();
    },
    async referralViews(caseReference) {
      const rows = await db.selectFrom('referral_view').selectAll().where('case_reference', '=', caseReference).orderBy('at').execute();
      return rows.map((r) => ({ at: r.at, actorId: r.actor_id, actorRole: r.actor_role, ...(r.what ? { what: r.what } : {}) }));
    },
  };
}
