// The register's numbered migrations (register/migrate.ts, register/migrations/) on a real SQLite
// file and a real PostgreSQL server: a register the code before migrations left (built from the
// committed fixture of that code's DDL and rows, test/fixtures/register-before-migrations.sql),
// in its oldest shape and as the last such code left it, migrates with every row kept and ends
// with the schema of a new register; two processes migrating one register at once (the worker and
// the API starting together) both succeed and each migration is recorded once.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { Client } from 'pg';
import { migrateRegister, openRegister, type RegisterDb } from '../../register/database';
import { REGISTER_MIGRATION_NAMES } from '../../register/migrate';
import { registerOf } from '../../register/register';
import type { ReferralForm } from '../../domain/referral-form';
import { TEST_KEY_RING } from '../helpers/keys';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

// --- The fixture ---------------------------------------------------------------------------------

type Section = 'tables' | 'rows' | 'later-columns';

/** The fixture's statements by section: comments dropped, a statement ends with ";" at a line's end. */
function fixtureSections(): Record<Section, string[]> {
  const text = readFileSync(path.join(__dirname, '..', 'fixtures', 'register-before-migrations.sql'), 'utf8');
  const sections: Record<string, string[]> = {};
  let current: string[] | undefined;
  let statement = '';
  for (const line of text.split('\n')) {
    const marker = /^-- @section (\S+)$/.exec(line);
    if (marker) current = sections[marker[1]!] = [];
    if (line.startsWith('--') || line.trim() === '') continue;
    statement += `${statement ? '\n' : ''}${line}`;
    if (line.trimEnd().endsWith(';')) {
      current!.push(statement.trimEnd().slice(0, -1));
      statement = '';
    }
  }
  return sections as Record<Section, string[]>;
}

const FIXTURE = fixtureSections();

/** The oldest registers (outbox before claims, codec_audit before outcome), and the last before migrations. */
const SHAPES = {
  oldest: [...FIXTURE.tables, ...FIXTURE.rows],
  last: [...FIXTURE.tables, ...FIXTURE.rows, ...FIXTURE['later-columns']],
};

async function build(db: RegisterDb, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

// --- What a register holds -----------------------------------------------------------------------

const TABLES = {
  case_counter: ['year'],
  case_record: ['case_reference'],
  referral: ['case_reference'],
  register_event: ['event_key'],
  outbox: ['notice_key'],
  action_record: ['case_reference', 'action_id'],
  codec_audit: ['at'],
} as const;

type Rows = Record<keyof typeof TABLES, Array<Record<string, unknown>>>;

async function rowsOf(database: RegisterDb): Promise<Rows> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every table, read the same way
  const db = database as unknown as Kysely<any>;
  const rows = {} as Rows;
  for (const [table, key] of Object.entries(TABLES) as Array<[keyof typeof TABLES, readonly string[]]>) {
    rows[table] = await key.reduce((q, column) => q.orderBy(column), db.selectFrom(table).selectAll()).execute();
  }
  return rows;
}

/** The rows as the migration leaves them: the later columns added (unclaimed; outcome from the operation). */
function migrated(before: Rows): Rows {
  return {
    ...before,
    outbox: before.outbox.map((r) => ({ claim_token: null, claimed_until: null, ...r })),
    codec_audit: before.codec_audit.map((r) => ({ ...r, outcome: r.outcome ?? (r.operation === 'encode' ? 'encoded' : 'decoded') })),
  };
}

