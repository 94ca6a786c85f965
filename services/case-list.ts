// The case list (GET /cases in the JSON API): the cases, newest first, filtered by stage, by whether any deadline
// is missed, and by the next deadline falling before a date; a page at a time.
//
// Read from the register: each case keeps its summary there (register/case-summary.ts, written by
// its workflow at every turn that changes it: stage, next deadline, missed count, who may read it;
// never personal data), so a page is one indexed query however many cases there are, not one
// question to each case. The summary follows the case a moment behind it (its register write comes
// after the change); GET /cases/:ref is the case itself.
//
// Who reads what is domain/access.ts (caseListFor, caseReadFor), the same policy as GET /cases/:ref:
// the roles that read whole cases and operations list every case; a referrer lists their agency's
// referrals and a reviewer the cases they are commissioned on, as conditions of the query (so every
// page is full), each row checked again with caseReadFor; an action owner lists none (403).
import { z } from 'zod';
import { DecryptionError, type KeyRing } from '../config/key-ring';
import { caseListFor, caseReadFor } from '../domain/access';
import { londonInstant } from '../domain/calendar';
import { CASE_REFERENCE_PATTERN, STAGES, type Stage } from '../domain/case';
import { dateSchema } from '../domain/instants';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT } from '../workflows/contract';
import type { Actor } from '../domain/roles';
import type { Register } from '../register/register';
import type { SummaryListRow, SummaryScope } from '../register/case-summary';
import { queryProblems } from './query';
import { fromRegister } from './register-calls';
import { Refused } from './refused';

/** The incident workflow's type, as visibility records it. */
const INCIDENT_WORKFLOW_TYPE = 'incidentWorkflow';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** The longest cursor we hand out is far shorter; anything longer is not one of ours. */
const MAX_CURSOR_LENGTH = 4_096;

