// The case list (GET /cases in the JSON API): the cases, newest first, filtered by stage, by whether any deadline
// is missed, and by the next deadline falling before a date; a page at a time.
//
// Read from Temporal's visibility store, through the search attributes each case publishes
// (workflows/incident.ts publishVisibility: CaseStage, NextDeadline, OverdueCount; never personal
// data). The visibility query is composed here from values the schema below has already reduced to
// one of a fixed set (a stage of the procedure's map, true/false) or to an instant we formatted
// ourselves: nothing a person typed is ever pasted into it.
//
// Who reads what is domain/access.ts (caseReadFor), the same policy as GET /cases/:ref: the roles
// that read whole cases and operations list every case; a referrer lists their agency's referrals and
// a reviewer the cases they are commissioned on, each case's facts asked of the case itself; an
// action owner lists none (403). A page filtered for a referrer or a reviewer may hold fewer than
// `limit` cases while a next page exists.
import { WorkflowNotFoundError, isGrpcServiceError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { z } from 'zod';
import { DecryptionError, type KeyRing } from '../config/key-ring';
import { caseListFor, caseReadFor } from '../domain/access';
import { londonInstant } from '../domain/calendar';
import { CASE_REFERENCE_PATTERN, STAGES, type Stage } from '../domain/case';
import { dateSchema } from '../domain/instants';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT, statusQuery, workflowIdFor } from '../workflows/contract';
import type { Actor } from '../domain/roles';
import { queryProblems } from './query';
import { Refused } from './refused';
import type { Bounded } from './temporal-calls';

/** The incident workflow's type, as visibility records it. */
const INCIDENT_WORKFLOW_TYPE = 'incidentWorkflow';
/**
 * A keyword or date-time search attribute of a listed execution, as its text (both are JSON
 * strings in the payload; an untyped upsert stores a one-item list). Read with the SDK's public
 * payload converter rather than its internal search-attribute decoder.
 */
function attributeValue(fields: Record<string, Payload> | null | undefined, name: string): unknown {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return Array.isArray(value) ? (value[0] as unknown) : value;
}

function attributeText(fields: Record<string, Payload> | null | undefined, name: string): string | undefined {
  const value = attributeValue(fields, name);
  return typeof value === 'string' ? value : undefined;
}

