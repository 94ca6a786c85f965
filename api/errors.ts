import type { Response } from 'express';
import type { Problem } from '../domain/errors';

export { API_ERRORS, type ErrorCode } from '../services/error-codes';
import type { ErrorCode } from '../services/error-codes';

/** Seconds a 503 asks the caller to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

/** The one error shape, for sendError and for the server's own answers (api/main.ts apiServer). */
export function errorBody(code: ErrorCode, message: string, problems?: Problem[]): { error: { code: ErrorCode; message: string; problems?: Problem[] } } {
  return { error: { code, message, ...(problems ? { problems } : {}) } };
}

/** Every error is JSON with a stable code; never a raw exception message, never the input. */
export function sendError(res: Response, status: number, code: ErrorCode, message: string, problems?: Problem[]): void {
  if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(status).json(errorBody(code, message, problems));
}
