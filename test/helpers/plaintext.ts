// Looking for personal data where it must not be in clear: the referral form's values, and the
// bytes a copy of a SQLite register holds.
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { RegisterDb } from '../../register/database';

/** The free values of a form: every string in it but dates, times and short words. */
export function formValues(form: unknown, out: string[] = []): string[] {
  if (typeof form === 'string') {
    if (form.length >= 6 && !/^\d{4}-\d{2}-\d{2}/.test(form) && !/^\d{2}:\d{2}$/.test(form)) out.push(form);
  } else if (form && typeof form === 'object') for (const v of Object.values(form)) formValues(v, out);
  return out;
}

/** The values that occur in the bytes, as UTF-8. */
export function foundIn(bytes: Buffer, values: readonly string[]): string[] {
  return values.filter((v) => bytes.includes(Buffer.from(v, 'utf8')));
}

/**
 * A copy of a SQLite register's files (the database, and its write-ahead log if any, after a
 * checkpoint), as raw bytes, and the copy's path.
 */
export async function registerFileCopy(db: RegisterDb): Promise<{ bytes: Buffer; file: string }> {
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  const { rows } = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db);
  const source = rows.find((r) => r.name === 'main')?.file;
  if (!source) throw new Error('not a SQLite register on a file');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ssi-register-copy-')), 'register.sqlite');
  copyFileSync(source, file);
  const parts = [readFileSync(file)];
  if (existsSync(`${source}-wal`)) {
    copyFileSync(`${source}-wal`, `${file}-wal`);
    parts.push(readFileSync(`${file}-wal`));
  }
  return { bytes: Buffer.concat(parts), file };
}
