// The pages' sessions: express-session with its store in the register (register/web-sessions.ts),
// so a session lives on the server and can be ended there (sign-out, revocation, timeouts).
// The cookie holds only the session's random ID, signed; HttpOnly, SameSite=Lax, Secure outside
// development. Idle timeout (30 minutes by default): each request moves it on. Absolute timeout
// (10 hours by default): counted from sign-in, whatever the use.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { Store, type SessionData } from 'express-session';
import type { KeyRing } from '../config/key-ring';
import type { Actor } from '../domain/roles';
import type { WebSessions } from '../register/web-sessions';

declare module 'express-session' {
  interface SessionData {
    /** Who signed in, as the sign-in said; absent before sign-in. */
    person?: Actor;
    /** When they signed in (ISO): the absolute timeout counts from here. */
    signedInAt?: string;
    /** The page to return to after sign-in: a path of ours, checked before use. */
    returnTo?: string;
    /** The OpenID Connect sign-in under way: what the provider's answer must match. */
    oidc?: { state: string; nonce: string; codeVerifier: string };
    /** A notice for the next page (e.g. "You have been signed out"); shown once. */
    flash?: string;
    /**
     * The banner for the next page after a decision: what was recorded and what is now due
     * (success); or, `important`, why a form followed from an email is not there to fill in.
     */
    notice?: { heading: string; lines: string[]; important?: true };
  }
}

export const SESSION_COOKIE = 'ssi_session';

export interface SessionOptions {
  idleMinutes: number;
  absoluteHours: number;
  /** Secure cookies (HTTPS only): everywhere but development. */
  secureCookie: boolean;
  now?: () => Date;
}

/** express-session's store on the register. Errors reach express-session (a 500 page, never a session made up). */
export class RegisterSessionStore extends Store {
  constructor(
    private readonly sessions: WebSessions,
    private readonly idleMs: number,
    private readonly now: () => Date,
  ) {
    super();
  }

  private expiresAt(): string {
    return new Date(this.now().getTime() + this.idleMs).toISOString();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.sessions.get(sid, this.now()).then(
      (found) => callback(null, found ? (found.data as unknown as SessionData) : null),
      (err: unknown) => callback(err),
    );
  }

  /** Sessions written since the last sweep of expired ones. */
  private writes = 0;

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    // Every hundredth write also deletes the sessions whose idle timeout has passed (an index
    // on expires_at keeps it cheap), so sessions never presented again do not pile up.
    if (++this.writes % 100 === 1) this.sessions.prune(this.now()).catch(() => undefined);
    this.sessions.set(sid, data as unknown as Record<string, unknown>, data.person?.id, this.expiresAt(), this.now()).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override touch(sid: string, _data: SessionData, callback?: () => void): void {
    this.sessions.touch(sid, this.expiresAt()).then(
      () => callback?.(),
      () => callback?.(),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.sessions.destroy(sid).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }
}

export function sessions(webSessions: WebSessions, ring: KeyRing, options: SessionOptions): RequestHandler[] {
  const now = options.now ?? (() => new Date());
  const idleMs = options.idleMinutes * 60_000;
  const absoluteMs = options.absoluteHours * 3_600_000;
  const middleware = session({
    name: SESSION_COOKIE,
    secret: ring.derivedSecrets('pages-session-cookie'),
    store: new RegisterSessionStore(webSessions, idleMs, now),
    // No session (no row, no cookie) until there is something to keep: a CSRF token or a sign-in.
    saveUninitialized: false,
    resave: false,
    // Each answer moves the idle timeout on (the cookie's and the row's).
    rolling: true,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookie, maxAge: idleMs, path: '/' },
  });
  // Past the absolute timeout a session is ended, however recently it was used.
  const absolute = (req: Request, _res: Response, next: NextFunction) => {
    const since = req.session?.signedInAt;
    if (!since || now().getTime() - Date.parse(since) < absoluteMs) return next();
    // A fresh session in its place (the old row deleted): the page then asks them to sign in again.
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.flash = `You were signed out: a session lasts at most ${options.absoluteHours} hours. Sign in again.`;
      next();
    });
  };
  return [middleware, absolute];
}

/** Rotates the session ID at sign-in (no fixation), keeping what to return to. */
export function signInSession(req: Request, person: Actor, now: Date): Promise<void> {
  const returnTo = req.session.returnTo;
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err as Error);
      req.session.person = person;
      req.session.signedInAt = now.toISOString();
      if (returnTo) req.session.returnTo = returnTo;
      req.session.save((saveErr) => (saveErr ? reject(saveErr as Error) : resolve()));
    });
  });
}

/** Ends the session on the server (the row is deleted) and in the browser (the cookie is cleared). */
export function endSession(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.destroy((err) => {
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      if (err) return reject(err as Error);
      resolve();
    });
  });
}
