// Every code the API and the staff pages answer with, with its HTTP status: the case service
// (services/) refuses with these, the adapters say them in their own form.
import type { Refusal } from '../domain/errors';

/**
 * Every code the API answers with besides a case's or an action's refusals (domain/errors.ts,
 * REFUSALS), with its HTTP status. One shape for all: `{ error: { code, message, problems? } }`.
 */
export const API_ERRORS = {
  /** A path that does not decode (malformed %-encoding). */
  MalformedPath: 400,
  MalformedJson: 400,
  /** A body that could not be read: cut short, its length wrong, its compression broken. */
  MalformedBody: 400,
  /** Not HTTP as Node's parser reads it (api/main.ts apiServer answers it, before the app). */
  MalformedRequest: 400,
  Unauthenticated: 401,
  ReadNotAllowed: 403,
  RoleNotAllowed: 403,
  DecodeNotAllowed: 403,
  NotFound: 404,
  UnknownDecision: 404,
  /** A method the path does not have (api/methods.ts), with Allow listing those it has. */
  MethodNotAllowed: 405,
  /** The request's headers and body did not arrive within the server's timeouts. */
  RequestTimeout: 408,
  BodyTooLarge: 413,
  UnsupportedMediaType: 415,
  UnsupportedCharset: 415,
  UnsupportedContentEncoding: 415,
  InvalidReferral: 422,
  InvalidIdempotencyKey: 422,
  InvalidQuery: 422,
  InvalidPayloads: 422,
  CannotDecode: 422,
  /** Headers over Node's limit (16 KiB). */
  HeadersTooLarge: 431,
  /** Too many requests from one address or one person, or too many failed sign-ins (Retry-After). */
  RateLimited: 429,
  /** A defect: logged by name, never its message. */
  InternalError: 500,
  /** Nothing was applied; try again (with Retry-After). */
  NotApplied: 503,
  TemporalUnavailable: 503,
  /** The register did not answer: nothing was changed (with Retry-After). */
  RegisterUnavailable: 503,
  SignInUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof API_ERRORS | Refusal;
