import type { z } from 'zod';

/**
 * Why a decision was refused. Thrown as ApplicationFailure.create({ type, nonRetryable: true })
 * from update validators; the API maps the type to an HTTP status and never forwards other text.
 */
export const REFUSALS = {
  WrongStage: 409,
  CaseClosed: 409,
  /** The same Idempotency-Key was used for another decision or body. */
  IdempotencyKeyReused: 422,
  /** The request reached the case after the API had stopped waiting: nothing was applied. */
  RequestExpired: 503,
  /** The deadline computation did not answer in time: nothing was applied. */
  DeadlineUnavailable: 503,
  AlreadyMet: 409,
  RoleNotAllowed: 403,
  /** The person may not read this case (a reviewer not commissioned on it): answered as a case that does not exist. */
  CaseNotFound: 404,
  InvalidDecision: 422,
  /** An improvement action the person may not see (another agency's), or none by that reference. */
  ActionNotFound: 404,
  /** The action is completed or withdrawn. */
  ActionClosed: 409,
  /** §9.2: an extension asked for by anyone but the owning agency's Chief Officer. */
  ExtensionNotAllowed: 422,
} as const;
export type Refusal = keyof typeof REFUSALS;

export function isRefusal(type: string | undefined | null): type is Refusal {
  return type !== undefined && type !== null && Object.prototype.hasOwnProperty.call(REFUSALS, type);
}

/** A problem with submitted data: where, and what is wrong, never the value itself. */
export interface Problem {
  path: string;
  message: string;
}

/** A payload's zod issues as problems. */
export function zodProblems(error: z.ZodError): Problem[] {
  const at = (path: PropertyKey[]) => path.map(pathSegment).join('.') || '(body)';
  return error.issues.map((issue) =>
    // An unknown key is the sender's own text, whatever it looks like (a field's name misspelt, or
    // a name): it is pointed at by where it is, never repeated (issue 10). One problem per object.
    issue.code === 'unrecognized_keys'
      ? { path: at([...issue.path, UNKNOWN_KEY]), message: issue.keys.length === 1 ? 'Unrecognized key' : `${issue.keys.length} unrecognized keys` }
      : { path: at(issue.path), message: issue.message },
  );
}

const UNKNOWN_KEY = '\u0000';

/**
 * A path's segment as an answer may show it: an index, or the name of a field the schema has (a
 * path only leads through keys the schema matched). Anything else shows as "(a key)".
 */
function pathSegment(segment: PropertyKey): string {
  if (typeof segment === 'number') return String(segment);
  return typeof segment === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(segment) ? segment : '(a key)';
}
