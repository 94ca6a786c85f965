// Improvement actions through the real API on the real dev server: who may agree, read and decide
// on an action (§9.2, §16.2), what a stranger to it is told, and the answers for an action whose
// workflow has finished or an agency the directory does not know.
import request from 'supertest';
import { actionWorkflowId } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';

const PEOPLE = [
  { id: 'bu-1', role: 'business-unit' as const, agency: 'Business Unit', token: 'act-bu' },
  { id: 'ssp-la', role: 'ssp' as const, agency: 'Local Authority', token: 'act-ssp' },
  { id: 'ld-chair', role: 'ld-chair' as const, agency: 'Learning and Development Group', token: 'act-ld' },
  { id: 'owner-health', role: 'action-owner' as const, agency: 'Example Health Trust', token: 'act-owner-health' },
  { id: 'owner-police', role: 'action-owner' as const, agency: 'Example Police', token: 'act-owner-police' },
  { id: 'referrer-1', role: 'referrer' as const, agency: 'Example Health Trust', token: 'act-referrer' },
  { id: 'ops-1', role: 'operations' as const, agency: 'Partnership IT', token: 'act-ops' },
];
const AGENCIES = ['Example Health Trust', 'Example Police'];
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const action = (agency: string, n: number) => ({ agency, owner: `Owner ${n} (test)`, description: `Action ${n} (test)`, finding: `Finding ${n} (test)`, deadline: inDays(90 + n) });

let stack: DevStack;
let ref: string;
const post = (token: string, path: string, body: object) => request(stack.app).post(path).set(bearer(token)).send(body);

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE, app: { agencies: AGENCIES } });
  const created = await post('act-bu', '/referrals', { referral: validReferralForm() });
  expect(created.status).toBe(201);
  ref = created.body.caseReference as string;
  for (const [token, decision, body] of [
    ['act-bu', 'ssp-informed', {}],
    ['act-ssp', 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning to explore (test).' }],
    ['act-bu', 'referrer-feedback-sent', {}],
    ['act-ld', 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'Audit (test).' }],
    ['act-ssp', 'ssp-approval', { approved: true, rationale: 'Agreed (test).' }],
  ] as const) {
    const res = await post(token, `/cases/${ref}/decisions/${decision}`, body);
    expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
  }
});
afterAll(async () => {
  await stack?.stop();
});

test('only the L&D Chair agrees actions, and only for agencies in the directory', async () => {
  expect((await post('act-ssp', `/cases/${ref}/decisions/actions-agreed`, { actions: [action(AGENCIES[0]!, 1)] })).status).toBe(403);
  const unknown = await post('act-ld', `/cases/${ref}/decisions/actions-agreed`, { actions: [action('Unlisted Agency Ltd', 1)] });
  expect([unknown.status, unknown.body.error.code, unknown.body.error.problems]).toEqual([422, 'InvalidDecision', [{ path: 'actions.0.agency', message: `agency (action 1) is not one of the partnership's agencies; send one of: ${AGENCIES.join(', ')}` }]]);
  expect(JSON.stringify(unknown.body)).not.toContain('Unlisted Agency');
  const past = await post('act-ld', `/cases/${ref}/decisions/actions-agreed`, { actions: [{ ...action(AGENCIES[0]!, 1), deadline: inDays(-1) }] });
  expect([past.status, past.body.error.problems?.[0]?.path]).toEqual([422, 'actions.0.deadline']);
  const agreed = await post('act-ld', `/cases/${ref}/decisions/actions-agreed`, { actions: [action(AGENCIES[0]!, 1), action(AGENCIES[1]!, 2)] });
  expect(agreed.status).toBe(200);
  expect(agreed.body.agreed.map((a: { actionId: string }) => a.actionId)).toEqual(['A01', 'A02']);
});

test("an action owner reads and decides on their own agency's actions only; others are told there is none", async () => {
  const mine = await request(stack.app).get(`/cases/${ref}/actions/A01`).set(bearer('act-owner-health'));
  expect([mine.status, mine.body.agency, mine.body.status]).toEqual([200, AGENCIES[0], 'open']);
  expect(mine.headers['cache-control']).toBe('no-store');
  const theirs = await request(stack.app).get(`/cases/${ref}/actions/A01`).set(bearer('act-owner-police'));
  expect([theirs.status, theirs.body.error.code]).toEqual([404, 'ActionNotFound']);
  const decided = await post('act-owner-police', `/cases/${ref}/actions/A01/decisions/action-completed`, { completedOn: inDays(0), evidence: 'Not ours (test).' });
  expect([decided.status, decided.body.error.code]).toEqual([404, 'ActionNotFound']);
  expect((await request(stack.app).get(`/cases/${ref}/actions/A01`).set(bearer('act-referrer'))).status).toBe(403);
  expect((await request(stack.app).get(`/cases/${ref}/actions/A01`).set(bearer('act-ops'))).status).toBe(200);
  expect((await request(stack.app).get(`/cases/${ref}/actions/ZZ1`).set(bearer('act-ld'))).status).toBe(404);
  expect((await request(stack.app).get(`/cases/${ref}/actions/A09`).set(bearer('act-ld'))).status).toBe(404);
  expect((await post('act-ld', `/cases/${ref}/actions/A01/decisions/no-such-thing`, {})).status).toBe(404);
  expect((await post('act-owner-health', `/cases/${ref}/actions/A01/decisions/action-withdrawn`, { reason: 'x' })).status).toBe(403);
});

test('completed, its workflow finishes; a later decision is answered 409 ActionClosed; the case closes after its last action', async () => {
  const done = await post('act-owner-health', `/cases/${ref}/actions/A01/decisions/action-completed`, { completedOn: inDays(0), evidence: 'Audit presented (test).' });
  expect([done.status, done.body.status]).toEqual([200, 'completed']);
  // Once the action's workflow has finished, the register answers for it.
  const handle = stack.env.client.workflow.getHandle(actionWorkflowId(ref, 'A01'));
  await handle.result();
  const again = await post('act-ld', `/cases/${ref}/actions/A01/decisions/action-withdrawn`, { reason: 'Too late (test).' });
  expect([again.status, again.body.error.code]).toEqual([409, 'ActionClosed']);
  const withdrawn = await post('act-ld', `/cases/${ref}/actions/A02/decisions/action-withdrawn`, { reason: 'Superseded (test).' });
  expect([withdrawn.status, withdrawn.body.status]).toEqual([200, 'withdrawn']);
  await stack.env.client.workflow.getHandle(`incident-${ref}`).result();
  const closed = await request(stack.app).get(`/cases/${ref}`).set(bearer('act-ld'));
  expect([closed.status, closed.body.stage]).toEqual([200, 'closed']);
  expect(closed.body.timeline.find((t: { kind: string }) => t.kind === 'case-closed')).toMatchObject({ detail: { automatic: true, actionsCompleted: 1, actionsWithdrawn: 1 } });
});
