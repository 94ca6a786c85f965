// Drafts of the referral form (Appendix 1) typed on the staff pages: a long form must not lose work,
// so what a person typed is kept between visits, sealed (register/referral-drafts.ts), for at most
// 30 days, and deleted when the referral is sent.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the database as it is
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('referral_draft')
    .ifNotExists()
    .addColumn('draft_id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referral_draft_owner').ifNotExists().on('referral_draft').columns(['owner_id', 'updated_at']).execute();
  await db.schema.createIndex('referral_draft_created').ifNotExists().on('referral_draft').column('created_at').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('referral_draft').ifExists().execute();
}
