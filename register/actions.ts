// The action log and exception report (§9.2: "The actions will be monitored within an action log
// and exception report"; §16.2). The register keeps one row per improvement action, the latest
// snapshot its workflow wrote (domain/action-snapshot.ts): a snapshot replaces the row only when
// its version is higher, so a repeated or late write never rolls an action back. Listings read
// these rows, never the workflows.
//
// What a report counts stays in clear: case and action references, agency, dates, status,
// escalation, version. The free text (owner, description, finding, withdrawn reason) is sealed
// under the key ring (register/crypto.ts), bound to its case, action and field. A
// listing without free text does not select those columns, so nothing is decrypted for it.
//
// Nothing here logs a value or puts free text into an error message.
import { stringify } from 'csv-stringify/sync';
import type { Kysely, Transaction } from 'kysely';
import type { KeyRing } from '../config/key-ring';
import {
  ACTION_ID_PATTERN,
  ACTION_STATUSES,
  ESCALATION_LEVELS,
  type ActionSnapshot,
  type ActionStatus,
  type EscalationLevel,
} from '../domain/action-snapshot';
import { openText, sealText } from './crypto';

export interface ActionRecordTable {
  case_reference: string;
  action_id: string;
  agency: string;
  /** Sealed. */
  owner: string;
  /** Sealed. */
  description: string;
  /** Sealed. */
  finding: string;
  agreed_on: string;
  original_deadline: string;
  deadline: string;
  status: ActionStatus;
  escalation: EscalationLevel;
  /** 0 or 1 (SQLite has no boolean; the same column type on both databases). */
  ssp_involved: number;
  completed_on: string | null;
  /** Sealed, when given. */
  withdrawn_reason: string | null;
  version: number;
  updated_at: string;
}

export interface ActionRegisterTables {
  action_record: ActionRecordTable;
}

type ActionDb = Kysely<ActionRegisterTables>;

/** Queries are written against ActionRegisterTables alone (see register/cases.ts). */
function narrow<DB extends ActionRegisterTables>(db: Kysely<DB>): ActionDb {
  return db as unknown as ActionDb;
}

// --- Writing -----------------------------------------------------------------------------------------

const SEALED_FIELDS = ['owner', 'description', 'finding', 'withdrawn_reason'] as const;
type SealedField = (typeof SEALED_FIELDS)[number];

const fieldContext = (caseReference: string, actionId: string, field: SealedField) => `action_record:${caseReference}:${actionId}:${field}`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/**
 * RangeError naming the field when a snapshot would store something a listing cannot use. The
 * message names the field only, never its value (free text, or a reference typed by hand).
 */
function checkSnapshot(s: ActionSnapshot): void {
  const bad = (field: string, expected: string) => new RangeError(`Action snapshot: ${field} must be ${expected}`);
  if (typeof s.caseReference !== 'string' || s.caseReference.length === 0 || s.caseReference.length > 64) throw bad('caseReference', 'a case reference');
  if (typeof s.actionId !== 'string' || !ACTION_ID_PATTERN.test(s.actionId)) throw bad('actionId', 'A followed by two or three digits');
  if (typeof s.agency !== 'string' || s.agency.trim().length === 0) throw bad('agency', 'the name of an agency');
  for (const field of ['owner', 'description', 'finding'] as const) if (typeof s[field] !== 'string') throw bad(field, 'text');
  for (const field of ['agreedOn', 'originalDeadline', 'deadline'] as const) if (!isCalendarDate(s[field])) throw bad(field, 'a date (YYYY-MM-DD)');
  if (s.completedOn !== undefined && !isCalendarDate(s.completedOn)) throw bad('completedOn', 'a date (YYYY-MM-DD)');
  if (s.withdrawnReason !== undefined && typeof s.withdrawnReason !== 'string') throw bad('withdrawnReason', 'text');
  if (!(ACTION_STATUSES as readonly string[]).includes(s.status)) throw bad('status', `one of ${ACTION_STATUSES.join(', ')}`);
  if (!(ESCALATION_LEVELS as readonly string[]).includes(s.escalation)) throw bad('escalation', `one of ${ESCALATION_LEVELS.join(', ')}`);
  if (typeof s.sspInvolved !== 'boolean') throw bad('sspInvolved', 'true or false');
  if (!Number.isSafeInteger(s.version) || s.version < 0 || s.version > 2_147_483_647) throw bad('version', 'a whole number from 0');
  if (typeof s.updatedAt !== 'string' || Number.isNaN(Date.parse(s.updatedAt))) throw bad('updatedAt', 'an ISO instant');
}

