// The staff API's Express app: the middleware, sign-in, rate limits and the routers, wired in order.
// What each route does is the case service's (services/); the routers (api/cases.ts, actions.ts,
// case-list.ts, action-log.ts, health.ts) only turn HTTP into its calls and its answers into HTTP.
// Built by a factory so tests run the real app against a real Temporal server and register.
import type { PayloadCodec } from '@temporalio/common';
import express from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { TrustProxy, Users } from '../config';
import { registerOf } from '../register/register';
import { createServices, type ServiceDependencies } from '../services';
import { webPages, type WebOptions } from '../web';
import { isPageRequest } from '../web/requests';
import { actionLogRoutes } from './action-log';
import { actionRoutes } from './actions';
import { authenticate, type SignIn } from './auth';
import { caseListRoutes } from './case-list';
import { caseRoutes } from './cases';
import { returnRoutes } from './returns';
import { codecServer, type CodecAuditTables } from './codec-server';
import { apiCors } from './cors';
import { sendError } from './errors';
import { healthRoutes } from './health';
import { methodNotAllowed } from './methods';
import { notificationPackRoutes } from './notification-pack';
import { errorHandler, jsonBodies, requestId, requestLog, securityHeaders } from './middleware';
import { apiDocsRoutes } from './openapi';
import { rateLimiters, type RateLimits } from './rate-limits';

export interface AppDependencies extends ServiceDependencies {
  /** Who signs in: a development users file (the dev tokens), or a sign-in function (api/auth.ts SignIn: OIDC in production). */
  users: Users | SignIn;
  /** Request and error log: method, route, status and time only, never bodies. */
  logger?: Logger;
  /** The payload codec, served to the Temporal UI at /codec (decode, encode) when given. */
  codec?: PayloadCodec;
  /** The Temporal UI's origin: the only one the codec server answers with CORS. */
  codecUiOrigin?: string;
  /** Rate limits (api/main.ts always sets them; unset, none: tests and benchmarks). */
  rateLimits?: RateLimits;
  /** Browser origins whose pages may call the API (CORS_ORIGINS, exact origins); unset or empty, no CORS (api/cors.ts). /codec keeps its own. */
  corsOrigins?: readonly string[];
  /** The reverse proxies whose X-Forwarded-For gives the client's address (TRUST_PROXY); unset, none. */
  trustProxy?: TrustProxy;
  /** The staff pages (web/), at the API's addresses for browsers; unset, the app is the JSON API alone. */
  web?: WebOptions;
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  // The notification pack names the partnership as the staff pages' header does (api/main.ts gives both the partnership file's name).
  const services = createServices({ ...deps, partnershipName: deps.partnershipName ?? deps.web?.partnershipName });
  app.disable('x-powered-by');
  // Every answer is no-store: an ETag would be computed (a hash of each body) and never used.
  app.set('etag', false);
  // The client's address (req.ip, which the rate limits key on) and scheme as the trusted reverse
  // proxy reports them (TRUST_PROXY); else the connection's: X-Forwarded-For is then ignored.
  app.set('trust proxy', deps.trustProxy ?? false);
  // A request ID of ours on every answer and every log line; what the caller sends is not echoed.
  app.use(requestId());
  app.use(securityHeaders());
  if (deps.logger) app.use(requestLog(deps.logger));
  // Before the rate limits (a 429 must be readable by the page, Retry-After included) and sign-in (a preflight has no token).
  if (deps.corsOrigins?.length) app.use(apiCors(deps.corsOrigins));
  // The rate limits (api/rate-limits.ts) are mounted after /health, which nothing limits.
  const limits = deps.rateLimits && rateLimiters(deps.rateLimits);
  app.use(healthRoutes(services.health));

  // A method a path does not have: 405 with Allow, before the codec's sign-in, sign-in and the body checks (api/methods.ts).
  // A page (web/requests.ts) is at an address the API may answer with other methods (the decision
  // form's GET at the decision's POST): the pages answer their own methods.
  const notAllowed = methodNotAllowed(app);
  app.use((req, res, next) => (deps.web && isPageRequest(req) ? next() : notAllowed(req, res, next)));
  // Before the body limit below: the UI sends whole histories' payloads to decode. The codec
  // server applies the limits itself: its unsigned calls (the Temporal UI's) count on their own.
  if (deps.codec) {
    app.use('/codec', codecServer({ codec: deps.codec, register: deps.register as unknown as Kysely<CodecAuditTables>, uiOrigin: deps.codecUiOrigin ?? 'http://127.0.0.1:8233', users: deps.users, ...(limits ? { limits } : {}) }));
  }
  // Per address: everything from here on (counted once, the codec's included).
  if (limits) app.use(limits.perClient);

  // The staff pages: a browser's requests (web/requests.ts), signed in by their own session. Before
  // the API's bearer sign-in, which they never use; the rest goes on to the API.
  if (deps.web) app.use(webPages(app, { services, register: registerOf(deps.register, deps.ring), ring: deps.ring, logger: deps.logger, now: deps.now, agencies: deps.agencies, rulebookVersion: deps.rulebookVersion }, deps.web));

  // The OpenAPI document and the page that renders it: public, they hold no personal data.
  app.use(apiDocsRoutes());

  // Who is asking comes first: a stranger's body is never read. A token that signs in
  // no one is counted as a failed sign-in (429 past the limit); one that signs someone in never is.
  app.use(authenticate(deps.users, limits?.failedSignIn));
  if (limits) app.use(limits.perPerson);
  app.use(...jsonBodies());
  app.use(actionLogRoutes(services.actionLog));
  app.use(caseListRoutes(services.caseList));
  app.use(caseRoutes(services.cases));
  app.use(notificationPackRoutes(services.notificationPack));
  // §6.5: the agencies asked for the Rapid Review and their returns.
  app.use(returnRoutes(services.returns));
  app.use(actionRoutes(services.actions));

  app.use((_req, res) => sendError(res, 404, 'NotFound', 'No such resource'));
  app.use(errorHandler(deps.logger));
  return app;
}
