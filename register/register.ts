// The register as one object: its database, opened from the configuration (DATABASE_URL), with
// the key ring that seals what it keeps about a child; the case register, the action register,
// the register's rows, the codec audit; its migrations; whether it answers; closing it. The
// worker's activities, the API's entry point and `npm start` take it from here. The functions it
// is made of (register/cases.ts, actions.ts, events.ts, codec-audit.ts) stay exported for the
// code that still calls them with a database.
import type { KeyRing } from '../config/key-ring';
import type { ActionSnapshot } from '../domain/action-snapshot';
import type { CaseSummary } from '../domain/case';
import type { ActionWorkCandidate, CaseWorkCandidate } from '../domain/my-work';
import {
  actionLog,
  actionRecordStatus,
  exceptionReport,
  upsertActionSnapshot,
  type ActionLogFilter,
  type ActionLogRow,
  type ExceptionGroup,
  type ExceptionReportFilter,
} from './actions';
import {
  actionWorkFor,
  caseWorkFor,
  listCaseSummaries,
  readCaseSummary,
  recordCaseSummary,
  type SummaryListFilter,
  type SummaryListRow,
  type WorkQuery,
} from './case-summary';
import { caseRegister, type CaseRegister } from './cases';
import { codecAudit, type CodecAudit } from './codec-audit';
import { referralDrafts, type ReferralDrafts } from './referral-drafts';
import { webSessions, type WebSessions } from './web-sessions';
import { openRegister, registerReachable, type RegisterDb } from './database';
import { readEntries, recordEntry, type CaseEntry, type RegisterEntry } from './events';
import { migrateRegister } from './migrate';

/** The register's rows (register/events.ts): every decision, deadline, reminder and escalation. */
export interface EventRegister {
  /**
   * Records the rows in one transaction, each with the time it was recorded (now(), read at each
   * row). A row whose key is already there is kept as it is. The case's summary, when given, is
   * stored in the same transaction if it is newer than the one held (register/case-summary.ts).
   */
  record(entries: readonly RegisterEntry[], now?: () => Date, summary?: CaseSummary): Promise<void>;
  /** A case's rows in the order they happened, their free text opened. */
  read(caseReference: string): Promise<CaseEntry[]>;
}

/** The action register (register/actions.ts): the action log and exception report (§9.2, §16.2). */
export interface ActionRegister {
  /**
   * An action's register rows and its latest snapshot, in one transaction. The snapshot replaces
   * the stored one only if its version is higher: a repeated or late write never rolls it back.
   */
  record(entries: readonly RegisterEntry[], snapshot: ActionSnapshot, now?: () => Date): Promise<void>;
  log(filter: ActionLogFilter): Promise<ActionLogRow[]>;
  exceptionReport(filter: ExceptionReportFilter): Promise<ExceptionGroup[]>;
  /** The status the register holds for an action, if it knows the action. */
  status(caseReference: string, actionId: string): Promise<string | undefined>;
}

/** The summary of each case (register/case-summary.ts): what the case list and "my work" read. */
export interface CaseSummaryRegister {
  /** Stores a summary if it is newer than the one held; whether it did. */
  record(summary: CaseSummary): Promise<boolean>;
  /** A page of cases, newest first (see listCaseSummaries). */
  list(filter: SummaryListFilter): Promise<SummaryListRow[]>;
  /** The open obligations of cases that fall to a role, soonest due first. */
  work(query: WorkQuery): Promise<CaseWorkCandidate[]>;
  /** An agency's open improvement actions, soonest deadline first. */
  actionWork(query: { agency: string; limit: number }): Promise<ActionWorkCandidate[]>;
  read(caseReference: string): Promise<Awaited<ReturnType<typeof readCaseSummary>>>;
}

export interface Register {
  /** The database, for what has no method here (the outbox: activities/outbox.ts; the API's reads). */
  readonly db: RegisterDb;
  /** References, the referral form, a case's rows (register/cases.ts). */
  readonly cases: CaseRegister;
  readonly actions: ActionRegister;
  readonly events: EventRegister;
  readonly caseSummaries: CaseSummaryRegister;
  /** Who decoded what through the codec server (register/codec-audit.ts). */
  readonly codecAudit: CodecAudit;
  /** The staff pages' sessions and who read which referral form (register/web-sessions.ts). */
  readonly webSessions: WebSessions;
  /** Drafts of the referral form typed on the pages, sealed (register/referral-drafts.ts). */
  readonly referralDrafts: ReferralDrafts;
  /** Runs the migrations the database has not had (register/migrate.ts); the names of those it ran. */
  migrate(): Promise<string[]>;
  /** Whether the database answers a trivial query. */
  reachable(): Promise<boolean>;
  /** Closes the database's connections. */
  close(): Promise<void>;
}

/** The register on the database DATABASE_URL names (`sqlite:<file>` or `postgres://...`). Not yet migrated. */
export function connectRegister(databaseUrl: string, ring: KeyRing): Register {
  return registerOf(openRegister(databaseUrl), ring);
}

/** The register on a database already open (tests, and code that holds a RegisterDb). */
export function registerOf(db: RegisterDb, ring: KeyRing): Register {
  const clock = () => new Date();
  return {
    db,
    cases: caseRegister(db, ring),
    events: {
      record: (entries, now = clock, summary) =>
        db.transaction().execute(async (tx) => {
          for (const entry of entries) await recordEntry(tx, ring, entry, now());
          if (summary) await recordCaseSummary(tx, ring, summary);
        }),
      read: (caseReference) => readEntries(db, ring, caseReference),
    },
    caseSummaries: {
      record: (summary) => recordCaseSummary(db, ring, summary),
      list: (filter) => listCaseSummaries(db, ring, filter),
      work: (query) => caseWorkFor(db, ring, query),
      actionWork: (query) => actionWorkFor(db, query),
      read: (caseReference) => readCaseSummary(db, caseReference),
    },
    actions: {
      record: (entries, snapshot, now = clock) =>
        db.transaction().execute(async (tx) => {
          for (const entry of entries) await recordEntry(tx, ring, entry, now());
          await upsertActionSnapshot(tx, ring, snapshot);
        }),
      log: (filter) => actionLog(db, ring, filter),
      exceptionReport: (filter) => exceptionReport(db, ring, filter),
      status: (caseReference, actionId) => actionRecordStatus(db, caseReference, actionId),
    },
    codecAudit: codecAudit(db),
    webSessions: webSessions(db),
    referralDrafts: referralDrafts(db, ring),
    migrate: () => migrateRegister(db),
    reachable: () => registerReachable(db),
    close: () => db.destroy(),
  };
}
