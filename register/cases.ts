// The case register: the system allocates each case reference (DSP-YYYY-NNNN) and stores the
// Appendix 1 referral form once, at intake. Tables sit beside the register's own (same database,
// same Kysely over SQLite or PostgreSQL); the register's migrations create them (register/migrations/).
//
// The form is special-category personal data about children: nothing here logs it or puts any of
// it into an error message. It is stored encrypted (AES-256-GCM under the key ring, bound to its
// case: register/crypto.ts), read and written only through sealForm/openForm.
//
// The API reads and writes the register through caseRegister(db, ring), which holds the key ring.
import { Kysely, type Transaction } from 'kysely';
import type { KeyRing } from '../config/key-ring';
import { londonDateOf } from '../domain/calendar';
import type { ReferralForm } from '../domain/referral-form';
import type { CareLeaverForm } from '../domain/care-leaver-form';
import { isSealed, openText, sealText } from './crypto';
import { readEntries, type CaseEntry } from './events';
import type { RegisterDb } from './database';
import { canonicalJson } from '../domain/canonical-json';

export interface CaseTable {
  /** DSP-YYYY-NNNN, allocated by allocateCase. */
  case_reference: string;
  /** The London calendar year of receipt; with number, unique. */
  year: number;
  number: number;
  /** ISO instant (UTC) the referral was received. */
  received_at: string;
  /** The actor id of whoever submitted it. */
  received_by: string;
  /**
   * A hash identifying (person, Idempotency-Key): a retried POST finds its case. Unique when not
   * null (several nulls are allowed, on SQLite and PostgreSQL alike).
   */
  idempotency_scope: string | null;
  created_at: string;
}

export interface ReferralTable {
  /** The case it belongs to (references case_record). */
  case_reference: string;
  /** The form as sealForm wrote it: v1:<key ID>:<IV>:<ciphertext> (plain JSON in rows from before). */
  form: string;
  stored_at: string;
}

/**
 * The last number handed out per year. Numbers come from here, never from max(number) over the
 * cases, so a number whose case row was deleted is never handed out again.
 */
export interface CaseCounterTable {
  year: number;
  last_number: number;
}

// The table is case_record, not "case": CASE is an SQL keyword, and an unquoted hand-written query
// against it would fail on both databases.
export interface CaseRegisterTables {
  case_record: CaseTable;
  referral: ReferralTable;
  case_counter: CaseCounterTable;
}

type CaseDb = Kysely<CaseRegisterTables>;
type Executor = CaseDb | Transaction<CaseRegisterTables>;

/**
 * Every function takes any Kysely whose schema includes CaseRegisterTables (e.g.
 * Kysely<RegisterSchema & CaseRegisterTables>). Queries are written against CaseRegisterTables
 * alone: Kysely's builders do not type-check against an open generic schema.
 */
function narrow<DB extends CaseRegisterTables>(db: Kysely<DB>): CaseDb {
  return db as unknown as CaseDb;
}

// --- What the referral row keeps -------------------------------------------------------------------

/**
 * A care leaver's death notification (WT 2023 ch. 5) as the referral row keeps it, marked by its
 * kind inside the sealed text: an Appendix 1 referral form (strict, no `kind`) is kept as it
 * always was, so rows stored before there were kinds read as referrals with no migration.
 */
export interface StoredCareLeaverForm {
  kind: 'care-leaver-death';
  careLeaverDeath: CareLeaverForm;
}

/** What a case was opened from, as its referral row keeps it. */
export type StoredForm = ReferralForm | StoredCareLeaverForm;

export function isCareLeaverForm(stored: StoredForm): stored is StoredCareLeaverForm {
  return (stored as { kind?: unknown }).kind === 'care-leaver-death';
}

// --- The form at rest ----------------------------------------------------------------------------

const formContext = (caseReference: string) => `referral.form:${caseReference}`;

/** The stored text of a case's form: its JSON sealed under the ring's current key, bound to the case. */
export function sealForm(ring: KeyRing, form: StoredForm, caseReference: string): string {
  return sealText(ring, JSON.stringify(form), formContext(caseReference));
}

/**
 * The form from its stored text; the inverse of sealForm. DecryptionError (naming the key ID
 * only) if it does not open, e.g. a form copied from another case. A form stored before the
 * register was encrypted (plain JSON) is read as it is.
 */
export function openForm(ring: KeyRing, stored: string, caseReference: string): ReferralForm {
  return JSON.parse(isSealed(stored) ? openText(ring, stored, formContext(caseReference)) : stored) as ReferralForm;
}

