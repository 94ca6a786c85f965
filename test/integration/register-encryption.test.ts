// The register at rest (register/crypto.ts): the referral form and the free text of
// the register's rows are sealed under the key ring; a copy of the SQLite file, read as raw bytes,
// holds none of it, while kinds, outcome words, stages, dates and obligation IDs stay in clear;
// read back through the key ring it is the clear text again.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caseRegister } from '../../register/cases';
import { migrateRegister, openRegister, readEntries, recordEntry, type RegisterDb, type RegisterEntry } from '../../register/database';
import { FREE_TEXT_FIELDS } from '../../register/crypto';
import { DecryptionError } from '../../config/key-ring';
import { validReferralForm } from '../fixtures/referral-form';
import { TEST_KEY_RING } from '../helpers/keys';
import { formValues, foundIn, registerFileCopy } from '../helpers/plaintext';

const TEXT = {
  rationale: 'Register test rationale: serious harm to Test Child is suspected',
  note: 'Register test note: the SSP was told by telephone',
  reason: 'Register test reason: criminal proceedings under way',
  summary: 'Register test summary: chronology agreed with the family',
  justification: 'Register test justification: the child would be identified',
  reviewer: 'Register Test Reviewer',
};

let db: RegisterDb;
beforeAll(async () => {
  db = openRegister(`sqlite:${path.join(mkdtempSync(path.join(os.tmpdir(), 'ssi-register-')), 'register.sqlite')}`);
  await migrateRegister(db);
});
afterAll(async () => {
  await db?.destroy();
});

const entry = (ref: string, key: string, kind: string, detail: RegisterEntry['detail'], obligationId?: string): RegisterEntry => ({
  key: `${ref}:${key}`,
  caseReference: ref,
  kind,
  occurredAt: '2026-03-04T10:00:00.000Z',
  actor: { id: 'ssp-la', role: 'ssp' },
  ...(obligationId ? { obligationId } : {}),
  detail,
});

test('a copy of the SQLite register holds no form value and no free text; through the key ring both read in clear', async () => {
  const register = caseRegister(db, TEST_KEY_RING);
  const form = validReferralForm();
  const { caseReference: ref } = await register.allocateCase({ receivedAt: '2026-03-03T09:00:00Z', receivedBy: 'bu-1', form });
  const rows = [
    entry(ref, 'decision:ssp-informed:1', 'decision:ssp-informed', { note: TEXT.note, stage: 'awaiting-ssp-decision' }),
    entry(ref, 'decision:ssp-decision:1', 'decision:ssp-decision', { outcome: 'criteria-met', rationale: TEXT.rationale, stage: 'awaiting-national-notification' }),
    entry(ref, 'decision:reviewer-commissioned:1', 'decision:reviewer-commissioned', { reviewer: TEXT.reviewer, stage: 'lcspr' }),
    entry(ref, 'decision:review-progress:1', 'decision:review-progress', { summary: TEXT.summary, stage: 'lcspr' }),
    entry(ref, 'decision:not-to-publish:1', 'decision:not-to-publish', { justification: TEXT.justification, stage: 'lcspr' }),
    entry(ref, 'decision:publication-delayed:1', 'decision:publication-delayed', { reason: TEXT.reason, newPlannedPublicationDate: '2027-09-01', stage: 'lcspr' }),
    entry(ref, 'lcspr-publication:1:set', 'deadline-set', { dueDate: '2027-08-31', dueAt: '2027-08-31T22:59:59.999Z', rule: 'months-after', section: '§14.7' }, 'lcspr-publication'),
  ];
  for (const row of rows) expect(await recordEntry(db, TEST_KEY_RING, row)).toBe(true);
  // Idempotent as before: the same key again records nothing.
  expect(await recordEntry(db, TEST_KEY_RING, rows[1]!)).toBe(false);

  const { bytes, file } = await registerFileCopy(db);
  const secrets = [...formValues(form), ...Object.values(TEXT)];
  expect(secrets).toEqual(expect.arrayContaining(['Test Child', 'ZZ99 9ZZ', 'referrer@example.org', '01632 960001']));
  expect(foundIn(bytes, secrets)).toEqual([]);
  // The copy does hold the rows: what reports count is in clear, the rest sealed under its key ID.
  expect(foundIn(bytes, [ref, 'decision:ssp-decision', 'criteria-met', 'awaiting-national-notification', 'lcspr-publication', '2027-08-31', '2027-09-01', 'v1:test-2:'])).toHaveLength(8);

  // Read back in clear: from the register, and from the copy of its file.
  const copy = openRegister(`sqlite:${file}`);
  try {
    for (const reader of [register, caseRegister(copy, TEST_KEY_RING)]) {
      expect(await reader.referralOf(ref)).toEqual(JSON.parse(JSON.stringify(form)));
      const entries = await reader.caseEntries(ref);
      expect(entries.map((e) => e.detail)).toEqual(rows.map((r) => r.detail));
      expect(entries.find((e) => e.kind === 'decision:ssp-decision')).toMatchObject({ actor: { id: 'ssp-la', role: 'ssp' }, occurredAt: '2026-03-04T10:00:00.000Z' });
    }
  } finally {
    await copy.destroy();
  }

  // What is stored: each free-text field sealed, every other field as given.
  const stored = await db.selectFrom('register_event').select(['event_key', 'detail']).where('case_reference', '=', ref).execute();
  for (const { detail } of stored) {
    for (const [field, value] of Object.entries(JSON.parse(detail) as Record<string, unknown>)) {
      if (FREE_TEXT_FIELDS.has(field)) expect(value).toMatch(/^v1:test-2:/);
      else expect(String(value)).not.toMatch(/^v1:/);
    }
  }
});

test("a sealed field copied into another row does not open, and the error names the key ID only; rows from before encryption read as stored", async () => {
  const ref = 'DSP-2026-0900';
  await recordEntry(db, TEST_KEY_RING, entry(ref, 'decision:ssp-decision:1', 'decision:ssp-decision', { outcome: 'criteria-met', rationale: TEXT.rationale }));
  await recordEntry(db, TEST_KEY_RING, entry(ref, 'decision:ld-decision:1', 'decision:ld-decision', { outcome: 'no-further-action', rationale: 'Another rationale (test)' }));
  const sealed = await db.selectFrom('register_event').select('detail').where('event_key', '=', `${ref}:decision:ssp-decision:1`).executeTakeFirstOrThrow();
  await db.updateTable('register_event').set({ detail: sealed.detail }).where('event_key', '=', `${ref}:decision:ld-decision:1`).execute();
  const error = await readEntries(db, TEST_KEY_RING, ref).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DecryptionError);
  expect((error as Error).message).toBe('Encrypted data under key ID "test-2" could not be decrypted (wrong key or altered data)');

  // A row written before the register was encrypted.
  const legacy = 'DSP-2026-0901';
  await db
    .insertInto('register_event')
    .values({ event_key: `${legacy}:decision:ssp-decision:1`, case_reference: legacy, kind: 'decision:ssp-decision', obligation_id: null, occurred_at: '2026-03-04T10:00:00.000Z', recorded_at: '2026-03-04T10:00:01.000Z', actor_id: null, actor_role: null, detail: JSON.stringify({ outcome: 'criteria-met', rationale: 'Written in clear before (test)' }) })
    .execute();
  expect((await readEntries(db, TEST_KEY_RING, legacy)).map((e) => e.detail)).toEqual([{ outcome: 'criteria-met', rationale: 'Written in clear before (test)' }]);
});
