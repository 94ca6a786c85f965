// The full role × decision matrix (issue 10, item 6) through the real API on the real dev server,
// against the procedure's own table of who decides what (the oracle below, written from the
// procedure's "People and what they may decide" and the sections it cites, never read from
// domain/decisions.ts):
//   - every role × every case decision on a case just received: a role the procedure does not give
//     the decision to is refused 403 RoleNotAllowed and nothing changes; a role it does is let
//     through to the case, which answers for itself (recorded, or refused by its stage: never 403);
//   - two cases walked along the learning path to the action plan and along the LCSPR path, where
//     at every step each role without the decision is refused and the case is unchanged, and then
//     a role with it records it;
//   - every role × every decision on an improvement action.
import request from 'supertest';
import { ACTION_DECISION_NAMES } from '../../domain/action';
import { DECISION_NAMES, type DecisionName } from '../../domain/decisions';
import { ROLES, type Role } from '../../domain/roles';
import { learningReferralForm, validReferralForm } from '../fixtures/referral-form';
import { londonDate, shiftDays } from '../helpers/expected-dates';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';

/** Who records each decision, from the procedure (§ of the source document). */
const MAY_DECIDE: Record<DecisionName, readonly Role[]> = {
  // The Business Unit: SSP informed, notifications, the CSPRP's acknowledgement and responses, feedback (§4.6, §5).
  'ssp-informed': ['business-unit'],
  'referrer-feedback-sent': ['business-unit'],
  'shared-with-ld-chair': ['business-unit'],
  'looked-after-death-notified': ['business-unit'],
  'care-leaver-death-notified': ['business-unit'],
  'national-notification': ['business-unit'],
  'panel-acknowledgement': ['business-unit'],
  'panel-response': ['business-unit'],
  'further-information-sent': ['business-unit'],
  'clock-corrected': ['business-unit'],
  // The SSP: the criteria (§5.4), the level of review after the Rapid Review (§6), commissioning
  // the review (§8), sign-off and publication (§14, §15), approval of L&D decisions (§10.7).
  'ssp-decision': ['ssp'],
  'rapid-review-report': ['ssp'],
  'reviewer-commissioned': ['ssp'],
  // §8.1: the SSP commission, so they replace or add a reviewer.
  'reviewer-changed': ['ssp'],
  'ssp-sign-off': ['ssp'],
  'publication-delayed': ['ssp'],
  published: ['ssp'],
  'not-to-publish': ['ssp'],
  'publication-removed': ['ssp'],
  'national-review-completed': ['ssp'],
  'ssp-approval': ['ssp'],
  // What is sent to the Panel and the Secretary of State: by the SSP or for them by the Business Unit (§14.7, §15).
  'report-sent-to-panel': ['ssp', 'business-unit'],
  'delay-explained-to-panel': ['ssp', 'business-unit'],
  'justification-sent-to-panel': ['ssp', 'business-unit'],
  // The Rapid Review Panel's chair: the meeting and its recommendation (§6); the terms of reference,
  // agreed by the Governance Group the same chair chairs (§9.1).
  'rapid-review-scheduled': ['rapid-review-chair'],
  'rapid-review-held': ['rapid-review-chair'],
  'terms-of-reference-agreed': ['rapid-review-chair'],
  // The reviewer reports progress and the draft (§8, §14); the SSP may record progress they hear of.
  'review-progress': ['reviewer', 'ssp'],
  'draft-report-to-ld': ['reviewer'],
  // The L&D Group's chair: the §10.6 outcome, the action plan (§9.2, §16.2).
  'ld-decision': ['ld-chair'],
  'actions-agreed': ['ld-chair'],
  'other-review-completed': ['ssp', 'ld-chair'],
  'close-case': ['ssp', 'ld-chair'],
  // §6.5: the SSP (the Rapid Review chair in practice) ask each agency; the agency returns its own.
  'rapid-review-information-requested': ['rapid-review-chair', 'ssp'],
  'rapid-review-return': ['action-owner'],
};

/** An improvement action (§9.2, §16.2): the agency completes it; the L&D Chair extends, withdraws, involves the SSP. */
const MAY_DECIDE_ON_ACTION: Record<(typeof ACTION_DECISION_NAMES)[number], readonly Role[]> = {
  'action-completed': ['action-owner', 'ld-chair'],
  'action-extended': ['ld-chair'],
  'action-withdrawn': ['ld-chair'],
  'ssp-involved': ['ld-chair'],
};

