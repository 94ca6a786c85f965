// Driving improvement actions on the time-skipping server: a case brought to its action plan by
// the learning path (§10.6-10.7), actions agreed by the L&D Chair, each action's own workflow
// read and decided through its handle.
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { ActionDecisionName, ActionStatusView } from '../../domain/action';
import type { Actor } from '../../domain/roles';
import { actionDecisionUpdate, actionStatusQuery, actionWorkflowId } from '../../workflows/contract';
import type { actionWorkflow } from '../../workflows/action';
import { learningReferralForm } from '../fixtures/referral-form';
import { openCase, sspDecides, type PathCase } from './drive';
import { actors, decide, refusal, refusalOf, SETTLE_TIMEOUT_MS, type Harness } from './harness';
import { TEST_DATA_CONVERTER } from './keys';
import { workflowBundle } from './stack';

export type ActionHandle = WorkflowHandle<typeof actionWorkflow>;

/** Someone of an agency who owns its actions. */
export function actionOwner(agency: string, id = 'owner-1'): Actor {
  return { id, role: 'action-owner', agency };
}

/** A case on the learning path, its L&D decision approved by the SSP: at the action-plan stage. */
export async function caseAtActionPlan(h: Harness): Promise<PathCase> {
  const c = await openCase(h, learningReferralForm());
  await sspDecides(h, c, 'not-met-learning');
  await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, { note: 'Fed back (test)' });
  await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit', rationale: 'Audit of information sharing (test).' });
  const s = await decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Agreed (test).' });
  expect(s.stage).toBe('action-plan');
  return c;
}

export function actionHandle(h: Harness, ref: string, actionId: string): ActionHandle {
  return h.env.client.workflow.getHandle<typeof actionWorkflow>(actionWorkflowId(ref, actionId));
}

/** Polls an action's status until the predicate holds (its workflow starts once the plan has answered). */
export async function waitForAction(handle: ActionHandle, predicate: (s: ActionStatusView) => boolean, timeoutMs = SETTLE_TIMEOUT_MS): Promise<ActionStatusView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const status = await handle.query(actionStatusQuery);
      if (predicate(status)) return status;
      if (Date.now() > until) throw new Error(`action did not reach the expected state: ${JSON.stringify({ status: status.status, escalation: status.escalation })}`);
    } catch (err) {
      // Not started yet, or its first task not yet run.
      if (Date.now() > until) throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The action once its emails and register rows are carried out. */
export function settledAction(handle: ActionHandle, predicate: (s: ActionStatusView) => boolean = () => true): Promise<ActionStatusView> {
  return waitForAction(handle, (s) => s.pending.notices === 0 && s.pending.records === 0 && predicate(s));
}

export async function decideAction(handle: ActionHandle, name: ActionDecisionName, actor: Actor, payload: Record<string, unknown>): Promise<ActionStatusView> {
  await handle.executeUpdate(actionDecisionUpdate(name), { args: [{ actor, payload }] });
  return settledAction(handle);
}

/** The refusal type of a decision on an action, or undefined if it was accepted. */
export async function actionUpdateRefusal(handle: ActionHandle, name: ActionDecisionName, actor: Actor, payload: Record<string, unknown>): Promise<string | undefined> {
  return refusalOf(handle.executeUpdate(actionDecisionUpdate(name), { args: [{ actor, payload }] }));
}

/**
 * A refused decision changes nothing in the action (as expectRefused for a case): the status
 * query is the same before and after. Answers the refusal's message (it says why).
 */
export async function expectActionRefused(handle: ActionHandle, name: ActionDecisionName, actor: Actor, payload: Record<string, unknown>, type: string): Promise<string> {
  const before = await handle.query(actionStatusQuery);
  const refused = await refusal(handle.executeUpdate(actionDecisionUpdate(name), { args: [{ actor, payload }] }));
  expect(refused?.type).toBe(type);
  expect(await handle.query(actionStatusQuery)).toEqual(before);
  return refused!.message;
}

/** Who asks for an extension (§9.2: only the owning agency's Chief Officer may). */
export function requester(position: 'chief-officer' | 'head-of-service' | 'action-lead' | 'ld-chair' | 'other', agency: string, name = 'A. Person (test)') {
  return { position, agency, name };
}

/**
 * The action's history so far replays against the workflow code, as a restarted worker (or one that
 * evicted it from its cache) replays it: a nondeterminism error fails the test.
 */
export async function expectReplays(handle: ActionHandle): Promise<void> {
  const history = await handle.fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: TEST_DATA_CONVERTER }, history, handle.workflowId);
}

export const HEALTH = 'Example Health Trust';
export const POLICE = 'Example Police';
/** config/partnership.example.json, as the directory is written there (the tests' own copy). */
export const ADDRESSES = {
  [HEALTH]: { lead: 'safeguarding-actions@health.example.org', head: 'head-of-safeguarding@health.example.org', chief: 'chief-executive@health.example.org' },
  [POLICE]: { lead: 'ppu-actions@police.example.org', head: 'head-of-ppu@police.example.org', chief: 'chief-constable@police.example.org' },
};

/** One action of a plan, its words marked as test data. */
export const terms = (agency: string, deadline: string, n = 1) => ({
  agency,
  owner: `Named safeguarding lead ${n} (test)`,
  description: `Audit discharge summaries for safeguarding flags ${n} (test)`,
  finding: `Finding ${n}: information was not shared at discharge (test)`,
  deadline,
});
