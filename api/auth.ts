// Who is acting comes from sign-in, never from what a request claims. A sign-in turns a bearer
// token into the person it signs in (an Actor), or no one: in production an OIDC access token
// checked against the partnership's identity provider (api/oidc.ts); in development a local file
// of people, a token each, stored only as a SHA-256 hash (config/users.example.json).
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Users } from '../config';
import type { Actor } from '../domain/roles';
import { sendError } from './errors';

/**
 * The person a bearer token signs in, or undefined when it signs in no one (unknown, expired,
 * for another audience, badly signed, without a known role). Throws SignInUnavailable when the
 * token cannot be checked just now (the identity provider's keys cannot be fetched).
 */
export type SignIn = (token: string) => Promise<Actor | undefined>;

/** The token could not be checked (not that it is wrong): answered 503, never 401. */
export class SignInUnavailable extends Error {
  constructor(reason: string) {
    super(`sign-in cannot check tokens: ${reason}`);
    this.name = 'SignInUnavailable';
  }
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The person a token signs in, by its hash in the users configuration (the development sign-in). */
export function actorByToken(users: Users): (token: string) => Actor | undefined {
  const byHash = new Map(users.users.map((u) => [u.tokenSha256, { id: u.id, role: u.role, agency: u.agency } satisfies Actor]));
  return (token) => (token ? byHash.get(tokenHash(token)) : undefined);
}

/** The development sign-in: the people of a users file (USERS_FILE), by their token's hash. */
export function devTokenSignIn(users: Users): SignIn {
  const actorFor = actorByToken(users);
  return (token) => Promise.resolve(actorFor(token));
}

/** A sign-in function as it is, or the development sign-in for a users file (what tests pass). */
export function signInOf(source: Users | SignIn): SignIn {
  return typeof source === 'function' ? source : devTokenSignIn(source);
}

/** The bearer token of a request, if it sends one. */
export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** Sends the 503 a sign-in that cannot check tokens answers (sendError adds Retry-After). */
export function sendSignInUnavailable(res: Response): void {
  sendError(res, 503, 'SignInUnavailable', 'Sign-in cannot check tokens just now; try again shortly');
}

/**
 * Express middleware: the request's bearer token, signed in, as res.locals.actor; else 401 (503
 * when it cannot be checked). Takes the sign-in function, or a users file for the development
 * sign-in (what the tests and AppDependencies.users pass), and what to do with a failed sign-in
 * (api/rate-limits.ts failedSignIn: counted, 429 past the limit, else `next` for the 401).
 */
export function authenticate(source: SignIn | Users, onFailedSignIn?: (req: Request, res: Response, next: NextFunction) => void) {
  const signIn = signInOf(source);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = bearerToken(req);
    let actor: Actor | undefined;
    if (token) {
      try {
        actor = await signIn(token);
      } catch (err) {
        if (err instanceof SignInUnavailable) return sendSignInUnavailable(res);
        return next(err);
      }
    }
    if (!actor) {
      const refuse = (err?: unknown) => {
        if (err) return next(err);
        res.setHeader('WWW-Authenticate', 'Bearer');
        sendError(res, 401, 'Unauthenticated', 'A valid bearer token is required');
      };
      // Only a token that signs in no one is a failed sign-in (a guess); no token at all is not.
      if (token && onFailedSignIn) return onFailedSignIn(req, res, refuse);
      return refuse();
    }
    res.locals.actor = actor;
    next();
  };
}

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}
