// The action log and exception report (§9.2: "The actions will be monitored within an action log
// and exception report"): the open actions across all cases, and the overdue ones by agency. Who
// reads what is domain/access.ts (actionReadFor): an action owner only their own agency's actions,
// the agency from sign-in; asking for an agency only narrows what the policy allows. Operations get
// no free text. "Today" is the London date of now().
import { z } from 'zod';
import { actionReadFor, type ActionRead } from '../domain/access';
import { londonDateAt } from '../domain/working-days-late';
import type { Actor } from '../domain/roles';
import { actionsCsv, exceptionReportCsv } from '../register/actions';
import type { Register } from '../register/register';
import { queryProblems } from './query';
import { fromRegister } from './register-calls';
import { Refused } from './refused';

export interface ActionLogDependencies {
  register: Register;
  now: () => Date;
}

/** The action log's query (the OpenAPI document is generated from it too). */
export const actionLogQuerySchema = () =>
  z.strictObject({
    status: z.enum(['open', 'all']).optional().meta({ description: 'open (the default): open actions; all: completed and withdrawn too' }),
    agency: z.string().trim().min(1).max(200).optional().meta({ description: "Only this agency's actions (an action owner sees only their own agency's whatever is asked)" }),
    format: z.enum(['json', 'csv']).optional().meta({ description: 'csv: a CSV download (as with Accept: text/csv)' }),
  });
/** The exception report's query: the same, without status (only open actions are overdue). */
export const exceptionsQuerySchema = () => actionLogQuerySchema().omit({ status: true });
const logQuery = actionLogQuerySchema();
const exceptionsQuery = exceptionsQuerySchema();

/** What each parameter takes: the problems say this, never what was sent. */
const EXPECTED = {
  status: 'status must be open or all, once',
  agency: 'agency must be the name of an agency (1 to 200 characters), once',
  format: 'format must be json or csv, once',
};
const expectedOf = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, EXPECTED[k as keyof typeof EXPECTED]]));

type Granted = Exclude<ActionRead, { refuse: 403 }>;

/** What the signed-in person may list, refused (403) before the query is looked at. */
function grantedTo(actor: Actor): Granted {
  const read = actionReadFor(actor);
  if ('refuse' in read) throw new Refused(403, 'ReadNotAllowed', 'The action log is not open to your role');
  return read;
}

/**
 * The one agency to list; undefined: every agency; null: nothing (an action owner asking for
 * another agency gets an empty list, not that agency's rows). Their agency is from sign-in.
 */
function agencyToList(actor: Actor, read: Granted, asked: string | undefined): string | undefined | null {
  if (read.scope === 'all') return asked;
  return asked === undefined || asked === actor.agency ? actor.agency : null;
}

function parsed<S extends typeof logQuery | typeof exceptionsQuery>(schema: S, given: unknown): z.infer<S> {
  const result = schema.safeParse(given);
  if (!result.success) throw new Refused(422, 'InvalidQuery', 'The query is not valid', queryProblems(result.error, expectedOf(Object.keys(schema.shape))));
  return result.data as z.infer<S>;
}

export function actionLogService(deps: ActionLogDependencies) {
  /**
   * One listing, the same way for both: who may read (403 first), the query, the agency the policy
   * allows, London's today, the rows (none when the policy leaves nothing), and their CSV.
   */
  async function listing<S extends typeof logQuery | typeof exceptionsQuery, T>(
    actor: Actor,
    given: unknown,
    schema: S,
    rowsOf: (q: z.infer<S>, filter: { today: string; includeFreeText: boolean; agency?: string }) => Promise<T[]>,
    csvOf: (rows: T[], options: { includeFreeText: boolean }) => string,
  ) {
    const read = grantedTo(actor);
    const q = parsed(schema, given);
    const agency = agencyToList(actor, read, q.agency);
    const today = londonDateAt(deps.now().getTime());
    const rows = agency === null ? [] : await fromRegister(() => rowsOf(q, { today, includeFreeText: read.freeText, ...(agency !== undefined ? { agency } : {}) }));
    return { today, rows, format: q.format, csv: () => csvOf(rows, { includeFreeText: read.freeText }) };
  }

  return {
    actionLog: (actor: Actor, given: unknown) =>
      listing(actor, given, logQuery, (q, filter) => deps.register.actions.log({ ...filter, status: q.status ?? 'open' }), actionsCsv),
    exceptionReport: (actor: Actor, given: unknown) =>
      listing(actor, given, exceptionsQuery, (_q, filter) => deps.register.actions.exceptionReport(filter), exceptionReportCsv),
  };
}

export type ActionLogService = ReturnType<typeof actionLogService>;
