// The register's schema: Kysely's Migrator runs the numbered migrations of register/migrations/
// that the database has not had yet, and records each in its table kysely_migration. The worker
// and the API both migrate at start; when they start at once, one migrates and the other waits
// for it, then finds nothing left to do.
//
// On PostgreSQL the Migrator does that itself: it takes an advisory lock (one per database) and
// runs the migrations in one transaction. On SQLite it takes no lock (Kysely's SQLite adapter
// assumes a single process) and no transaction, so here the whole run holds the database's write
// lock instead (BEGIN IMMEDIATE ... COMMIT): another process, or another connection of this one,
// waits for it, and a migration that fails leaves nothing half done. The wait polls without
// blocking: better-sqlite3's busy wait would stop this process's event loop, and with it the
// connection that holds the lock, when both are in one process (tests, `npm start`).
import { Migrator, SqliteAdapter, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { REGISTER_MIGRATIONS } from './migrations';

/** How long a process waits for another's migration on SQLite before it gives up. */
const SQLITE_LOCK_WAIT_MS = 5 * 60_000;
const SQLITE_LOCK_POLL_MS = 25;

/**
 * Runs the migrations the register has not had, once, whichever process gets there first.
 * Resolves to the names of those this call ran (none when another process had run them).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any register database: migrations see the tables as they are
export async function migrateRegister(db: Kysely<any>): Promise<string[]> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return migrateToLatest(db);
  return db.connection().execute(async (connection) => {
    await beginImmediate(connection);
    try {
      const ran = await migrateToLatest(connection);
      await sql`commit`.execute(connection);
      return ran;
    } catch (err) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw err;
    }
  });
}

/** The migrations' names, in the order they run. */
export const REGISTER_MIGRATION_NAMES: readonly string[] = Object.keys(REGISTER_MIGRATIONS).sort();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...REGISTER_MIGRATIONS }) } });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    // Schema errors name tables and columns, never a row's values.
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`The register's migration ${failed ?? '(before any migration ran)'} failed: ${why}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Takes SQLite's write lock for this connection's transaction, waiting for whoever holds it.
 * busy_timeout is off meanwhile (the wait is ours, and asynchronous), then as it was.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function beginImmediate(connection: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ timeout: number }>`pragma busy_timeout`.execute(connection);
  const busyTimeout = Number(rows[0]?.timeout ?? 0);
  await sql`pragma busy_timeout = 0`.execute(connection);
  try {
    for (const giveUpAt = Date.now() + SQLITE_LOCK_WAIT_MS; ; ) {
      try {
        await sql`begin immediate`.execute(connection);
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() > giveUpAt) throw err;
        await new Promise((resolve) => setTimeout(resolve, SQLITE_LOCK_POLL_MS));
      }
    }
  } finally {
    await sql`pragma busy_timeout = ${sql.lit(busyTimeout)}`.execute(connection);
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
