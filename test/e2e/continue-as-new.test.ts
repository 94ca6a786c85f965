// Continue-as-new on the real dev server: a case in the 'lcspr' stage takes repeatable
// 'review-progress' decisions until Temporal suggests continuing as new; the new run must carry the
// whole case (stage, facts, timeline, open obligations and their deadlines) and re-arm its timer
// for the next reminder or deadline, and it must take the next decision.
import { randomUUID } from 'node:crypto';
import { WorkflowClient, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { CaseStatus, ObligationState } from '../../domain/case';
import { DEFAULT_RULEBOOK } from '../../domain/rulebook';
import { caseOpenedUpdate, decisionUpdate, statusQuery, TASK_QUEUE, workflowIdFor } from '../../workflows/contract';
import { caseOpeningOf } from '../../domain/incident';
import type { incidentWorkflow } from '../../workflows/incident';
import { validReferralForm } from '../fixtures/referral-form';
import { startDevStack, type DevStack } from '../helpers/dev-stack';
import { actors, decide, settled, waitFor } from '../helpers/harness';
import { newCaseReference } from '../helpers/stack';

const EventType = temporal.api.enums.v1.EventType;
/** Far more than needed: the loop stops at the first continue-as-new. */
const MAX_UPDATES = 1_500;

/**
 * The history length at which this file's server suggests continuing as new: Temporal's default is
 * 4,096 events, which took several hundred updates per test (47 to 74 s for the file). The
 * workflow only follows the server's suggestion (workflowInfo().continueAsNewSuggested), so a
 * lower threshold exercises the same path.
 */
const SUGGEST_AT_EVENTS = 1_024;

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ server: { extraArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT_EVENTS}`] } });
});
afterAll(async () => {
  await stack?.stop();
});

/** The instant the workflow must next wake for: an unsent reminder, an unwarned target, an unescalated deadline. */
function nextWake(obligations: Record<string, ObligationState>): number {
  const instants: number[] = [];
  for (const o of Object.values(obligations)) {
    if (o.status !== 'open' && o.status !== 'missed') continue;
    for (const r of o.deadline.reminders) if (!o.remindersDone.includes(r)) instants.push(Date.parse(r));
    if (o.deadline.target && !o.targetWarnedAt) instants.push(Date.parse(o.deadline.target.dueAt) + 1);
    if (!o.escalatedAt) instants.push(Date.parse(o.deadline.dueAt) + 1);
  }
  return Math.min(...instants);
}

function millis(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(duration?.seconds ?? 0) * 1000 + Math.round((duration?.nanos ?? 0) / 1e6);
}

/** Starts a case and records in time every decision up to the LCSPR stage. */
async function caseInLcspr() {
  const ref = newCaseReference();
  const handle = await stack.env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(ref),
    args: [{ start: caseOpeningOf(ref, new Date().toISOString(), DEFAULT_RULEBOOK, actors.businessUnit, validReferralForm()) }],
  });
  await handle.executeUpdate(caseOpenedUpdate);
  await waitFor(handle, (s) => s.obligations['ssp-decision'] !== undefined && s.timeline.some((t) => t.kind === 'referral-received-sent'));
  await decide(handle, 'ssp-informed', actors.businessUnit);
  await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: 'Serious harm, abuse suspected (test).' });
  await decide(handle, 'referrer-feedback-sent', actors.businessUnit);
  await decide(handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0002' });
  await decide(handle, 'panel-acknowledgement', actors.businessUnit);
  await decide(handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'lcspr', rationale: 'Learning for the partnership (test).' });
  await decide(handle, 'rapid-review-report', actors.ssp, { levelOfReview: 'lcspr', rationale: 'LCSPR agreed (test).' });
  const status = await decide(handle, 'panel-response', actors.businessUnit, { response: 'local-review' });
  return { ref, handle, firstRunId: handle.firstExecutionRunId, status };
}

async function progress(handle: WorkflowHandle<typeof incidentWorkflow>, n: number, updateId?: string): Promise<CaseStatus> {
  // As the API sends a keyed decision: the update ID, and the key's hashes (here plain test strings).
  // Always an update ID, as the API sends one (a key's, or a fresh one), so a retry is the same update.
  const id = updateId ?? `progress-${n}-${randomUUID()}`;
  const send = () =>
    handle.executeUpdate(decisionUpdate('review-progress'), {
      // Recorded by the SSP: no reviewer is commissioned yet, so none may write to the case (§8).
      args: [{ actor: actors.ssp, payload: { summary: `Progress note ${n} (test).` }, ...(updateId ? { key: { keyId: updateId, requestHash: `progress-${n}` } } : {}) }],
      updateId: id,
    });
  // An update that meets the case in the moment it continues as new is turned away unaccepted
  // (FAILED_PRECONDITION); the API sends it again, and so does this client.
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      break;
    } catch (err) {
      const cause = err instanceof Error && 'cause' in err ? (err.cause as { code?: number } | undefined) : undefined;
      if (cause?.code !== 9 || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return handle.query(statusQuery);
}

test('a case in the LCSPR stage continues as new when its history grows, keeping every deadline and timer', async () => {
  const started = Date.now();
  const { ref, handle, firstRunId, status: inLcspr } = await caseInLcspr();
  expect(inLcspr.stage).toBe('lcspr');
  expect(inLcspr.open.map((o) => o.id).sort()).toEqual(['lcspr-publication', 'reviewer-commissioned', 'terms-of-reference']);

  // Repeatable progress notes, one after another, until the run is replaced.
  let updates = 0;
  let lastFirstRun = await handle.describe();
  let current = lastFirstRun;
  while (current.runId === firstRunId && updates < MAX_UPDATES) {
    lastFirstRun = current;
    updates += 1;
    const after = await progress(handle, updates);
    expect(after.stage).toBe('lcspr');
    current = await handle.describe();
  }
  const newRunId = current.runId;
  expect(newRunId).not.toBe(firstRunId);

  // The first run ended by continuing as new, into the run that now answers.
  const firstRun = stack.env.client.workflow.getHandle<typeof incidentWorkflow>(handle.workflowId, firstRunId);
  const firstDescription = await firstRun.describe();
  expect(firstDescription.status.name).toBe('CONTINUED_AS_NEW');
  const firstHistory = (await firstRun.fetchHistory()).events ?? [];
  const lastEvent = firstHistory.at(-1);
  expect(lastEvent?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  expect(lastEvent?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId).toBe(newRunId);
  // Not before the server suggested it: SUGGEST_AT_EVENTS here (4,096 by default, or 4 MB of
  // history; TEMPORAL-NOTES.md). (Judged by the run's final size: the snapshot before the last
  // update can sit just below the threshold that the last update crossed.)
  expect(firstHistory.length).toBeGreaterThanOrEqual(SUGGEST_AT_EVENTS);
  // And at the configured threshold, not the default one: the setting took effect.
  expect(firstHistory.length).toBeLessThan(4_096);
  console.info(
    `continue-as-new after ${updates} review-progress updates; first run: ${firstHistory.length} events, ` +
      `${firstDescription.historySize ?? '?'} bytes (just before the last update: ${lastFirstRun.historyLength} events, ${lastFirstRun.historySize ?? '?'} bytes)`,
  );

  // The new run holds the case exactly as the first run left it.
  const newRun = stack.env.client.workflow.getHandle<typeof incidentWorkflow>(handle.workflowId, newRunId);
  const before: CaseStatus = await firstRun.query(statusQuery);
  const carried: CaseStatus = await newRun.query(statusQuery);
  // Every update applied once across the two runs: the last may have reached the case just as the
  // first run ended, and been applied by the new one.
  const progressIn = (s: CaseStatus) => s.timeline.filter((t) => t.kind === 'decision:review-progress').length;
  expect(progressIn(carried)).toBe(updates);
  expect(progressIn(before)).toBeGreaterThanOrEqual(updates - 1);
  const landedInNewRun = carried.timeline.length - before.timeline.length;
  expect(landedInNewRun).toBe(updates - progressIn(before));
  expect(carried.stage).toBe('lcspr');
  expect(carried.facts).toEqual(before.facts);
  expect(carried.clocks).toEqual(before.clocks);
  // The free text the register holds is not carried into the new run (issue 7, item 5): the
  // timeline says where it is, and the register has every summary.
  // (A decision whose row was still queued at that moment keeps its words until it is written.)
  const carriedOver = carried.timeline.slice(0, before.timeline.length);
  const kept = carriedOver.filter((t, i) => t.rationale !== undefined && expect(t).toEqual(before.timeline[i]) === undefined);
  // Only the last few decisions' rows can still be queued as the run ends; the rest were written.
  expect(kept.length).toBeLessThan(updates / 10);
  carriedOver.forEach((t, i) => {
    const { rationale, ...rest } = before.timeline[i]!;
    if (t.rationale === undefined) expect(t).toEqual(rationale === undefined ? rest : { ...rest, rationaleInRegister: true });
  });
  expect(JSON.stringify(carriedOver)).not.toContain('Progress note 1 (test).');
  const summaries = (await stack.cases.caseEntries(ref)).filter((e) => e.kind === 'decision:review-progress').map((e) => e.detail.rationale);
  expect(summaries).toContain('Progress note 1 (test).');
  expect(carried.open.map((o) => [o.id, o.dueAt])).toEqual(before.open.map((o) => [o.id, o.dueAt]));
  expect(carried.open.map((o) => o.id).sort()).toEqual(['lcspr-publication', 'reviewer-commissioned', 'terms-of-reference']);
  expect(carried.obligations).toEqual(before.obligations);

  // No timer lost: the new run sleeps until the next reminder or deadline instant.
  const newHistory = (await newRun.fetchHistory()).events ?? [];
  expect(newHistory[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBe(firstRunId);
  const wake = nextWake(carried.obligations);
  expect(wake).toBeGreaterThan(Date.now());
  const timers = newHistory.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
  expect(timers.length).toBeGreaterThan(0);
  const firesAt = timers.map((e) => {
    const at = e.eventTime!;
    return Number(at.seconds) * 1000 + Math.round((at.nanos ?? 0) / 1e6) + millis(e.timerStartedEventAttributes?.startToFireTimeout);
  });
  expect(Math.min(...firesAt.map((t) => Math.abs(t - wake)))).toBeLessThan(5_000);

  // The next decision lands on the new run.
  const commissioned = await decide(handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)', reviewerId: actors.reviewer.id });
  expect(commissioned.obligations['reviewer-commissioned']!.status).toBe('met');
  expect(commissioned.stage).toBe('lcspr');
  expect((await handle.describe()).runId).toBe(newRunId);
  const newRunEvents = (await newRun.fetchHistory()).events ?? [];
  const accepted = newRunEvents.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  expect(accepted.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)).toContain('reviewer-commissioned');

  // Every progress note reached the register once: keys kept counting across the runs.
  const entries = await stack.cases.caseEntries(ref);
  expect(entries.filter((e) => e.kind === 'decision:review-progress')).toHaveLength(updates);
  expect(entries.filter((e) => e.kind === 'decision:reviewer-commissioned')).toHaveLength(1);

  // Only the new run is running; a plain client sees one open execution for the case.
  const plain = new WorkflowClient({ connection: stack.env.connection, namespace: stack.env.namespace ?? 'default' });
  expect((await plain.getHandle(handle.workflowId).describe()).status.name).toBe('RUNNING');
  console.info(`continue-as-new test took ${Math.round((Date.now() - started) / 1000)} s`);
});

// TEMPORAL-NOTES.md: updateId de-duplicates only within one run. The API passes the HTTP
// Idempotency-Key as the updateId, so a retried request must not be applied twice just because
// the case continued as new in between; the workflow has to carry the processed IDs across.
test('an idempotency key (updateId) already processed is not applied again after continue-as-new', async () => {
  const { ref, handle, firstRunId } = await caseInLcspr();
  const key = (n: number) => `${ref}-progress-${n}`;

  // Within one run Temporal answers a repeated updateId with the first result.
  await progress(handle, 1, key(1));
  const repeated = await progress(handle, 1, key(1));
  expect(repeated.timeline.filter((t) => t.kind === 'decision:review-progress').length).toBe(1);

  let updates = 1;
  while ((await handle.describe()).runId === firstRunId && updates < MAX_UPDATES) {
    updates += 1;
    await progress(handle, updates, key(updates));
  }
  expect((await handle.describe()).runId).not.toBe(firstRunId);

  // The client retries the first request, with its key, after the case continued as new.
  const retried = await progress(handle, 1, key(1));
  // Register rows follow the decision; wait until the case has carried them out.
  await settled(handle);
  const recorded = {
    timeline: retried.timeline.filter((t) => t.kind === 'decision:review-progress').length,
    register: (await stack.cases.caseEntries(ref)).filter((e) => e.kind === 'decision:review-progress').length,
  };
  expect(recorded).toEqual({ timeline: updates, register: updates });
});
