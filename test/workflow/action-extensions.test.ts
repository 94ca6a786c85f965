// Extensions of improvement actions on the time-skipping server (§9.2, §16.2): "an extension to the
// original deadline should only be agreed in exceptional circumstances and at the request of the
// Chief Officer" of the agency that owns the action. The extended deadline drives the reminders,
// the MISSED email and the Head of Service step (three calendar months past the specified, i.e.
// extended, deadline); the Chief Officer step stays six calendar months past the ORIGINAL deadline.
// Also: the SSP brought in once, a worker restarted while actions wait, and the action log.
// Expected dates come from the tests' own calendar (helpers/expected-dates.ts), the expected
// addresses from the example directory as written here, never from the code under test.
import { actionLog } from '../../register/actions';
import { actionDecisionUpdate } from '../../workflows/contract';
import type { ActionStatusView } from '../../domain/action';
import { actionHandle, actionOwner, caseAtActionPlan, decideAction, expectActionRefused, expectReplays, requester, settledAction, waitForAction, type ActionHandle } from '../helpers/actions';
import { ADDRESSES, HEALTH, POLICE, terms } from '../helpers/actions';
import { today } from '../helpers/drive';
import { endOfDay, monthsAfter, shiftDays } from '../helpers/expected-dates';
import { actors, decide, skipPast, startHarness, waitFor, type Harness } from '../helpers/harness';
import { TEST_KEY_RING } from '../helpers/keys';
import { MAILBOX } from '../helpers/obligations';
import { govukDate } from '../../domain/govuk-dates';


const CHIEF_OF_HEALTH = requester('chief-officer', HEALTH, 'C. Officer (test)');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const sorted = (xs: readonly string[]) => [...xs].sort();
const mails = (ref: string, actionId: string, prefix: string) => h.smtp.messages.filter((m) => m.subject.startsWith(`[${ref} ${actionId}] ${prefix}`));
const missedSubject = (ref: string, due: string) => `[${ref} A01] MISSED - Improvement action completed: was due ${due}`;
const headSubject = (ref: string, agency = HEALTH) => `[${ref} A01] Outstanding action reported to ${agency}'s Head of Service`;
const chiefSubject = (ref: string, agency = HEALTH) => `[${ref} A01] Outstanding action reported to ${agency}'s Chief Officer`;
/** Each step as [id, round, status, due date], in a fixed order (the status lists past rounds first). */
const stepsOf = (v: ActionStatusView) =>
  v.steps.map((s) => [s.id, s.round, s.status, s.dueDate] as const).sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

async function agreeOne(deadline: string): Promise<{ ref: string; a: ActionHandle; caseHandle: Awaited<ReturnType<typeof caseAtActionPlan>>['handle'] }> {
  const c = await caseAtActionPlan(h);
  await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(HEALTH, deadline)] });
  const a = actionHandle(h, c.ref, 'A01');
  await settledAction(a);
  return { ref: c.ref, a, caseHandle: c.handle };
}

/** The action withdrawn so that its timers stop firing through later tests; its case then closes by itself. */
async function withdraw(a: ActionHandle): Promise<void> {
  const v = await decideAction(a, 'action-withdrawn', actors.ldChair, { reason: 'Test finished (test).' });
  expect(v.status).toBe('withdrawn');
}

