// The case register (register/cases.ts) on a real SQLite file and a real PostgreSQL
// server: references allocated per London year, concurrency, idempotency, the stored form (sealed
// under the key ring, bound to its case).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateRegister, openRegister, type RegisterDb } from '../../register/database';
import {
  caseExists,
  caseRegister,
  caseYearOf,
  IdempotencyConflict,
  openForm,
  sealForm,
} from '../../register/cases';
import { DecryptionError, KeyRing } from '../../config/key-ring';
import type { ReferralForm } from '../../domain/referral-form';
import example from '../../config/example-referral.json';
import { TEST_KEY_RING, testKey } from '../helpers/keys';
import { startTestPostgres } from '../helpers/postgres';

type Db = RegisterDb;

interface Backend {
  db: Db;
  close(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-case-register-'));
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
  const server = await startTestPostgres();
  const db = openRegister(server.url);
  return {
    db,
    async close() {
      await db.destroy();
      const stopSeconds = await server.stop();
      console.log(`test PostgreSQL: started in ${server.startSeconds.toFixed(2)}s, stopped in ${stopSeconds.toFixed(2)}s`);
    },
  };
}

const FORM = example.referral as unknown as ReferralForm;

/** The example form with another referrer: a different referral. */
function otherForm(): ReferralForm {
  const form = structuredClone(FORM);
  form.referrer.fullName = 'Another Referrer';
  return form;
}

const BU = 'bu-1';

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
] as const)('case register on %s', (_name, open) => {
  let backend: Backend;
  let db: Db;
  let register: ReturnType<typeof caseRegister>;

  beforeAll(async () => {
    backend = await open();
    db = backend.db;
    register = caseRegister(db, TEST_KEY_RING);
    await migrateRegister(db);
    await migrateRegister(db); // idempotent
  }, 60_000);

  afterAll(async () => {
    await backend?.close();
  });

  beforeEach(async () => {
    await db.deleteFrom('referral').execute();
    await db.deleteFrom('case_record').execute();
    await db.deleteFrom('case_counter').execute();
  });

  const allocate = (receivedAt: string, extra: { idempotencyScope?: string; form?: ReferralForm } = {}) =>
    register.allocateCase({ receivedAt, receivedBy: BU, form: extra.form ?? FORM, idempotencyScope: extra.idempotencyScope });

  async function rowCounts() {
    const cases = await db.selectFrom('case_record').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    const referrals = await db.selectFrom('referral').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return { cases: Number(cases.n), referrals: Number(referrals.n) };
  }

  it('numbers cases DSP-YYYY-0001, 0002, ... per London calendar year', async () => {
    expect(await allocate('2026-03-03T09:00:00Z')).toEqual({ caseReference: 'DSP-2026-0001', created: true });
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): still 2026.
    expect(await allocate('2026-06-30T23:30:00Z')).toEqual({ caseReference: 'DSP-2026-0002', created: true });
    // London is on GMT at new year: 23:30 UTC on 31 December is 2026 in London...
    expect(await allocate('2026-12-31T23:30:00Z')).toEqual({ caseReference: 'DSP-2026-0003', created: true });
    // ...and 00:30 on 1 January is 2027, numbered from 0001 again.
    expect(await allocate('2027-01-01T00:30:00+00:00')).toEqual({ caseReference: 'DSP-2027-0001', created: true });
    // An offset is honoured: 00:30+01:00 on 1 January is 23:30 on 31 December in London.
    expect(await allocate('2027-01-01T00:30:00+01:00')).toEqual({ caseReference: 'DSP-2026-0004', created: true });
    expect(await allocate('2027-02-01T10:00:00Z')).toEqual({ caseReference: 'DSP-2027-0002', created: true });

    const row = await db.selectFrom('case_record').selectAll().where('case_reference', '=', 'DSP-2026-0004').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ year: 2026, number: 4, received_at: '2026-12-31T23:30:00.000Z', received_by: BU, idempotency_scope: null });
    expect(caseYearOf('2026-06-30T23:30:00Z')).toBe(2026);
  });

  it('checks a given year against the London year of receipt', async () => {
    await expect(register.allocateCase({ year: 2027, receivedAt: '2026-12-31T23:30:00Z', receivedBy: BU, form: FORM })).rejects.toThrow(RangeError);
    expect(await register.allocateCase({ year: 2026, receivedAt: '2026-12-31T23:30:00Z', receivedBy: BU, form: FORM })).toEqual({
      caseReference: 'DSP-2026-0001',
      created: true,
    });
    await expect(allocate('2026-12-31 23:30')).rejects.toThrow(RangeError);
    expect(await rowCounts()).toEqual({ cases: 1, referrals: 1 });
  });

  it('pads to four digits and grows past 9999', async () => {
    await allocate('2026-05-01T09:00:00Z');
    await db.updateTable('case_counter').set({ last_number: 9998 }).where('year', '=', 2026).execute();
    expect((await allocate('2026-05-01T09:00:00Z')).caseReference).toBe('DSP-2026-9999');
    expect((await allocate('2026-05-01T09:00:00Z')).caseReference).toBe('DSP-2026-10000');
  });

  it('gives 20 concurrent allocations 20 distinct, consecutive numbers', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => allocate(`2026-09-01T10:00:${String(i).padStart(2, '0')}Z`)));
    const refs = results.map((r) => r.caseReference).sort();
    expect(refs).toEqual(Array.from({ length: 20 }, (_, i) => `DSP-2026-${String(i + 1).padStart(4, '0')}`));
    expect(results.every((r) => r.created)).toBe(true);
    expect(await rowCounts()).toEqual({ cases: 20, referrals: 20 });
    const counter = await db.selectFrom('case_counter').selectAll().executeTakeFirstOrThrow();
    expect(counter).toEqual({ year: 2026, last_number: 20 });
  });

  it('returns the same reference for a repeated idempotency scope and creates nothing', async () => {
    const first = await allocate('2026-04-01T09:00:00Z', { idempotencyScope: 'scope-a' });
    expect(first).toEqual({ caseReference: 'DSP-2026-0001', created: true });
    // A retry, a little later (even in another year), with the same form in another key order.
    const reordered = Object.fromEntries(Object.entries(FORM).reverse()) as unknown as ReferralForm;
    expect(await allocate('2026-04-01T09:00:05Z', { idempotencyScope: 'scope-a', form: reordered })).toEqual({
      caseReference: 'DSP-2026-0001',
      created: false,
    });
    expect(await allocate('2027-01-01T00:00:05Z', { idempotencyScope: 'scope-a' })).toEqual({ caseReference: 'DSP-2026-0001', created: false });
    expect(await rowCounts()).toEqual({ cases: 1, referrals: 1 });
    // No number was used up: the next case is 0002, and 2027 has no counter.
    expect(await allocate('2026-04-02T09:00:00Z', { idempotencyScope: 'scope-b' })).toEqual({ caseReference: 'DSP-2026-0002', created: true });
    expect(await db.selectFrom('case_counter').selectAll().orderBy('year').execute()).toEqual([{ year: 2026, last_number: 2 }]);
  });

  it('creates one case when requests with the same scope race', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        // Half the receipts fall in 2026, half in 2027: different counter rows, the same scope.
        allocate(i % 2 === 0 ? '2026-12-31T23:59:59Z' : '2027-01-01T00:00:01Z', { idempotencyScope: 'scope-race' }),
      ),
    );
    expect(new Set(results.map((r) => r.caseReference)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await rowCounts()).toEqual({ cases: 1, referrals: 1 });
    // The losers rolled back, counter increments included: only the winner's year has a counter.
    const year = Number(results[0]!.caseReference.slice(4, 8));
    expect(results[0]!.caseReference).toBe(`DSP-${year}-0001`);
    expect(await db.selectFrom('case_counter').selectAll().execute()).toEqual([{ year, last_number: 1 }]);
  });

  it('reports a different form under the same scope as a conflict, without the form in the message', async () => {
    const first = await allocate('2026-04-01T09:00:00Z', { idempotencyScope: 'scope-c' });
    const attempt = allocate('2026-04-01T09:01:00Z', { idempotencyScope: 'scope-c', form: otherForm() });
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyConflict);
    const error = (await attempt.catch((e: unknown) => e)) as IdempotencyConflict;
    expect(error.caseReference).toBe(first.caseReference);
    expect(error.message).not.toMatch(/Referrer|Example|@/);
    expect(await rowCounts()).toEqual({ cases: 1, referrals: 1 });
    expect(await register.referralOf(first.caseReference)).toEqual(FORM);
  });

  it('stores the referral form once, sealed, and reads it back', async () => {
    const { caseReference } = await allocate('2026-03-03T09:00:00Z');
    expect(await register.referralOf(caseReference)).toEqual(FORM);
    expect(await register.caseExists(caseReference)).toBe(true);
    expect(await caseExists(db, caseReference)).toBe(true);
    expect(await register.referralOf('DSP-2026-0999')).toBeUndefined();
    expect(await register.caseExists('DSP-2026-0999')).toBe(false);
    const stored = await db.selectFrom('referral').selectAll().executeTakeFirstOrThrow();
    expect(stored.case_reference).toBe(caseReference);
    expect(stored.form).toMatch(/^v1:test-2:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]+=*$/);
    for (const value of [FORM.referrer.fullName, FORM.children[0]!.fullName, FORM.children[0]!.postcode]) expect(stored.form).not.toContain(value);
    expect(openForm(TEST_KEY_RING, stored.form, caseReference)).toEqual(FORM);
  });

  it('a form moved to another case, or read without its key, does not open; the error names the key ID only', async () => {
    const first = await allocate('2026-03-03T09:00:00Z');
    const second = await allocate('2026-03-04T09:00:00Z', { form: otherForm() });
    const sealed = (ref: string) => db.selectFrom('referral').select('form').where('case_reference', '=', ref).executeTakeFirstOrThrow();
    const firstForm = (await sealed(first.caseReference)).form;
    await db.updateTable('referral').set({ form: firstForm }).where('case_reference', '=', second.caseReference).execute();
    const moved = await register.referralOf(second.caseReference).catch((e: unknown) => e);
    expect(moved).toBeInstanceOf(DecryptionError);
    expect((moved as Error).message).toBe('Encrypted data under key ID "test-2" could not be decrypted (wrong key or altered data)');
    const otherRing = caseRegister(db, new KeyRing('test-3', { 'test-3': testKey('test-3') }));
    await expect(otherRing.referralOf(first.caseReference)).rejects.toThrow('Encrypted data names key ID "test-2", which is not in the key ring');
  });

  it('reads a form sealed under an older key of the ring, and a form stored before encryption (plain JSON)', async () => {
    const { caseReference } = await allocate('2026-03-03T09:00:00Z');
    const older = new KeyRing('test-1', { 'test-1': testKey('test-1') });
    await db.updateTable('referral').set({ form: sealForm(older, FORM, caseReference) }).where('case_reference', '=', caseReference).execute();
    expect(await register.referralOf(caseReference)).toEqual(FORM);
    await db.updateTable('referral').set({ form: JSON.stringify(FORM) }).where('case_reference', '=', caseReference).execute();
    expect(await register.referralOf(caseReference)).toEqual(FORM);
    // A retry with the same scope is still told apart from a different form.
    await db.updateTable('case_record').set({ idempotency_scope: 'scope-old' }).where('case_reference', '=', caseReference).execute();
    expect(await allocate('2026-03-03T09:00:01Z', { idempotencyScope: 'scope-old' })).toEqual({ caseReference, created: false });
    await expect(allocate('2026-03-03T09:00:02Z', { idempotencyScope: 'scope-old', form: otherForm() })).rejects.toBeInstanceOf(IdempotencyConflict);
  });

  it('never reuses a reference after its case row is deleted by hand', async () => {
    await allocate('2026-03-03T09:00:00Z');
    const second = await allocate('2026-03-04T09:00:00Z');
    expect(second.caseReference).toBe('DSP-2026-0002');
    await db.deleteFrom('referral').where('case_reference', '=', second.caseReference).execute();
    await db.deleteFrom('case_record').where('case_reference', '=', second.caseReference).execute();
    expect((await allocate('2026-03-05T09:00:00Z')).caseReference).toBe('DSP-2026-0003');
    await db.deleteFrom('referral').execute();
    await db.deleteFrom('case_record').execute();
    expect((await allocate('2026-03-06T09:00:00Z')).caseReference).toBe('DSP-2026-0004');
  });
});
