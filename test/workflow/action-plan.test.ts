// Improvement actions on the time-skipping server (§9.2, §16.2): each action watched by its own
// workflow, from the plan that agreed it to its completion or withdrawal, with the escalations the
// seed names: the deadline missed (the L&D Chair told, the agency asked why), three calendar months
// past the specified deadline (the agency's Head of Service), six past the ORIGINAL deadline (its
// Chief Officer). Expected dates come from the tests' own calendar (helpers/expected-dates.ts), the
// expected addresses from the example directory as written here, never from the code under test.
import { actionHandle, actionOwner, actionUpdateRefusal, caseAtActionPlan, decideAction, settledAction } from '../helpers/actions';
import { ADDRESSES, HEALTH, POLICE, terms } from '../helpers/actions';
import { caseWithDraftReport, today } from '../helpers/drive';
import { endOfDay, monthsAfter, shiftDays, workingDaysAfter } from '../helpers/expected-dates';
import { actors, decide, resultOf, skipPast, startHarness, waitFor, type Harness } from '../helpers/harness';
import { MAILBOX } from '../helpers/obligations';
import { TEST_PUBLIC_BASE_URL } from '../helpers/stack';


let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const mails = (ref: string, actionId: string, prefix: string) => h.smtp.messages.filter((m) => m.subject.startsWith(`[${ref} ${actionId}] ${prefix}`));

test('two actions: one completed in time, one withdrawn with its reason; the case closes by itself after the last', async () => {
  const c = await caseAtActionPlan(h);
  const day = await today(h);
  const d1 = monthsAfter(day, 2);
  const d2 = monthsAfter(day, 4);
  let s = await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(HEALTH, d1, 1), terms(POLICE, d2, 2)] });
  expect(s.stage).toBe('action-plan');
  expect(s.actions).toEqual([
    { actionId: 'A01', agency: HEALTH, deadline: d1, status: 'open' },
    { actionId: 'A02', agency: POLICE, deadline: d2, status: 'open' },
  ]);
  expect(s.waitingFor).toEqual([`action A01 (${HEALTH}, due ${d1})`, `action A02 (${POLICE}, due ${d2})`]);
  // The words of the plan stay in the actions' own (encrypted) inputs and the register, not the case.
  expect(JSON.stringify(s)).not.toContain('Audit discharge summaries');

  const a1 = actionHandle(h, c.ref, 'A01');
  let v = await settledAction(a1);
  expect(v.steps.map((x) => [x.id, x.status, x.dueDate])).toEqual([
    ['action-due', 'open', d1],
    ['action-escalation-head', 'open', monthsAfter(d1, 3)],
    ['action-escalation-chief', 'open', monthsAfter(d1, 6)],
  ]);

  // Reminders go to the agency's action lead before the deadline.
  await skipPast(h, endOfDay(shiftDays(d1, -1)), -6 * 3_600_000);
  const reminder = await h.smtp.waitFor((m) => m.subject === `[${c.ref} A01] Reminder - Improvement action completed: due ${d1}`);
  expect(reminder.to).toEqual([ADDRESSES[HEALTH].lead]);
  expect(reminder.text).toContain(`Improvement action A01 of case ${c.ref}, owned by ${HEALTH}`);
  expect(reminder.text).not.toContain('Audit discharge summaries');

  // Another agency's owner is told there is no such action; the owning agency completes it.
  expect(await actionUpdateRefusal(a1, 'action-completed', actionOwner(POLICE), { completedOn: d1, evidence: 'x' })).toBe('ActionNotFound');
  const completedOn = await today(h);
  v = await decideAction(a1, 'action-completed', actionOwner(HEALTH), { completedOn, evidence: 'Audit report presented to the L&D Group (test).' });
  expect(v.status).toBe('completed');
  expect(v.steps.map((x) => [x.id, x.status])).toEqual([
    ['action-due', 'met'],
    ['action-escalation-head', 'withdrawn'],
    ['action-escalation-chief', 'withdrawn'],
  ]);
  // (Its workflow then finishes: a later decision on it finds it closed; the API answers 409.)

  // The case waits for A02.
  s = await waitFor(c.handle, (x) => x.actions.find((a) => a.actionId === 'A01')?.status === 'completed');
  expect(s.stage).toBe('action-plan');
  expect(s.waitingFor).toEqual([`action A02 (${POLICE}, due ${d2})`]);

  const a2 = actionHandle(h, c.ref, 'A02');
  await settledAction(a2);
  expect(await actionUpdateRefusal(a2, 'action-withdrawn', actors.ldChair, {})).toBe('InvalidDecision');
  v = await decideAction(a2, 'action-withdrawn', actors.ldChair, { reason: 'Superseded by the national review (test).' });
  expect(v.status).toBe('withdrawn');
  s = await waitFor(c.handle, (x) => x.stage === 'closed');
  expect(s.timeline.find((t) => t.kind === 'case-closed')).toMatchObject({ detail: { automatic: true, actionsCompleted: 1, actionsWithdrawn: 1 } });
  expect((await resultOf(h, c.handle)).stage).toBe('closed');

  const rows = await h.cases.caseEntries(c.ref);
  const kinds = rows.map((r) => `${r.kind}${typeof r.detail.actionId === 'string' ? `:${r.detail.actionId}` : ''}`);
  expect(kinds).toEqual(expect.arrayContaining(['action-agreed:A01', 'action-agreed:A02', 'action-completed:A01', 'action-withdrawn:A02', 'case-closed']));
  expect(rows.find((r) => r.kind === 'action-withdrawn')!.detail.reason).toBe('Superseded by the national review (test).');
  // The plan's words are sealed in the register (they open with the key ring, above)...
  expect(rows.find((r) => r.kind === 'action-agreed' && r.detail.actionId === 'A01')!.detail).toMatchObject({ description: terms(HEALTH, d1, 1).description, owner: terms(HEALTH, d1, 1).owner });
  // ...and nowhere in clear: not in its rows, not in the action log's.
  const raw = JSON.stringify([
    await h.register.selectFrom('register_event').selectAll().where('case_reference', '=', c.ref).execute(),
    await h.register.selectFrom('action_record').selectAll().where('case_reference', '=', c.ref).execute(),
  ]);
  for (const words of ['Audit discharge summaries', 'Named safeguarding lead', 'information was not shared', 'Audit report presented', 'Superseded by the national review']) {
    expect({ words, inClear: raw.includes(words) }).toEqual({ words, inClear: false });
  }
});