test("extended at the Chief Officer's request: the new deadline drives the reminders, MISSED and the Head of Service step; the Chief Officer step stays 6 months past the original; the action log follows", async () => {
  const day = await today(h);
  const D = monthsAfter(day, 1);
  // Four months' extension: the Head of Service step (3 months past D2) then falls after the Chief
  // Officer step (6 months past D), which only stays put if it is counted from the original.
  const D2 = monthsAfter(D, 4);
  const headOn = monthsAfter(D2, 3);
  const chiefOn = monthsAfter(D, 6);
  expect(chiefOn < headOn).toBe(true);
  expect(monthsAfter(D2, 6)).not.toBe(chiefOn);

  const { ref, a, caseHandle } = await agreeOne(D);
  const reason = 'Exceptional: the audit system is being replaced (test).';
  let v = await decideAction(a, 'action-extended', actors.ldChair, { newDeadline: D2, requestedBy: CHIEF_OF_HEALTH, reason });
  expect(v).toMatchObject({ status: 'open', escalation: 'none', originalDeadline: D, deadline: D2 });
  expect(v.extensions).toEqual([{ from: D, to: D2, at: expect.any(String), recordedBy: actors.ldChair.id, requestedBy: `Chief Officer, ${HEALTH}` }]);
  expect(stepsOf(v)).toEqual([
    ['action-due', 1, 'open', D2],
    ['action-escalation-chief', 1, 'open', chiefOn],
    ['action-escalation-head', 1, 'open', headOn],
  ]);
  // Each step says what it was counted from: the extended deadline, or the original one.
  expect(v.steps.find((s) => s.id === 'action-escalation-head')!.rule).toContain(D2);
  expect(v.steps.find((s) => s.id === 'action-escalation-chief')!.rule).toContain(D);

  const rows = await h.cases.caseEntries(ref);
  const extended = rows.filter((r) => r.kind === 'action-extended');
  expect(extended).toHaveLength(1);
  expect(extended[0]!.actor).toEqual({ id: actors.ldChair.id, role: 'ld-chair' });
  expect(extended[0]!.detail).toEqual({ actionId: 'A01', from: D, to: D2, originalDeadline: D, requestedBy: `C. Officer (test), Chief Officer, ${HEALTH}`, reason });
  // The two moved steps are recomputed in the register; the Chief Officer step is not.
  const recomputed = rows.filter((r) => r.kind === 'deadline-recomputed');
  expect(recomputed.map((r) => [r.obligationId, r.detail.dueDate, r.detail.previousDueDate]).sort()).toEqual([
    ['action-due', D2, D],
    ['action-escalation-head', headOn, monthsAfter(D, 3)],
  ]);

  // The action log has the extension at once.
  let log = (await actionLog(h.register, TEST_KEY_RING, { today: await today(h), includeFreeText: true })).filter((r) => r.caseReference === ref);
  expect(log).toEqual([expect.objectContaining({ actionId: 'A01', agency: HEALTH, originalDeadline: D, deadline: D2, escalation: 'none', overdue: false, daysOverdue: 0 })]);

  // Past the original deadline: nothing is missed (the email check comes once D2's has arrived).
  await skipPast(h, endOfDay(D));
  v = await settledAction(a);
  expect(v).toMatchObject({ escalation: 'none', deadline: D2 });
  expect(v.steps.find((s) => s.id === 'action-due')).toMatchObject({ status: 'open', dueDate: D2 });

  // Reminders go out for the extended deadline, never for the original one.
  await skipPast(h, endOfDay(shiftDays(D2, -1)), -6 * 3_600_000);
  const reminder = await h.smtp.waitFor((m) => m.subject === `[${ref} A01] Reminder - Improvement action completed: due ${D2}`);
  expect(reminder.to).toEqual([ADDRESSES[HEALTH].lead]);
  expect(mails(ref, 'A01', 'Reminder').filter((m) => m.subject.endsWith(`due ${D}`))).toEqual([]);

  await skipPast(h, endOfDay(D2));
  const missed = await h.smtp.waitFor((m) => m.subject === missedSubject(ref, D2));
  expect(sorted(missed.to)).toEqual(sorted([ADDRESSES[HEALTH].lead, MAILBOX['ld-chair']]));
  v = await settledAction(a, (x) => x.escalation === 'overdue');
  // Exactly one MISSED email: the one for D2; none was sent for the original D.
  expect(mails(ref, 'A01', 'MISSED').map((m) => m.subject)).toEqual([missedSubject(ref, D2)]);

  // Six months past the ORIGINAL deadline: the Chief Officer, before the Head of Service's step.
  await skipPast(h, endOfDay(chiefOn));
  const chief = await h.smtp.waitFor((m) => m.subject === chiefSubject(ref));
  expect(sorted(chief.to)).toEqual(sorted([ADDRESSES[HEALTH].chief, MAILBOX['ld-chair']]));
  expect(chief.text).toContain(`six calendar months beyond its original deadline, ${D}`);
  expect(chief.text).toContain(`6 calendar months after ${D}`);
  expect(chief.text).toContain('The six months count from the original deadline even where the deadline was extended');
  v = await settledAction(a, (x) => x.escalation === 'chief-officer');
  expect(mails(ref, 'A01', 'Outstanding action reported')).toHaveLength(1);

  // Three months past the EXTENDED deadline: the Head of Service.
  await skipPast(h, endOfDay(headOn));
  const head = await h.smtp.waitFor((m) => m.subject === headSubject(ref));
  expect(sorted(head.to)).toEqual(sorted([ADDRESSES[HEALTH].head, MAILBOX['ld-chair']]));
  expect(head.text).toContain(`three calendar months beyond its specified deadline, ${D2}`);
  expect(head.text).toContain(`3 calendar months after ${D2}`);
  v = await settledAction(a, (x) => x.steps.find((s) => s.id === 'action-escalation-head')?.status === 'met');
  // The furthest step taken: it does not go back when the later-dated Head of Service step follows.
  expect(v.escalation).toBe('chief-officer');
  const order = [missed, chief, head].map((m) => h.smtp.messages.indexOf(m));
  expect(order).toEqual([...order].sort((x, y) => x - y));
  expect(mails(ref, 'A01', 'Outstanding action reported').map((m) => m.subject)).toEqual([chiefSubject(ref), headSubject(ref)]);
  expect(stepsOf(v)).toEqual([
    ['action-due', 1, 'missed', D2],
    ['action-escalation-chief', 1, 'met', chiefOn],
    ['action-escalation-head', 1, 'met', headOn],
  ]);

  // The action log: the original and extended deadlines, the furthest step, overdue since D2.
  const now = await today(h);
  log = (await actionLog(h.register, TEST_KEY_RING, { today: now, includeFreeText: true })).filter((r) => r.caseReference === ref);
  expect(log).toEqual([
    expect.objectContaining({
      actionId: 'A01',
      agency: HEALTH,
      owner: 'Named safeguarding lead 1 (test)',
      originalDeadline: D,
      deadline: D2,
      status: 'open',
      escalation: 'chief-officer',
      sspInvolved: false,
      overdue: true,
      daysOverdue: daysBetween(D2, now),
    }),
  ]);
  // What a restarted worker would do with it: the history replays without nondeterminism.
  await expectReplays(a);

  await withdraw(a);
  await waitFor(caseHandle, (s) => s.stage === 'closed');
});

