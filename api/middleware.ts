// The middleware every request passes through, in the order createApp (api/app.ts) mounts it: a
// request ID and no-store, security headers, the request log; after sign-in, the body checks; last,
// the error handler that turns whatever was thrown into the one error shape.
import { randomUUID } from 'node:crypto';
import { parse as parseContentType } from 'content-type';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Refused, RegisterUnavailable, TemporalUnavailable } from '../services';
import { sendError } from './errors';
import { currentRequestId, withRequestId } from './request-context';
import { BODY_LIMIT } from './requests';

/** A request ID of ours on every answer and every log line; what the caller sends is not echoed. */
export function requestId() {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.requestId = randomUUID();
    res.setHeader('X-Request-Id', res.locals.requestId as string);
    // Nearly everything here is personal data: nothing is kept by a browser or a proxy. This
    // covers every route, the action log's and the codec server's included.
    res.setHeader('Cache-Control', 'no-store');
    // Everything after this runs in the request's context: any log line names the request.
    withRequestId(res.locals.requestId as string, next);
  };
}

/**
 * Security headers (helmet): nothing may frame the API or load from it, types are not sniffed,
 * no referrer leaves for another site; HSTS on requests that came over TLS (it means nothing over plain HTTP).
 * The codec's sign-in page is a plain form posting to itself, so `form-action 'self'`.
 */
export function securityHeaders() {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
    strictTransportSecurity: false,
    // Not no-referrer: a browser then sends `Origin: null` with a form, and the codec's sign-in
    // form is accepted only from this origin.
    referrerPolicy: { policy: 'same-origin' },
  });
  const hsts = helmet.strictTransportSecurity({ maxAge: 31_536_000, includeSubDomains: true });
  return (req: Request, res: Response, next: NextFunction) => headers(req, res, (err?: unknown) => (err ? next(err) : req.secure ? hsts(req, res, next) : next()));
}

/**
 * One structured line per request (pino-http): its ID, method, the route's pattern (never the
 * path as sent, which could carry anything), status, time, and who was signed in (id and role).
 * No headers, no query, no body.
 */
export function requestLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => (res as Response).locals.requestId as string,
    quietReqLogger: true,
    serializers: {
      req: (req: { id?: unknown; method?: string }) => ({ id: req.id, method: req.method }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: (err: { name?: string }) => ({ name: err?.name }),
    },
    // Called as the request comes in (nothing known yet: no bindings) and again when it is answered.
    customProps: (req, res) => {
      if (!res.headersSent) return {};
      const actor = (res as Response).locals.actor as { id: string; role: string } | undefined;
      const route = (req as Request).route as { path?: unknown } | undefined;
      return { route: typeof route?.path === 'string' ? `${(req as Request).baseUrl}${route.path}` : '(no route)', ...(actor ? { actor: { id: actor.id, role: actor.role } } : {}) };
    },
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
  });
}

/** The deepest a body may nest (a referral form nests 4 levels). */
const MAX_BODY_DEPTH = 16;

/** Whether a parsed JSON value nests deeper than `max` levels; walked without recursion. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Bodies are JSON: anything else would be read as an empty decision. And UTF-8 JSON only (RFC 8259
 * §8.1): the body parser would read UTF-16 and UTF-32 too, which no client of ours sends. The size
 * limit is checked against the declared length before a byte is read, and while reading; no form of
 * ours nests deeper than a few levels, so a deeper body is refused before anything walks it.
 */
export function jsonBodies(): express.RequestHandler[] {
  const jsonOnly = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    if (!req.is('application/json')) return sendError(res, 415, 'UnsupportedMediaType', 'Send the body as application/json');
    let charset: string | undefined;
    try {
      charset = parseContentType(req.get('content-type') ?? '').parameters.charset?.toLowerCase();
    } catch {
      // Parameters that do not parse (`; charset`, an unclosed quote).
      return sendError(res, 415, 'UnsupportedMediaType', 'Send the body as application/json');
    }
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return sendError(res, 415, 'UnsupportedCharset', 'Send the body as UTF-8');
    next();
  };
  const notTooDeep = (req: Request, res: Response, next: NextFunction) => {
    if (nestedDeeperThan(req.body, MAX_BODY_DEPTH)) return sendError(res, 400, 'MalformedJson', `The body is nested more than ${MAX_BODY_DEPTH} levels deep`);
    next();
  };
  return [jsonOnly, express.json({ limit: BODY_LIMIT }), notTooDeep];
}

/** Express 5 passes rejected promises here. Only a stable code leaves the process. */
export function errorHandler(logger: Logger | undefined) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof Refused) return sendError(res, err.status, err.code, err.message, err.problems);
    if (err instanceof TemporalUnavailable) return sendError(res, 503, 'TemporalUnavailable', 'The case engine did not answer in time; try again');
    if (err instanceof RegisterUnavailable) return sendError(res, 503, 'RegisterUnavailable', 'The register did not answer; nothing was changed; try again shortly');
    // What reading the request refused (the router, body-parser): a 4xx, said in our words.
    const { type, status } = err as { type?: string; status?: number };
    if (type === 'entity.parse.failed') return sendError(res, 400, 'MalformedJson', 'The body is not valid JSON');
    if (type === 'entity.too.large') return sendError(res, 413, 'BodyTooLarge', `The body is larger than ${BODY_LIMIT}`);
    if (type === 'charset.unsupported') return sendError(res, 415, 'UnsupportedCharset', 'Send the body as UTF-8');
    if (type === 'encoding.unsupported') return sendError(res, 415, 'UnsupportedContentEncoding', 'The body may be sent as it is, or gzip, deflate or br compressed');
    if (err instanceof URIError) return sendError(res, 400, 'MalformedPath', 'The path is not validly encoded');
    if (typeof status === 'number' && status >= 400 && status < 500) return sendError(res, 400, 'MalformedBody', 'The body could not be read');
    // The name only: messages can carry submitted data.
    logger?.error({ reqId: currentRequestId(), error: err instanceof Error ? err.name : 'unknown' }, 'unhandled API error');
    return sendError(res, 500, 'InternalError', 'Something went wrong; it has been logged');
  };
}
