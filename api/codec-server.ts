// The codec server the Temporal UI calls from the browser (POST /codec/decode, /codec/encode):
// only for people who may read a child's record, CORS for the UI's origin only, nothing logged,
// and every decoding recorded in the register (who, when, which namespace and workflow).
//
// The UI's browser sends no bearer token (only Content-Type and X-Namespace; a token only when the
// UI itself has OIDC sign-in, which the dev server's UI has not). It sends cookies when the UI's
// codec setting "include cross-origin credentials" is on. So a person signs in here once, at
// GET /codec/sign-in, with their token, and gets a session cookie that only /codec accepts.
import { createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Users } from '../config';
import { mayReadReferral } from '../domain/access';
import type { Actor } from '../domain/roles';
import { codecAudit, type CodecAudit, type CodecAuditTables, type CodecOperation, type CodecOutcome } from '../register/codec-audit';
import { authenticate, signInOf, SignInUnavailable, type SignIn } from './auth';
import { RETRY_AFTER_SECONDS, sendError } from './errors';
import type { RateLimiters } from './rate-limits';

// The audit's table and its writes are the register's (register/codec-audit.ts); the names the
// API has always imported from here still resolve.
export type { CodecAuditTable, CodecAuditTables, CodecOutcome } from '../register/codec-audit';

/**
 * The payloads the UI sends and is sent back (the OpenAPI document is generated from it too).
 * Base64 as the UI sends it: anything else is refused, not read as whatever bytes it happens to
 * decode to (and then handed back, text and all, as a payload the codec did not recognise).
 */
export const codecPayloadsSchema = () =>
  z.strictObject({
    payloads: z.array(z.object({ metadata: z.record(z.string(), z.base64()).optional(), data: z.base64().optional() })).max(1_000),
  });
const payloadsSchema = codecPayloadsSchema();

