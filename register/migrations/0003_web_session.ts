// The staff pages' sign-in sessions (kept server-side, so that one can be ended: sign-out, an
// administrator, a timeout) and the audit of every view of a referral form through the pages.
// A session's ID is stored only as its SHA-256: the table cannot sign anyone in.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the database as it is
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('web_session')
    .ifNotExists()
    .addColumn('sid_hash', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_session_expires').ifNotExists().on('web_session').column('expires_at').execute();
  await db.schema.createIndex('web_session_actor').ifNotExists().on('web_session').column('actor_id').execute();
  await db.schema
    .createTable('referral_view')
    .ifNotExists()
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referral_view_case').ifNotExists().on('referral_view').columns(['case_reference', 'at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('referral_view').ifExists().execute();
  await db.schema.dropTable('web_session').ifExists().execute();
}