/** An int search attribute (a JSON number). */
function attributeNumber(fields: Record<string, Payload> | null | undefined, name: string): number | undefined {
  const value = attributeValue(fields, name);
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

const WORKFLOW_ID_PREFIX = workflowIdFor('');

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
    /** When the case was opened (its workflow started). */
    openedAt: z.string(),
    /** The soonest open deadline (an instant), or null when none is open. */
    nextDeadline: z.string().nullable(),
    /** How many deadlines are missed. */
    overdue: z.number().int().min(0),
    /** Whether the case is still running (false once it has finished). */
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
 * The visibility query for a filter. Every value in it is checked again here, against the fixed
 * set it must come from or the one format we write, so that no caller can widen it.
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
 * A cursor is Temporal's page token sealed with the key ring (AES-GCM), bound to the query, the page
 * size and the person it was given to. Temporal's token is plain JSON a caller could alter, and an
 * altered one makes the server fail (not refuse): sealed, an altered or borrowed cursor is refused
 * here before Temporal sees it. Any API process with the same ring reads it; rotation keeps working
 * while the old key stays in the ring.
 */
function cursorContext(query: string, limit: number, actorId: string): Buffer {
  return Buffer.from(`case-list-cursor\u0000${query}\u0000${limit}\u0000${actorId}`, 'utf8');
}

function encodeCursor(ring: KeyRing, context: Buffer, token: Uint8Array): string {
  const sealed = ring.seal(token, context);
  return [Buffer.from(sealed.keyId, 'utf8'), sealed.iv, sealed.ciphertext].map((b) => b.toString('base64url')).join('.');
}

/** Temporal's page token from a cursor, or undefined when it is not one this listing gave this person. */
function decodeCursor(ring: KeyRing, context: Buffer, cursor: string): Buffer | undefined {
  const parts = cursor.split('.');
  if (parts.length !== 3) return undefined;
  const [keyId, iv, ciphertext] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  try {
    return ring.open(keyId.toString('utf8'), iv, ciphertext, context);
  } catch (err) {
    if (err instanceof DecryptionError) return undefined;
    throw err;
  }
}

export interface CaseListDependencies {
  temporal: Client;
  /** Seals the cursors (see encodeCursor). */
  ring: KeyRing;
  /** Every Temporal call bounded. */
  bounded: Bounded;
}

/** Cases a referrer's or reviewer's page asks about at once (each a query to its case). */
const FACT_CHECKS_AT_ONCE = 10;

/** One execution as the listing shows it, or none when it is not a case of ours. */
function listItemOf(execution: proto.api.workflow.v1.IWorkflowExecutionInfo): CaseListItem[] {
  const workflowId = execution.execution?.workflowId ?? '';
  const caseReference = workflowId.slice(WORKFLOW_ID_PREFIX.length);
  if (!workflowId.startsWith(WORKFLOW_ID_PREFIX) || !CASE_REFERENCE_PATTERN.test(caseReference)) return [];
  const fields = execution.searchAttributes?.indexedFields;
  const stage = attributeText(fields, CASE_STAGE.name);
  if (stage === undefined || !(STAGES as readonly string[]).includes(stage)) return [];
  const nextText = attributeText(fields, NEXT_DEADLINE.name);
  const next = nextText !== undefined && Number.isFinite(Date.parse(nextText)) ? new Date(nextText) : undefined;
  const seconds = Number(execution.startTime?.seconds ?? 0);
  return [
    {
      caseReference,
      stage: stage as Stage,
      openedAt: new Date(seconds * 1000 + Math.floor((execution.startTime?.nanos ?? 0) / 1e6)).toISOString(),
      nextDeadline: next ? next.toISOString() : null,
      overdue: attributeNumber(fields, OVERDUE_COUNT.name) ?? 0,
      open: execution.status === proto.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    },
  ];
}

export interface CasePage {
  cases: CaseListItem[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export function caseListService(deps: CaseListDependencies) {
  const namespace = deps.temporal.options.namespace;

  /** The cases of a page the person may read, asked of each case (referrers and reviewers). */
  async function readable(actor: Actor, items: CaseListItem[]): Promise<CaseListItem[]> {
    const kept: CaseListItem[] = [];
    for (let i = 0; i < items.length; i += FACT_CHECKS_AT_ONCE) {
      const chunk = items.slice(i, i + FACT_CHECKS_AT_ONCE);
      const allowed = await Promise.all(
        chunk.map(async (item) => {
          try {
            const state = await deps.bounded(() => deps.temporal.workflow.getHandle(workflowIdFor(item.caseReference)).query(statusQuery));
            return !('refuse' in caseReadFor(actor, state.facts));
          } catch (err) {
            // Gone between the listing and the question (past retention): not listed.
            if (err instanceof WorkflowNotFoundError) return false;
            throw err;
          }
        }),
      );
      kept.push(...chunk.filter((_, j) => allowed[j]));
    }
    return kept;
  }

  return {
    /** A page of the cases this person may list, filtered by the query (its parameters as sent). */
    async listCases(actor: Actor, given: unknown): Promise<CasePage> {
      const listing = caseListFor(actor);
      if ('refuse' in listing) throw new Refused(403, 'ReadNotAllowed', 'The case list is not open to your role');
      const parsed = QUERY.safeParse(given);
      if (!parsed.success) throw new Refused(422, 'InvalidQuery', 'The query is not valid', queryProblems(parsed.error, EXPECTED));
      const q = parsed.data;
      const query = visibilityQuery({
        status: q.status ?? 'open',
        ...(q.stage !== undefined ? { stage: q.stage } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue === 'true' } : {}),
        ...(q.dueBefore !== undefined ? { dueBefore: londonInstant(q.dueBefore, '00:00') } : {}),
      });
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const context = cursorContext(query, limit, actor.id);
      const token = q.cursor === undefined ? undefined : decodeCursor(deps.ring, context, q.cursor);
      const badCursor = () => new Refused(422, 'InvalidQuery', 'The query is not valid', [{ path: 'cursor', message: EXPECTED.cursor }]);
      if (q.cursor !== undefined && !token) throw badCursor();
      let page;
      try {
        page = await deps.bounded(() =>
          deps.temporal.workflowService.listWorkflowExecutions({ namespace, query, pageSize: limit, ...(token ? { nextPageToken: token } : {}) }),
        );
      } catch (err) {
        // A token of ours Temporal no longer reads (from before a server upgrade).
        if (token && isGrpcServiceError(err) && err.code === 3) throw badCursor();
        throw err;
      }
      const items = (page.executions ?? []).flatMap(listItemOf);
      const cases = listing.scope === 'all' ? items : await readable(actor, items);
      const nextToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
      return { cases, nextCursor: nextToken ? encodeCursor(deps.ring, context, nextToken) : null };
    },
  };
}

export type CaseListService = ReturnType<typeof caseListService>;
