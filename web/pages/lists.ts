// The lists: the cases (filtered, paged), the action log and the exception report (with their CSV
// downloads). Each reads through the services, which check who may list what and the query.
import express from 'express';
import { STAGE_NAMES, STAGES } from '../../domain/case';
import type { Services } from '../../services';
import { govukDate, govukDateTime } from '../format';
import { personOf } from '../people';
import { statusTag } from './case-pages';
import { sendCsv } from '../../api/csv';

/** The query as the list's form sent it: empty fields are left out rather than refused. */
function filled(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
}

export function listPages(services: Services): express.Router {
  const router = express.Router();

  router.get('/cases', async (req, res) => {
    const query = filled(req.query as Record<string, unknown>);
    const page = await services.caseList.listCases(personOf(res), query);
    const next = page.nextCursor ? `/cases?${new URLSearchParams({ ...(query as Record<string, string>), cursor: page.nextCursor }).toString()}` : undefined;
    res.render('pages/cases', {
      pageTitle: 'Cases',
      cases: page.cases.map((c) => ({
        ref: c.caseReference,
        href: `/cases/${c.caseReference}`,
        stage: STAGE_NAMES[c.stage],
        openedAt: govukDate(c.openedAt),
        nextDeadline: c.nextDeadline ? govukDateTime(c.nextDeadline) : 'None open',
        overdue: c.overdue,
        open: c.open,
      })),
      stages: [{ value: '', text: 'Any stage' }, ...STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s], selected: query.stage === s }))],
      overdue: query.overdue ?? '',
      dueBefore: query.dueBefore ?? '',
      status: query.status ?? 'open',
      next,
      firstPage: query.cursor !== undefined ? `/cases?${new URLSearchParams(Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'cursor')) as Record<string, string>).toString()}` : undefined,
    });
  });

  router.get('/actions', async (req, res) => {
    const report = await services.actionLog.actionLog(personOf(res), req.query);
    if (report.format === 'csv') return sendCsv(res, `action-log-${report.today}.csv`, report.csv());
    const all = req.query.status === 'all';
    res.render('pages/action-log', {
      pageTitle: 'Action log',
      today: govukDate(report.today),
      all,
      csvHref: `/actions?${new URLSearchParams({ ...(all ? { status: 'all' } : {}), format: 'csv' }).toString()}`,
      rows: report.rows.map((r) => ({
        ...r,
        href: `/cases/${r.caseReference}/actions/${r.actionId}`,
        deadline: govukDate(r.deadline),
        originalDeadline: govukDate(r.originalDeadline),
        tag: r.overdue ? { text: 'Overdue', classes: 'govuk-tag--red' } : statusTag(r.status),
      })),
    });
  });

  router.get('/actions/exceptions', async (req, res) => {
    const report = await services.actionLog.exceptionReport(personOf(res), req.query);
    if (report.format === 'csv') return sendCsv(res, `exception-report-${report.today}.csv`, report.csv());
    res.render('pages/exceptions', {
      pageTitle: 'Exception report',
      today: govukDate(report.today),
      csvHref: '/actions/exceptions?format=csv',
      agencies: report.rows.map((g) => ({
        agency: g.agency,
        rows: g.actions.map((r) => ({ ...r, href: `/cases/${r.caseReference}/actions/${r.actionId}`, deadline: govukDate(r.deadline), originalDeadline: govukDate(r.originalDeadline) })),
      })),
    });
  });

  return router;
}
