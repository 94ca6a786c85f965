// The staff API: start a case from a referral, record decisions, read a case. Built by a
// factory so tests run the real app against a real Temporal server and register.
import { createHash, randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  isGrpcServiceError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type PayloadCodec, type UpdateDefinition } from '@temporalio/common';
import { parse as parseContentType } from 'content-type';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { TrustProxy, Users } from '../config';
import type { KeyRing } from '../config/key-ring';
import { CASE_REFERENCE_PATTERN, type DecisionResult } from '../domain/case';
import { actionReadFor, caseReadFor, mayReadReferral, operationsView, referrerView } from '../domain/access';
import { actionRoleRefusal, isActionDecisionName, type ActionStatusView } from '../domain/action';
import { ACTION_ID_PATTERN } from '../domain/action-snapshot';
import { isDecisionName, roleRefusal } from '../domain/decisions';
import { isRefusal, REFUSALS, zodProblems, type Problem } from '../domain/errors';
import { caseOpeningOf } from '../domain/incident';
import { DEFAULT_RULEBOOK } from '../domain/rulebook';
import { caseRegister, IdempotencyConflict } from '../register/cases';
import { registerReachable, type RegisterDb } from '../register/database';
import {
  actionDecisionUpdate,
  actionStatusQuery,
  actionWorkflowId,
  CASE_STAGE,
  caseOpenedUpdate,
  decisionUpdate,
  statusQuery,
  TASK_QUEUE,
  workflowIdFor,
  type DecisionRequest,
  type IncidentInput,
} from '../workflows/contract';
import type { incidentWorkflow } from '../workflows/incident';
import { actionRecordStatus } from '../register/actions';
import { actionLogRoutes } from './action-log';
import { caseListRoutes } from './case-list';
import { actorOf, authenticate, requireRole, type SignIn } from './auth';
import type { Kysely } from 'kysely';
import { codecServer, type CodecAuditTables } from './codec-server';
import { apiCors } from './cors';
import { canonicalJson } from '../domain/canonical-json';
import { sendError } from './errors';
import { BODY_LIMIT, IDEMPOTENCY_KEY, referralRequestSchema } from './requests';
import { fromRegister, RegisterUnavailable } from './register-calls';
import { currentRequestId, withRequestId } from './request-context';
import { apiDocsRoutes } from './openapi';
import { methodNotAllowed } from './methods';
import { rateLimiters, type RateLimits } from './rate-limits';

export interface AppDependencies {
  temporal: Client;
  register: RegisterDb;
  /** The key ring that seals the referral and the register's free text. */
  ring: KeyRing;
  /** Who signs in: a development users file (the dev tokens), or a sign-in function (api/auth.ts SignIn: OIDC in production). */
  users: Users | SignIn;
  /** Whether the SMTP server answers (nodemailer's verify). */
  smtpReachable: () => Promise<boolean>;
  /** Bound on every call that needs a worker: without one, the client would wait forever. */
  temporalCallTimeoutMs?: number;
  rulebookVersion?: string;
  now?: () => Date;
  /** Request and error log: method, route, status and time only, never bodies. */
  logger?: Logger;
  /** The payload codec, served to the Temporal UI at /codec (decode, encode) when given. */
  codec?: PayloadCodec;
  /** The Temporal UI's origin: the only one the codec server answers with CORS. */
  codecUiOrigin?: string;
  /** The agencies of the partnership's directory: an action plan may name only these (§16.2). */
  agencies?: readonly string[];
  /** Rate limits (api/main.ts always sets them; unset, none: tests and benchmarks). */
  rateLimits?: RateLimits;
  /** Browser origins whose pages may call the API (CORS_ORIGINS, exact origins); unset or empty, no CORS (api/cors.ts). /codec keeps its own. */
  corsOrigins?: readonly string[];
  /** The reverse proxies whose X-Forwarded-For gives the client's address (TRUST_PROXY); unset, none. */
  trustProxy?: TrustProxy;
}

/** A refused read: 404 where even the case's existence would tell something, else 403. */
function refuseRead(res: Response, status: 403 | 404, ref: string): void {
  if (status === 404) return sendError(res, 404, 'CaseNotFound', `No case ${ref}`);
  return sendError(res, 403, 'ReadNotAllowed', 'This case is not open to your role');
}