function rowOf(ring: KeyRing, s: ActionSnapshot): ActionRecordTable {
  const seal = (text: string, field: SealedField) => sealText(ring, text, fieldContext(s.caseReference, s.actionId, field));
  return {
    case_reference: s.caseReference,
    action_id: s.actionId,
    agency: s.agency,
    owner: seal(s.owner, 'owner'),
    description: seal(s.description, 'description'),
    finding: seal(s.finding, 'finding'),
    agreed_on: s.agreedOn,
    original_deadline: s.originalDeadline,
    deadline: s.deadline,
    status: s.status,
    escalation: s.escalation,
    ssp_involved: s.sspInvolved ? 1 : 0,
    completed_on: s.completedOn ?? null,
    withdrawn_reason: s.withdrawnReason === undefined ? null : seal(s.withdrawnReason, 'withdrawn_reason'),
    version: s.version,
    updated_at: s.updatedAt,
  };
}

/**
 * Stores the snapshot: inserts the action's row, or replaces it when the stored version is lower.
 * One statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE action_record.version < excluded.version),
 * so two writers of one action cannot interleave. Works on a database or a transaction. Returns
 * whether it wrote: false for the same version again or an older one.
 */
export async function upsertActionSnapshot<DB extends ActionRegisterTables>(database: Kysely<DB> | Transaction<DB>, ring: KeyRing, snapshot: ActionSnapshot): Promise<boolean> {
  checkSnapshot(snapshot);
  const row = rowOf(ring, snapshot);
  const result = await narrow(database)
    .insertInto('action_record')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['case_reference', 'action_id'])
        .doUpdateSet((eb) => ({
          agency: eb.ref('excluded.agency'),
          owner: eb.ref('excluded.owner'),
          description: eb.ref('excluded.description'),
          finding: eb.ref('excluded.finding'),
          agreed_on: eb.ref('excluded.agreed_on'),
          original_deadline: eb.ref('excluded.original_deadline'),
          deadline: eb.ref('excluded.deadline'),
          status: eb.ref('excluded.status'),
          escalation: eb.ref('excluded.escalation'),
          ssp_involved: eb.ref('excluded.ssp_involved'),
          completed_on: eb.ref('excluded.completed_on'),
          withdrawn_reason: eb.ref('excluded.withdrawn_reason'),
          version: eb.ref('excluded.version'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where((eb) => eb('action_record.version', '<', eb.ref('excluded.version'))),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

// --- Reading -----------------------------------------------------------------------------------------

/** One action as the log lists it. The free-text members are absent unless free text was asked for. */
export interface ActionLogRow {
  caseReference: string;
  actionId: string;
  agency: string;
  owner?: string;
  description?: string;
  finding?: string;
  agreedOn: string;
  originalDeadline: string;
  deadline: string;
  status: ActionStatus;
  escalation: EscalationLevel;
  sspInvolved: boolean;
  /** An open action whose deadline is before today. A completed or withdrawn action is never overdue. */
  overdue: boolean;
  /** Calendar days from the deadline to today when overdue, else 0. */
  daysOverdue: number;
  /** Only on a completed action (status 'all'). */
  completedOn?: string;
  /** Only on a withdrawn action with a reason, and only with free text. */
  withdrawnReason?: string;
}

export interface ActionLogFilter {
  /** The London date the listing is made for (YYYY-MM-DD). */
  today: string;
  /** Only this agency's actions. */
  agency?: string;
  /** Whether to open and return owner, description, finding and withdrawn reason. */
  includeFreeText: boolean;
  /** 'open' (the default): open actions only; 'all': completed and withdrawn ones too. */
  status?: 'open' | 'all';
}

export interface ExceptionReportFilter {
  today: string;
  agency?: string;
  includeFreeText: boolean;
}

export interface ExceptionGroup {
  agency: string;
  actions: ActionLogRow[];
}

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/**
 * Orders references the same way on SQLite and PostgreSQL (whose collations differ) and as a
 * person reads them: digit runs by their value (DSP-2026-9999 before DSP-2026-10000, A99 before A100).
 */
const collator = new Intl.Collator('en-GB', { numeric: true });
const byDeadlineCaseAction = (a: ActionLogRow, b: ActionLogRow) =>
  (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0) || collator.compare(a.caseReference, b.caseReference) || collator.compare(a.actionId, b.actionId);

async function listActions(database: ActionDb, ring: KeyRing, filter: ActionLogFilter & { overdueOnly?: boolean }): Promise<ActionLogRow[]> {
  if (!isCalendarDate(filter.today)) throw new RangeError('today must be a date (YYYY-MM-DD)');
  const clear = [
    'case_reference',
    'action_id',
    'agency',
    'agreed_on',
    'original_deadline',
    'deadline',
    'status',
    'escalation',
    'ssp_involved',
    'completed_on',
  ] as const;
  let query = database
    .selectFrom('action_record')
    .select(filter.includeFreeText ? [...clear, ...SEALED_FIELDS] : clear);
  if ((filter.status ?? 'open') === 'open' || filter.overdueOnly) query = query.where('status', '=', 'open');
  if (filter.overdueOnly) query = query.where('deadline', '<', filter.today);
  if (filter.agency !== undefined) query = query.where('agency', '=', filter.agency);
  const rows = (await query.execute()) as Array<Pick<ActionRecordTable, (typeof clear)[number]> & Partial<Pick<ActionRecordTable, SealedField>>>;
  const today = dayNumber(filter.today);
  return rows
    .map((r): ActionLogRow => {
      const open = (field: SealedField, stored: string) => openText(ring, stored, fieldContext(r.case_reference, r.action_id, field));
      const overdue = r.status === 'open' && r.deadline < filter.today;
      return {
        caseReference: r.case_reference,
        actionId: r.action_id,
        agency: r.agency,
        ...(filter.includeFreeText
          ? { owner: open('owner', r.owner!), description: open('description', r.description!), finding: open('finding', r.finding!) }
          : {}),
        agreedOn: r.agreed_on,
        originalDeadline: r.original_deadline,
        deadline: r.deadline,
        status: r.status,
        escalation: r.escalation,
        sspInvolved: Number(r.ssp_involved) === 1,
        overdue,
        daysOverdue: overdue ? today - dayNumber(r.deadline) : 0,
        ...(r.completed_on !== null ? { completedOn: r.completed_on } : {}),
        ...(filter.includeFreeText && r.withdrawn_reason != null ? { withdrawnReason: open('withdrawn_reason', r.withdrawn_reason) } : {}),
      };
    })
    .sort(byDeadlineCaseAction);
}

/**
 * The action log: every open action across all cases (or every action, with status 'all'),
 * ordered by deadline, then case, then action, with whether each is overdue on `today`.
 */
export async function actionLog<DB extends ActionRegisterTables>(database: Kysely<DB>, ring: KeyRing, filter: ActionLogFilter): Promise<ActionLogRow[]> {
  return listActions(narrow(database), ring, filter);
}

/**
 * The exception report: the open actions past their deadline on `today`, grouped by agency
 * (agencies in alphabetical order), each agency's oldest deadline first.
 */
export async function exceptionReport<DB extends ActionRegisterTables>(database: Kysely<DB>, ring: KeyRing, filter: ExceptionReportFilter): Promise<ExceptionGroup[]> {
  const rows = await listActions(narrow(database), ring, { ...filter, status: 'open', overdueOnly: true });
  const groups = new Map<string, ActionLogRow[]>();
  for (const row of rows) {
    const group = groups.get(row.agency);
    if (group) group.push(row);
    else groups.set(row.agency, [row]);
  }
  return [...groups.keys()]
    .sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((agency) => ({ agency, actions: groups.get(agency)! }));
}

// --- CSV ---------------------------------------------------------------------------------------------

/**
 * A cell that a spreadsheet would read as a formula (or whose leading tab or carriage return
 * hides one) starts with an apostrophe, so Excel shows it as text (OWASP, "CSV injection").
 */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

interface Column {
  header: string;
  cell: (row: ActionLogRow) => string | number | boolean | undefined;
  freeText?: true;
}

const COLUMNS: readonly Column[] = [
  { header: 'Case reference', cell: (r) => r.caseReference },
  { header: 'Action', cell: (r) => r.actionId },
  { header: 'Agency', cell: (r) => r.agency },
  { header: 'Owner', cell: (r) => r.owner, freeText: true },
  { header: 'Description', cell: (r) => r.description, freeText: true },
  { header: 'Finding', cell: (r) => r.finding, freeText: true },
  { header: 'Agreed on', cell: (r) => r.agreedOn },
  { header: 'Original deadline', cell: (r) => r.originalDeadline },
  { header: 'Deadline', cell: (r) => r.deadline },
  { header: 'Status', cell: (r) => r.status },
  { header: 'Escalation', cell: (r) => r.escalation },
  { header: 'SSP involved', cell: (r) => r.sspInvolved },
  { header: 'Overdue', cell: (r) => r.overdue },
  { header: 'Days overdue', cell: (r) => r.daysOverdue },
  { header: 'Completed on', cell: (r) => r.completedOn },
  { header: 'Withdrawn reason', cell: (r) => r.withdrawnReason, freeText: true },
];

function text(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return guardCell(String(value));
}

export interface CsvOptions {
  /**
   * Whether the free-text columns (owner, description, finding, withdrawn reason) are present.
   * Default: when any row has free text. Pass it when the list may be empty, so the header is the
   * same whatever the rows.
   */
  includeFreeText?: boolean;
}

function csv(rows: readonly ActionLogRow[], options: CsvOptions): string {
  const freeText = options.includeFreeText ?? rows.some((r) => r.owner !== undefined);
  const columns = COLUMNS.filter((c) => freeText || !c.freeText);
  // RFC 4180: CRLF between records, a field with a comma, quote, CR or LF quoted, quotes doubled.
  // csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone CR or LF:
  // quoted_match quotes those too. The byte order mark makes Excel read the file as UTF-8.
  return stringify([columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => text(c.cell(row))))], {
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
    bom: true,
  });
}

/** The action log as CSV with a header row. */
export function actionsCsv(rows: readonly ActionLogRow[], options: CsvOptions = {}): string {
  return csv(rows, options);
}

/** The exception report as CSV with a header row: one line per action, agency by agency. */
export function exceptionReportCsv(groups: readonly ExceptionGroup[], options: CsvOptions = {}): string {
  return csv(
    groups.flatMap((g) => g.actions),
    options,
  );
}

/** The status the register holds for an action, if it knows the action (the API's answer for a finished workflow). */
export async function actionRecordStatus<DB extends ActionRegisterTables>(database: Kysely<DB>, caseReference: string, actionId: string): Promise<string | undefined> {
  const db = database as unknown as Kysely<ActionRegisterTables>;
  const row = await db.selectFrom('action_record').select('status').where('case_reference', '=', caseReference).where('action_id', '=', actionId).executeTakeFirst();
  return row?.status;
}