function fromJson(p: z.infer<typeof payloadsSchema>['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

/** The workflow a Temporal UI page is about, from its address: `/namespaces/<ns>/workflows/<id>/...`. */
function workflowOf(referer: string | undefined): string | null {
  const match = referer ? /\/workflows\/(incident-[A-Z]{2,8}-\d{4}-\d{3,6})(?:\/|$)/.exec(referer) : null;
  return match?.[1] ?? null;
}

/** The codec's session cookie: sent by the browser to /codec only, read by nothing else. */
export const CODEC_SESSION_COOKIE = 'ssi_codec_session';
const SESSION_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 1_000;

interface Session {
  actor: Actor;
  expiresAt: number;
}

/**
 * Sessions in memory (a restart signs everyone out), keyed by the SHA-256 of the cookie's value so
 * the map holds nothing a browser could present. Bounded: expired entries are dropped first, then
 * the oldest.
 */
class CodecSessions {
  private readonly byHash = new Map<string, Session>();

  constructor(private readonly nowMs: () => number) {}

  private static key(id: string): string {
    return createHash('sha256').update(id, 'utf8').digest('hex');
  }

  private prune(): void {
    const now = this.nowMs();
    for (const [key, session] of this.byHash) if (session.expiresAt <= now) this.byHash.delete(key);
    while (this.byHash.size >= MAX_SESSIONS) {
      const oldest = this.byHash.keys().next().value;
      if (oldest === undefined) break;
      this.byHash.delete(oldest);
    }
  }

  create(actor: Actor): string {
    this.prune();
    const id = randomBytes(32).toString('base64url');
    this.byHash.set(CodecSessions.key(id), { actor, expiresAt: this.nowMs() + SESSION_MS });
    return id;
  }

  actorOf(id: string | undefined): Actor | undefined {
    if (!id) return undefined;
    const key = CodecSessions.key(id);
    const session = this.byHash.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.nowMs()) {
      this.byHash.delete(key);
      return undefined;
    }
    return session.actor;
  }

  end(id: string | undefined): void {
    if (id) this.byHash.delete(CodecSessions.key(id));
  }
}

/** The session cookie's value from the Cookie header (no cookie parser: one name is read). */
function sessionIdOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CODEC_SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const SIGN_IN_FORM = `<form method="post" action="/codec/sign-in">
<label for="token">Your token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`;
const SIGN_OUT_FORM = '<form method="post" action="/codec/sign-out"><button type="submit">Sign out</button></form>';

/** A small page, no script; nothing printed unescaped (never cached: createApp's no-store). */
function sendPage(res: Response, status: number, title: string, body: string): void {
  res.status(status).type('html');
  res.send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`);
}

/** Who is signed in, their role, and whether that role may decode. */
function signedInPage(req: Request, res: Response, actor: Actor): void {
  const endpoint = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${req.baseUrl}`;
  const may = mayReadReferral(actor)
    ? '<p id="may-decode">Your role may decode case payloads in the Temporal UI. Every decoding is recorded.</p>'
    : '<p id="may-decode">Your role may not decode case payloads: the Temporal UI will show them encrypted.</p>';
  sendPage(
    res,
    200,
    'Signed in to the codec server',
    `<p id="signed-in">Signed in as <strong>${escapeHtml(actor.id)}</strong>, role <strong>${escapeHtml(actor.role)}</strong>.</p>
${may}
<p>In the Temporal UI's Codec Server settings, choose your browser's setting, the endpoint <code>${escapeHtml(endpoint)}</code> and "Include cross-origin credentials".</p>
${SIGN_OUT_FORM}`,
  );
}

export interface CodecServerOptions<DB extends CodecAuditTables> {
  codec: PayloadCodec;
  register: Kysely<DB>;
  /** The Temporal UI's origin, e.g. http://127.0.0.1:8233: the only one answered with CORS. */
  uiOrigin: string;
  /** Who may sign in: the API's sign-in function (OIDC: the token is a JWT access token), or a development users file (token hashes). */
  users: Users | SignIn;
  /** The app's rate limits (api/rate-limits.ts), when it has them. */
  limits?: RateLimiters;
  now?: () => Date;
}

export function codecServer<DB extends CodecAuditTables>(options: CodecServerOptions<DB>): Router {
  const router = express.Router();
  const now = options.now ?? (() => new Date());
  const signIn = signInOf(options.users);
  const sessions = new CodecSessions(() => now().getTime());
  // The table is the register's, made by its migrations when the API starts (api/main.ts).
  const audit = codecAudit(options.register);

  router.use(corsForUi(options.uiOrigin));
  router.use(codecRateLimits(options.limits, sessions));
  signInRoutes(router, { signIn, sessions, limits: options.limits });
  router.use(sessionOrBearer(sessions, authenticate(signIn, options.limits?.failedSignIn)));
  for (const operation of ['decode', 'encode'] as const) {
    router.post(`/${operation}`, express.json({ limit: '4mb' }), codecRoute(operation, options.codec, audit, now));
  }
  return router;
}

/** CORS for the UI's origin only; the preflight carries no token, so it is answered before sign-in. */
function corsForUi(uiOrigin: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('origin') === uiOrigin) {
      res.setHeader('Access-Control-Allow-Origin', uiOrigin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return res.sendStatus(req.get('origin') === uiOrigin ? 204 : 403);
    next();
  };
}

/**
 * After the CORS headers, so the UI can read a 429. A decode or encode with neither a token nor
 * a session is the Temporal UI before its person signs in (about 40 calls a page): answered 401
 * below and counted on its own, never against the client's limit or as failed sign-ins. The rest
 * count as any request to the API.
 */
function codecRateLimits(limits: RateLimiters | undefined, sessions: CodecSessions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!limits) return next();
    const unsigned = /^\/(decode|encode)\/?$/i.test(req.path) && req.get('authorization') === undefined && !sessions.actorOf(sessionIdOf(req));
    return (unsigned ? limits.unsignedCodec : limits.perClient)(req, res, next);
  };
}

interface SignInDependencies {
  signIn: SignIn;
  sessions: CodecSessions;
  limits: RateLimiters | undefined;
}

/**
 * The sign-in page: a form, no script. The cookie it sets is HttpOnly, SameSite=Strict and for
 * /codec only. SameSite=Strict still lets the UI's fetch carry it because the UI and the API are
 * the same site (127.0.0.1:8233 and 127.0.0.1:3000: ports do not count). In production the UI
 * and the API must share a registrable domain (e.g. temporal.example.org, api.example.org), or
 * the browser will not send the cookie.
 */
