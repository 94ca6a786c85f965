// The staff pages: server-rendered with GOV.UK Frontend, on the same Express app as the JSON API
// and at the same addresses (web/requests.ts decides which answers). A thin adapter over the case
// service (services/), like the API: no rule, read policy or Temporal call of their own.
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { KeyRing } from '../config/key-ring';
import type { Register } from '../register/register';
import type { Role } from '../domain/roles';
import type { Services } from '../services';
import { csrfProtection, csrfToken } from './csrf';
import { notFoundPage, pageErrorHandler } from './errors';
import { GOVUK_FRONTEND_DIR, nunjucksSetup, STATIC_DIR } from './nunjucks';
import { casePages } from './pages/case-pages';
import { decisionForms } from './pages/decision-forms';
import { listPages } from './pages/lists';
import { myWorkPage } from './pages/my-work';
import { notificationPackPage } from './pages/notification-pack';
import { referralFormPages } from './pages/referral-form';
import { careLeaverPages } from './pages/care-leaver-form';
import { returnPages } from './pages/returns';
import { personLocals, requireSignIn } from './people';
import { isPageRequest } from './requests';
import { sessions, type SessionOptions } from './session';
import { signInRoutes, type PeopleSignInOption } from './sign-in';

export interface WebOptions {
  /** The partnership's name, in the header of every page (the partnership file's `name`). */
  partnershipName: string;
  signIn: PeopleSignInOption;
  session: SessionOptions;
  /**
   * The people of the directory (the users file), for the forms that name a person by sign-in ID
   * (the reviewer, §8.1); without one, the forms ask for the sign-in ID as text.
   */
  people?: ReadonlyArray<{ id: string; role: Role; agency: string }> | undefined;
}

export interface WebDependencies {
  services: Services;
  register: Register;
  ring: KeyRing;
  logger?: Logger | undefined;
  now?: () => Date;
  /** The agencies of the partnership's directory: an action plan names one of these (§16.2). */
  agencies?: readonly string[] | undefined;
  /** The rulebook new cases start under (the partnership file's): its words name the roles. */
  rulebookVersion?: string | undefined;
}

export const SERVICE_NAME = 'Serious child safeguarding incidents';

/**
 * What a page may load: our own files only. No inline script or style, no other origin; no form
 * posts anywhere but here; nothing frames the pages.
 */
const pageHeaders = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
});

/** The pages, for createApp to mount: answers the requests isPageRequest picks, passes on the rest. */
export function webPages(app: express.Express, deps: WebDependencies, options: WebOptions): express.RequestHandler {
  const now = deps.now ?? (() => new Date());
  nunjucksSetup(app, { partnershipName: options.partnershipName, serviceName: SERVICE_NAME });
  const router = express.Router();
  // GOV.UK Frontend's styles, fonts, images and JavaScript, and our own two files, from this server
  // (named one by one: nothing else of the package's folder is served).
  const file = (name: string, from: string) => router.get(`/assets/${name}`, (_req, res) => res.sendFile(path.join(from, name)));
  file('govuk-frontend.min.css', path.join(GOVUK_FRONTEND_DIR, 'govuk'));
  file('govuk-frontend.min.js', path.join(GOVUK_FRONTEND_DIR, 'govuk'));
  file('init.mjs', STATIC_DIR);
  file('app.css', STATIC_DIR);
  router.use('/assets', express.static(path.join(GOVUK_FRONTEND_DIR, 'govuk', 'assets'), { index: false }));
  router.use(pageHeaders);
  router.use(...sessions(deps.register.webSessions, deps.ring, { ...options.session, now }));
  // A form: the referral's narratives run to 20,000 characters each, an action plan to 100 rows.
  router.use(express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 2_000 }));
  router.use(csrfProtection);
  router.use(csrfToken);
  router.use(personLocals(deps.rulebookVersion));
  router.use(signInRoutes(options.signIn, now));
  router.use(requireSignIn);
  router.use(myWorkPage(deps.services));
  router.use(listPages(deps.services));
  router.use(referralFormPages(deps.services, now));
  // WT 2023 ch. 5: a care leaver's death, chosen on the referral's start page.
  router.use(careLeaverPages(deps.services, now));
  // §6.5: the Rapid Review's information from each agency; the agency's own form before the decision forms.
  router.use(returnPages(deps.services, { agencies: deps.agencies, people: options.people }));
  router.use(decisionForms(deps.services, { agencies: deps.agencies, people: options.people }));
  router.use(casePages(deps.services));
  // The notification pack (§5.2): the online form's answers, from the referral.
  router.use(notificationPackPage(deps.services));
  router.use(notFoundPage);
  router.use(pageErrorHandler(deps.logger));
  return (req, res, next) => (isPageRequest(req) ? router(req, res, next) : next());
}