/** The API answers 503 "nothing applied" this long before a case would still accept the request. */
const ACCEPT_MARGIN_MS = 2_000;
/** How long a decision that timed out is asked whether it was accepted. */
const ACCEPT_PROBE_MS = 3_000;

function sha256(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('hex');
}

class TemporalUnavailable extends Error {}

/**
 * gRPC codes that mean the case engine did not answer, not that it refused: DEADLINE_EXCEEDED and
 * UNAVAILABLE, and CANCELLED, which a query sometimes ends with when our deadline passes while no
 * worker answers it (issue 16: 3 reads in 20 answered 500 with the worker down).
 */
const UNANSWERED: readonly number[] = [1, 4, 14];

/** Whether a Temporal call's error means it was not answered (in time), rather than refused. */
export function unanswered(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (isGrpcServiceError(err) && UNANSWERED.includes(err.code)) return true;
  return err instanceof Error && 'cause' in err && isGrpcServiceError(err.cause) && UNANSWERED.includes(err.cause.code);
}

/**
 * An update that reaches a case in the moment it continues as new is turned away before it is
 * accepted (FAILED_PRECONDITION, "unexpected workflow task failure"); sent again (same update ID)
 * it reaches the new run. The caller's deadline bounds the retries.
 */
async function retryWhileContinuingAsNew<T>(send: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await send();
    } catch (err) {
      const cause = err instanceof Error && 'cause' in err ? err.cause : undefined;
      if (!(isGrpcServiceError(cause) && cause.code === 9)) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
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
 * Security headers (helmet): nothing may frame the API or load from it, types are not sniffed,
 * no referrer leaves for another site; HSTS on requests that came over TLS (it means nothing over plain HTTP).
 * The codec's sign-in page is a plain form posting to itself, so `form-action 'self'`.
 */
function securityHeaders() {
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
function requestLog(logger: Logger) {
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

/** How long /health waits for each part it checks; its answer comes within about this long. */
export const HEALTH_CHECK_MS = 2_000;

/** Whether a check answered truthily within HEALTH_CHECK_MS; a failure or no answer is false. */
function answersWithin(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_CHECK_MS);
  });
  return Promise.race([check.then((v) => v !== false, () => false), late]).finally(() => clearTimeout(timer));
}


