// One time-skipping test per path through the procedure's map where the SSP decide the criteria for
// notification are not met (§5.5-5.7, §10.6-10.7), and the looked-after child's death (§5.3):
// from the referral to where the branch ends, through the real decisions, each made by the role
// domain/decisions.ts allows. Expected deadlines are worked out here from the procedure (DSP 1.5) "How to
// count" with the tests' own calendar (helpers/expected-dates.ts), never taken from the code's output.
import { statusQuery } from '../../workflows/contract';
import { learningReferralForm, validReferralForm } from '../fixtures/referral-form';
import { closeAndComplete, MET_AT_SSP_DECISION, openCase, sspDecides } from '../helpers/drive';
import { londonDate } from '../helpers/expected-dates';
import { actors, decide, expectRefused, refusal, startHarness, type Harness } from '../helpers/harness';
import { expectDeadline, expectObligations, registerOf, rounds } from '../helpers/obligations';

const LD_RATIONALE = 'Fictitious test rationale: information sharing between agencies to be audited.';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

test('learning: the L&D Group decides, the SSP send it back, it decides again, approved, action plan, closed', async () => {
  const c = await openCase(h, learningReferralForm());
  let s = await sspDecides(h, c, 'not-met-learning');
  const decidedAt = s.clocks['ssp-decision']!;
  expect(s.stage).toBe('learning-review');
  expect(s.clocks['learning-referred']).toBe(decidedAt);
  expectDeadline(s, 'ld-decision', 'learning-referred', londonDate(decidedAt), { workingDaysAfter: 20 }, false);
  expectObligations(s, { open: ['ld-decision', 'referrer-feedback'], met: MET_AT_SSP_DECISION, closed: ['national-notification'] });

  // learning-review: refusals change nothing.
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ssp, { outcome: 'multi-agency-audit', rationale: LD_RATIONALE }), 'RoleNotAllowed');
  await expectRefused(c.handle, () => decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Too early' }), 'WrongStage');
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit' }), 'InvalidDecision');
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'serious-case-review', rationale: LD_RATIONALE }), 'InvalidDecision');
  await expectRefused(c.handle, () => decide(c.handle, 'close-case', actors.ldChair, {}), 'WrongStage');

  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, { note: 'Outcome fed back by letter' });
  expectObligations(s, { open: ['ld-decision'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback'], closed: ['national-notification'] });

  s = await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit', rationale: LD_RATIONALE });
  const firstDecisionAt = s.clocks['ld-decision']!;
  expect(s.stage).toBe('awaiting-ssp-approval');
  expect(s.facts.ldOutcome).toBe('multi-agency-audit');
  expect(s.obligations['ld-decision']).toMatchObject({ round: 1, status: 'met', metAt: firstDecisionAt, metBy: actors.ldChair.id });
  expectDeadline(s, 'ld-decision-approval', 'ld-decision', londonDate(firstDecisionAt), { workingDaysAfter: 10 }, false);
  expectObligations(s, { open: ['ld-decision-approval'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision'], closed: ['national-notification'] });

  // awaiting-ssp-approval: refusals change nothing.
  await expectRefused(c.handle, () => decide(c.handle, 'ssp-approval', actors.ldChair, { approved: true, rationale: 'Not theirs' }), 'RoleNotAllowed');
  await expectRefused(c.handle, () => decide(c.handle, 'ssp-approval', actors.ssp, { approved: true }), 'InvalidDecision');
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'quality-assurance', rationale: LD_RATIONALE }), 'AlreadyMet');

  // §10.7: the SSP send the decision back; the L&D Group decides again (round 2).
  s = await decide(c.handle, 'ssp-approval', actors.ssp, { approved: false, rationale: 'Fictitious test rationale: a wider review is needed.' });
  const sentBackAt = s.clocks['learning-referred']!;
  expect(s.stage).toBe('learning-review');
  expect(sentBackAt).toBe(s.obligations['ld-decision-approval']!.metAt);
  expect(s.obligations['ld-decision']).toMatchObject({ round: 2, status: 'open' });
  expectDeadline(s, 'ld-decision', 'learning-referred', londonDate(sentBackAt), { workingDaysAfter: 20 }, false);
  expect(rounds(s.met, 'ld-decision')).toEqual([1]);
  expect(rounds(s.open, 'ld-decision')).toEqual([2]);
  expectObligations(s, { open: ['ld-decision'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision', 'ld-decision-approval'], closed: ['national-notification'] });

  s = await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-practice-review', rationale: LD_RATIONALE });
  const secondDecisionAt = s.clocks['ld-decision']!;
  expect(s.stage).toBe('awaiting-ssp-approval');
  expect(s.facts.ldOutcome).toBe('multi-agency-practice-review');
  expect(s.obligations['ld-decision-approval']).toMatchObject({ round: 2, status: 'open' });
  expectDeadline(s, 'ld-decision-approval', 'ld-decision', londonDate(secondDecisionAt), { workingDaysAfter: 10 }, false);

  s = await decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Fictitious test rationale: approved.' });
  expect(s.stage).toBe('action-plan');
  expect(rounds(s.met, 'ld-decision')).toEqual([1, 2]);
  expect(rounds(s.met, 'ld-decision-approval')).toEqual([1, 2]);
  expectObligations(s, {
    open: [],
    met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision', 'ld-decision', 'ld-decision-approval', 'ld-decision-approval'],
    // §5.2: watched from the referral, withdrawn when the SSP found the criteria not met.
    closed: ['national-notification'],
  });
  expect(s.facts).toEqual({ lookedAfterChildDied: false, sspOutcome: 'not-met-learning', ldOutcome: 'multi-agency-practice-review', referringAgency: expect.any(String) });
  await closeAndComplete(h, c);

  const register = await registerOf(h, c.ref);
  expect(register.decisions).toEqual([
    'ssp-informed',
    'ssp-decision',
    'referrer-feedback-sent',
    'ld-decision',
    'ssp-approval',
    'ld-decision',
    'ssp-approval',
    'close-case',
  ]);
  expect(register.entries.filter((e) => e.kind === 'decision:ssp-approval').map((e) => e.detail.approved)).toEqual([false, true]);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision', 'ld-decision', 'ld-decision-approval', 'ld-decision-approval'].sort());
  expect(register.missed).toEqual([]);
  expect(register.metLate).toEqual([]);
});

test('learning: the L&D Group finds no further action, the SSP approve, closed', async () => {
  const c = await openCase(h, learningReferralForm());
  let s = await sspDecides(h, c, 'not-met-learning');
  expect(s.stage).toBe('learning-review');

  s = await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'no-further-action', rationale: LD_RATIONALE });
  expect(s.stage).toBe('awaiting-ssp-approval');
  expect(s.facts.ldOutcome).toBe('no-further-action');
  s = await decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Fictitious test rationale: agreed.' });
  expect(s.stage).toBe('no-further-action');
  expectObligations(s, { open: ['referrer-feedback'], met: [...MET_AT_SSP_DECISION, 'ld-decision', 'ld-decision-approval'], closed: ['national-notification'] });
  await expectRefused(c.handle, () => decide(c.handle, 'close-case', actors.ssp, {}), 'WrongStage');

  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, {});
  expectObligations(s, { open: [], met: [...MET_AT_SSP_DECISION, 'ld-decision', 'ld-decision-approval', 'referrer-feedback'], closed: ['national-notification'] });
  await closeAndComplete(h, c, actors.ssp);

  const register = await registerOf(h, c.ref);
  expect(register.decisions).toEqual(['ssp-informed', 'ssp-decision', 'ld-decision', 'ssp-approval', 'referrer-feedback-sent', 'close-case']);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'ld-decision', 'ld-decision-approval', 'referrer-feedback'].sort());
});