test('refused: an extension asked for by anyone but the owning agency\'s Chief Officer, or not later than the deadline in force; the action unchanged', async () => {
  const day = await today(h);
  const D = monthsAfter(day, 1);
  const { a } = await agreeOne(D);
  const later = monthsAfter(D, 2);
  const reason = 'Asked for (test).';

  for (const position of ['head-of-service', 'action-lead', 'ld-chair', 'other'] as const) {
    const message = await expectActionRefused(a, 'action-extended', actors.ldChair, { newDeadline: later, requestedBy: requester(position, HEALTH), reason }, 'ExtensionNotAllowed');
    expect(message).toContain(`Chief Officer of ${HEALTH}`);
    expect(message).toContain(position);
  }
  const otherAgency = await expectActionRefused(a, 'action-extended', actors.ldChair, { newDeadline: later, requestedBy: requester('chief-officer', POLICE), reason }, 'ExtensionNotAllowed');
  expect(otherAgency).toContain(HEALTH);
  expect(otherAgency).toContain('§9.2');
  // The same deadline again, or an earlier one.
  await expectActionRefused(a, 'action-extended', actors.ldChair, { newDeadline: D, requestedBy: CHIEF_OF_HEALTH, reason }, 'InvalidDecision');
  await expectActionRefused(a, 'action-extended', actors.ldChair, { newDeadline: shiftDays(D, -1), requestedBy: CHIEF_OF_HEALTH, reason }, 'InvalidDecision');
  // The L&D Chair records it; the agency cannot extend its own action.
  await expectActionRefused(a, 'action-extended', actionOwner(HEALTH), { newDeadline: later, requestedBy: CHIEF_OF_HEALTH, reason }, 'RoleNotAllowed');

  // Once extended, "later" is judged against the extended deadline, not the original one.
  let v = await decideAction(a, 'action-extended', actors.ldChair, { newDeadline: later, requestedBy: CHIEF_OF_HEALTH, reason });
  expect(v.deadline).toBe(later);
  await expectActionRefused(a, 'action-extended', actors.ldChair, { newDeadline: later, requestedBy: CHIEF_OF_HEALTH, reason }, 'InvalidDecision');
  await expectActionRefused(a, 'action-extended', actors.ldChair, { newDeadline: shiftDays(later, -1), requestedBy: CHIEF_OF_HEALTH, reason }, 'InvalidDecision');
  v = await settledAction(a);
  expect(v.extensions).toHaveLength(1);
  expect(v).toMatchObject({ originalDeadline: D, deadline: later });
  await withdraw(a);
});

