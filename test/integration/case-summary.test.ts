// The case summary (register/case-summary.ts, migration 0002) on a real SQLite file and a real
// PostgreSQL server: a summary replaces the stored one only when newer (an older, repeated or
// concurrent write never rolls a case back), its reviewers and work rows go with it; the list's
// filters, scopes, order and pages; what falls to a role, and an agency's open actions. Every
// expected value is written out by hand from the summaries below.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { KeyRing } from '../../config/key-ring';
import { upsertActionSnapshot } from '../../register/actions';
import { agencyDigests } from '../../register/case-summary';
import { migrateRegister, openRegister, type RegisterDb } from '../../register/database';
import { registerOf, type Register } from '../../register/register';
import type { CaseSummary } from '../../domain/case';
import type { ReferralForm } from '../../domain/referral-form';
import { TEST_KEY_RING, testKey } from '../helpers/keys';
import { startTestPostgres } from '../helpers/postgres';

interface Backend {
  db: RegisterDb;
  close(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-case-summary-'));
  const db = openRegister(`sqlite:${path.join(dir, 'register.sqlite')}`);
  return {
    db,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const server = await startTestPostgres('ssi_case_summary');
  const db = openRegister(server.url);
  return {
    db,
    async close() {
      await db.destroy();
      await server.stop();
    },
  };
}

const V = 'DSP-1.5';

function summary(caseReference: string, over: Partial<CaseSummary> = {}): CaseSummary {
  return {
    caseReference,
    rulebookVersion: V,
    revision: 1,
    stage: 'referral-received',
    receivedAt: '2026-12-01T09:00:00.000Z',
    nextDeadline: '2026-12-02T23:59:59.999Z',
    missed: 0,
    referringAgency: 'Example Health Trust',
    reviewerIds: [],
    obligations: [{ id: 'ssp-informed', status: 'open', dueAt: '2026-12-02T23:59:59.999Z' }],
    updatedAt: '2026-12-01T09:00:01.000Z',
    ...over,
  };
}

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
] as const)('the case summary on %s', (dialect, open) => {
  let backend: Backend;
  let register: Register;

  beforeAll(async () => {
    backend = await open();
    await migrateRegister(backend.db);
    register = registerOf(backend.db, TEST_KEY_RING);
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
  });

  const work = (ref: string) =>
    backend.db.selectFrom('case_summary_work').select(['obligation_id', 'role', 'decision', 'status']).where('case_reference', '=', ref).orderBy('obligation_id').orderBy('role').execute();
  const reviewers = async (ref: string) =>
    (await backend.db.selectFrom('case_summary_reviewer').select('reviewer_id').where('case_reference', '=', ref).orderBy('reviewer_id').execute()).map((r) => r.reviewer_id);

  test('a newer summary replaces the row, its reviewers and its work; an older or repeated one changes nothing', async () => {
    const ref = 'DSP-2026-0101';
    const lcspr = summary(ref, {
      revision: 5,
      stage: 'lcspr',
      updatedAt: '2026-12-03T10:00:00.000Z',
      reviewerIds: ['reviewer-1'],
      obligations: [{ id: 'lcspr-publication', status: 'open', dueAt: '2027-06-03T22:59:59.999Z' }],
      nextDeadline: '2027-06-03T22:59:59.999Z',
    });
    expect(await register.caseSummaries.record(lcspr)).toBe(true);
    const stored = await register.caseSummaries.read(ref);
    expect(stored).toMatchObject({ stage: 'lcspr', revision: 5, reviewerIds: ['reviewer-1'], openedAt: '2026-12-01T09:00:00.000Z', closed: false });
    expect(stored?.obligations).toEqual([{ id: 'lcspr-publication', status: 'open', owner: 'ssp', dueAt: '2027-06-03T22:59:59.999Z', dueDate: '2027-06-03' }]);
    expect(await work(ref)).toEqual([
      { obligation_id: 'lcspr-publication', role: 'reviewer', decision: 'draft-report-to-ld', status: 'open' },
      { obligation_id: 'lcspr-publication', role: 'ssp', decision: null, status: 'open' },
    ]);

    // A late write of an earlier turn (an activity retried after the next one): refused.
    expect(await register.caseSummaries.record(summary(ref, { revision: 4, updatedAt: '2026-12-03T09:00:00.000Z' }))).toBe(false);
    // The same one again: nothing to do.
    expect(await register.caseSummaries.record(lcspr)).toBe(false);
    // A lower revision at the same instant: refused too.
    expect(await register.caseSummaries.record(summary(ref, { revision: 3, updatedAt: '2026-12-03T10:00:00.000Z' }))).toBe(false);
    expect(await register.caseSummaries.read(ref)).toMatchObject({ stage: 'lcspr', revision: 5 });
    expect(await reviewers(ref)).toEqual(['reviewer-1']);

    // The next turn: a reviewer replaced, the draft sent.
    expect(
      await register.caseSummaries.record(
        summary(ref, { revision: 6, stage: 'lcspr-draft', updatedAt: '2026-12-03T10:00:00.000Z', reviewerIds: ['reviewer-2'], obligations: [{ id: 'lcspr-publication', status: 'open', dueAt: '2027-06-03T22:59:59.999Z' }] }),
      ),
    ).toBe(true);
    expect(await reviewers(ref)).toEqual(['reviewer-2']);
    expect(await work(ref)).toEqual([{ obligation_id: 'lcspr-publication', role: 'ssp', decision: null, status: 'open' }]);

    // A case reset by an operator runs on with lower revisions, at later times: taken.
    expect(await register.caseSummaries.record(summary(ref, { revision: 2, stage: 'closed', updatedAt: '2026-12-04T08:00:00.000Z', obligations: [], nextDeadline: null }))).toBe(true);
    expect(await register.caseSummaries.read(ref)).toMatchObject({ stage: 'closed', closed: true, revision: 2, nextDeadline: null });
    expect(await work(ref)).toEqual([]);
  });

  test('writes racing for one case leave the newest, whatever order they land in', async () => {
    const ref = 'DSP-2026-0102';
    const turns = [3, 9, 1, 7, 10, 2, 8, 5, 4, 6].map((n) =>
      summary(ref, { revision: n, updatedAt: `2026-12-05T10:00:${String(n).padStart(2, '0')}.000Z`, missed: n, obligations: [{ id: 'ssp-informed', status: 'missed', dueAt: '2026-12-02T23:59:59.999Z' }] }),
    );
    const wrote = await Promise.all(turns.map((t) => register.caseSummaries.record(t)));
    expect(wrote.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(await register.caseSummaries.read(ref)).toMatchObject({ revision: 10, missed: 10 });
    expect(await work(ref)).toEqual([{ obligation_id: 'ssp-informed', role: 'business-unit', decision: 'ssp-informed', status: 'missed' }]);
  });

  test("a case opened through the API is ordered by its register row's time, not its receipt", async () => {
    const allocated = await register.cases.allocateCase({ receivedAt: '2026-10-01T09:00:00Z', receivedBy: 'bu-1', form: { fixture: 'summary' } as unknown as ReferralForm }, new Date('2026-12-06T09:30:00.000Z'));
    await register.caseSummaries.record(summary(allocated.caseReference, { receivedAt: '2026-10-01T09:00:00.000Z' }));
    expect(await register.caseSummaries.read(allocated.caseReference)).toMatchObject({ openedAt: '2026-12-06T09:30:00.000Z', receivedAt: '2026-10-01T09:00:00.000Z' });
  });

  describe('listing', () => {
    const refs = ['DSP-2027-0001', 'DSP-2027-0002', 'DSP-2027-0003', 'DSP-2027-0004', 'DSP-2027-0005'] as const;
    beforeAll(async () => {
      // Opened a day apart (receipt = opening here), oldest first.
      const day = (n: number) => `2027-01-0${n}T09:00:00.000Z`;
      await register.caseSummaries.record(summary(refs[0], { receivedAt: day(1), stage: 'awaiting-ssp-decision', nextDeadline: '2027-01-08T23:59:59.999Z', obligations: [{ id: 'ssp-decision', status: 'open', dueAt: '2027-01-08T23:59:59.999Z' }] }));
      await register.caseSummaries.record(
        summary(refs[1], { receivedAt: day(2), stage: 'lcspr', referringAgency: 'Another Trust', reviewerIds: ['reviewer-9'], nextDeadline: '2027-07-02T22:59:59.999Z', obligations: [{ id: 'lcspr-publication', status: 'open', dueAt: '2027-07-02T22:59:59.999Z' }] }),
      );
      await register.caseSummaries.record(
        summary(refs[2], { receivedAt: day(3), missed: 1, nextDeadline: null, obligations: [{ id: 'ssp-informed', status: 'missed', dueAt: '2027-01-04T23:59:59.999Z' }] }),
      );
      await register.caseSummaries.record(summary(refs[3], { receivedAt: day(4), stage: 'closed', nextDeadline: null, obligations: [] }));
      await register.caseSummaries.record(summary(refs[4], { receivedAt: day(5), nextDeadline: '2027-01-06T23:59:59.999Z', obligations: [{ id: 'ssp-informed', status: 'open', dueAt: '2027-01-06T23:59:59.999Z' }] }));
    });
    const mine = (rows: Array<{ caseReference: string }>) => rows.map((r) => r.caseReference).filter((r) => r.startsWith('DSP-2027-'));
    const list = async (filter: Partial<Parameters<Register['caseSummaries']['list']>[0]>) =>
      mine(await register.caseSummaries.list({ status: 'open', scope: { all: true }, limit: 100, ...filter }));

    test('newest first; open cases unless all are asked for; each filter', async () => {
      expect(await list({})).toEqual([refs[4], refs[2], refs[1], refs[0]]);
      expect(await list({ status: 'all' })).toEqual([refs[4], refs[3], refs[2], refs[1], refs[0]]);
      expect(await list({ stage: 'lcspr' })).toEqual([refs[1]]);
      expect(await list({ overdue: true })).toEqual([refs[2]]);
      expect(await list({ overdue: false })).toEqual([refs[4], refs[1], refs[0]]);
      expect(await list({ dueBefore: '2027-01-07T00:00:00.000Z' })).toEqual([refs[4]]);
      expect(await list({ dueBefore: '2027-01-09T00:00:00.000Z', overdue: false })).toEqual([refs[4], refs[0]]);
      expect(await list({ scope: { referringAgency: 'Another Trust' } })).toEqual([refs[1]]);
      expect(await list({ scope: { reviewerId: 'reviewer-9' } })).toEqual([refs[1]]);
      expect(await list({ scope: { reviewerId: 'reviewer-0' } })).toEqual([]);
    });

    test('the referring agency is kept only as its digest, and found under a key no longer current', async () => {
      const rows = await backend.db.selectFrom('case_summary').select(['referrer_agency_digest']).where('case_reference', 'in', [...refs]).execute();
      expect(rows.map((r) => r.referrer_agency_digest).sort()).toEqual([...Array(4).fill(agencyDigests(TEST_KEY_RING, 'Example Health Trust')[0]), agencyDigests(TEST_KEY_RING, 'Another Trust')[0]].sort());
      expect(JSON.stringify(await backend.db.selectFrom('case_summary').selectAll().execute())).not.toContain('Trust');
      // Rotated: a new key current, the old ones still in the ring: the rows written before still match.
      const rotated = registerOf(backend.db, new KeyRing('test-3', { 'test-1': testKey('test-1'), 'test-2': testKey('test-2'), 'test-3': testKey('test-3') }));
      const listed = await rotated.caseSummaries.list({ status: 'open', scope: { referringAgency: 'Another Trust' }, limit: 100 });
      expect(listed.map((r) => [r.caseReference, r.referringAgency])).toEqual([[refs[1], 'Another Trust']]);
      // Without the key that wrote them, nothing matches.
      const other = registerOf(backend.db, new KeyRing('test-3', { 'test-3': testKey('test-3') }));
      expect(await other.caseSummaries.list({ status: 'open', scope: { referringAgency: 'Another Trust' }, limit: 100 })).toEqual([]);
    });

    test('a page at a time, each after the last case of the one before', async () => {
      const seen: string[] = [];
      let after: { openedAt: string; caseReference: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const rows = (await register.caseSummaries.list({ status: 'all', scope: { all: true }, limit: 2, ...(after ? { after } : {}) })).filter((r) => r.caseReference.startsWith('DSP-2027-'));
        if (rows.length === 0) break;
        seen.push(...rows.map((r) => r.caseReference));
        after = { openedAt: rows.at(-1)!.openedAt, caseReference: rows.at(-1)!.caseReference };
      }
      expect(seen).toEqual([refs[4], refs[3], refs[2], refs[1], refs[0]]);
    });

    test('what falls to a role, soonest first, within the scope; an agency’s open actions', async () => {
      const work = async (role: 'business-unit' | 'reviewer' | 'ssp', scope: Parameters<Register['caseSummaries']['work']>[0]['scope']) =>
        (await register.caseSummaries.work({ role, scope, limit: 100 })).filter((w) => w.caseReference.startsWith('DSP-2027-')).map((w) => [w.caseReference, w.obligationId, w.status]);
      expect(await work('business-unit', { all: true })).toEqual([
        [refs[2], 'ssp-informed', 'missed'],
        [refs[4], 'ssp-informed', 'open'],
      ]);
      expect(await work('ssp', { all: true })).toEqual([
        [refs[0], 'ssp-decision', 'open'],
        [refs[1], 'lcspr-publication', 'open'],
      ]);
      expect(await work('reviewer', { reviewerId: 'reviewer-9' })).toEqual([[refs[1], 'lcspr-publication', 'open']]);
      expect(await work('reviewer', { reviewerId: 'reviewer-0' })).toEqual([]);

      const action = { owner: 'o', description: 'd', finding: 'f', agreedOn: '2027-01-02', status: 'open' as const, escalation: 'none' as const, sspInvolved: false, version: 1, updatedAt: '2027-01-02T10:00:00.000Z' };
      await upsertActionSnapshot(backend.db, TEST_KEY_RING, { ...action, caseReference: refs[1], actionId: 'A02', agency: 'Police', originalDeadline: '2027-03-01', deadline: '2027-03-01' });
      await upsertActionSnapshot(backend.db, TEST_KEY_RING, { ...action, caseReference: refs[1], actionId: 'A01', agency: 'Police', originalDeadline: '2027-02-01', deadline: '2027-02-01' });
      await upsertActionSnapshot(backend.db, TEST_KEY_RING, { ...action, caseReference: refs[1], actionId: 'A03', agency: 'Police', originalDeadline: '2027-01-20', deadline: '2027-01-20', status: 'completed', completedOn: '2027-01-10' });
      await upsertActionSnapshot(backend.db, TEST_KEY_RING, { ...action, caseReference: refs[1], actionId: 'A04', agency: 'Example Health Trust', originalDeadline: '2027-01-20', deadline: '2027-01-20' });
      expect(await register.caseSummaries.actionWork({ agency: 'Police', limit: 10 })).toEqual([
        { caseReference: refs[1], actionId: 'A01', agency: 'Police', deadline: '2027-02-01', status: 'open', rulebookVersion: V },
        { caseReference: refs[1], actionId: 'A02', agency: 'Police', deadline: '2027-03-01', status: 'open', rulebookVersion: V },
      ]);
    });

    test('the list and the work are read through indexes, not by scanning and sorting the table (SQLite)', async () => {
      if (dialect !== 'SQLite') return;
      // The statements register/case-summary.ts builds, with literal values.
      const plan = async (statement: string) => (await sql.raw<{ detail: string }>(`explain query plan ${statement}`).execute(backend.db)).rows.map((r) => r.detail).join('; ');
      const newest = `select * from case_summary as s where s.closed = 0 order by s.opened_at desc, s.case_reference desc limit 26`;
      expect(await plan(newest)).toMatch(/USING INDEX case_summary_open_newest/);
      const next = `select * from case_summary as s where s.closed = 0 and s.opened_at <= '2027-01-03T09:00:00.000Z' and (s.opened_at < '2027-01-03T09:00:00.000Z' or s.case_reference < 'DSP-2027-0003') order by s.opened_at desc, s.case_reference desc limit 26`;
      expect(await plan(next)).toMatch(/USING INDEX case_summary_open_newest/);
      for (const statement of [newest, next]) expect(await plan(statement)).not.toMatch(/TEMP B-TREE/);
      const byRole = `select * from case_summary_work as w inner join case_summary as s on s.case_reference = w.case_reference where w.role = 'ssp' order by w.due_at, w.case_reference, w.obligation_id limit 51`;
      expect(await plan(byRole)).toMatch(/USING INDEX case_summary_work_role_due/);
      const agency = `select * from case_summary as s where s.closed = 0 and s.referrer_agency_digest in ('a', 'b') order by s.opened_at desc, s.case_reference desc limit 26`;
      // (Which index SQLite takes depends on what it knows of the rows; either serves.)
      expect(await plan(agency)).toMatch(/USING INDEX case_summary_(agency_newest|open_newest)/);
      const actions = `select * from action_record as a where a.agency = 'Police' and a.status = 'open' order by a.deadline, a.case_reference, a.action_id limit 51`;
      expect(await plan(actions)).toMatch(/USING INDEX action_record_agency_open_deadline/);
    });
  });
});
