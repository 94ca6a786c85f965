// The request a piece of code is running for, wherever it runs (a sign-in callback, the error
// handler): so that every log line the API writes during a request carries that request's ID,
// not only the request line pino-http writes (issue 10, item 5).
import { AsyncLocalStorage } from 'node:async_hooks';

const context = new AsyncLocalStorage<{ requestId: string }>();

/** Runs the rest of the request (`next`) with its ID in context. */
export function withRequestId(requestId: string, next: () => void): void {
  context.run({ requestId }, next);
}

/** The ID of the request being served, as the log lines and X-Request-Id name it; undefined outside one. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