test('missed: the L&D Chair told and the agency asked why; 3 months on, the Head of Service; 6 months past the original, the Chief Officer', async () => {
  const c = await caseAtActionPlan(h);
  const day = await today(h);
  const d = monthsAfter(day, 1);
  await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(HEALTH, d)] });
  const a = actionHandle(h, c.ref, 'A01');
  await settledAction(a);

  await skipPast(h, endOfDay(d));
  const missed = await h.smtp.waitFor((m) => m.subject === `[${c.ref} A01] MISSED - Improvement action completed: was due ${d}`);
  expect([...missed.to].sort()).toEqual([ADDRESSES[HEALTH].lead, MAILBOX['ld-chair']].sort());
  expect(missed.text).toContain('asked for an explanation');
  let v = await settledAction(a, (x) => x.escalation === 'overdue');

  const headOn = monthsAfter(d, 3);
  await skipPast(h, endOfDay(headOn));
  const head = await h.smtp.waitFor((m) => m.subject === `[${c.ref} A01] Outstanding action reported to ${HEALTH}'s Head of Service`);
  expect([...head.to].sort()).toEqual([ADDRESSES[HEALTH].head, MAILBOX['ld-chair']].sort());
  expect(head.text).toContain(`three calendar months beyond its specified deadline, ${d}`);
  expect(head.text).toContain(`3 calendar months after ${d}`);
  v = await settledAction(a, (x) => x.escalation === 'head-of-service');
  expect(mails(c.ref, 'A01', 'Outstanding action reported')).toHaveLength(1);

  const chiefOn = monthsAfter(d, 6);
  await skipPast(h, endOfDay(chiefOn));
  const chief = await h.smtp.waitFor((m) => m.subject === `[${c.ref} A01] Outstanding action reported to ${HEALTH}'s Chief Officer`);
  expect([...chief.to].sort()).toEqual([ADDRESSES[HEALTH].chief, MAILBOX['ld-chair']].sort());
  expect(chief.text).toContain(`six calendar months beyond its original deadline, ${d}`);
  v = await settledAction(a, (x) => x.escalation === 'chief-officer');
  expect(v.steps.map((x) => [x.id, x.status, x.dueDate])).toEqual([
    ['action-due', 'missed', d],
    ['action-escalation-head', 'met', headOn],
    ['action-escalation-chief', 'met', chiefOn],
  ]);

  // Completed at last: met late, and the register has every step.
  v = await decideAction(a, 'action-completed', actionOwner(HEALTH), { completedOn: await today(h), evidence: 'Done at last (test).' });
  expect(v.steps[0]).toMatchObject({ id: 'action-due', status: 'met-late' });
  const kinds = (await h.cases.caseEntries(c.ref)).map((r) => r.kind);
  expect(kinds).toEqual(expect.arrayContaining(['obligation-missed', 'escalation-sent', 'escalation-step-sent', 'obligation-met-late', 'action-completed']));
  expect(kinds.filter((k) => k === 'escalation-step-sent')).toHaveLength(2);
  // Its only action settled, nothing else open: the case closes by itself.
  expect((await waitFor(c.handle, (x) => x.stage === 'closed')).waitingFor).toBeUndefined();
});