/** What the row keeps, of either kind. */
function openStored(ring: KeyRing, stored: string, caseReference: string): StoredForm {
  return openForm(ring, stored, caseReference) as StoredForm; // the same text, read for its kind
}

function sameForm(ring: KeyRing, stored: string, caseReference: string, given: StoredForm): boolean {
  // Round-trip the given form through JSON first: undefined members are not stored.
  return canonicalJson(openStored(ring, stored, caseReference)) === canonicalJson(JSON.parse(JSON.stringify(given)));
}

// --- Errors ----------------------------------------------------------------------------------------

/**
 * The idempotency scope already belongs to a case whose stored form differs from the one given
 * (the same Idempotency-Key reused for a different referral). The message names neither form.
 */
export class IdempotencyConflict extends Error {
  override readonly name = 'IdempotencyConflict';
  constructor(readonly caseReference: string) {
    super('This idempotency key was already used for a different referral form');
  }
}

// --- References ----------------------------------------------------------------------------------

/** DSP-YYYY-NNNN: at least four digits, zero padded; more once past 9999. */
export function formatCaseReference(year: number, number: number): string {
  return `DSP-${year}-${String(number).padStart(4, '0')}`;
}

/** The London calendar year of an ISO instant (RangeError if it is not one). */
export function caseYearOf(receivedAt: string): number {
  return Number(londonDateOf(receivedAt).slice(0, 4));
}

// --- Allocation ------------------------------------------------------------------------------------

export interface NewCase {
  /** The London calendar year of receivedAt; derived when omitted, checked when given. */
  year?: number;
  /** ISO instant with Z or an offset. */
  receivedAt: string;
  /** The actor id of whoever submitted the referral. */
  receivedBy: string;
  /** A hash of (person, Idempotency-Key); a second allocation with it creates nothing. */
  idempotencyScope?: string;
  /** The referral form, or a care leaver's death notification marked by its kind. */
  form: StoredForm;
}

export interface AllocatedCase {
  caseReference: string;
  /** false when the idempotency scope found an existing case (nothing was inserted). */
  created: boolean;
}

/** Retries after a unique violation; see allocateCase. */
const MAX_ATTEMPTS = 5;

/**
 * Allocates the next reference for the London year of receivedAt and stores the case row and the
 * referral row (the form sealed, bound to the new reference), in one transaction.
 *
 * With an idempotencyScope already on a case: returns that reference with created false and
 * inserts nothing; throws IdempotencyConflict if the stored form differs from the given one.
 *
 * Concurrency. The number comes from a per-year counter row, bumped by one upsert
 * (INSERT ... ON CONFLICT (year) DO UPDATE SET last_number = last_number + 1 RETURNING) as the
 * transaction's first statement. That is SELECT ... FOR UPDATE in one statement: on PostgreSQL the
 * row lock is held until commit, so allocations for a year queue behind each other, and a rolled
 * back allocation rolls its increment back too, so numbers stay gapless; the first allocation of a
 * year is safe as well (ON CONFLICT waits for a concurrent insert of the same year). On SQLite the
 * write takes the database's write lock (busy_timeout waits for it), and writing first means the
 * transaction never has to upgrade a read snapshot, which WAL would refuse with SQLITE_BUSY. We
 * chose the lock over "take max()+1 and retry on unique violation": max() reuses the numbers of
 * deleted rows, and under 20 concurrent requests retries would pile up.
 * A unique violation can still happen on PostgreSQL when two requests with the same scope race
 * (each sees no case, the second insert fails once the first commits), most visibly when their
 * receipts fall in different years and so take different counter rows; the whole transaction is
 * then retried, and the retry finds the case by its scope.
 */
