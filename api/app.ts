// The staff API: start a case from a referral, record decisions, read a case. Built by a
// factory so tests run the real app against a real Temporal server and register.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Users } from '../config';
import { CASE_REFERENCE_PATTERN } from '../domain/case';
import { isDecisionName, zodProblems } from '../domain/decisions';
import { isRefusal, REFUSALS, type Problem } from '../domain/errors';
import { referralFormSchema } from '../domain/referral-form';
import { DEFAULT_RULEBOOK } from '../domain/rulebook';
import { caseEntries, registerReachable, type RegisterDb } from '../activities/register';
import { CASE_STAGE, decisionUpdate, statusQuery, TASK_QUEUE, workflowIdFor, type IncidentInput } from '../workflows/contract';
import type { incidentWorkflow } from '../workflows/incident';
import { actorOf, authenticate, requireRole } from './auth';
import { sendError } from './errors';

export interface AppDependencies {
  temporal: Client;
  register: RegisterDb;
  users: Users;
  /** Whether the SMTP server answers (nodemailer's verify). */
  smtpReachable: () => Promise<boolean>;
  /** Bound on every call that needs a worker: without one, the client would wait forever. */
  temporalCallTimeoutMs?: number;
  rulebookVersion?: string;
  now?: () => Date;
  /** Request and error log: method, route, status and time only, never bodies. */
  logger?: Logger;
}

export const referralRequestSchema = z.strictObject({
  caseReference: z.string().regex(CASE_REFERENCE_PATTERN, 'must be an opaque case reference such as DSP-2026-0007'),
  /** When the Business Unit received the referral; defaults to now. */
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  referral: referralFormSchema,
});

class TemporalUnavailable extends Error {}

export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  const timeoutMs = deps.temporalCallTimeoutMs ?? 10_000;
  const now = deps.now ?? (() => new Date());
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.logger?.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  });
  app.use(express.json({ limit: '1mb' }));

  async function bounded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await deps.temporal.withDeadline(new Date(Date.now() + timeoutMs), fn);
    } catch (err) {
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw new TemporalUnavailable();
      if (isGrpcServiceError(err) && [4, 14].includes(err.code)) throw new TemporalUnavailable();
      if (err instanceof Error && 'cause' in err && isGrpcServiceError(err.cause) && [4, 14].includes(err.cause.code)) {
        throw new TemporalUnavailable();
      }
      throw err;
    }
  }

  app.get('/health', async (_req, res) => {
    const [temporal, database, smtp] = await Promise.all([
      bounded(() => deps.temporal.workflowService.getSystemInfo({})).then(
        () => true,
        () => false,
      ),
      registerReachable(deps.register),
      deps.smtpReachable().catch(() => false),
    ]);
    const ok = temporal && database && smtp;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal, database, smtp });
  });

  app.use(authenticate(deps.users));

  // Bodies are JSON: anything else would be read as an empty decision.
  app.use((req, res, next) => {
    if (req.method === 'POST' && !req.is('application/json')) {
      return sendError(res, 415, 'UnsupportedMediaType', 'Send the body as application/json');
    }
    next();
  });

  app.post('/referrals', requireRole('business-unit', 'referrer'), async (req, res) => {
    const parsed = referralRequestSchema.safeParse(req.body);
    if (!parsed.success) return sendError(res, 422, 'InvalidReferral', 'The referral is not valid', zodProblems(parsed.error));
    const { caseReference, referral } = parsed.data;
    const receivedAt = parsed.data.receivedAt ? new Date(parsed.data.receivedAt) : now();
    if (receivedAt.getTime() > now().getTime()) {
      return sendError(res, 422, 'InvalidReferral', 'The referral is not valid', [{ path: 'receivedAt', message: 'receivedAt is in the future' }]);
    }
    const input: IncidentInput = {
      start: {
        caseReference,
        receivedAt: receivedAt.toISOString(),
        referral,
        rulebookVersion: deps.rulebookVersion ?? DEFAULT_RULEBOOK,
        receivedBy: actorOf(res),
      },
    };
    try {
      const handle = await bounded(() =>
        deps.temporal.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
          taskQueue: TASK_QUEUE,
          workflowId: workflowIdFor(caseReference),
          args: [input],
          // A second referral with the same reference is refused, never started twice.
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [{ key: CASE_STAGE, value: 'referral-received' }],
        }),
      );
      res.status(201).location(`/cases/${caseReference}`).json({ caseReference, workflowId: handle.workflowId, receivedAt: input.start.receivedAt });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return sendError(res, 409, 'DuplicateCaseReference', `Case ${caseReference} already exists`);
      }
      throw err;
    }
  });

  function caseReferenceParam(req: Request, res: Response): string | undefined {
    const ref = String(req.params.caseReference);
    if (!CASE_REFERENCE_PATTERN.test(ref)) {
      sendError(res, 404, 'CaseNotFound', 'No such case');
      return undefined;
    }
    return ref;
  }

  app.get('/cases/:caseReference', async (req, res) => {
    const ref = caseReferenceParam(req, res);
    if (!ref) return;
    try {
      const state = await bounded(() => deps.temporal.workflow.getHandle(workflowIdFor(ref)).query(statusQuery));
      const register = await caseEntries(deps.register, ref);
      res.json({ ...state, register });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return sendError(res, 404, 'CaseNotFound', `No case ${ref}`);
      throw err;
    }
  });

  app.post('/cases/:caseReference/decisions/:decision', async (req, res) => {
    const ref = caseReferenceParam(req, res);
    if (!ref) return;
    const decision = String(req.params.decision);
    if (!isDecisionName(decision)) return sendError(res, 404, 'UnknownDecision', `There is no decision called ${decision}`);
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !/^[A-Za-z0-9._:-]{8,128}$/.test(idempotencyKey)) {
      return sendError(res, 422, 'InvalidIdempotencyKey', 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 . _ : -');
    }
    try {
      const handle = deps.temporal.workflow.getHandle(workflowIdFor(ref));
      await bounded(() =>
        handle.executeUpdate(decisionUpdate(decision), {
          args: [{ actor: actorOf(res), payload: req.body ?? {} }],
          ...(idempotencyKey ? { updateId: idempotencyKey } : {}),
        }),
      );
      // The update answers compactly (its result is kept in history); the person gets the whole case.
      const status = await bounded(() => handle.query(statusQuery));
      res.json(status);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return sendError(res, 404, 'CaseNotFound', `No case ${ref}`);
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && isRefusal(err.cause.type)) {
        const problems = err.cause.details?.[0] as Problem[] | undefined;
        return sendError(res, REFUSALS[err.cause.type], err.cause.type, err.cause.message, problems);
      }
      throw err;
    }
  });

  app.use((_req, res) => sendError(res, 404, 'NotFound', 'No such resource'));

  // Express 5 passes rejected promises here. Only a stable code leaves the process.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof TemporalUnavailable) return sendError(res, 503, 'TemporalUnavailable', 'The case engine did not answer in time; try again');
    if ((err as { type?: string }).type === 'entity.parse.failed') return sendError(res, 400, 'MalformedJson', 'The body is not valid JSON');
    // The name only: messages can carry submitted data.
    deps.logger?.error({ error: err instanceof Error ? err.name : 'unknown' }, 'unhandled API error');
    return sendError(res, 500, 'InternalError', 'Something went wrong; it has been logged');
  });

  return app;
}