/** The query GET /cases takes. Each parameter at most once (a repeated one arrives as a list and is refused). */
export const caseListQuerySchema = () =>
  z.strictObject({
    /** Only cases waiting at this stage of the procedure's map. */
    stage: z.enum(STAGES).optional(),
    /** true: only cases with a missed deadline; false: only cases with none. */
    overdue: z.enum(['true', 'false']).optional(),
    /** Only cases whose next open deadline falls before this London date begins. */
    dueBefore: dateSchema().optional(),
    /** open (the default): cases still running; all: closed ones too. */
    status: z.enum(['open', 'all']).optional(),
    limit: z
      .string()
      .regex(/^[0-9]{1,3}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
      .optional(),
    /** The `nextCursor` of the page before, as it was given. */
    cursor: z.string().max(MAX_CURSOR_LENGTH).regex(/^[A-Za-z0-9_.-]+$/).optional(),
  });

export type CaseListQuery = z.infer<ReturnType<typeof caseListQuerySchema>>;
/** Built once: this module is the API's, not a workflow's (whose shared modules are frozen). */
const QUERY = caseListQuerySchema();

const EXPECTED: Record<keyof CaseListQuery, string> = {
  stage: `stage must be one of the procedure's stages (${STAGES.join(', ')}), once`,
  overdue: 'overdue must be true or false, once',
  dueBefore: 'dueBefore must be a date YYYY-MM-DD, once',
  status: 'status must be open or all, once',
  limit: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, once`,
  cursor: 'cursor must be the nextCursor of an earlier page of the same listing, once',
};

/** One case as the listing shows it: what its search attributes say, nothing about the child. */
export const caseListItemSchema = () =>
  z.strictObject({
    caseReference: z.string(),
    stage: z.enum(STAGES),
    /** When the case was opened (its referral registered). */
    openedAt: z.string(),
    /** The soonest open deadline (an instant), or null when none is open. */
    nextDeadline: z.string().nullable(),
    /** How many deadlines are missed. */
    overdue: z.number().int().min(0),
    /** Whether the case is still open (false once it is closed). */
    open: z.boolean(),
  });

export const caseListResponseSchema = () =>
  z.strictObject({
    cases: z.array(caseListItemSchema()),
    /** Pass as `cursor` for the next page; null on the last. */
    nextCursor: z.string().nullable(),
  });

export type CaseListItem = z.infer<ReturnType<typeof caseListItemSchema>>;

export interface CaseListFilter {
  stage?: Stage;
  overdue?: boolean;
  /** An instant, ISO UTC with milliseconds: the next deadline must fall before it. */
  dueBefore?: string;
  status: 'open' | 'all';
}

/**
 * The filter as a query of Temporal's visibility store (the search attributes every case still
 * publishes, for operations in the Temporal UI), which also names the filter a cursor is bound to.
 * Every value in it is checked again here, against the fixed set it must come from or the one
 * format we write, so that no caller can widen it.
 */
export function visibilityQuery(filter: CaseListFilter): string {
  const clauses = [`WorkflowType = '${INCIDENT_WORKFLOW_TYPE}'`];
  // A case that continued as new lives on in its newest run: only that one is the case.
  clauses.push(filter.status === 'open' ? `ExecutionStatus = 'Running'` : `ExecutionStatus != 'ContinuedAsNew'`);
  if (filter.stage !== undefined) {
    if (!(STAGES as readonly string[]).includes(filter.stage)) throw new RangeError('not a stage');
    clauses.push(`${CASE_STAGE.name} = '${filter.stage}'`);
  }
  if (filter.overdue !== undefined) clauses.push(filter.overdue ? `${OVERDUE_COUNT.name} > 0` : `${OVERDUE_COUNT.name} = 0`);
  if (filter.dueBefore !== undefined) {
    if (new Date(filter.dueBefore).toISOString() !== filter.dueBefore) throw new RangeError('not an instant of ours');
    clauses.push(`${NEXT_DEADLINE.name} < '${filter.dueBefore}'`);
  }
  return clauses.join(' AND ');
}

/**
 * A cursor is where the page before ended (its last case's opening and reference) sealed with the
 * key ring (AES-GCM), bound to the filter, the page size and the person it was given to: an
 * altered, borrowed or foreign cursor does not open, and is refused. Any API process with the same
 * ring reads it; rotation keeps working while the old key stays in the ring.
 */
function cursorContext(query: string, limit: number, actorId: string): Buffer {
  return Buffer.from(`case-list-cursor\u0000${query}\u0000${limit}\u0000${actorId}`, 'utf8');
}

interface PageEnd {
  openedAt: string;
  caseReference: string;
}

function encodeCursor(ring: KeyRing, context: Buffer, end: PageEnd): string {
  const sealed = ring.seal(Buffer.from(JSON.stringify([end.openedAt, end.caseReference]), 'utf8'), context);
  return [Buffer.from(sealed.keyId, 'utf8'), sealed.iv, sealed.ciphertext].map((b) => b.toString('base64url')).join('.');
}

/** Where the page before ended, or undefined when the cursor is not one this listing gave this person. */
function decodeCursor(ring: KeyRing, context: Buffer, cursor: string): PageEnd | undefined {
  const parts = cursor.split('.');
  if (parts.length !== 3) return undefined;
  const [keyId, iv, ciphertext] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  let opened: Buffer;
  try {
    opened = ring.open(keyId.toString('utf8'), iv, ciphertext, context);
  } catch (err) {
    if (err instanceof DecryptionError) return undefined;
    throw err;
  }
  let end: unknown;
  try {
    end = JSON.parse(opened.toString('utf8'));
  } catch {
    // Sealed for this listing by the code before the register's summary (a Temporal page token).
    return undefined;
  }
  if (!Array.isArray(end) || end.length !== 2) return undefined;
  const [openedAt, caseReference] = end as unknown[];
  if (typeof openedAt !== 'string' || typeof caseReference !== 'string' || !CASE_REFERENCE_PATTERN.test(caseReference)) return undefined;
  if (Number.isNaN(Date.parse(openedAt)) || new Date(openedAt).toISOString() !== openedAt) return undefined;
  return { openedAt, caseReference };
}

export interface CaseListDependencies {
  /** The register, where each case keeps its summary. */
  register: Register;
  /** Seals the cursors (see encodeCursor). */
  ring: KeyRing;
}

/**
 * The cases a person's listing may hold, as a condition of the register's query, for what
 * caseReadFor lets them read: a referrer their agency's referrals (§5.7), a reviewer the cases they
 * are commissioned on (§8). Each row is checked again with caseReadFor itself.
 */
export function summaryScopeFor(actor: Actor): SummaryScope {
  switch (actor.role) {
    case 'referrer':
      return { referringAgency: actor.agency };
    case 'reviewer':
      return { reviewerId: actor.id };
    default:
      return { all: true };
  }
}

function listItemOf(row: SummaryListRow): CaseListItem {
  return { caseReference: row.caseReference, stage: row.stage, openedAt: row.openedAt, nextDeadline: row.nextDeadline, overdue: row.missed, open: !row.closed };
}

export interface CasePage {
  cases: CaseListItem[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export function caseListService(deps: CaseListDependencies) {
  return {
    /** A page of the cases this person may list, filtered by the query (its parameters as sent). */
    async listCases(actor: Actor, given: unknown): Promise<CasePage> {
      const listing = caseListFor(actor);
      if ('refuse' in listing) throw new Refused(403, 'ReadNotAllowed', 'The case list is not open to your role');
      const parsed = QUERY.safeParse(given);
      if (!parsed.success) throw new Refused(422, 'InvalidQuery', 'The query is not valid', queryProblems(parsed.error, EXPECTED));
      const q = parsed.data;
      const filter: CaseListFilter = {
        status: q.status ?? 'open',
        ...(q.stage !== undefined ? { stage: q.stage } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue === 'true' } : {}),
        ...(q.dueBefore !== undefined ? { dueBefore: londonInstant(q.dueBefore, '00:00') } : {}),
      };
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const context = cursorContext(visibilityQuery(filter), limit, actor.id);
      const after = q.cursor === undefined ? undefined : decodeCursor(deps.ring, context, q.cursor);
      if (q.cursor !== undefined && !after) {
        throw new Refused(422, 'InvalidQuery', 'The query is not valid', [{ path: 'cursor', message: EXPECTED.cursor }]);
      }
      const scope: SummaryScope = listing.scope === 'all' ? { all: true } : summaryScopeFor(actor);
      // One more than the page: whether a next page exists.
      const rows = await fromRegister(() => deps.register.caseSummaries.list({ ...filter, scope, limit: limit + 1, ...(after ? { after } : {}) }));
      const page = rows.slice(0, limit);
      const readable = listing.scope === 'all' ? page : page.filter((r) => !('refuse' in caseReadFor(actor, { ...(r.referringAgency !== null ? { referringAgency: r.referringAgency } : {}), reviewerIds: r.reviewerIds })));
      const last = page.at(-1);
      return { cases: readable.map(listItemOf), nextCursor: rows.length > limit && last ? encodeCursor(deps.ring, context, last) : null };
    },
  };
}

export type CaseListService = ReturnType<typeof caseListService>;
