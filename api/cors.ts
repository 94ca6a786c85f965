// CORS for the staff pages the partnership names (CORS_ORIGINS), and for no one else: a page from
// another origin cannot read the API's answers. The API is bearer-token only, so no credentials
// (cookies) are allowed cross-origin; /codec has its own CORS (the Temporal UI's origin, with its
// session cookie) and is left to it.
import cors from 'cors';
import type { RequestHandler } from 'express';

/** The methods the API has. */
export const CORS_METHODS = ['GET', 'POST'] as const;
/** The request headers the API reads. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'] as const;
/**
 * The answer headers a page needs besides the safelisted ones: the request ID (to quote in a
 * report), Retry-After and the rate-limit headers (express-rate-limit's draft-7), Location and
 * Idempotent-Replayed (a retried request's first answer).
 */
export const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'Location', 'Idempotent-Replayed', 'RateLimit', 'RateLimit-Policy'] as const;
/** How long a browser may keep a preflight's answer (browsers cap it: Chrome at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/** /codec and below, matched as Express routes it (case-insensitive). */
const CODEC_PATH = /^\/codec(?:\/|$)/i;

/**
 * Middleware for createApp, mounted before sign-in: a preflight carries no token. A listed origin
 * gets its own origin back (never `*`) and its preflight is answered 204 here; any other origin gets
 * no CORS header at all, and its OPTIONS goes on to sign-in like any request without a token.
 */
export function apiCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  const handler = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
  return (req, res, next) => {
    if (CODEC_PATH.test(req.path)) return next();
    // The answer differs by Origin, whether or not this one is listed.
    res.vary('Origin');
    handler(req, res, next);
  };
}