function signInRoutes(router: Router, deps: SignInDependencies): void {
  const { sessions } = deps;
  router.get('/sign-in', (req, res) => {
    const actor = sessions.actorOf(sessionIdOf(req));
    if (actor) return signedInPage(req, res, actor);
    sendPage(res, 200, 'Sign in to the codec server', `<p>Sign in with your token to decode case payloads in the Temporal UI.</p>\n${SIGN_IN_FORM}`);
  });
  // 16 kB: an OIDC access token (a JWT) is far longer than a development token.
  router.post('/sign-in', express.urlencoded({ extended: false, limit: '16kb' }), signInByForm(deps));
  router.post('/sign-out', (req, res) => {
    if (!sameOrigin(req)) return sendPage(res, 403, 'Not signed out', '<p id="refused">Sign out from the sign-in page of this server.</p>');
    sessions.end(sessionIdOf(req));
    res.clearCookie(CODEC_SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/codec', secure: req.secure });
    sendPage(res, 200, 'Signed out of the codec server', `<p id="signed-out">Signed out.</p>\n${SIGN_IN_FORM}`);
  });
}

/**
 * Only the sign-in page itself may post the form: another site's page could otherwise sign this
 * browser in as someone else (login forgery). Browsers send Origin with every form POST.
 */
function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  return origin === undefined || origin === `${req.protocol}://${req.get('host')}`;
}

/** POST /codec/sign-in: the token from the form signs the person in and starts a session. */
function signInByForm({ signIn, sessions, limits }: SignInDependencies) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!sameOrigin(req)) return sendPage(res, 403, 'Not signed in', '<p id="refused">Sign in from the sign-in page of this server.</p>');
    const token = (req.body as { token?: unknown } | undefined)?.token;
    let actor: Actor | undefined;
    try {
      actor = typeof token === 'string' && token.trim() ? await signIn(token.trim()) : undefined;
    } catch (err) {
      if (err instanceof SignInUnavailable) {
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        return sendPage(res, 503, 'Not signed in', `<p id="unavailable">Sign-in cannot check tokens just now; try again shortly.</p>\n${SIGN_IN_FORM}`);
      }
      throw err;
    }
    if (!actor) {
      const refuse = (err?: unknown) => (err ? next(err) : sendPage(res, 401, 'Not signed in', `<p id="refused">That token is not known.</p>\n${SIGN_IN_FORM}`));
      // A token that signs in no one is a failed sign-in, as with a bearer token: counted, 429 past the limit.
      return typeof token === 'string' && token.trim() && limits ? limits.failedSignIn(req, res, refuse) : refuse();
    }
    // A new session each time; one this browser already had is ended.
    sessions.end(sessionIdOf(req));
    res.cookie(CODEC_SESSION_COOKIE, sessions.create(actor), {
      httpOnly: true,
      sameSite: 'strict',
      path: '/codec',
      maxAge: SESSION_MS,
      secure: req.secure,
    });
    signedInPage(req, res, actor);
  };
}

/**
 * Decode and encode: the bearer token when one is sent (as the rest of the API), else the
 * session cookie; neither is 401.
 */
function sessionOrBearer(sessions: CodecSessions, bearer: (req: Request, res: Response, next: NextFunction) => unknown) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('authorization') === undefined) {
      const actor = sessions.actorOf(sessionIdOf(req));
      if (actor) {
        res.locals.actor = actor;
        return next();
      }
    }
    return bearer(req, res, next);
  };
}

/** POST /codec/decode or /codec/encode, for a signed-in person. */
function codecRoute(operation: CodecOperation, codec: PayloadCodec, audit: CodecAudit, now: () => Date) {
  return async (req: Request, res: Response) => {
    const actor = res.locals.actor as Actor;
    // Every decoding of a child's record is itself a record, written before the answer; so is
    // every refusal of a signed-in person. Who, when, where and how many: never a payload.
    const record = (outcome: CodecOutcome, payloads: number) =>
      audit.record({
        at: now().toISOString(),
        actor,
        operation,
        namespace: (req.get('x-namespace') ?? 'default').slice(0, 100),
        workflowId: workflowOf(req.get('referer')),
        payloads,
        outcome,
      });
    const parsed = payloadsSchema.safeParse(req.body);
    // The same people who may read the referral form (domain/access.ts).
    if (!mayReadReferral(actor)) {
      await record('refused', parsed.success ? parsed.data.payloads.length : 0);
      return sendError(res, 403, 'DecodeNotAllowed', 'Your role may not decode case payloads');
    }
    if (!parsed.success) return sendError(res, 422, 'InvalidPayloads', 'Send {"payloads":[{"metadata":{...},"data":"<base64>"}]}');
    await record(operation === 'decode' ? 'decoded' : 'encoded', parsed.data.payloads.length);
    const payloads = parsed.data.payloads.map(fromJson);
    try {
      const out = operation === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      res.json({ payloads: out.map(toJson) });
    } catch {
      // The error names a key ID at most; the answer names nothing.
      sendError(res, 422, 'CannotDecode', 'These payloads cannot be decoded with the keys this server holds');
    }
  };
}

export { codecAuditRows } from '../register/codec-audit';