test('extended after the Head of Service was told: that step stays taken (round 1), and round 2 watches the new deadline', async () => {
  const day = await today(h);
  const D = monthsAfter(day, 1);
  const { ref, a } = await agreeOne(D);

  const head1On = monthsAfter(D, 3);
  await skipPast(h, endOfDay(head1On));
  await h.smtp.waitFor((m) => m.subject === missedSubject(ref, D));
  const head1 = await h.smtp.waitFor((m) => m.subject === headSubject(ref));
  expect(head1.text).toContain(`three calendar months beyond its specified deadline, ${D}`);
  let v = await settledAction(a, (x) => x.escalation === 'head-of-service');

  // Extended to a date still ahead; round 2's date follows it, the Chief Officer's does not move.
  const D2 = monthsAfter(D, 4);
  const head2On = monthsAfter(D2, 3);
  const chiefOn = monthsAfter(D, 6);
  expect(D2 > (await today(h))).toBe(true);
  expect(chiefOn < head2On).toBe(true);
  v = await decideAction(a, 'action-extended', actors.ldChair, { newDeadline: D2, requestedBy: CHIEF_OF_HEALTH, reason: 'New system delayed (test).' });
  expect(v).toMatchObject({ originalDeadline: D, deadline: D2, escalation: 'head-of-service' });
  expect(stepsOf(v)).toEqual([
    // Missed for D (kept in the register), open again against D2.
    ['action-due', 1, 'open', D2],
    ['action-escalation-chief', 1, 'open', chiefOn],
    ['action-escalation-head', 1, 'met', head1On],
    ['action-escalation-head', 2, 'open', head2On],
  ]);
  expect(v.steps.find((s) => s.id === 'action-escalation-head' && s.round === 1)!.escalatedAt).toEqual(expect.any(String));
  let rows = await h.cases.caseEntries(ref);
  expect(rows.filter((r) => r.kind === 'escalation-step-sent' && r.obligationId === 'action-escalation-head')).toHaveLength(1);
  expect(rows.filter((r) => r.kind === 'deadline-set' && r.obligationId === 'action-escalation-head').map((r) => r.detail.dueDate)).toEqual([head1On, head2On]);
  expect(rows.filter((r) => r.kind === 'obligation-missed' && r.obligationId === 'action-due').map((r) => r.detail.dueAt)).toHaveLength(1);
  // Not reported again at once (a step counted from the original D would be due already).
  expect(mails(ref, 'A01', 'Outstanding action reported')).toHaveLength(1);

  await skipPast(h, endOfDay(D2));
  await h.smtp.waitFor((m) => m.subject === missedSubject(ref, D2));
  await settledAction(a, (x) => x.steps.some((s) => s.id === 'action-due' && s.status === 'missed'));
  expect(mails(ref, 'A01', 'MISSED').map((m) => m.subject)).toEqual([missedSubject(ref, D), missedSubject(ref, D2)]);

  await skipPast(h, endOfDay(chiefOn));
  await h.smtp.waitFor((m) => m.subject === chiefSubject(ref));
  v = await settledAction(a, (x) => x.escalation === 'chief-officer');
  // Missed by D2 but not yet by three months: the Head of Service is not told a second time.
  expect(mails(ref, 'A01', 'Outstanding action reported').map((m) => m.subject)).toEqual([headSubject(ref), chiefSubject(ref)]);

  await skipPast(h, endOfDay(head2On));
  const head2 = await h.smtp.waitFor((m) => m.subject === headSubject(ref) && m !== head1);
  expect(sorted(head2.to)).toEqual(sorted([ADDRESSES[HEALTH].head, MAILBOX['ld-chair']]));
  expect(head2.text).toContain(`three calendar months beyond its specified deadline, ${D2}`);
  expect(head2.text).toContain(`3 calendar months after ${D2}`);
  v = await settledAction(a, (x) => x.steps.some((s) => s.id === 'action-escalation-head' && s.round === 2 && s.status === 'met'));
  expect(stepsOf(v)).toEqual([
    ['action-due', 1, 'missed', D2],
    ['action-escalation-chief', 1, 'met', chiefOn],
    ['action-escalation-head', 1, 'met', head1On],
    ['action-escalation-head', 2, 'met', head2On],
  ]);
  rows = await h.cases.caseEntries(ref);
  expect(rows.filter((r) => r.kind === 'escalation-step-sent' && r.obligationId === 'action-escalation-head')).toHaveLength(2);
  await expectReplays(a);
  await withdraw(a);
});

