// Time-skipping workflow tests: one test server per file (skipped time is global to it), a real
// worker with the real activities, a real SMTP listener and a register in a temporary file.
import { Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseStatus } from '../../domain/case';
import type { DecisionName } from '../../domain/decisions';
import type { ReferralForm } from '../../domain/referral-form';
import type { Actor } from '../../domain/roles';
import { DEFAULT_RULEBOOK } from '../../domain/rulebook';
import { caseRegister, type CaseRegister } from '../../register/cases';
import type { RegisterDb } from '../../register/database';
import { caseOpenedUpdate, decisionUpdate, statusQuery, TASK_QUEUE, workflowIdFor } from '../../workflows/contract';
import { caseOpeningOf } from '../../domain/incident';
import type { incidentWorkflow } from '../../workflows/incident';
import { timeSkippingServerOption } from '../../scripts/servers';
import { validReferralForm } from '../fixtures/referral-form';
import { TEST_DATA_CONVERTER, TEST_KEY_RING } from './keys';
import { startSmtpCatcher, type SmtpCatcher } from './smtp';
import { newCaseReference, restartableWorker, runIncidentWorker, tempRegister } from './stack';

export { actors, newCaseReference } from './stack';

export interface Harness {
  env: TestWorkflowEnvironment;
  smtp: SmtpCatcher;
  register: RegisterDb;
  /** The register read as the API reads it, with the test key ring. */
  cases: CaseRegister;
  /**
   * The worker, which a test may stop and start again (an outage: timers keep firing on the
   * server meanwhile). As test/helpers/dev-stack.ts's: start() is a no-op while it runs.
   */
  worker: { stop(): Promise<void>; start(): Promise<void> };
  stop(): Promise<void>;
}

export type CaseHandle = WorkflowHandle<typeof incidentWorkflow>;

/**
 * How long a test waits for a case or an action to reach a state before failing. It waits only as
 * long as needed; the bound allows for a worker without a workflow cache, which on the
 * time-skipping server now and then waits out a 10 s workflow task timeout.
 */
export const SETTLE_TIMEOUT_MS = 45_000;

export interface HarnessOptions {
  smtp?: SmtpCatcher;
  /**
   * false: the worker keeps no workflow cache, so no workflow is sticky to it. For tests that stop
   * and start the worker: the time-skipping server neither moves a task off a stopped worker's
   * sticky queue (no sticky schedule-to-start timeout) nor implements ResetStickyTaskQueue, so a
   * workflow cached by the stopped worker would wait on its sticky queue for ever.
   */
  workflowCache?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: timeSkippingServerOption() },
    client: { dataConverter: TEST_DATA_CONVERTER },
  });
  const { INDEXED_VALUE_TYPE_KEYWORD: KEYWORD, INDEXED_VALUE_TYPE_DATETIME: DATETIME, INDEXED_VALUE_TYPE_INT: INT } = temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: { CaseStage: KEYWORD, NextDeadline: DATETIME, OverdueCount: INT },
  });
  const smtp = options.smtp ?? (await startSmtpCatcher());
  const { register } = await tempRegister();
  const start = () => runIncidentWorker(env, register, smtp.url, { workflowCache: options.workflowCache ?? true });
  const worker = restartableWorker(start, await start());
  return {
    env,
    smtp,
    register,
    cases: caseRegister(register, TEST_KEY_RING),
    worker,
    async stop() {
      await worker.stop();
      await smtp.close();
      await register.destroy();
      await env.teardown();
    },
  };
}

export interface CaseOptions {
  caseReference?: string;
  referral?: ReferralForm;
  /** Defaults to the test server's now. */
  receivedAt?: string;
  /** The rulebook the case starts under; the default one unless given. */
  rulebookVersion?: string;
}

/** Starts a case and waits until its opening deadlines are set. */
export async function startCase(h: Harness, options: CaseOptions = {}): Promise<{ handle: CaseHandle; ref: string; status: CaseStatus }> {
  const ref = options.caseReference ?? newCaseReference();
  const receivedAt = options.receivedAt ?? new Date(await h.env.currentTimeMs()).toISOString();
  const receivedBy: Actor = { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' };
  const handle = await h.env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(ref),
    args: [{ start: caseOpeningOf(ref, receivedAt, options.rulebookVersion ?? DEFAULT_RULEBOOK, receivedBy, options.referral ?? validReferralForm()) }],
  });
  await handle.executeUpdate(caseOpenedUpdate);
  const status = await settled(handle);
  return { handle, ref, status };
}

/** Polls the status query until the predicate holds (the opening runs asynchronously). */
export async function waitFor(handle: CaseHandle, predicate: (s: CaseStatus) => boolean, timeoutMs = SETTLE_TIMEOUT_MS): Promise<CaseStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await handle.query(statusQuery);
    if (predicate(status)) return status;
    if (Date.now() > until) throw new Error(`case did not reach the expected state; stage ${status.stage}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The case once its queued emails and register rows have been carried out. */
export function settled(handle: CaseHandle, timeoutMs = SETTLE_TIMEOUT_MS): Promise<CaseStatus> {
  return waitFor(handle, (s) => s.pending.notices === 0 && s.pending.records === 0, timeoutMs);
}

/**
 * Records a decision, then answers the whole status once its emails and register rows are done
 * (the update itself answers a compact result at once; those follow it).
 */
export async function decide(handle: CaseHandle, name: DecisionName, actor: Actor, payload: Record<string, unknown> = {}): Promise<CaseStatus> {
  await handle.executeUpdate(decisionUpdate(name), { args: [{ actor, payload }] });
  return settled(handle);
}

/**
 * A finished case's result. Not through the time-skipping client: its result() fast-forwards the
 * test server's clock (by years, even for a completed workflow), which every later test in the
 * file would then run in.
 */
export async function resultOf(h: Harness, handle: CaseHandle): Promise<CaseStatus> {
  const client = new Client({ connection: h.env.connection, namespace: h.env.namespace ?? 'default', dataConverter: TEST_DATA_CONVERTER });
  return client.workflow.getHandle<typeof incidentWorkflow>(handle.workflowId).result();
}

/** The refusal's type and message (the message says what to do instead), or undefined if the decision was accepted. */
export async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string } | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return { type: err.cause.type ?? undefined, message: err.cause.message };
    throw err;
  }
  return undefined;
}

/** The refusal's type (e.g. 'WrongStage'), or undefined if the decision was accepted. */
export async function refusalOf(promise: Promise<unknown>): Promise<string | undefined> {
  return (await refusal(promise))?.type;
}

/** A refused decision changes nothing in the case. */
export async function expectRefused(handle: CaseHandle, attempt: () => Promise<unknown>, type: string): Promise<void> {
  const before = await handle.query(statusQuery);
  expect(await refusalOf(attempt())).toBe(type);
  expect(await handle.query(statusQuery)).toEqual(before);
}

/**
 * Skips the test server's clock to `offsetMs` after an instant (default: one hour after).
 * Land well away from deadline instants: the test server can stall when a timer that has just
 * fired is cancelled (TEMPORAL-NOTES.md).
 */
export async function skipPast(h: Harness, instant: string, offsetMs = 3_600_000): Promise<void> {
  const target = Date.parse(instant) + offsetMs;
  const now = await h.env.currentTimeMs();
  if (target > now) await h.env.sleep(target - now);
}

/** Emails about a case, by subject prefix: "Reminder", "MISSED", "Target passed", ... */
export function mailsFor(h: Harness, ref: string, prefix: string) {
  return h.smtp.messages.filter((m) => m.subject.startsWith(`[${ref}] ${prefix}`));
}
