import type { Response } from 'express';
import type { Problem } from '../domain/errors';

/** Every error is JSON with a stable code; never a raw exception message. */
export function sendError(res: Response, status: number, code: string, message: string, problems?: Problem[]): void {
  res.status(status).json({ error: { code, message, ...(problems ? { problems } : {}) } });
}
