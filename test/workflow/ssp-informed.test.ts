// The ssp-informed obligation (1 WD from receipt, §4.6, §5.1) on the time-skipping server:
// deadlines crossed with env.sleep, emails received over real SMTP, the register in SQLite.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { CaseState } from '../../domain/case';
import type { Actor } from '../../domain/roles';
import { DEFAULT_RULEBOOK } from '../../domain/rulebook';
import { caseEntries, type RegisterDb } from '../../activities/register';
import { createIncidentWorker } from '../../workers/incident-worker';
import { decisionUpdate, statusQuery, TASK_QUEUE, workflowIdFor } from '../../workflows/contract';
import type { incidentWorkflow } from '../../workflows/incident';
import { validReferralForm } from '../fixtures/referral-form';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { activityDeps, actors, newCaseReference, tempRegister, workflowBundle } from '../helpers/stack';
import { timeSkippingServerOption } from '../../scripts/servers';

let env: TestWorkflowEnvironment;
let smtp: SmtpCatcher;
let register: RegisterDb;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: timeSkippingServerOption() } });
  const { INDEXED_VALUE_TYPE_KEYWORD: KEYWORD, INDEXED_VALUE_TYPE_DATETIME: DATETIME, INDEXED_VALUE_TYPE_INT: INT } = temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: { CaseStage: KEYWORD, NextDeadline: DATETIME, OverdueCount: INT },
  });
  smtp = await startSmtpCatcher();
  ({ register } = await tempRegister());
  worker = await createIncidentWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    activities: activityDeps(register, smtp.url),
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await smtp?.close();
  await register?.destroy();
  await env?.teardown();
});

async function startCase(caseReference: string) {
  const receivedAt = new Date(await env.currentTimeMs()).toISOString();
  return env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(caseReference),
    args: [{ start: { caseReference, receivedAt, referral: validReferralForm(), rulebookVersion: DEFAULT_RULEBOOK, receivedBy: actors.businessUnit } }],
  });
}

type Handle = Awaited<ReturnType<typeof startCase>>;

async function waitForDeadline(handle: Handle, obligationId: string): Promise<CaseState> {
  for (let i = 0; i < 100; i++) {
    const state = await handle.query(statusQuery);
    if (state.obligations[obligationId]) return state;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no deadline for ${obligationId}`);
}

function decide(handle: Handle, name: 'ssp-informed', actor: Actor, payload: unknown = {}) {
  return handle.executeUpdate(decisionUpdate(name), { args: [{ actor, payload }] });
}

async function refusalOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause.type ?? undefined;
    throw err;
  }
  return undefined;
}

test('informed in time: receipt email names the deadline, no escalation follows', async () => {
  const ref = newCaseReference();
  const handle = await startCase(ref);
  const state = await waitForDeadline(handle, 'ssp-informed');
  const deadline = state.obligations['ssp-informed']!.deadline;
  expect(deadline.rule).toBe(`1 working day after ${deadline.clock.date} (referral-received)`);
  expect(deadline.section).toBe('§4.6, §5.1');

  const receipt = await smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expect(receipt.to).toEqual(['business-unit@partnership.example.org']);
  expect(receipt.text).toContain(deadline.dueDate);
  // Only the case reference reaches an email: nothing from the form.
  expect(receipt.text).not.toContain('Test Child');
  expect(receipt.text).not.toContain(validReferralForm().children[0]!.postcode);

  const after = await decide(handle, 'ssp-informed', actors.businessUnit, { note: 'SSP informed by secure email' });
  expect(after.obligations['ssp-informed']!.status).toBe('met');
  expect(after.stage).toBe('awaiting-ssp-decision');

  // Well past the deadline: nothing more is sent for this obligation.
  await env.sleep(Date.parse(deadline.dueAt) - (await env.currentTimeMs()) + 3 * 24 * 3600_000);
  const final = await handle.query(statusQuery);
  expect(final.obligations['ssp-informed']!.status).toBe('met');
  expect(smtp.messages.filter((m) => m.subject.startsWith(`[${ref}] MISSED`))).toHaveLength(0);

  const kinds = (await caseEntries(register, ref)).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['referral-received', 'deadline-set', 'referral-received-sent', 'decision:ssp-informed', 'obligation-met']));
  expect(kinds).not.toContain('obligation-missed');
});

test('missed: reminders then an escalation by email, recorded as missed, then met late', async () => {
  const ref = newCaseReference();
  const handle = await startCase(ref);
  const state = await waitForDeadline(handle, 'ssp-informed');
  const deadline = state.obligations['ssp-informed']!.deadline;
  const pendingReminders = deadline.reminders.filter((r) => !state.obligations['ssp-informed']!.remindersDone.includes(r));
  expect(pendingReminders.length).toBeGreaterThan(0);

  await env.sleep(Date.parse(deadline.dueAt) - (await env.currentTimeMs()) + 3600_000);
  const escalation = await smtp.waitFor((m) => m.subject.startsWith(`[${ref}] MISSED`));
  expect(escalation.to.sort()).toEqual(['business-manager@partnership.example.org', 'dcs@partnership.example.org']);
  expect(escalation.text).toContain(deadline.rule);
  const reminders = smtp.messages.filter((m) => m.subject.startsWith(`[${ref}] Reminder`));
  expect(reminders).toHaveLength(pendingReminders.length);

  const missed = await handle.query(statusQuery);
  expect(missed.obligations['ssp-informed']!.status).toBe('missed');

  const late = await decide(handle, 'ssp-informed', actors.businessUnit);
  expect(late.obligations['ssp-informed']!.status).toBe('met-late');
  const kinds = (await caseEntries(register, ref)).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['reminder-sent', 'obligation-missed', 'escalation-sent', 'obligation-met-late']));
});

test('refusals: wrong role, bad payload and a second recording change nothing', async () => {
  const ref = newCaseReference();
  const handle = await startCase(ref);
  await waitForDeadline(handle, 'ssp-informed');

  expect(await refusalOf(decide(handle, 'ssp-informed', actors.ssp))).toBe('RoleNotAllowed');
  expect(await refusalOf(decide(handle, 'ssp-informed', actors.businessUnit, { informedAt: 'yesterday' }))).toBe('InvalidDecision');
  expect(await refusalOf(decide(handle, 'ssp-informed', actors.businessUnit, { informedAt: '2099-01-01T00:00:00Z' }))).toBe('InvalidDecision');
  expect((await handle.query(statusQuery)).obligations['ssp-informed']!.status).toBe('open');

  await decide(handle, 'ssp-informed', actors.businessUnit);
  expect(await refusalOf(decide(handle, 'ssp-informed', actors.businessUnit))).toBe('AlreadyMet');
  const state = await handle.query(statusQuery);
  expect(state.timeline.filter((t) => t.kind === 'ssp-informed')).toHaveLength(1);
});