const AGENCY = 'Example Health Trust';
const tokenOf = (role: Role) => `matrix-${role}-token`;
const idOf = (role: Role) => `${role}-1`;
const PEOPLE = ROLES.map((role) => ({ id: idOf(role), role, agency: role === 'action-owner' ? AGENCY : `Test ${role}`, token: tokenOf(role) }));
const DAY_MS = 86_400_000;
const today = () => londonDate(Date.now());
const inDays = (n: number) => shiftDays(today(), n);

/** A payload of the right shape for each decision (whether it fits the case is the case's to say). */
function payloadFor(name: DecisionName): Record<string, unknown> {
  const payloads: Record<DecisionName, Record<string, unknown>> = {
    'ssp-informed': {},
    'ssp-decision': { outcome: 'criteria-met', rationale: 'Matrix (test).' },
    'referrer-feedback-sent': {},
    'shared-with-ld-chair': {},
    'looked-after-death-notified': {},
    'care-leaver-death-notified': {},
    'national-notification': { panelReference: 'CSPRP/2026/0099' },
    'panel-acknowledgement': {},
    'rapid-review-scheduled': { meetingDate: inDays(5) },
    'rapid-review-held': { recommendation: 'lcspr', rationale: 'Matrix (test).' },
    'rapid-review-report': { levelOfReview: 'lcspr', rationale: 'Matrix (test).' },
    'panel-response': { response: 'local-review' },
    'further-information-sent': {},
    'reviewer-commissioned': { reviewer: 'Independent reviewer (test)', reviewerId: idOf('reviewer') },
    'reviewer-changed': { reviewer: 'Second reviewer (test)', reviewerId: 'reviewer-second', reason: 'Added to share the work (test).' },
    'terms-of-reference-agreed': {},
    'review-progress': { summary: 'Matrix progress (test).' },
    'draft-report-to-ld': {},
    'ssp-sign-off': { plannedPublicationDate: inDays(60), publish: 'full-report' },
    'report-sent-to-panel': {},
    'publication-delayed': { reason: 'Matrix (test).' },
    'delay-explained-to-panel': {},
    published: { publishedOn: today() },
    'not-to-publish': { justification: 'Matrix (test).' },
    'justification-sent-to-panel': {},
    'publication-removed': { reason: 'Matrix (test).' },
    'national-review-completed': {},
    'other-review-completed': {},
    'ld-decision': { outcome: 'multi-agency-audit', rationale: 'Matrix (test).' },
    'ssp-approval': { approved: true, rationale: 'Matrix (test).' },
    'clock-corrected': { clock: 'la-became-aware', correctedTo: new Date(Date.now() - DAY_MS).toISOString().slice(0, 10), reason: 'Matrix (test).' },
    'actions-agreed': { actions: [{ agency: AGENCY, owner: 'Owner (test)', description: 'Action (test)', finding: 'Finding (test)', deadline: inDays(90) }] },
    'close-case': {},
    'rapid-review-information-requested': { agencies: [{ agency: AGENCY }], returnsDueOn: inDays(3) },
    'rapid-review-return': { involvement: 'Matrix (test).', safeguardingIssues: 'Matrix (test).', informationHeld: 'Matrix (test).', author: 'Author (test)', chronology: [] },
  };
  return payloads[name];
}

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

const post = (path: string, role: Role, body: object) => request(stack.app).post(path).set(bearer(tokenOf(role))).send(body);

async function refer(form = validReferralForm()): Promise<string> {
  const res = await post('/referrals', 'business-unit', { referral: form });
  expect(res.status).toBe(201);
  return res.body.caseReference as string;
}

/** The decisions a case has recorded, as the Business Unit reads them. */
async function recorded(ref: string): Promise<string[]> {
  const res = await request(stack.app).get(`/cases/${ref}`).set(bearer(tokenOf('business-unit')));
  expect(res.status).toBe(200);
  return (res.body.timeline as Array<{ kind: string }>).map((t) => t.kind).filter((k) => k.startsWith('decision:'));
}