test('SSP involved: the SSP and the L&D Chair told once, recorded; a second time refused AlreadyMet', async () => {
  const day = await today(h);
  const D = monthsAfter(day, 1);
  const { ref, a } = await agreeOne(D);
  const reason = 'Repeated failure across agencies (test).';
  let v = await decideAction(a, 'ssp-involved', actors.ldChair, { reason });
  expect(v.sspInvolved).toBe(true);
  const subject = `[${ref} A01] SSP asked to join the escalation of an outstanding action`;
  const mail = await h.smtp.waitFor((m) => m.subject === subject);
  expect(sorted(mail.to)).toEqual(sorted([MAILBOX.ssp, MAILBOX['ld-chair']]));
  expect(mail.text).toContain(`Improvement action A01 of case ${ref}, owned by ${HEALTH}`);
  // The deadline in force in GOV.UK words, as the pages say it (was its ISO date).
  expect(mail.text).toContain(`Its deadline now in force: by 11:59pm on ${govukDate(D)}.`);
  expect(mail.text).not.toContain(reason);

  const rows = (await h.cases.caseEntries(ref)).filter((r) => r.kind === 'ssp-involved');
  expect(rows).toHaveLength(1);
  expect(rows[0]!.detail).toEqual({ actionId: 'A01', reason });
  expect(rows[0]!.actor).toEqual({ id: actors.ldChair.id, role: 'ld-chair' });

  const again = await expectActionRefused(a, 'ssp-involved', actors.ldChair, { reason: 'Again (test).' }, 'AlreadyMet');
  expect(again).toContain('already');
  v = await settledAction(a);
  await expectReplays(a);
  expect(h.smtp.messages.filter((m) => m.subject === subject)).toHaveLength(1);
  expect((await h.cases.caseEntries(ref)).filter((r) => r.kind === 'ssp-involved')).toHaveLength(1);
  const log = (await actionLog(h.register, TEST_KEY_RING, { today: await today(h), includeFreeText: false })).filter((r) => r.caseReference === ref);
  expect(log).toEqual([expect.objectContaining({ actionId: 'A01', sspInvolved: true })]);
  await withdraw(a);
});

