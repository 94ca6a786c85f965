// Scale of an action plan on the real dev server (issue 8, item 6): a case brought to its action
// plan through the API agrees 50 improvement actions in one decision; once every action's workflow
// has started and written its row to the register, the case's own history stays small and far
// under the point where Temporal suggests continue-as-new, and so does each action's.
//
// The threshold compared against: the server's dynamic config `limit.historyCount.suggestContinueAsNew`,
// default 4 * 1024 = 4,096 events (temporalio/temporal, common/dynamicconfig/constants.go:
// "the workflow execution history event count limit to suggest continue-as-new (in workflow task
// started event)"). startDevStack does not override it, so the dev server (CLI 1.5.1) uses the
// default; workflowInfo().continueAsNewSuggested is that flag, read from the latest
// WorkflowTaskStarted event, which this test also reads directly.
//
// Sizes are counts with a margin (measured x ~1.3), so that growth is noticed; no timing is asserted.
import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { actionLog } from '../../register/actions';
import { londonDateOf } from '../../domain/calendar';
import type { Role } from '../../domain/roles';
import { actionStatusQuery, actionWorkflowId, workflowIdFor } from '../../workflows/contract';
import { learningReferralForm } from '../fixtures/referral-form';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';

const EventType = temporal.api.enums.v1.EventType;

const ACTIONS = 50;
/** Temporal's default `limit.historyCount.suggestContinueAsNew` (see above). */
const SUGGEST_CONTINUE_AS_NEW_AT = 4 * 1024;
/** And `limit.historySize.suggestContinueAsNew`, default 4 MiB (same file). */
const SUGGEST_CONTINUE_AS_NEW_BYTES = 4 * 1024 * 1024;
/** Measured: 391 events on the case once its 50 actions had started and settled (three runs: 391, 394, 398; the case's workflow tasks batch a little differently each time). */
const CASE_HISTORY_MAX = 510;
/** Measured: 162,408 bytes of case history at its last workflow task (three runs: 162,408, 162,499, 154,550). */
const CASE_HISTORY_BYTES_MAX = 212_000;
/**
 * Measured: 13 events on an action once started and its row written (A01, A25, A50 alike); 33 since
 * its agency's action lead is told it is theirs at the start (one email with its calendar entry,
 * and that email's register row: domain/owners-told.ts).
 */
const ACTION_HISTORY_MAX = 40;

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: 'scale-bu' },
  { id: 'ssp-la', role: 'ssp', agency: 'Local Authority', token: 'scale-ssp' },
  { id: 'ld-chair', role: 'ld-chair', agency: 'Learning and Development Group', token: 'scale-ld' },
  { id: 'referrer-1', role: 'referrer', agency: 'Example Health Trust', token: 'scale-referrer' },
];
const tokenOf = (id: string) => PEOPLE.find((p) => p.id === id)!.token;
const AGENCIES = ['Example Health Trust', 'Example Police', "Example Council Children's Services", 'Example Primary School'];

/** A YYYY-MM-DD date some days from now (UTC; far enough ahead for London too). */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

