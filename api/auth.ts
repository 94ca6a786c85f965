// Who is acting comes from sign-in, never from what a request claims. For now a local sign-in:
// people in a configuration file, a bearer token each, stored only as a SHA-256 hash.
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Users } from '../config';
import type { Actor, Role } from '../domain/roles';
import { sendError } from './errors';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The person a token signs in, by its hash in the users configuration (the one lookup, for the bearer token and the codec's sign-in page). */
export function actorByToken(users: Users): (token: string) => Actor | undefined {
  const byHash = new Map(users.users.map((u) => [u.tokenSha256, { id: u.id, role: u.role, agency: u.agency } satisfies Actor]));
  return (token) => (token ? byHash.get(tokenHash(token)) : undefined);
}

export function authenticate(users: Users) {
  const actorFor = actorByToken(users);
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = match?.[1] ? actorFor(match[1]) : undefined;
    if (!actor) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'Unauthenticated', 'A valid bearer token is required');
      return;
    }
    res.locals.actor = actor;
    next();
  };
}

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

export function requireRole(...roles: Role[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const actor = actorOf(res);
    if (!roles.includes(actor.role)) {
      sendError(res, 403, 'RoleNotAllowed', `The role ${actor.role} may not do this; allowed: ${roles.join(', ')}`);
      return;
    }
    next();
  };
}