test('the oracle covers every decision the API knows, and only those', () => {
  expect(Object.keys(MAY_DECIDE).sort()).toEqual([...DECISION_NAMES].sort());
  expect(Object.keys(MAY_DECIDE_ON_ACTION).sort()).toEqual([...ACTION_DECISION_NAMES].sort());
});

test('a referral is made by a referrer or entered by the Business Unit (Appendix 1, §4); no other role opens a case', async () => {
  for (const role of ROLES) {
    const res = await post('/referrals', role, { referral: validReferralForm() });
    const expected = role === 'referrer' || role === 'business-unit' ? { status: 201 } : { status: 403, code: 'RoleNotAllowed' };
    expect({ role, status: res.status, ...(res.body.error ? { code: res.body.error.code } : {}) }).toEqual({ role, ...expected });
  }
});

test('every role × every decision on a case just received: refused 403 exactly where the procedure says, else the case answers', async () => {
  const ref = await refer();
  const before = await recorded(ref);
  const outcomes: string[] = [];
  // The refusals first, all of them: nothing they send may change the case.
  for (const name of DECISION_NAMES) {
    for (const role of ROLES.filter((r) => !MAY_DECIDE[name].includes(r))) {
      const res = await post(`/cases/${ref}/decisions/${name}`, role, payloadFor(name));
      expect({ name, role, status: res.status, code: res.body.error?.code }).toEqual({ name, role, status: 403, code: 'RoleNotAllowed' });
    }
  }
  expect(await recorded(ref)).toEqual(before);
  // Then each role the procedure gives the decision to, each on a case of its own (one may fit and change it).
  for (const name of DECISION_NAMES) {
    for (const role of MAY_DECIDE[name]) {
      const own = ['ssp-informed', 'clock-corrected', 'shared-with-ld-chair', 'looked-after-death-notified'].includes(name) ? await refer() : ref;
      const res = await post(`/cases/${own}/decisions/${name}`, role, payloadFor(name));
      outcomes.push(`${name} ${role} ${res.status} ${res.body.error?.code ?? ''}`);
      // Recorded, or refused by the case (its stage, what it still needs); for a reviewer not yet
      // commissioned the case does not exist (§8). Never the role, never a 5xx.
      expect({ name, role, ok: res.status === 200 || (res.status === 409 && res.body.error.code !== 'RoleNotAllowed') || (role === 'reviewer' && res.status === 404) }).toEqual({ name, role, ok: true });
    }
  }
  // A case just received takes "SSP informed"; most decisions wait for later stages.
  expect(outcomes).toContain('ssp-informed business-unit 200 ');
  expect(outcomes.filter((o) => o.includes(' 409 WrongStage')).length).toBeGreaterThan(20);
});

/**
 * One step of a path: each role without the decision is refused and the case is unchanged, then
 * `by` (a role with it) records it.
 */
async function step(ref: string, name: DecisionName, by: Role, body: Record<string, unknown> = payloadFor(name)): Promise<request.Response> {
  expect(MAY_DECIDE[name]).toContain(by);
  const before = await recorded(ref);
  for (const role of ROLES.filter((r) => !MAY_DECIDE[name].includes(r))) {
    const res = await post(`/cases/${ref}/decisions/${name}`, role, body);
    expect({ name, role, status: res.status, code: res.body.error?.code }).toEqual({ name, role, status: 403, code: 'RoleNotAllowed' });
  }
  expect(await recorded(ref)).toEqual(before);
  const res = await post(`/cases/${ref}/decisions/${name}`, by, body);
  expect({ name, by, status: res.status, error: res.body.error }).toEqual({ name, by, status: 200 });
  return res;
}

