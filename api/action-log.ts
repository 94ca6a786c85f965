// The action log and exception report through the API, an adapter over services/action-log.ts:
//
//   GET /actions             the open actions across all cases (?status=all: closed ones too)
//   GET /actions/exceptions  the overdue open actions, by agency
//
// Either as JSON or, with ?format=csv or Accept: text/csv, as a CSV download. Every answer is
// Cache-Control: no-store; no message echoes input.
import express, { type Request } from 'express';
import type { ActionLogService } from '../services/action-log';
import { actorOf } from './auth';
import { sendCsv } from './csv';

export { actionLogQuerySchema, exceptionsQuerySchema } from '../services/action-log';

function wantsCsv(req: Request, asked: 'json' | 'csv' | undefined): boolean {
  if (asked !== undefined) return asked === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

export function actionLogRoutes(actionLog: ActionLogService): express.Router {
  const router = express.Router();

  router.get('/actions', async (req, res) => {
    const report = await actionLog.actionLog(actorOf(res), req.query);
    if (wantsCsv(req, report.format)) return sendCsv(res, `action-log-${report.today}.csv`, report.csv());
    res.json({ today: report.today, actions: report.rows });
  });

  router.get('/actions/exceptions', async (req, res) => {
    const report = await actionLog.exceptionReport(actorOf(res), req.query);
    if (wantsCsv(req, report.format)) return sendCsv(res, `exception-report-${report.today}.csv`, report.csv());
    res.json({ today: report.today, agencies: report.rows });
  });

  return router;
}
