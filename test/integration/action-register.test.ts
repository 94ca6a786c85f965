// The action log and exception report (register/actions.ts, §9.2) on a real SQLite file
// and a real PostgreSQL server: the version rule of the upsert, the free text sealed at rest, the
// log's order and overdue days, the agency filter, the exception report's groups, free text left
// out (and not decrypted) without permission, and the CSV (RFC 4180 quoting, formula injection).
// Every expected value is written out by hand from the snapshots below.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import {
  actionLog,
  actionsCsv,
  exceptionReport,
  exceptionReportCsv,
  upsertActionSnapshot,
  type ActionLogRow,
} from '../../register/actions';
import { openText } from '../../register/crypto';
import { migrateRegister, openRegister, type RegisterDb } from '../../register/database';
import { DecryptionError, KeyRing } from '../../config/key-ring';
import type { ActionSnapshot } from '../../domain/action-snapshot';
import { TEST_KEY_RING, testKey } from '../helpers/keys';
import { startTestPostgres } from '../helpers/postgres';

interface Backend {
  db: RegisterDb;
  url: string;
  close(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-action-register-'));
  const url = `sqlite:${path.join(dir, 'register.sqlite')}`;
  const db = openRegister(url);
  return {
    db,
    url,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const server = await startTestPostgres();
  const db = openRegister(server.url);
  return {
    db,
    url: server.url,
    async close() {
      await db.destroy();
      await server.stop();
    },
  };
}

const TODAY = '2026-06-15';

/** Free text of an action, distinct per action so a leak is traced to its row. */
const owner = (ref: string, id: string) => `Named Lead ${ref}/${id}`;
const description = (ref: string, id: string) => `Retrain staff about Test Child ${ref}/${id}`;
const finding = (ref: string, id: string) => `Finding about Test Child ${ref}/${id}`;

function snap(caseReference: string, actionId: string, agency: string, deadline: string, extra: Partial<ActionSnapshot> = {}): ActionSnapshot {
  return {
    caseReference,
    actionId,
    agency,
    owner: owner(caseReference, actionId),
    description: description(caseReference, actionId),
    finding: finding(caseReference, actionId),
    agreedOn: '2025-11-03',
    originalDeadline: deadline,
    deadline,
    status: 'open',
    escalation: 'none',
    sspInvolved: false,
    version: 1,
    updatedAt: '2026-01-05T10:00:00.000Z',
    ...extra,
  };
}

const EHT = 'Example Health Trust';
const LA = 'Local Authority';
const POLICE = 'Police';

// Inserted in this (shuffled) order; the log's order is written out in LOG_ORDER below.
const SNAPSHOTS: ActionSnapshot[] = [
  snap('DSP-2026-0002', 'A02', POLICE, '2026-07-01'),
  snap('DSP-2026-0001', 'A03', LA, TODAY),
  snap('DSP-2026-10000', 'A01', LA, '2026-05-01'),
  snap('DSP-2026-0001', 'A01', EHT, '2026-06-14', { originalDeadline: '2026-05-14', escalation: 'overdue' }),
  snap('DSP-2025-9999', 'A10', POLICE, '2025-12-20', { escalation: 'chief-officer', sspInvolved: true }),
  snap('DSP-2026-0001', 'A04', POLICE, '2026-01-10', { status: 'completed', completedOn: '2026-01-09' }),
  snap('DSP-2026-0002', 'A01', POLICE, '2026-06-01', { escalation: 'overdue' }),
  snap('DSP-2026-0003', 'A01', LA, '2026-03-31', { escalation: 'overdue' }),
  snap('DSP-2026-0002', 'A03', EHT, '2026-02-01', { status: 'withdrawn', withdrawnReason: 'Superseded by the review of Test Child (withdrawn)' }),
  snap('DSP-2026-9999', 'A01', LA, '2026-05-01'),
  snap('DSP-2026-0001', 'A02', EHT, '2026-06-01', { escalation: 'overdue' }),
];

/**
 * The open actions in the log's order (deadline, case, action; DSP-2026-9999 before
 * DSP-2026-10000), with their days overdue on 2026-06-15, counted by hand:
 * 2025-12-20: 11 (to 31 Dec) + 31 + 28 + 31 + 30 + 31 + 15 = 177; 2026-03-31: 30 + 31 + 15 = 76;
 * 2026-05-01: 30 + 15 = 45; 2026-06-01: 14; 2026-06-14: 1; today and later: not overdue.
 */
const LOG_ORDER: Array<[string, string, string, string, number]> = [
  ['DSP-2025-9999', 'A10', POLICE, '2025-12-20', 177],
  ['DSP-2026-0003', 'A01', LA, '2026-03-31', 76],
  ['DSP-2026-9999', 'A01', LA, '2026-05-01', 45],
  ['DSP-2026-10000', 'A01', LA, '2026-05-01', 45],
  ['DSP-2026-0001', 'A02', EHT, '2026-06-01', 14],
  ['DSP-2026-0002', 'A01', POLICE, '2026-06-01', 14],
  ['DSP-2026-0001', 'A01', EHT, '2026-06-14', 1],
  ['DSP-2026-0001', 'A03', LA, TODAY, 0],
  ['DSP-2026-0002', 'A02', POLICE, '2026-07-01', 0],
];

/** An independent check of the hand counts: whole UTC days between two dates. */
function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000);
}