test('not met, no learning: no further action; closing waits for the feedback to the referrer', async () => {
  const c = await openCase(h, validReferralForm({ determination: { meetsCriteriaForNotification: false, learningToExplore: false } }));
  let s = await sspDecides(h, c, 'not-met-no-further-action');
  expect(s.stage).toBe('no-further-action');
  expect(s.facts).toEqual({ lookedAfterChildDied: false, sspOutcome: 'not-met-no-further-action', referringAgency: expect.any(String) });
  expectObligations(s, { open: ['referrer-feedback'], met: MET_AT_SSP_DECISION, closed: ['national-notification'] });

  const before = await c.handle.query(statusQuery);
  const refused = await refusal(decide(c.handle, 'close-case', actors.ssp, {}));
  expect(refused).toEqual({ type: 'WrongStage', message: expect.stringContaining('obligations still open: referrer-feedback') });
  expect(await c.handle.query(statusQuery)).toEqual(before);

  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, { note: 'Rationale shared with the referrer' });
  expect(s.obligations['referrer-feedback']).toMatchObject({ status: 'met', metBy: actors.businessUnit.id });
  expectObligations(s, { open: [], met: [...MET_AT_SSP_DECISION, 'referrer-feedback'], closed: ['national-notification'] });
  await closeAndComplete(h, c, actors.ssp);

  const register = await registerOf(h, c.ref);
  expect(register.decisions).toEqual(['ssp-informed', 'ssp-decision', 'referrer-feedback-sent', 'close-case']);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'referrer-feedback'].sort());
  expect(register.entries.filter((e) => e.kind === 'ssp-decision-shared-sent').map((e) => e.obligationId)).toEqual(['ld-informed']);
});