/** Each table's columns and the indexes, names sorted: the schema as far as the code relies on it. */
async function schemaOf(db: RegisterDb, dialect: string) {
  const tables = Object.fromEntries((await db.introspection.getTables()).map((t) => [t.name, t.columns.map((c) => c.name).sort()]));
  const indexes =
    dialect === 'PostgreSQL'
      ? (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = 'public'`.execute(db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db)).rows;
  return { tables, indexes: indexes.map((i) => i.name).sort() };
}

async function recordedMigrations(db: RegisterDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

// --- Backends ------------------------------------------------------------------------------------

interface Backend {
  /** The URL of a new, empty register database. */
  newDatabase(): Promise<string>;
  close(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-register-migrations-'));
  let n = 0;
  return {
    newDatabase: async () => `sqlite:${path.join(dir, `register-${(n += 1)}.sqlite`)}`,
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresBackend(): Promise<Backend> {
  const server: TestPostgres = await startTestPostgres('ssi_register_migrations');
  let n = 0;
  return {
    async newDatabase() {
      const name = `ssi_register_${(n += 1)}`;
      const admin = new Client({ connectionString: server.url.replace(/\/[^/]+$/, '/postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return server.url.replace(/\/[^/]+$/, `/${name}`);
    },
    close: async () => void (await server.stop()),
  };
}

describe.each([
  ['SQLite', async () => sqliteBackend()],
  ['PostgreSQL', postgresBackend],
] as const)('the register migrations on %s', (dialect, start) => {
  let backend: Backend;
  const opened: RegisterDb[] = [];
  const open = (url: string) => {
    const db = openRegister(url);
    opened.push(db);
    return db;
  };
  let fresh: Awaited<ReturnType<typeof schemaOf>>;

  beforeAll(async () => {
    backend = await start();
    const db = open(await backend.newDatabase());
    await migrateRegister(db);
    fresh = await schemaOf(db, dialect);
  }, 60_000);

  afterAll(async () => {
    for (const db of opened) await db.destroy();
    await backend?.close();
  });

  test.each(Object.keys(SHAPES) as Array<keyof typeof SHAPES>)(
    'a register the code before migrations left (%s shape) migrates: every row kept, the schema of a new register',
    async (shape) => {
      const db = open(await backend.newDatabase());
      await build(db, SHAPES[shape]);
      const before = await rowsOf(db);
      expect(Object.values(before).every((rows) => rows.length > 0)).toBe(true);

      expect(await migrateRegister(db)).toEqual([...REGISTER_MIGRATION_NAMES]);
      expect(await rowsOf(db)).toEqual(migrated(before));
      expect(await schemaOf(db, dialect)).toEqual(fresh);
      expect(await recordedMigrations(db)).toEqual([...REGISTER_MIGRATION_NAMES]);
      expect(await migrateRegister(db)).toEqual([]);

      // Read through the register as the system reads it: the forms (one from before encryption),
      // the rows' free text, the action log; the next reference follows the counter kept.
      const register = registerOf(db, TEST_KEY_RING);
      expect(await register.cases.referralOf('DSP-2026-0001')).toEqual({ fixture: 'stored before the register was encrypted' });
      expect(await register.cases.referralOf('DSP-2026-0002')).toEqual({ fixture: 'sealed under the test key ring' });
      expect((await register.events.read('DSP-2026-0001')).map((e) => e.detail.note ?? e.kind)).toEqual(['Fixture note, sealed', 'deadline-set']);
      expect((await register.actions.log({ today: '2026-03-01', includeFreeText: true }))[0]).toMatchObject({ actionId: 'A01', owner: 'Fixture owner', overdue: true });
      expect((await register.codecAudit.rows()).map((r) => r.outcome)).toEqual(['decoded', 'encoded']);
      const next = await register.cases.allocateCase({ receivedAt: '2026-04-01T09:00:00Z', receivedBy: 'bu-1', form: { fixture: 'after' } as unknown as ReferralForm });
      expect(next).toEqual({ caseReference: 'DSP-2026-0003', created: true });
    },
  );

  test.each([
    ['a new register', [] as string[]],
    ['a register from before migrations', SHAPES.oldest],
  ])('two processes migrating %s at once both succeed; each migration is recorded once', async (_what, statements) => {
    const url = await backend.newDatabase();
    const [worker, api] = [open(url), open(url)];
    await build(worker, statements);
    const before = statements.length > 0 ? await rowsOf(worker) : undefined;

    const [byWorker, byApi] = await Promise.all([migrateRegister(worker), migrateRegister(api)]);
    expect([...byWorker, ...byApi].sort()).toEqual([...REGISTER_MIGRATION_NAMES]);
    expect(await recordedMigrations(api)).toEqual([...REGISTER_MIGRATION_NAMES]);
    expect(await schemaOf(api, dialect)).toEqual(fresh);
    if (before) expect(await rowsOf(api)).toEqual(migrated(before));
  });
});
