// The pages' error pages (404, 403, 409/422, 503, 500) in the GOV.UK patterns. They never echo
// what was asked for: a 404 and a 403 say the same fixed words whatever the case or path, and a
// 500 says only that something went wrong (the log gets the error's name and the request ID).
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { currentRequestId } from '../api/request-context';
import { Refused, RegisterUnavailable, TemporalUnavailable } from '../services';
import { isCsrfError } from './csrf';

export function notFoundPage(_req: Request, res: Response): void {
  res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
}

export function pageErrorHandler(logger: Logger | undefined) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (isCsrfError(err)) {
      return res.status(403).render('pages/error', {
        pageTitle: 'Your form could not be sent',
        status: 403,
        lines: ['The form had expired or did not come from this service, so nothing was changed.', 'Go back, reload the page and try again.'],
      });
    }
    if (err instanceof Refused) {
      if (err.status === 404) return notFoundPage(_req, res);
      if (err.status === 403) {
        return res.status(403).render('pages/error', {
          pageTitle: 'You do not have access to this page',
          status: 403,
          lines: ['Your role does not give you access to this page.', 'If you think it should, contact the partnership’s Business Unit.'],
        });
      }
      if (err.status === 503) return unavailable(res);
      // A refusal in the service's own words (they never echo input): a closed case, a query that is not valid.
      return res.status(err.status).render('pages/error', { pageTitle: 'There is a problem', status: err.status, lines: [err.message, ...(err.problems ?? []).map((p) => p.message)] });
    }
    if (err instanceof TemporalUnavailable || err instanceof RegisterUnavailable) return unavailable(res);
    logger?.error({ reqId: currentRequestId(), error: err instanceof Error ? err.name : 'unknown' }, 'unhandled page error');
    res.status(500).render('pages/error', {
      pageTitle: 'Sorry, there is a problem with the service',
      status: 500,
      lines: ['Try again later. Nothing you sent has been lost.', `If it goes on, tell the partnership's IT and give them this reference: ${String(res.locals.requestId ?? '')}.`],
    });
  };
}

function unavailable(res: Response): void {
  res.setHeader('Retry-After', '30');
  res.status(503).render('pages/error', {
    pageTitle: 'Sorry, the service is unavailable',
    status: 503,
    lines: ['Part of the service did not answer in time. Nothing has been lost.', 'Try again in a few minutes.'],
  });
}
