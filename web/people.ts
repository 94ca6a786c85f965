// Who is signed in to the pages, and what the navigation offers them (by the same read policy the
// services apply; a link left out is a convenience, the service still refuses on its own).
import type { NextFunction, Request, Response } from 'express';
import { actionReadFor, caseListFor } from '../domain/access';
import type { Actor } from '../domain/roles';
import { roleWords } from './format';
import { safeReturnTo } from './requests';

export function personOf(res: Response): Actor {
  return res.locals.person as Actor;
}

/**
 * The signed-in person on every page (res.locals.person, with their role in words: in the words of
 * the rulebook new cases start under), and the navigation.
 */
export function personLocals(rulebookVersion?: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const person = req.session?.person;
    if (person) {
      res.locals.person = { ...person, roleName: roleWords(person.role, rulebookVersion) };
      res.locals.navigation = navigationFor(person, req.path);
    }
    next();
  };
}

function navigationFor(person: Actor, path: string) {
  const items = [{ href: '/', text: 'My work' }];
  if (!('refuse' in caseListFor(person))) items.push({ href: '/cases', text: 'Cases' });
  if (!('refuse' in actionReadFor(person))) {
    items.push({ href: '/actions', text: 'Action log' }, { href: '/actions/exceptions', text: 'Exception report' });
  }
  const current = [...items].reverse().find((i) => (i.href === '/' ? path === '/' : path === i.href || path.startsWith(`${i.href}/`)));
  return items.map((i) => ({ ...i, active: i === current }));
}

/** A page for signed-in people only: anyone else goes to sign in, and comes back here after. */
export function requireSignIn(req: Request, res: Response, next: NextFunction): void {
  if (req.session?.person) return next();
  const back = safeReturnTo(req.originalUrl);
  if (back && back !== '/') req.session.returnTo = back;
  res.redirect(303, '/sign-in');
}