test('along the learning path to the action plan: at each step only the roles the procedure names; then every role × every action decision', async () => {
  const ref = await refer(learningReferralForm());
  await step(ref, 'ssp-informed', 'business-unit');
  await step(ref, 'ssp-decision', 'ssp', { outcome: 'not-met-learning', rationale: 'Learning to explore (test).' });
  await step(ref, 'referrer-feedback-sent', 'business-unit');
  await step(ref, 'ld-decision', 'ld-chair');
  await step(ref, 'ssp-approval', 'ssp');
  const agreed = await step(ref, 'actions-agreed', 'ld-chair', {
    actions: [1, 2, 3].map((n) => ({ agency: AGENCY, owner: `Owner ${n} (test)`, description: `Action ${n} (test)`, finding: `Finding ${n} (test)`, deadline: inDays(90 + n) })),
  });
  const [first, second, third] = (agreed.body.agreed as Array<{ actionId: string }>).map((a) => a.actionId) as [string, string, string];

  const actionPayload: Record<(typeof ACTION_DECISION_NAMES)[number], Record<string, unknown>> = {
    'action-completed': { completedOn: today(), evidence: 'Evidence (test).' },
    'action-extended': { newDeadline: inDays(150), requestedBy: { position: 'chief-officer', agency: AGENCY, name: 'Chief Officer (test)' }, reason: 'Exceptional (test).' },
    'action-withdrawn': { reason: 'Superseded (test).' },
    'ssp-involved': { reason: 'Exceptional (test).' },
  };
  const onAction = (actionId: string, name: string, role: Role) => post(`/cases/${ref}/actions/${actionId}/decisions/${name}`, role, actionPayload[name as keyof typeof actionPayload]);
  // An action as the Chair reads it, less what its queued register rows do meanwhile.
  const actionState = async (actionId: string) => {
    const { pending: _pending, ...rest } = (await request(stack.app).get(`/cases/${ref}/actions/${actionId}`).set(bearer(tokenOf('ld-chair')))).body as { pending?: unknown };
    return rest;
  };
  // The action's workflow starts once the plan has answered.
  const until = Date.now() + 20_000;
  while ((await request(stack.app).get(`/cases/${ref}/actions/${third}`).set(bearer(tokenOf('ld-chair')))).status !== 200) {
    if (Date.now() > until) throw new Error('the actions never started');
    await new Promise((r) => setTimeout(r, 200));
  }
  const beforeRefusals = [await actionState(first), await actionState(second), await actionState(third)];
  for (const name of ACTION_DECISION_NAMES) {
    for (const role of ROLES.filter((r) => !MAY_DECIDE_ON_ACTION[name].includes(r))) {
      const res = await onAction(first, name, role);
      expect({ name, role, status: res.status, code: res.body.error?.code }).toEqual({ name, role, status: 403, code: 'RoleNotAllowed' });
    }
  }
  expect([await actionState(first), await actionState(second), await actionState(third)]).toEqual(beforeRefusals);
  // Each role with the decision records it: the L&D Chair involves the SSP and extends; the agency
  // completes one, the Chair another; the Chair withdraws the third.
  for (const [actionId, name, role] of [
    [first, 'ssp-involved', 'ld-chair'],
    [first, 'action-extended', 'ld-chair'],
    [first, 'action-completed', 'action-owner'],
    [second, 'action-completed', 'ld-chair'],
    [third, 'action-withdrawn', 'ld-chair'],
  ] as const) {
    const res = await onAction(actionId, name, role);
    expect({ actionId, name, role, status: res.status, error: res.body.error }).toEqual({ actionId, name, role, status: 200 });
  }
});

test('along the LCSPR path: at each step only the roles the procedure names, the reviewer once commissioned', async () => {
  const ref = await refer();
  await step(ref, 'ssp-informed', 'business-unit');
  await step(ref, 'ssp-decision', 'ssp');
  await step(ref, 'referrer-feedback-sent', 'business-unit');
  await step(ref, 'national-notification', 'business-unit');
  await step(ref, 'panel-acknowledgement', 'business-unit');
  await step(ref, 'rapid-review-scheduled', 'rapid-review-chair');
  await step(ref, 'rapid-review-held', 'rapid-review-chair');
  await step(ref, 'rapid-review-report', 'ssp');
  await step(ref, 'panel-response', 'business-unit');
  await step(ref, 'reviewer-commissioned', 'ssp');
  await step(ref, 'terms-of-reference-agreed', 'rapid-review-chair');
  // Progress is the reviewer's to report, and the SSP's to record.
  await step(ref, 'review-progress', 'reviewer');
  await step(ref, 'review-progress', 'ssp');
  await step(ref, 'draft-report-to-ld', 'reviewer');
  await step(ref, 'ssp-sign-off', 'ssp');
  // Sent to the Panel by the Business Unit for the SSP.
  await step(ref, 'report-sent-to-panel', 'business-unit');
  const published = await step(ref, 'published', 'ssp');
  expect(published.body.stage).toBe('action-plan');
});