const brief = (r: ActionLogRow) => [r.caseReference, r.actionId, r.agency, r.deadline, r.daysOverdue] as const;

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
] as const)('action register on %s', (_name, open) => {
  let backend: Backend;
  let db: RegisterDb;

  beforeAll(async () => {
    backend = await open();
    db = backend.db;
    // migrateRegister creates action_record, and again is harmless.
    await migrateRegister(db);
    await migrateRegister(db);
  }, 60_000);

  afterAll(async () => {
    await backend?.close();
  });

  beforeEach(async () => {
    await db.deleteFrom('action_record').execute();
  });

  const raw = (caseReference: string, actionId: string) =>
    db.selectFrom('action_record').selectAll().where('case_reference', '=', caseReference).where('action_id', '=', actionId).executeTakeFirstOrThrow();

  async function seed() {
    for (const s of SNAPSHOTS) expect(await upsertActionSnapshot(db, TEST_KEY_RING, s)).toBe(true);
  }

  it('creates the table and its indexes from concurrent migrations (the worker and the API at once)', async () => {
    // A register as the code before numbered migrations left it (no record of migrations), and
    // without action_record.
    await sql`drop table action_record`.execute(db);
    await sql`drop table kysely_migration`.execute(db);
    await sql`drop table kysely_migration_lock`.execute(db);
    const others = [openRegister(backend.url), openRegister(backend.url), openRegister(backend.url)];
    try {
      await Promise.all([db, ...others, db, ...others].map((d) => migrateRegister(d)));
    } finally {
      for (const d of others) await d.destroy();
    }
    const tables = await db.introspection.getTables();
    const columns = tables.find((t) => t.name === 'action_record')!.columns.map((c) => c.name).sort();
    expect(columns).toEqual(
      [
        'action_id',
        'agency',
        'agreed_on',
        'case_reference',
        'completed_on',
        'deadline',
        'description',
        'escalation',
        'finding',
        'original_deadline',
        'owner',
        'ssp_involved',
        'status',
        'updated_at',
        'version',
        'withdrawn_reason',
      ].sort(),
    );
    const indexes =
      _name === 'PostgreSQL'
        ? (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'action_record'`.execute(db)).rows
        : (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'action_record'`.execute(db)).rows;
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['action_record_status_deadline', 'action_record_agency']));
    await migrateRegister(db);
  });

  it('keeps the highest version: an older one after a newer one changes nothing; the same version twice writes once', async () => {
    const v2 = snap('DSP-2026-0001', 'A01', EHT, '2026-08-01', { version: 2, updatedAt: '2026-02-02T10:00:00.000Z' });
    expect(await upsertActionSnapshot(db, TEST_KEY_RING, v2)).toBe(true);
    // A late write of version 1 (another deadline, another agency) is ignored.
    const v1 = snap('DSP-2026-0001', 'A01', POLICE, '2026-07-01', { version: 1, updatedAt: '2026-01-01T10:00:00.000Z' });
    expect(await upsertActionSnapshot(db, TEST_KEY_RING, v1)).toBe(false);
    // Version 2 again, even with other content, writes nothing.
    expect(await upsertActionSnapshot(db, TEST_KEY_RING, { ...v2, deadline: '2026-09-09', owner: 'Someone else' })).toBe(false);
    let row = await raw('DSP-2026-0001', 'A01');
    expect(row).toMatchObject({ agency: EHT, deadline: '2026-08-01', version: 2, updated_at: '2026-02-02T10:00:00.000Z', status: 'open', ssp_involved: 0 });
    expect(openText(TEST_KEY_RING, row.owner, 'action_record:DSP-2026-0001:A01:owner')).toBe(owner('DSP-2026-0001', 'A01'));

    // Version 3 (completed, in a transaction) replaces it.
    const v3 = { ...v2, status: 'completed' as const, completedOn: '2026-07-30', sspInvolved: true, version: 3, updatedAt: '2026-07-30T09:00:00.000Z' };
    expect(await db.transaction().execute((trx) => upsertActionSnapshot(trx, TEST_KEY_RING, v3))).toBe(true);
    row = await raw('DSP-2026-0001', 'A01');
    expect(row).toMatchObject({ status: 'completed', completed_on: '2026-07-30', ssp_involved: 1, version: 3, updated_at: '2026-07-30T09:00:00.000Z' });
    const count = await db.selectFrom('action_record').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('ends on the highest version when versions 1 to 12 arrive at once, in any order', async () => {
    const versions = [7, 3, 12, 1, 9, 5, 11, 2, 8, 4, 10, 6];
    const others = [openRegister(backend.url), openRegister(backend.url)];
    try {
      const dbs = [db, ...others];
      const wrote = await Promise.all(
        versions.map((v, i) => upsertActionSnapshot(dbs[i % dbs.length]!, TEST_KEY_RING, snap('DSP-2026-0005', 'A01', LA, `2026-08-${String(v).padStart(2, '0')}`, { version: v }))),
      );
      // Whenever 12 arrived, nothing stored was newer.
      expect(wrote[versions.indexOf(12)]).toBe(true);
    } finally {
      for (const d of others) await d.destroy();
    }
    expect(await raw('DSP-2026-0005', 'A01')).toMatchObject({ version: 12, deadline: '2026-08-12' });
  });

  it('stores owner, description, finding and withdrawn reason sealed, bound to the case, action and field', async () => {
    await seed();
    const row = await raw('DSP-2026-0002', 'A03');
    const sealed = [row.owner, row.description, row.finding, row.withdrawn_reason!];
    for (const value of sealed) {
      expect(value).toMatch(/^v1:test-2:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]+=*$/);
      for (const plain of ['Named Lead', 'Test Child', 'Retrain', 'Finding', 'Superseded']) expect(value).not.toContain(plain);
    }
    // The row read raw, all of it: no free text anywhere.
    expect(JSON.stringify(row)).not.toMatch(/Test Child|Named Lead|Superseded/);
    // What a report counts is in clear.
    expect(row).toMatchObject({ case_reference: 'DSP-2026-0002', action_id: 'A03', agency: EHT, status: 'withdrawn', deadline: '2026-02-01', completed_on: null });
    expect(openText(TEST_KEY_RING, row.withdrawn_reason!, 'action_record:DSP-2026-0002:A03:withdrawn_reason')).toBe('Superseded by the review of Test Child (withdrawn)');
    // Copied into another action's row, a sealed value does not open.
    await db.updateTable('action_record').set({ description: row.description }).where('case_reference', '=', 'DSP-2026-0001').where('action_id', '=', 'A01').execute();
    const moved = await actionLog(db, TEST_KEY_RING, { today: TODAY, includeFreeText: true }).catch((e: unknown) => e);
    expect(moved).toBeInstanceOf(DecryptionError);
    expect((moved as Error).message).not.toMatch(/Test Child|DSP-/);
  });

  it('lists the open actions by deadline, case and action, with the days each is overdue', async () => {
    await seed();
    const log = await actionLog(db, TEST_KEY_RING, { today: TODAY, includeFreeText: true });
    expect(log.map(brief)).toEqual(LOG_ORDER);
    for (const [, , , deadline, days] of LOG_ORDER) expect(days).toBe(Math.max(0, daysBetween(deadline, TODAY)));
    expect(log.map((r) => r.overdue)).toEqual([true, true, true, true, true, true, true, false, false]);
    expect(log[0]).toEqual({
      caseReference: 'DSP-2025-9999',
      actionId: 'A10',
      agency: POLICE,
      owner: 'Named Lead DSP-2025-9999/A10',
      description: 'Retrain staff about Test Child DSP-2025-9999/A10',
      finding: 'Finding about Test Child DSP-2025-9999/A10',
      agreedOn: '2025-11-03',
      originalDeadline: '2025-12-20',
      deadline: '2025-12-20',
      status: 'open',
      escalation: 'chief-officer',
      sspInvolved: true,
      overdue: true,
      daysOverdue: 177,
    });
    expect(log[6]).toMatchObject({ caseReference: 'DSP-2026-0001', actionId: 'A01', originalDeadline: '2026-05-14', deadline: '2026-06-14', escalation: 'overdue', sspInvolved: false });
    // The action due today is not overdue (§9.2: overdue once the deadline has passed).
    expect(log[7]).toMatchObject({ deadline: TODAY, overdue: false, daysOverdue: 0 });
  });

  it("with status 'all', lists completed and withdrawn actions too, never as overdue", async () => {
    await seed();
    const all = await actionLog(db, TEST_KEY_RING, { today: TODAY, includeFreeText: true, status: 'all' });
    expect(all.map((r) => [r.caseReference, r.actionId, r.status])).toEqual([
      ['DSP-2025-9999', 'A10', 'open'],
      ['DSP-2026-0001', 'A04', 'completed'],
      ['DSP-2026-0002', 'A03', 'withdrawn'],
      ['DSP-2026-0003', 'A01', 'open'],
      ['DSP-2026-9999', 'A01', 'open'],
      ['DSP-2026-10000', 'A01', 'open'],
      ['DSP-2026-0001', 'A02', 'open'],
      ['DSP-2026-0002', 'A01', 'open'],
      ['DSP-2026-0001', 'A01', 'open'],
      ['DSP-2026-0001', 'A03', 'open'],
      ['DSP-2026-0002', 'A02', 'open'],
    ]);
    expect(all[1]).toMatchObject({ completedOn: '2026-01-09', overdue: false, daysOverdue: 0 });
    expect(all[1]!.withdrawnReason).toBeUndefined();
    expect(all[2]).toMatchObject({ withdrawnReason: 'Superseded by the review of Test Child (withdrawn)', overdue: false, daysOverdue: 0 });
    expect(all[2]!.completedOn).toBeUndefined();
  });

  it("narrows to one agency's actions", async () => {
    await seed();
    const police = await actionLog(db, TEST_KEY_RING, { today: TODAY, agency: POLICE, includeFreeText: true });
    expect(police.map(brief)).toEqual([
      ['DSP-2025-9999', 'A10', POLICE, '2025-12-20', 177],
      ['DSP-2026-0002', 'A01', POLICE, '2026-06-01', 14],
      ['DSP-2026-0002', 'A02', POLICE, '2026-07-01', 0],
    ]);
    expect(await actionLog(db, TEST_KEY_RING, { today: TODAY, agency: 'No Such Agency', includeFreeText: true })).toEqual([]);
    expect((await exceptionReport(db, TEST_KEY_RING, { today: TODAY, agency: EHT, includeFreeText: false })).map((g) => [g.agency, g.actions.map((a) => a.actionId)])).toEqual([
      [EHT, ['A02', 'A01']],
    ]);
  });

  it('reports the overdue open actions by agency, agencies alphabetically, oldest deadline first', async () => {
    await seed();
    const report = await exceptionReport(db, TEST_KEY_RING, { today: TODAY, includeFreeText: true });
    expect(report.map((g) => ({ agency: g.agency, actions: g.actions.map(brief) }))).toEqual([
      {
        agency: EHT,
        actions: [
          ['DSP-2026-0001', 'A02', EHT, '2026-06-01', 14],
          ['DSP-2026-0001', 'A01', EHT, '2026-06-14', 1],
        ],
      },
      {
        agency: LA,
        actions: [
          ['DSP-2026-0003', 'A01', LA, '2026-03-31', 76],
          ['DSP-2026-9999', 'A01', LA, '2026-05-01', 45],
          ['DSP-2026-10000', 'A01', LA, '2026-05-01', 45],
        ],
      },
      {
        agency: POLICE,
        actions: [
          ['DSP-2025-9999', 'A10', POLICE, '2025-12-20', 177],
          ['DSP-2026-0002', 'A01', POLICE, '2026-06-01', 14],
        ],
      },
    ]);
    expect(report.flatMap((g) => g.actions).every((a) => a.overdue && a.status === 'open')).toBe(true);
    expect(report[0]!.actions[0]!.finding).toBe('Finding about Test Child DSP-2026-0001/A02');
    // Before any deadline has passed, there is nothing to report.
    expect(await exceptionReport(db, TEST_KEY_RING, { today: '2025-12-20', includeFreeText: true })).toEqual([]);
  });

  it('without free text, leaves owner, description and finding out, and does not decrypt them', async () => {
    await seed();
    // A ring without the key the rows were sealed under: opening any free text would throw.
    const stranger = new KeyRing('other-1', { 'other-1': testKey('other-1') });
    const log = await actionLog(db, stranger, { today: TODAY, includeFreeText: false, status: 'all' });
    expect(log).toHaveLength(SNAPSHOTS.length);
    for (const row of log) {
      expect(Object.keys(row).filter((k) => ['owner', 'description', 'finding', 'withdrawnReason'].includes(k))).toEqual([]);
    }
    expect(JSON.stringify(log)).not.toMatch(/Test Child|Named Lead|Superseded/);
    expect(log.find((r) => r.actionId === 'A10')).toEqual({
      caseReference: 'DSP-2025-9999',
      actionId: 'A10',
      agency: POLICE,
      agreedOn: '2025-11-03',
      originalDeadline: '2025-12-20',
      deadline: '2025-12-20',
      status: 'open',
      escalation: 'chief-officer',
      sspInvolved: true,
      overdue: true,
      daysOverdue: 177,
    });
    const report = await exceptionReport(db, stranger, { today: TODAY, includeFreeText: false });
    expect(report.map((g) => g.actions.length)).toEqual([2, 3, 2]);
    expect(JSON.stringify(report)).not.toMatch(/Test Child|Named Lead/);
    // The same ring with free text asked for does try to open it, and cannot.
    await expect(actionLog(db, stranger, { today: TODAY, includeFreeText: true })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses a snapshot it could not list, naming the field and not the value', async () => {
    const bad = (extra: Partial<ActionSnapshot>) => upsertActionSnapshot(db, TEST_KEY_RING, { ...snap('DSP-2026-0001', 'A01', EHT, '2026-06-01'), ...extra });
    await expect(bad({ deadline: '2026-02-30' })).rejects.toThrow('Action snapshot: deadline must be a date (YYYY-MM-DD)');
    await expect(bad({ actionId: 'Test Child' })).rejects.toThrow('Action snapshot: actionId must be A followed by two or three digits');
    await expect(bad({ status: 'closed' as never })).rejects.toThrow('Action snapshot: status must be one of open, completed, withdrawn');
    await expect(bad({ version: 1.5 })).rejects.toThrow(RangeError);
    const error = (await bad({ actionId: 'Test Child' }).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('Test Child');
    expect(await db.selectFrom('action_record').selectAll().execute()).toEqual([]);
  });

  it('writes CSV with a header, RFC 4180 quoting and formula cells made text', async () => {
    const tricky = snap('DSP-2026-0007', 'A01', 'Health, North', '2026-06-10', {
      owner: '=HYPERLINK("http://evil.example","click")',
      description: 'Train "all" staff,\r\nthen audit\nagain',
      finding: '+1 more',
      escalation: 'overdue',
    });
    const second = snap('DSP-2026-0007', 'A02', 'Police', '2026-07-01', { owner: '@SUM(A1)', description: '-2 days', finding: '\tTabbed' });
    const third = snap('DSP-2026-0008', 'A01', 'Police', '2026-06-01', { owner: '\rCR first', description: "O'Neil's plan", finding: 'plain' });
    for (const s of [tricky, second, third]) await upsertActionSnapshot(db, TEST_KEY_RING, s);

    const rows = await actionLog(db, TEST_KEY_RING, { today: TODAY, includeFreeText: true });
    const header =
      'Case reference,Action,Agency,Owner,Description,Finding,Agreed on,Original deadline,Deadline,Status,Escalation,SSP involved,Overdue,Days overdue,Completed on,Withdrawn reason';
    expect(actionsCsv(rows)).toBe(
      '\uFEFF' +
        header +
        '\r\n' +
        // \rCR first: a leading CR is guarded, and a field holding a CR is quoted.
        `DSP-2026-0008,A01,Police,"'\rCR first",O'Neil's plan,plain,2025-11-03,2026-06-01,2026-06-01,open,none,no,yes,14,,\r\n` +
        `DSP-2026-0007,A01,"Health, North","'=HYPERLINK(""http://evil.example"",""click"")","Train ""all"" staff,\r\nthen audit\nagain",'+1 more,2025-11-03,2026-06-10,2026-06-10,open,overdue,no,yes,5,,\r\n` +
        `DSP-2026-0007,A02,Police,'@SUM(A1),'-2 days,'\tTabbed,2025-11-03,2026-07-01,2026-07-01,open,none,no,no,0,,\r\n`,
    );

    const withoutText = await actionLog(db, TEST_KEY_RING, { today: TODAY, includeFreeText: false });
    expect(actionsCsv(withoutText)).toBe(
      '\uFEFF' +
        'Case reference,Action,Agency,Agreed on,Original deadline,Deadline,Status,Escalation,SSP involved,Overdue,Days overdue,Completed on\r\n' +
        'DSP-2026-0008,A01,Police,2025-11-03,2026-06-01,2026-06-01,open,none,no,yes,14,\r\n' +
        'DSP-2026-0007,A01,"Health, North",2025-11-03,2026-06-10,2026-06-10,open,overdue,no,yes,5,\r\n' +
        'DSP-2026-0007,A02,Police,2025-11-03,2026-07-01,2026-07-01,open,none,no,no,0,\r\n',
    );
    // An empty list still has its header; which one is said, not guessed.
    expect(actionsCsv([], { includeFreeText: true })).toBe('\uFEFF' + header + '\r\n');

    const report = await exceptionReport(db, TEST_KEY_RING, { today: TODAY, includeFreeText: false });
    expect(exceptionReportCsv(report, { includeFreeText: false })).toBe(
      '\uFEFF' +
        'Case reference,Action,Agency,Agreed on,Original deadline,Deadline,Status,Escalation,SSP involved,Overdue,Days overdue,Completed on\r\n' +
        'DSP-2026-0007,A01,"Health, North",2025-11-03,2026-06-10,2026-06-10,open,overdue,no,yes,5,\r\n' +
        'DSP-2026-0008,A01,Police,2025-11-03,2026-06-01,2026-06-01,open,none,no,yes,14,\r\n',
    );
  });
});