export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  const cases = caseRegister(deps.register, deps.ring);
  const timeoutMs = deps.temporalCallTimeoutMs ?? 10_000;
  const now = deps.now ?? (() => new Date());
  app.disable('x-powered-by');
  // Every answer is no-store: an ETag would be computed (a hash of each body) and never used.
  app.set('etag', false);
  // The client's address (req.ip, which the rate limits key on) and scheme as the trusted reverse
  // proxy reports them (TRUST_PROXY); else the connection's: X-Forwarded-For is then ignored.
  app.set('trust proxy', deps.trustProxy ?? false);
  // A request ID of ours on every answer and every log line; what the caller sends is not echoed.
  app.use((_req, res, next) => {
    res.locals.requestId = randomUUID();
    res.setHeader('X-Request-Id', res.locals.requestId as string);
    // Nearly everything here is personal data: nothing is kept by a browser or a proxy. This
    // covers every route, the action log's and the codec server's included.
    res.setHeader('Cache-Control', 'no-store');
    // Everything after this runs in the request's context: any log line names the request.
    withRequestId(res.locals.requestId as string, next);
  });
  app.use(securityHeaders());
  if (deps.logger) app.use(requestLog(deps.logger));
  // Before the rate limits (a 429 must be readable by the page, Retry-After included) and sign-in (a preflight has no token).
  if (deps.corsOrigins?.length) app.use(apiCors(deps.corsOrigins));
  // The rate limits (api/rate-limits.ts) are mounted after /health, which nothing limits.
  const limits = deps.rateLimits && rateLimiters(deps.rateLimits);

  async function bounded<T>(fn: () => Promise<T>, withinMs = timeoutMs): Promise<T> {
    try {
      return await deps.temporal.withDeadline(new Date(Date.now() + withinMs), fn);
    } catch (err) {
      if (unanswered(err)) throw new TemporalUnavailable();
      throw err;
    }
  }

  app.get('/health', async (_req, res) => {
    // Each part within HEALTH_CHECK_MS, whatever is down (issue 16: with Temporal down, 10-15 s):
    // a part that has not answered by then is reported down.
    const [temporal, database, smtp] = await Promise.all([
      answersWithin(bounded(() => deps.temporal.workflowService.getSystemInfo({}), HEALTH_CHECK_MS)),
      answersWithin(registerReachable(deps.register)),
      answersWithin(deps.smtpReachable()),
    ]);
    const ok = temporal && database && smtp;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal, database, smtp });
  });

  // A method a path does not have: 405 with Allow, before the codec's sign-in, sign-in and the body checks (api/methods.ts).
  app.use(methodNotAllowed(app));
  // Before the body limit below: the UI sends whole histories' payloads to decode. The codec
  // server applies the limits itself: its unsigned calls (the Temporal UI's) count on their own.
  if (deps.codec) {
    app.use('/codec', codecServer({ codec: deps.codec, register: deps.register as unknown as Kysely<CodecAuditTables>, uiOrigin: deps.codecUiOrigin ?? 'http://127.0.0.1:8233', users: deps.users, ...(limits ? { limits } : {}) }));
  }
  // Per address: everything from here on (counted once, the codec's included).
  if (limits) app.use(limits.perClient);

  // The OpenAPI document and the page that renders it: public, they hold no personal data.
  app.use(apiDocsRoutes());

  // Who is asking comes first: a stranger's body is never read (issue 10). A token that signs in
  // no one is counted as a failed sign-in (429 past the limit); one that signs someone in never is.
  app.use(authenticate(deps.users, limits?.failedSignIn));
  if (limits) app.use(limits.perPerson);

  // Bodies are JSON: anything else would be read as an empty decision. And UTF-8 JSON only (RFC
  // 8259 §8.1): the body parser would read UTF-16 and UTF-32 too, which no client of ours sends.
  app.use((req, res, next) => {
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
  });
  // The limit is checked against the declared length before a byte is read, and while reading.
  app.use(express.json({ limit: BODY_LIMIT }));
  // No form of ours nests deeper than a few levels; a deeper body is refused before anything walks it.
  app.use((req, res, next) => {
    if (nestedDeeperThan(req.body, MAX_BODY_DEPTH)) return sendError(res, 400, 'MalformedJson', `The body is nested more than ${MAX_BODY_DEPTH} levels deep`);
    next();
  });
  app.use(actionLogRoutes({ register: deps.register, ring: deps.ring, now }));
  app.use(caseListRoutes({ temporal: deps.temporal, ring: deps.ring, bounded }));

  app.post('/referrals', requireRole('business-unit', 'referrer'), async (req, res) => {
    const parsed = referralRequestSchema.safeParse(req.body);
    if (!parsed.success) return sendError(res, 422, 'InvalidReferral', 'The referral is not valid', zodProblems(parsed.error, req.body));
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return sendError(res, 422, 'InvalidIdempotencyKey', 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 . _ : -');
    }
    const { referral } = parsed.data;
    const receivedAt = parsed.data.receivedAt ?? now().toISOString();
    if (Date.parse(receivedAt) > now().getTime()) {
      return sendError(res, 422, 'InvalidReferral', 'The referral is not valid', [{ path: 'receivedAt', message: 'receivedAt is in the future' }]);
    }
    const actor = actorOf(res);
    // §13: the form is kept once, in the register, under a reference the system allocates.
    let allocated;
    try {
      allocated = await fromRegister(
        () =>
          cases.allocateCase({
            receivedAt,
            receivedBy: actor.id,
            ...(idempotencyKey ? { idempotencyScope: sha256('referral', actor.id, idempotencyKey) } : {}),
            form: referral,
          }),
        (err) => err instanceof IdempotencyConflict,
      );
    } catch (err) {
      if (err instanceof IdempotencyConflict) return sendError(res, 422, 'IdempotencyKeyReused', 'This Idempotency-Key was used for a different referral');
      throw err;
    }
    const { caseReference } = allocated;
    const input: IncidentInput = { start: caseOpeningOf(caseReference, receivedAt, deps.rulebookVersion ?? DEFAULT_RULEBOOK, actor, referral) };
    try {
      // Update-with-start: answered once the opening obligations are open, so the first decision fits.
      await bounded(() =>
        deps.temporal.workflow.executeUpdateWithStart(caseOpenedUpdate, {
          updateId: 'case-opened',
          startWorkflowOperation: new WithStartWorkflowOperation<typeof incidentWorkflow>('incidentWorkflow', {
            taskQueue: TASK_QUEUE,
            workflowId: workflowIdFor(caseReference),
            args: [input],
            // The register never hands out a reference twice; a retry (same key) finds its case running.
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            typedSearchAttributes: [{ key: CASE_STAGE, value: 'referral-received' }],
          }),
        }),
      );
    } catch (err) {
      if (err instanceof TemporalUnavailable) {
        // The referral is kept under its reference: a retry with the same Idempotency-Key opens it.
        return sendError(res, 503, 'TemporalUnavailable', `The referral is stored as ${caseReference} but the case engine did not answer in time; retry with the same Idempotency-Key`);
      }
      if (err instanceof WorkflowExecutionAlreadyStartedError) return sendError(res, 409, 'CaseClosed', `Case ${caseReference} is closed`);
      throw err;
    }
    res
      .status(allocated.created ? 201 : 200)
      .location(`/cases/${caseReference}`)
      .json({ caseReference, workflowId: workflowIdFor(caseReference), receivedAt });
  });

  /** The case reference in the path, read case-insensitively (dsp-2026-0001 is DSP-2026-0001). */
  function caseReferenceParam(req: Request, res: Response): string | undefined {
    const ref = String(req.params.caseReference).toUpperCase();
    if (!CASE_REFERENCE_PATTERN.test(ref)) {
      sendError(res, 404, 'CaseNotFound', 'No case has that reference: a case reference looks like DSP-2026-0001');
      return undefined;
    }
    return ref;
  }

  /** A case the register knows whose workflow is gone (completed, past retention) is closed. */
  async function notFoundOrClosed(res: Response, ref: string): Promise<void> {
    if (await fromRegister(() => cases.caseExists(ref))) return sendError(res, 409, 'CaseClosed', `Case ${ref} is closed`);
    return sendError(res, 404, 'CaseNotFound', `No case ${ref}`);
  }

  app.get('/cases/:caseReference', async (req, res) => {
    const ref = caseReferenceParam(req, res);
    if (!ref) return;
    try {
      const state = await bounded(() => deps.temporal.workflow.getHandle(workflowIdFor(ref)).query(statusQuery));
      const read = caseReadFor(actorOf(res), state.facts);
      if ('refuse' in read) return refuseRead(res, read.refuse, ref);
      if (read.view !== 'whole') return res.json(read.view === 'referrer' ? referrerView(state) : operationsView(state));
      // The register being unreachable delays its rows; the case itself still answers.
      const register = await fromRegister(() => cases.caseEntries(ref)).catch(() => null);
      res.json({ ...state, register, ...(register === null ? { registerUnavailable: true } : {}) });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return sendError(res, 404, 'CaseNotFound', `No case ${ref}`);
      throw err;
    }
  });

  app.get('/cases/:caseReference/referral', async (req, res) => {
    const ref = caseReferenceParam(req, res);
    if (!ref) return;
    if (!mayReadReferral(actorOf(res))) return sendError(res, 403, 'ReadNotAllowed', 'The referral form is read by the Business Unit, the SSP and the chairs only');
    const form = await fromRegister(() => cases.referralOf(ref));
    if (!form) return sendError(res, 404, 'CaseNotFound', `No case ${ref}`);
    res.json({ caseReference: ref, referral: form });
  });

  /**
   * A decision sent as a Temporal update, the same way for a case and for an action: 503 "nothing
   * applied" when it is not accepted in time, 202 when accepted but its answer is late, the
   * refusal's status and words when refused. Returns the update's answer, or undefined once an
   * answer has been sent.
   */
  async function decideThroughUpdate<R extends { requestHash?: string; requestId?: string; duplicate?: boolean }>(
    req: Request,
    res: Response,
    target: { handle: WorkflowHandle; update: UpdateDefinition<R, [DecisionRequest]>; name: string; location: string; gone: () => Promise<void> },
  ): Promise<R | undefined> {
    const actor = actorOf(res);
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      sendError(res, 422, 'InvalidIdempotencyKey', 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 . _ : -');
      return undefined;
    }
    const body: unknown = req.body ?? {};
    // The update ID derives from the decision, the person and the key: no client text reaches Temporal.
    const key = idempotencyKey ? { keyId: sha256('key', actor.id, idempotencyKey), requestHash: sha256(target.name, canonicalJson(body)) } : undefined;
    const updateId = idempotencyKey ? `decision-${sha256('update', target.name, actor.id, idempotencyKey).slice(0, 40)}` : `decision-${randomUUID()}`;
    const acceptBy = new Date(Date.now() + timeoutMs - ACCEPT_MARGIN_MS).toISOString();
    let result: R;
    const requestId = res.locals.requestId as string;
    const args: [DecisionRequest] = [{ actor, payload: body, acceptBy, requestId, ...(key ? { key } : {}) }];
    try {
      try {
        // One call that waits for the answer (issue 9: no second round trip when all goes well).
        result = await bounded(() => retryWhileContinuingAsNew(() => target.handle.executeUpdate(target.update, { args, updateId })));
      } catch (err) {
        if (!(err instanceof TemporalUnavailable)) throw err;
        // No answer in time. The same update ID asked again for its acceptance says whether the
        // case took it, without applying it twice: accepted, it will be applied (202); not
        // accepted by now, the case refuses it when it comes (acceptBy has passed), so 503 is true.
        try {
          await bounded(
            () => retryWhileContinuingAsNew(() => target.handle.startUpdate(target.update, { args, updateId, waitForStage: WorkflowUpdateStage.ACCEPTED })),
            ACCEPT_PROBE_MS,
          );
        } catch (probeErr) {
          if (probeErr instanceof TemporalUnavailable) {
            sendError(res, 503, 'NotApplied', 'The case engine did not take the decision in time; nothing was applied; try again');
            return undefined;
          }
          throw probeErr;
        }
        res.status(202).location(target.location).json({ status: 'accepted', message: 'The decision was accepted and is being applied' });
        return undefined;
      }
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        await target.gone();
        return undefined;
      }
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && isRefusal(err.cause.type)) {
        const problems = err.cause.details?.[0] as Problem[] | undefined;
        if (err.cause.type === 'RequestExpired' || err.cause.type === 'DeadlineUnavailable') sendError(res, 503, 'NotApplied', err.cause.message);
        else sendError(res, REFUSALS[err.cause.type], err.cause.type, err.cause.message, problems);
        return undefined;
      }
      throw err;
    }
    // Within one run Temporal answers a repeated update ID with the first outcome: a different body is refused here.
    if (key && result.requestHash !== undefined && result.requestHash !== key.requestHash) {
      sendError(res, 422, 'IdempotencyKeyReused', 'This Idempotency-Key was used for a different request');
      return undefined;
    }
    // A replay: applied in an earlier run (the case says so), or answered by Temporal with the
    // first request's outcome within this run (it carries the first request's ID).
    if (result.duplicate || (result.requestId !== undefined && result.requestId !== requestId)) {
      res.setHeader('Idempotent-Replayed', 'true');
      return { ...result, duplicate: true };
    }
    return result;
  }

  /** §16.2: every agency named in an action plan must be one the directory can reach. */
  function unknownAgencies(decision: string, body: unknown): Problem[] {
    if (decision !== 'actions-agreed' || !deps.agencies) return [];
    const actions = (body as { actions?: unknown } | null)?.actions;
    if (!Array.isArray(actions)) return [];
    return actions.flatMap((a: { agency?: unknown }, i) =>
      typeof a?.agency === 'string' && !deps.agencies!.includes(a.agency)
        ? [{ path: `actions.${i}.agency`, message: `agency (action ${i + 1}) is not one of the partnership's agencies; send one of: ${deps.agencies!.join(', ')}` }]
        : [],
    );
  }

  app.post('/cases/:caseReference/decisions/:decision', async (req, res) => {
    const ref = caseReferenceParam(req, res);
    if (!ref) return;
    const decision = String(req.params.decision);
    if (!isDecisionName(decision)) return sendError(res, 404, 'UnknownDecision', 'There is no decision by that name');
    const actor = actorOf(res);
    // Checked on every request, a replayed key included.
    const roleRefused = roleRefusal(decision, actor.role);
    if (roleRefused) return sendError(res, 403, 'RoleNotAllowed', roleRefused);
    const unknown = unknownAgencies(decision, req.body);
    if (unknown.length > 0) return sendError(res, 422, 'InvalidDecision', `The ${decision} decision is not valid`, unknown);
    const handle = deps.temporal.workflow.getHandle(workflowIdFor(ref));
    const result = await decideThroughUpdate<DecisionResult>(req, res, {
      handle,
      update: decisionUpdate(decision),
      name: decision,
      location: `/cases/${ref}`,
      gone: () => notFoundOrClosed(res, ref),
    });
    if (!result) return;
    // The update's own answer, with no second call (issue 9): small, and as much as the person may
    // read. Every role that records a case decision reads the whole case; the policy is still
    // checked, against the facts the answer carries.
    const { requestHash: _hash, requestId: _id, ...answer } = result;
    const read = caseReadFor(actor, result.facts);
    if ('refuse' in read || read.view !== 'whole') return res.json({ caseReference: ref, stage: result.stage });
    res.json(answer);
  });

  // ---- Improvement actions (§9.2, §16.2): each is its own workflow, addressed by case and action.

  function actionIdParam(req: Request, res: Response): string | undefined {
    const id = String(req.params.actionId);
    if (!ACTION_ID_PATTERN.test(id)) {
      sendError(res, 404, 'ActionNotFound', 'No such action');
      return undefined;
    }
    return id;
  }

  /** An action the register knows whose workflow has finished is closed; else there is none. */
  async function actionGone(res: Response, ref: string, actionId: string): Promise<void> {
    const status = await fromRegister(() => actionRecordStatus(deps.register, ref, actionId));
    if (status) return sendError(res, 409, 'ActionClosed', `Action ${ref} ${actionId} is ${status}`);
    return sendError(res, 404, 'ActionNotFound', `No action ${ref} ${actionId}`);
  }

  app.get('/cases/:caseReference/actions/:actionId', async (req, res) => {
    const ref = caseReferenceParam(req, res);
    const actionId = ref && actionIdParam(req, res);
    if (!ref || !actionId) return;
    const read = actionReadFor(actorOf(res));
    if ('refuse' in read) return sendError(res, 403, 'ReadNotAllowed', 'Your role does not read improvement actions');
    try {
      const status = await bounded(() => deps.temporal.workflow.getHandle(actionWorkflowId(ref, actionId)).query(actionStatusQuery));
      // An action owner reads their own agency's actions only: another agency's is not there for them.
      if (read.scope === 'agency' && status.agency !== actorOf(res).agency) return sendError(res, 404, 'ActionNotFound', `No action ${ref} ${actionId}`);
      res.json(status);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return sendError(res, 404, 'ActionNotFound', `No action ${ref} ${actionId}`);
      throw err;
    }
  });

  app.post('/cases/:caseReference/actions/:actionId/decisions/:decision', async (req, res) => {
    const ref = caseReferenceParam(req, res);
    const actionId = ref && actionIdParam(req, res);
    if (!ref || !actionId) return;
    const decision = String(req.params.decision);
    if (!isActionDecisionName(decision)) return sendError(res, 404, 'UnknownDecision', 'There is no decision on an action by that name');
    const roleRefused = actionRoleRefusal(decision, actorOf(res).role);
    if (roleRefused) return sendError(res, 403, 'RoleNotAllowed', roleRefused);
    const status = await decideThroughUpdate<ActionStatusView>(req, res, {
      handle: deps.temporal.workflow.getHandle(actionWorkflowId(ref, actionId)),
      update: actionDecisionUpdate(decision),
      name: `${actionId}:${decision}`,
      location: `/cases/${ref}/actions/${actionId}`,
      gone: () => actionGone(res, ref, actionId),
    });
    if (!status) return;
    const { requestHash: _hash, requestId: _id, duplicate: _replayed, ...view } = status;
    res.json(view);
  });

  app.use((_req, res) => sendError(res, 404, 'NotFound', 'No such resource'));

  // Express 5 passes rejected promises here. Only a stable code leaves the process.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
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
    deps.logger?.error({ reqId: currentRequestId(), error: err instanceof Error ? err.name : 'unknown' }, 'unhandled API error');
    return sendError(res, 500, 'InternalError', 'Something went wrong; it has been logged');
  });

  return app;
}
