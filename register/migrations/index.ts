// The register's migrations, in order: Kysely's Migrator runs them by name (register/migrate.ts).
// Imported here rather than read from the folder, so that they are the same under jest and
// compiled to dist/. A new migration is a new file, 0002_..., added below (docs/DEVELOPMENT.md).
import type { Migration } from 'kysely';
import * as m0001 from './0001_register';
import * as m0002 from './0002_case_summary';
import * as m0003 from './0003_web_session';
import * as m0004 from './0004_referral_draft';
import * as m0005 from './0005_referral_view_what';

export const REGISTER_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_register': m0001,
  '0002_case_summary': m0002,
  '0003_web_session': m0003,
  '0004_referral_draft': m0004,
  '0005_referral_view_what': m0005,
};