test('a looked-after child died: DfE and Ofsted must be told whatever the SSP decide; closing waits for it', async () => {
  const base = validReferralForm();
  const child = { ...base.children[0]!, lookedAfter: true, incidentRelatesToDeath: true, dateOfDeath: '2026-03-01' };
  const c = await openCase(h, validReferralForm({ children: [child] }), true);
  let s = await c.handle.query(statusQuery);
  expectDeadline(s, 'looked-after-death-notification', 'la-became-aware', c.receivedOn, { workingDaysAfter: 5 });
  expectObligations(s, { open: ['ssp-informed', 'ssp-decision', 'national-notification', 'looked-after-death-notification'], met: ['referral-submitted'] });

  s = await sspDecides(h, c, 'not-met-no-further-action', ['looked-after-death-notification']);
  expect(s.stage).toBe('no-further-action');
  expect(s.facts).toEqual({ lookedAfterChildDied: true, sspOutcome: 'not-met-no-further-action', referringAgency: expect.any(String) });
  // Not withdrawn by the decision: §5.3 applies whatever the criteria decision.
  expectObligations(s, { open: ['looked-after-death-notification', 'referrer-feedback'], met: MET_AT_SSP_DECISION, closed: ['national-notification'] });

  let refused = await refusal(decide(c.handle, 'close-case', actors.ssp, {}));
  expect(refused).toEqual({ type: 'WrongStage', message: expect.stringContaining('obligations still open: looked-after-death-notification, referrer-feedback') });
  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, {});
  expectObligations(s, { open: ['looked-after-death-notification'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback'], closed: ['national-notification'] });

  const before = await c.handle.query(statusQuery);
  refused = await refusal(decide(c.handle, 'close-case', actors.ldChair, {}));
  expect(refused).toEqual({ type: 'WrongStage', message: expect.stringContaining('obligations still open: looked-after-death-notification') });
  expect(await c.handle.query(statusQuery)).toEqual(before);

  s = await decide(c.handle, 'looked-after-death-notified', actors.businessUnit, { note: 'DfE and Ofsted notified' });
  expect(s.obligations['looked-after-death-notification']).toMatchObject({ status: 'met', metBy: actors.businessUnit.id });
  expectObligations(s, { open: [], met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'looked-after-death-notification'], closed: ['national-notification'] });
  await closeAndComplete(h, c);

  const register = await registerOf(h, c.ref);
  expect(register.decisions).toEqual(['ssp-informed', 'ssp-decision', 'referrer-feedback-sent', 'looked-after-death-notified', 'close-case']);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'referrer-feedback', 'looked-after-death-notification'].sort());
  expect(register.missed).toEqual([]);
});
