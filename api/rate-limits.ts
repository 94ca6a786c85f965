// The API's rate limits (issue 10, item 5; issue 16, item 2): they stop attackers, not staff.
//
// - Per client (its address, as the trusted reverse proxy reports it: TRUST_PROXY): every request
//   but /health (mounted before them) and the codec's unsigned calls (below).
// - Per signed-in person, once signed in.
// - Failed sign-ins per client: a request is counted only once its sign-in has failed (a token
//   was sent and signs in no one), and only then refused 429 past the limit. A request whose token
//   signs someone in never consults this count, so strangers guessing tokens from behind the same
//   proxy or NAT as the staff cannot lock the staff out. A request with no token at all is not a
//   guess at one: answered 401, not counted.
// - The codec server's unsigned calls per client: the Temporal UI asks /codec/decode for every
//   payload on a page, before its person has signed in (and always, with the UI's cluster-level
//   codec setting, which sends no credentials). They are answered 401 and counted here only, so a
//   page of them neither exhausts the client's limit nor counts as failed sign-ins.
//
// Every refusal is 429 RateLimited in the API's one shape, with Retry-After and words saying when
// to try again. Counts are in memory (express-rate-limit's MemoryStore): one API process; a
// restart forgets them.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { sendError } from './errors';
import { actorOf } from './auth';

/** How many requests one client (an address) and one signed-in person may make, and failed sign-ins. */
export interface RateLimits {
  perClientPerMinute: number;
  perPersonPerMinute: number;
  /** Tokens that signed in no one, from one client in 15 minutes, before it is refused 429: guessing tokens is slow. */
  failedSignInsPer15Minutes: number;
  /** The codec server's calls without a session or token, from one client (unset: DEFAULT_RATE_LIMITS'). */
  unsignedCodecPerClientPerMinute?: number;
}

/**
 * The unsigned codec limit allows a person behind the partnership's proxy to open about 15 pages
 * of a case's history in the Temporal UI a minute (about 40 calls a page) before signing in; past
 * it the UI shows the payloads encrypted, as it does on a 401.
 */
export const DEFAULT_RATE_LIMITS: Required<RateLimits> = { perClientPerMinute: 600, perPersonPerMinute: 300, failedSignInsPer15Minutes: 20, unsignedCodecPerClientPerMinute: 600 };

/** "30 seconds", "14 minutes": when to try again, in words. */
function inWords(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * One limit: 429 in the API's shape, with Retry-After (seconds until the window resets, set by
 * express-rate-limit) and the same in words. Keyed by the client's address (express-rate-limit's
 * default: req.ip, which Express reads through the trusted proxies only) unless `key` says.
 */
function limiter(options: { windowMs: number; limit: number; refusal: (when: string) => string; key?: (req: Request, res: Response) => string }) {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(options.key ? { keyGenerator: options.key } : {}),
    handler: (_req, res) => {
      const seconds = Math.max(1, Number(res.getHeader('Retry-After')) || Math.ceil(options.windowMs / 1000));
      res.setHeader('Retry-After', String(seconds));
      sendError(res, 429, 'RateLimited', options.refusal(inWords(seconds)));
    },
  });
}

/** Marks a request counted against its client's limit, which may be mounted in two places (the codec server's and the app's). */
const CLIENT_COUNTED = 'rateLimitClientCounted';

export interface RateLimiters {
  /** Every request from one client, counted once however many times it is mounted on its way. */
  perClient: RequestHandler;
  /** After sign-in: every request of one person. */
  perPerson: RequestHandler;
  /** The codec server's calls that carry no sign-in: their own count, 401 or 429. */
  unsignedCodec: RequestHandler;
  /**
   * Called when a sign-in has failed (a token that signs in no one), never otherwise: counts it
   * against the client and answers 429 past the limit, else calls `next` to answer the refusal
   * the caller would (401, or the codec's sign-in page).
   */
  failedSignIn: (req: Request, res: Response, next: NextFunction) => void;
}

/** The limiters of one app (each app its own counts). */
export function rateLimiters(limits: RateLimits): RateLimiters {
  const perClient = limiter({ windowMs: 60_000, limit: limits.perClientPerMinute, refusal: (when) => `Too many requests from this address; try again in ${when}` });
  const failedSignIns = limiter({ windowMs: 15 * 60_000, limit: limits.failedSignInsPer15Minutes, refusal: (when) => `Too many failed sign-ins from this address; try again in ${when}` });
  return {
    perClient: (req, res, next) => {
      if (res.locals[CLIENT_COUNTED] === true) return next();
      res.locals[CLIENT_COUNTED] = true;
      return perClient(req, res, next);
    },
    perPerson: limiter({
      windowMs: 60_000,
      limit: limits.perPersonPerMinute,
      refusal: (when) => `Too many requests from you; try again in ${when}`,
      key: (_req, res) => `person:${actorOf(res).id}`,
    }),
    unsignedCodec: limiter({
      windowMs: 60_000,
      limit: limits.unsignedCodecPerClientPerMinute ?? DEFAULT_RATE_LIMITS.unsignedCodecPerClientPerMinute,
      refusal: (when) => `Too many codec requests without a sign-in from this address; sign in at /codec/sign-in, or try again in ${when}`,
    }),
    // Called only after a failure: every call is a failed sign-in, counted, never taken back.
    failedSignIn: (req, res, next) => void failedSignIns(req, res, next),
  };
}