async function allocate(db: CaseDb, ring: KeyRing, input: NewCase, now: Date = new Date()): Promise<AllocatedCase> {
  const year = caseYearOf(input.receivedAt);
  if (input.year !== undefined && input.year !== year) {
    throw new RangeError(`Year ${input.year} is not the London calendar year of receivedAt (${year})`);
  }
  const receivedAt = new Date(input.receivedAt).toISOString();
  const scope = input.idempotencyScope;

  // The usual retry finds its case here without taking the counter lock.
  if (scope !== undefined) {
    const existing = await caseForScope(db, ring, scope, input.form);
    if (existing) return existing;
  }

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(async (trx) => {
        const counter = await trx
          .insertInto('case_counter')
          .values({ year, last_number: 1 })
          .onConflict((oc) =>
            oc.column('year').doUpdateSet((eb) => ({ last_number: eb('case_counter.last_number', '+', 1) })),
          )
          .returning('last_number')
          .executeTakeFirstOrThrow();

        if (scope !== undefined) {
          // Under the lock: a request with this scope may have committed since the check above.
          const existing = await caseForScope(trx, ring, scope, input.form);
          if (existing) throw new FoundExisting(existing);
        }

        const number = Number(counter.last_number);
        const caseReference = formatCaseReference(year, number);
        const at = now.toISOString();
        await trx
          .insertInto('case_record')
          .values({
            case_reference: caseReference,
            year,
            number,
            received_at: receivedAt,
            received_by: input.receivedBy,
            idempotency_scope: scope ?? null,
            created_at: at,
          })
          .execute();
        await trx
          .insertInto('referral')
          .values({ case_reference: caseReference, form: sealForm(ring, input.form, caseReference), stored_at: at })
          .execute();
        return { caseReference, created: true };
      });
    } catch (error) {
      // Thrown to roll the counter increment back; the case was found by its scope.
      if (error instanceof FoundExisting) return error.found;
      if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** Not an error: unwinds the transaction (rolling back the counter) when the scope is found. */
class FoundExisting extends Error {
  constructor(readonly found: AllocatedCase) {
    super('case found by idempotency scope');
  }
}

async function caseForScope(db: Executor, ring: KeyRing, scope: string, form: StoredForm): Promise<AllocatedCase | undefined> {
  const row = await db
    .selectFrom('case_record')
    .leftJoin('referral', 'referral.case_reference', 'case_record.case_reference')
    .select(['case_record.case_reference as caseReference', 'referral.form as form'])
    .where('case_record.idempotency_scope', '=', scope)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.form === null || !sameForm(ring, row.form, row.caseReference, form)) throw new IdempotencyConflict(row.caseReference);
  return { caseReference: row.caseReference, created: false };
}

/** PostgreSQL's unique_violation, or SQLite's UNIQUE / PRIMARY KEY constraint failure. */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

// --- Reading -------------------------------------------------------------------------------------------

async function storedForm(db: CaseDb, ring: KeyRing, caseReference: string): Promise<StoredForm | undefined> {
  const row = await db.selectFrom('referral').select('form').where('case_reference', '=', caseReference).executeTakeFirst();
  return row ? openStored(ring, row.form, caseReference) : undefined;
}

/** The Appendix 1 form only: a case opened from a care leaver's notification has none. */
async function storedReferral(db: CaseDb, ring: KeyRing, caseReference: string): Promise<ReferralForm | undefined> {
  const stored = await storedForm(db, ring, caseReference);
  return stored === undefined || isCareLeaverForm(stored) ? undefined : stored;
}

export async function caseExists<DB extends CaseRegisterTables>(database: Kysely<DB>, caseReference: string): Promise<boolean> {
  const row = await narrow(database)
    .selectFrom('case_record')
    .select('case_reference')
    .where('case_reference', '=', caseReference)
    .executeTakeFirst();
  return row !== undefined;
}

// --- The register as the API uses it ---------------------------------------------------------------

export interface CaseRegister {
  /** See allocate above: the next reference, the case row and the sealed form, in one transaction. */
  allocateCase(input: NewCase, now?: Date): Promise<AllocatedCase>;
  /** The referral form stored for a case, or undefined if there is none. */
  referralOf(caseReference: string): Promise<ReferralForm | undefined>;
  /** What the case was opened from, of either kind, or undefined if there is none. */
  storedFormOf(caseReference: string): Promise<StoredForm | undefined>;
  caseExists(caseReference: string): Promise<boolean>;
  /** The case's register rows, their free text opened (register/events.ts). */
  caseEntries(caseReference: string): Promise<CaseEntry[]>;
}

/** The register's cases, forms and rows, sealed and opened with the key ring. */
export function caseRegister(db: RegisterDb, ring: KeyRing): CaseRegister {
  const cases = narrow(db);
  return {
    allocateCase: (input, now) => allocate(cases, ring, input, now),
    referralOf: (caseReference) => storedReferral(cases, ring, caseReference),
    storedFormOf: (caseReference) => storedForm(cases, ring, caseReference),
    caseExists: (caseReference) => caseExists(db, caseReference),
    caseEntries: (caseReference) => readEntries(db, ring, caseReference),
  };
}