test('every email of a case and of its action links to its page (PUBLIC_BASE_URL); none points to a "case system"', async () => {
  // Before PUBLIC_BASE_URL, each email said to record it "in the case system", which did not exist.
  const c = await caseAtActionPlan(h);
  const d = monthsAfter(await today(h), 1);
  await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(HEALTH, d)] });
  const a = actionHandle(h, c.ref, 'A01');
  await settledAction(a);
  await decideAction(a, 'ssp-involved', actors.ldChair, { reason: 'Repeated failure across agencies (test).' });
  await skipPast(h, endOfDay(d));
  await h.smtp.waitFor((m) => m.subject === `[${c.ref} A01] MISSED - Improvement action completed: was due ${d}`);
  await settledAction(a, (x) => x.escalation === 'overdue');

  const casePage = `${TEST_PUBLIC_BASE_URL}/cases/${c.ref}`;
  const linked = (m: { subject: string; text: string }, page: string) => ({ subject: m.subject, link: m.text.split(/\r?\n/).includes(page), caseSystem: /case system/i.test(m.text) });
  const ofCase = h.smtp.messages.filter((m) => m.subject.startsWith(`[${c.ref}] `));
  const ofAction = h.smtp.messages.filter((m) => m.subject.startsWith(`[${c.ref} A01] `));
  expect(ofCase.map((m) => m.subject.split(' - ')[0])).toEqual(expect.arrayContaining([`[${c.ref}] Referral received`, `[${c.ref}] SSP decision: not-met-learning`]));
  expect(ofAction.map((m) => m.subject.split(' - ')[0])).toEqual(expect.arrayContaining([`[${c.ref} A01] Reminder`, `[${c.ref} A01] MISSED`, `[${c.ref} A01] SSP asked to join the escalation of an outstanding action`]));
  for (const m of ofCase) expect(linked(m, casePage)).toEqual({ subject: m.subject, link: true, caseSystem: false });
  for (const m of ofAction) expect(linked(m, `${casePage}/actions/A01`)).toEqual({ subject: m.subject, link: true, caseSystem: false });
});

test('published: its actions done, the case keeps watching the report stay public for its year, and says so; then it closes by itself', async () => {
  const c = await caseWithDraftReport(h);
  const planned = workingDaysAfter(await today(h), 20);
  await decide(c.handle, 'ssp-sign-off', actors.ssp, { plannedPublicationDate: planned, publish: 'full-report' });
  await decide(c.handle, 'report-sent-to-panel', actors.ssp, {});
  await skipPast(h, `${planned}T10:00:00Z`);
  let s = await decide(c.handle, 'published', actors.ssp, { publishedOn: planned });
  expect(s.stage).toBe('action-plan');
  const keptUntil = monthsAfter(planned, 12);

  const d = monthsAfter(await today(h), 1);
  await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(POLICE, d)] });
  const a = actionHandle(h, c.ref, 'A01');
  await settledAction(a);
  await decideAction(a, 'action-completed', actionOwner(POLICE), { completedOn: await today(h), evidence: 'Briefings held (test).' });
  s = await waitFor(c.handle, (x) => x.actions[0]?.status === 'completed');
  // Not closed: §14.4's year is still running, and the case says what it waits for.
  expect(s.stage).toBe('action-plan');
  expect(s.waitingFor).toEqual([`publication-kept (due ${keptUntil})`]);

  await skipPast(h, endOfDay(keptUntil));
  s = await waitFor(c.handle, (x) => x.stage === 'closed');
  expect(s.obligations['publication-kept']).toMatchObject({ status: 'met', metBy: 'system' });
  expect(s.timeline.find((t) => t.kind === 'case-closed')).toMatchObject({ detail: { automatic: true, actionsCompleted: 1, actionsWithdrawn: 0 } });
});
