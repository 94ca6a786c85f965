// CSRF protection for every form the pages post: a synchroniser token (csrf-sync) kept in the
// server-side session and sent back in a hidden field named _csrf. On in every environment, tests
// included: a test that posts a form carries the token as a browser does.
import type { NextFunction, Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';

const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError } = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
});

/** The token for the page's forms (res.locals.csrfToken), made once per session. */
export function csrfToken(req: Request, res: Response, next: NextFunction): void {
  res.locals.csrfToken = generateToken(req);
  next();
}

/** Refuses a form post without the session's token (403, the page error handler explains). */
export const csrfProtection = csrfSynchronisedProtection;

export function isCsrfError(err: unknown): boolean {
  return err === invalidCsrfTokenError || (err as { code?: unknown })?.code === 'EBADCSRFTOKEN';
}