describe('a worker restarted', () => {
  // A server of its own, its worker without a workflow cache: on the time-skipping server a workflow
  // cached by a stopped worker would wait on that worker's sticky queue for ever (HarnessOptions).
  let w: Harness;
  beforeAll(async () => {
    w = await startHarness({ workflowCache: false });
  });
  afterAll(async () => {
    await w?.stop();
  });
  // Without a cache the worker now and then drops a task that came in while it was busy, and the
  // server gives it again only after the task's 10 s timeout: these waits allow for two of those.
  const settledSlow = (handle: ActionHandle, predicate: (s: ActionStatusView) => boolean = () => true) =>
    waitForAction(handle, (s) => s.pending.notices === 0 && s.pending.records === 0 && predicate(s), 90_000);
  const withdrawSlow = async (a: ActionHandle) => {
    await a.executeUpdate(actionDecisionUpdate('action-withdrawn'), { args: [{ actor: actors.ldChair, payload: { reason: 'Test finished (test).' } }] });
    await settledSlow(a, (x) => x.status === 'withdrawn');
  };
  const mailsIn = (hh: Harness, ref: string, actionId: string, prefix: string) => hh.smtp.messages.filter((m) => m.subject.startsWith(`[${ref} ${actionId}] ${prefix}`));

  test('a decision that queues a register row and an email at once, on a worker that replays every task: carried out, and its history replays', async () => {
    // Before the action's outbox was carried out by its main loop, the two outbox loops could take
    // their turns in another order on replay than in the run that wrote the history: the action
    // then failed every workflow task (nondeterminism: recordActionOutcomes against sendNotice).
    const c = await caseAtActionPlan(w);
    await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(HEALTH, monthsAfter(await today(w), 1))] });
    const a = actionHandle(w, c.ref, 'A01');
    await settledSlow(a);
    await a.executeUpdate(actionDecisionUpdate('ssp-involved'), { args: [{ actor: actors.ldChair, payload: { reason: 'Exceptional (test).' } }] });
    const v = await settledSlow(a, (x) => x.sspInvolved);
    expect(v.pending).toEqual({ notices: 0, records: 0 });
    await w.smtp.waitFor((m) => m.subject === `[${c.ref} A01] SSP asked to join the escalation of an outstanding action`);
    await expectReplays(a);
    await withdrawSlow(a);
  }, 300_000);

  test('a worker restarted while actions wait: the deadline passed in the outage is missed once, the other action untouched', async () => {
    const c = await caseAtActionPlan(w);
    const day = await today(w);
    const d1 = monthsAfter(day, 1);
    // A02's first reminder (a month before its deadline) is after d1: nothing of it falls in the outage.
    const d2 = monthsAfter(day, 4);
    await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(HEALTH, d1, 1), terms(POLICE, d2, 2)] });
    const a1 = actionHandle(w, c.ref, 'A01');
    const a2 = actionHandle(w, c.ref, 'A02');
    await settledSlow(a1);
    const before2 = await settledSlow(a2);

    // A01's reminders go out first, the worker running: the outage then holds its deadline alone.
    // (While a workflow task waits for a worker the test server does not skip time: each timer
    // that fires in an outage stops the clock until a worker takes the task.)
    await skipPast(w, endOfDay(shiftDays(d1, -1)), -6 * 3_600_000);
    await w.smtp.waitFor((m) => m.subject === `[${c.ref} A01] Reminder - Improvement action completed: due ${d1}`);
    await settledSlow(a1);
    // Nothing of the case's own may wait for a worker either: a workflow task left waiting when the
    // worker stops holds the test server's clock where it is, short of A01's deadline.
    await waitFor(c.handle, (x) => x.pending.notices === 0 && x.pending.records === 0, 90_000);
    const reminders = mailsIn(w, c.ref, 'A01', 'Reminder').length;

    await w.worker.stop();
    const deadlineMs = Date.parse(endOfDay(d1));
    let skipping: Promise<void> | undefined;
    try {
      skipping = skipPast(w, endOfDay(d1));
      // The deadline passes with no worker: its timer fires, and the clock waits for a worker there.
      // Bounded generously: on a loaded machine the test server's connection is now and then
      // reset (the server refuses the client's keepalive pings) and the skip starts again.
      const until = Date.now() + 60_000;
      while ((await w.env.currentTimeMs()) <= deadlineMs && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      // Held there, not at the skip's target an hour on: the deadline's timer fired with no worker.
      const held = await w.env.currentTimeMs();
      expect(held).toBeGreaterThan(deadlineMs);
      expect(held).toBeLessThan(deadlineMs + 60_000);
      expect(mailsIn(w, c.ref, 'A01', 'MISSED')).toHaveLength(0);
    } finally {
      await w.worker.start();
      // Awaited even when an expectation above fails: a skip left running would outlive this file
      // and fail whichever suite is running when its connection closes.
      await skipping?.catch(() => undefined);
    }
    await skipping;
    const missed = await w.smtp.waitFor((m) => m.subject === `[${c.ref} A01] MISSED - Improvement action completed: was due ${d1}`);
    expect(sorted(missed.to)).toEqual(sorted([ADDRESSES[HEALTH].lead, MAILBOX['ld-chair']]));
    const v1 = await settledSlow(a1, (x) => x.escalation === 'overdue');
    expect(v1.steps.find((s) => s.id === 'action-due')).toMatchObject({ status: 'missed', dueDate: d1 });
    expect(mailsIn(w, c.ref, 'A01', 'MISSED')).toHaveLength(1);
    // No reminder again after the restart: those sent before the outage are not repeated.
    expect(mailsIn(w, c.ref, 'A01', 'Reminder')).toHaveLength(reminders);
    const rows = await w.cases.caseEntries(c.ref);
    const a01 = (kind: string) => rows.filter((r) => r.kind === kind && r.detail.actionId === 'A01' && r.obligationId === 'action-due');
    expect(a01('obligation-missed')).toHaveLength(1);
    expect(a01('escalation-sent')).toHaveLength(1);

    // A02: nothing sent after its opening (its owner told it is theirs), nothing changed.
    expect(await settledSlow(a2)).toEqual(before2);
    expect(w.smtp.messages.filter((m) => m.subject.startsWith(`[${c.ref} A02]`)).map((m) => m.subject)).toEqual([`[${c.ref} A02] Now yours - Improvement action completed: due ${d2}`]);
    const s = await waitFor(c.handle, (x) => x.stage === 'action-plan');
    expect(s.waitingFor).toEqual([`action A01 (${HEALTH}, due ${d1})`, `action A02 (${POLICE}, due ${d2})`]);

  }, 300_000);
});