async function decide(ref: string, who: string, decision: string, payload: Record<string, unknown>) {
  const res = await request(stack.app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(tokenOf(who))).send(payload);
  expect({ decision, status: res.status, error: res.body.error }).toEqual({ decision, status: 200, error: undefined });
  return res;
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function eventsOf(workflowId: string) {
  const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

test(`a case with ${ACTIONS} actions keeps its own history far under the continue-as-new suggestion`, async () => {
  const created = await request(stack.app).post('/referrals').set(bearer(tokenOf('referrer-1'))).send({ referral: learningReferralForm() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  await decide(ref, 'bu-1', 'ssp-informed', {});
  await decide(ref, 'ssp-la', 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning to explore about Test Child (test).' });
  await decide(ref, 'bu-1', 'referrer-feedback-sent', {});
  await decide(ref, 'ld-chair', 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'Audit of information sharing (test).' });
  const approved = await decide(ref, 'ssp-la', 'ssp-approval', { approved: true, rationale: 'Agreed (test).' });
  expect(approved.body.stage).toBe('action-plan');

  const actions = Array.from({ length: ACTIONS }, (_, i) => ({
    agency: AGENCIES[i % AGENCIES.length]!,
    owner: `Safeguarding lead ${i + 1} (test)`,
    description: `Improve information sharing about Test Child, step ${i + 1} (test).`,
    finding: `Finding ${1 + (i % 5)} (test).`,
    deadline: daysFromNow(60 + i),
  }));
  const agreed = await decide(ref, 'ld-chair', 'actions-agreed', { actions });
  expect(agreed.body.stage).toBe('action-plan');

  // Every action's workflow started, its opening applied and its row written (one snapshot each).
  const startedAt = Date.now();
  const rows = await waitUntil(
    `${ACTIONS} rows in action_record`,
    async () => {
      const log = await actionLog(stack.register, TEST_KEY_RING, { today: londonDateOf(new Date()), includeFreeText: false, status: 'all' });
      const mine = log.filter((r) => r.caseReference === ref);
      return mine.length === ACTIONS ? mine : undefined;
    },
    45_000,
  );
  expect(rows.every((r) => r.status === 'open' && !r.overdue)).toBe(true);
  expect(new Set(rows.map((r) => r.actionId)).size).toBe(ACTIONS);
  // Settled: each action's outbox (its agreement email, its rows) carried out, and the case's too.
  for (const r of rows) {
    const handle = stack.env.client.workflow.getHandle(actionWorkflowId(ref, r.actionId));
    await waitUntil(`${r.actionId} settled`, async () => {
      const s = await handle.query(actionStatusQuery);
      return s.pending.notices + s.pending.records === 0 ? s : undefined;
    }, 15_000);
  }
  const settled = await settledCase(stack.app, ref, tokenOf('bu-1'));
  expect(settled.body.pending ?? { notices: 0, records: 0 }).toEqual({ notices: 0, records: 0 });
  console.log(`${ACTIONS} actions started and settled ${Date.now() - startedAt} ms after actions-agreed answered`);

  const caseEvents = await eventsOf(workflowIdFor(ref));
  const childrenStarted = caseEvents.filter((e) => e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED).length;
  const tasksStarted = caseEvents.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  const last = tasksStarted.at(-1)?.workflowTaskStartedEventAttributes;
  console.log(`case ${ref}: ${caseEvents.length} events, ${childrenStarted} children started, last history size ${String(last?.historySizeBytes)} bytes`);
  expect(childrenStarted).toBe(ACTIONS);
  // The same run: the case did not continue as new along the way.
  expect(caseEvents.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)).toBe(false);
  expect(caseEvents.length).toBeLessThan(CASE_HISTORY_MAX);
  // Far under: less than a sixth of the suggestion, and the server never suggested it.
  expect(caseEvents.length * 6).toBeLessThan(SUGGEST_CONTINUE_AS_NEW_AT);
  expect(tasksStarted.some((e) => e.workflowTaskStartedEventAttributes?.suggestContinueAsNew)).toBe(false);
  const bytes = Number(last?.historySizeBytes ?? 0);
  expect(bytes).toBeGreaterThan(0);
  expect(bytes).toBeLessThan(CASE_HISTORY_BYTES_MAX);
  expect(bytes * 6).toBeLessThan(SUGGEST_CONTINUE_AS_NEW_BYTES);

  for (const actionId of ['A01', 'A25', 'A50']) {
    const events = await eventsOf(actionWorkflowId(ref, actionId));
    console.log(`action ${ref}/${actionId}: ${events.length} events`);
    expect({ actionId, small: events.length < ACTION_HISTORY_MAX }).toEqual({ actionId, small: true });
  }
});
