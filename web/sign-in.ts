// Signing people in to the pages, apart from the API's bearer tokens:
// - production: OpenID Connect, authorization code flow with PKCE, against the partnership's
//   provider (web/oidc-sign-in.ts), the same role and agency claims as the API's tokens;
// - development (`npm start`, APP_ENV=development only): a page listing the development people of
//   the users file, to sign in as one.
// Either way the session's ID is rotated at sign-in, and sign-out ends the session on the server.
import express, { type Request, type Response } from 'express';
import type { Users } from '../config';
import type { Actor } from '../domain/roles';
import { roleWords } from './format';
import type { PeopleSignInConfig } from '../config';
import { PeopleSignInRefused, PeopleSignInUnavailable, peopleSignIn, type PeopleSignIn } from './oidc-sign-in';
import { endSession, signInSession } from './session';
import { safeReturnTo } from './requests';

/** What the OIDC module gives the pages (web/oidc-sign-in.ts): begin, and finish on return. */
export type PeopleSignInFlow = Pick<PeopleSignIn, 'begin' | 'finish'>;

/**
 * The provider's sign-in, discovered at its first use rather than at start: the API starts (and
 * serves the JSON API) while the provider is down, and a failed discovery is tried again next time.
 */
export function lazyPeopleSignIn(config: PeopleSignInConfig): PeopleSignInFlow {
  let found: Promise<PeopleSignIn> | undefined;
  const flow = () => {
    found ??= peopleSignIn(config).catch((err: unknown) => {
      found = undefined;
      throw err;
    });
    return found;
  };
  return {
    begin: async () => (await flow()).begin(),
    finish: async (url, pending) => (await flow()).finish(url, pending),
  };
}

export type PeopleSignInOption =
  /** The development people (the users file); only ever set when APP_ENV=development. */
  | { kind: 'development'; users: Users }
  /** The redirect URI as registered at the provider: the callback's address is read against it. */
  | { kind: 'oidc'; flow: PeopleSignInFlow; redirectUri: string }
  /** No sign-in for people is configured: the pages say so and sign nobody in. */
  | { kind: 'none' };

function afterSignIn(req: Request, res: Response): void {
  const to = safeReturnTo(req.session.returnTo) ?? '/';
  delete req.session.returnTo;
  res.redirect(303, to);
}

export function signInRoutes(option: PeopleSignInOption, now: () => Date): express.Router {
  const router = express.Router();

  router.get('/sign-in', async (req, res) => {
    if (req.session.person) return res.redirect(303, '/');
    const flash = req.session.flash;
    delete req.session.flash;
    if (option.kind === 'development') {
      const people = option.users.users.map((u) => ({ id: u.id, roleName: roleWords(u.role), agency: u.agency }));
      return res.render('pages/sign-in-development', { pageTitle: 'Sign in', people, flash });
    }
    if (option.kind === 'none') {
      return res.status(503).render('pages/sign-in-unavailable', { pageTitle: 'Sign-in is not set up' });
    }
    // ?start: the person chose to go on to the provider (a link, so no form posts off-site).
    if (req.query.start === undefined) return res.render('pages/sign-in', { pageTitle: 'Sign in', flash });
    let begun;
    try {
      begun = await option.flow.begin();
    } catch (err) {
      if (!(err instanceof PeopleSignInUnavailable)) throw err;
      return res.status(503).render('pages/error', { pageTitle: 'Sorry, sign-in is unavailable', status: 503, lines: ['The identity provider did not answer.', 'Try signing in again in a few minutes.'] });
    }
    const { url, pending } = begun;
    req.session.oidc = pending;
    req.session.save((err) => (err ? res.status(500).render('pages/error', { pageTitle: 'Sorry, there is a problem with the service', status: 500 }) : res.redirect(303, url)));
  });

  router.get('/sign-in/callback', async (req, res) => {
    if (option.kind !== 'oidc') return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const pending = req.session.oidc;
    delete req.session.oidc;
    let person: Actor;
    try {
      if (!pending) throw new PeopleSignInRefused('state');
      person = await option.flow.finish(new URL(req.originalUrl, option.redirectUri), pending);
    } catch (err) {
      // Our own fixed words for why; never the provider's words or the callback's values.
      if (err instanceof PeopleSignInRefused) return res.status(403).render('pages/sign-in-failed', { pageTitle: 'You could not be signed in', reason: err.message });
      if (err instanceof PeopleSignInUnavailable) {
        return res.status(503).render('pages/error', { pageTitle: 'Sorry, sign-in is unavailable', status: 503, lines: ['The identity provider did not answer. Nothing has been lost.', 'Try signing in again in a few minutes.'] });
      }
      throw err;
    }
    await signInSession(req, person, now());
    afterSignIn(req, res);
  });

  router.post('/sign-in', async (req, res) => {
    if (option.kind !== 'development') return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const chosen = (req.body as Record<string, unknown>).person;
    const user = option.users.users.find((u) => u.id === chosen);
    if (!user) {
      const people = option.users.users.map((u) => ({ id: u.id, roleName: roleWords(u.role), agency: u.agency }));
      return res.status(422).render('pages/sign-in-development', { pageTitle: 'Sign in', errorTitle: true, people, error: 'Select who to sign in as' });
    }
    await signInSession(req, { id: user.id, role: user.role, agency: user.agency }, now());
    afterSignIn(req, res);
  });

  router.post('/sign-out', async (req, res) => {
    await endSession(req, res);
    res.redirect(303, '/signed-out');
  });

  router.get('/signed-out', (_req, res) => {
    res.render('pages/signed-out', { pageTitle: 'You have signed out' });
  });

  return router;
}
