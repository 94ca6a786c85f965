// What a reading of the referral showed: the form itself, or the notification pack made from it
// (§5.2). Both are the child's special-category data (§13), so both are audited in referral_view;
// rows from before this migration, with nothing in the column, were readings of the form.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the database as it is
type Db = Kysely<any>;

/**
 * Unless the column is there already: a register whose record of migrations was lost runs them all
 * again over its tables (test/integration/action-register.test.ts), and SQLite has no ADD COLUMN
 * IF NOT EXISTS.
 */
export async function up(db: Db): Promise<void> {
  const table = (await db.introspection.getTables()).find((t) => t.name === 'referral_view');
  if (table && !table.columns.some((c) => c.name === 'what')) await db.schema.alterTable('referral_view').addColumn('what', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('referral_view').dropColumn('what').execute();
}
