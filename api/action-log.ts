// The action log and exception report through the API (§9.2: "The actions will be monitored
// within an action log and exception report"):
//
//   GET /actions             the open actions across all cases (?status=all: closed ones too)
//   GET /actions/exceptions  the overdue open actions, by agency
//
// Either as JSON or, with ?format=csv or Accept: text/csv, as a CSV download. Who reads what is
// domain/access.ts (actionReadFor): an action owner only their own agency's actions, the agency
// from sign-in; ?agency= only narrows what the policy allows. Operations get no free text. "Today"
// is the London date of now(). Every answer is Cache-Control: no-store; no message echoes input.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { KeyRing } from '../config/key-ring';
import { actionReadFor, type ActionRead } from '../domain/access';
import { londonDateOf } from '../domain/calendar';
import { actionLog, actionsCsv, exceptionReport, exceptionReportCsv, type ActionRegisterTables } from '../register/actions';
import { actorOf } from './auth';
import { sendError } from './errors';
import { queryProblems } from './query';
import { fromRegister } from './register-calls';

export interface ActionLogDependencies<DB extends ActionRegisterTables> {
  /** The register (any Kysely whose schema includes the action tables, e.g. RegisterDb). */
  register: Kysely<DB>;
  ring: KeyRing;
  now: () => Date;
}

/** GET /actions's query (the OpenAPI document is generated from it too). */
export const actionLogQuerySchema = () =>
  z.strictObject({
    status: z.enum(['open', 'all']).optional().meta({ description: 'open (the default): open actions; all: completed and withdrawn too' }),
    agency: z.string().trim().min(1).max(200).optional().meta({ description: "Only this agency's actions (an action owner sees only their own agency's whatever is asked)" }),
    format: z.enum(['json', 'csv']).optional().meta({ description: 'csv: a CSV download (as with Accept: text/csv)' }),
  });
/** GET /actions/exceptions's query: the same, without status (only open actions are overdue). */
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

function wantsCsv(req: Request, asked: 'json' | 'csv' | undefined): boolean {
  if (asked !== undefined) return asked === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** The filename is ours (a fixed name and the date), so it is quoted as it is. */
function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.type('text/csv; charset=utf-8').send(body);
}

type Granted = Exclude<ActionRead, { refuse: 403 }>;

export function actionLogRoutes<DB extends ActionRegisterTables>(deps: ActionLogDependencies<DB>): express.Router {
  const register = deps.register;
  const router = express.Router();


  /** What the signed-in person may list, or undefined once refused (403, before the query is looked at). */
  function readOrRefuse(res: Response): Granted | undefined {
    const read = actionReadFor(actorOf(res));
    if (!('refuse' in read)) return read;
    sendError(res, 403, 'ReadNotAllowed', 'The action log is not open to your role');
    return undefined;
  }

  /**
   * The one agency to list; undefined: every agency; null: nothing (an action owner asking for
   * another agency gets an empty list, not that agency's rows). Their agency is from sign-in.
   */
  function agencyToList(res: Response, read: Granted, asked: string | undefined): string | undefined | null {
    if (read.scope === 'all') return asked;
    const own = actorOf(res).agency;
    return asked === undefined || asked === own ? own : null;
  }

  router.get('/actions', async (req, res) => {
    const read = readOrRefuse(res);
    if (!read) return;
    const parsed = logQuery.safeParse(req.query);
    if (!parsed.success) return sendError(res, 422, 'InvalidQuery', 'The query is not valid', queryProblems(parsed.error, expectedOf(Object.keys(logQuery.shape))));
    const agency = agencyToList(res, read, parsed.data.agency);
    const today = londonDateOf(deps.now());
    const actions =
      agency === null
        ? []
        : await fromRegister(() =>
            actionLog(register, deps.ring, {
              today,
              includeFreeText: read.freeText,
              status: parsed.data.status ?? 'open',
              ...(agency !== undefined ? { agency } : {}),
            }),
          );
    if (wantsCsv(req, parsed.data.format)) return sendCsv(res, `action-log-${today}.csv`, actionsCsv(actions, { includeFreeText: read.freeText }));
    res.json({ today, actions });
  });

  router.get('/actions/exceptions', async (req, res) => {
    const read = readOrRefuse(res);
    if (!read) return;
    const parsed = exceptionsQuery.safeParse(req.query);
    if (!parsed.success) return sendError(res, 422, 'InvalidQuery', 'The query is not valid', queryProblems(parsed.error, expectedOf(Object.keys(exceptionsQuery.shape))));
    const agency = agencyToList(res, read, parsed.data.agency);
    const today = londonDateOf(deps.now());
    const agencies =
      agency === null
        ? []
        : await fromRegister(() =>
            exceptionReport(register, deps.ring, {
              today,
              includeFreeText: read.freeText,
              ...(agency !== undefined ? { agency } : {}),
            }),
          );
    if (wantsCsv(req, parsed.data.format)) {
      return sendCsv(res, `exception-report-${today}.csv`, exceptionReportCsv(agencies, { includeFreeText: read.freeText }));
    }
    res.json({ today, agencies });
  });

  return router;
}
