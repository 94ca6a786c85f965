// The ssp-informed obligation (1 WD from receipt, §4.6, §5.1) on the time-skipping server:
// deadlines crossed with env.sleep, emails received over real SMTP, the register in SQLite.
import { govukDate } from '../../domain/govuk-dates';
import { statusQuery } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { agencyDigests } from '../../register/case-summary';
import { summaryWhen, workOf } from '../helpers/case-summary';
import { TEST_KEY_RING } from '../helpers/keys';
import { actors, decide, mailsFor, refusalOf, skipPast, startCase, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

test('informed in time: receipt email names the deadline, no escalation follows', async () => {
  const { handle, ref, status } = await startCase(h);
  const deadline = status.obligations['ssp-informed']!.deadline;
  // §5.1 / §4.6: the earlier of the two counts, which are the same day when the LA learns of it by the referral.
  expect(deadline.rule).toBe(`1 working day after ${deadline.clock.date} (la-became-aware; the same as the count from referral-received)`);
  expect(deadline.section).toBe('§4.6, §5.1');

  const receipt = await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expect(receipt.to).toEqual(['business-unit@partnership.example.org']);
  // The due day in GOV.UK words, as the pages say it (was its ISO date).
  expect(receipt.text).toContain(`by 11:59pm on ${govukDate(deadline.dueDate)}`);
  // Only the case reference reaches an email: nothing from the form.
  expect(receipt.text).not.toContain('Test Child');
  expect(receipt.text).not.toContain(validReferralForm().children[0]!.postcode);

  const after = await decide(handle, 'ssp-informed', actors.businessUnit, { note: 'SSP informed by secure email' });
  expect(after.obligations['ssp-informed']!.status).toBe('met');
  expect(after.stage).toBe('awaiting-ssp-decision');

  // Well past the deadline: nothing more is sent for this obligation.
  await skipPast(h, deadline.dueAt, 3_600_000);
  const final = await handle.query(statusQuery);
  expect(final.obligations['ssp-informed']!.status).toBe('met');
  expect(mailsFor(h, ref, 'MISSED - Business Unit informs')).toHaveLength(0);

  const kinds = (await h.cases.caseEntries(ref)).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['referral-received', 'deadline-set', 'referral-received-sent', 'decision:ssp-informed', 'obligation-met']));
  expect((await h.cases.caseEntries(ref)).filter((e) => e.kind === 'obligation-missed' && e.obligationId === 'ssp-informed')).toHaveLength(0);
});

test('missed: reminders then an escalation by email, recorded as missed, then met late; the case summary follows', async () => {
  const { handle, ref, status } = await startCase(h);
  const informed = status.obligations['ssp-informed']!;
  const pendingReminders = informed.deadline.reminders.filter((r) => !informed.remindersDone.includes(r));
  expect(pendingReminders.length).toBeGreaterThan(0);
  // The register's summary of the case (the case list, "my work"): its stage, its soonest deadline, nothing missed.
  const opened = await summaryWhen(h.register, ref, () => true);
  expect(opened).toMatchObject({ stage: 'referral-received', missed: 0, nextDeadline: informed.deadline.dueAt, closed: false, reviewerIds: [] });
  // The referring agency (from the form here) only as its keyed digest, under the current key.
  expect(opened.referrerAgencyDigest).toBe(agencyDigests(TEST_KEY_RING, validReferralForm().referrer.organisation)[0]);
  expect(opened.obligations.find((o) => o.id === 'ssp-informed')).toEqual({ id: 'ssp-informed', status: 'open', owner: 'business-unit', dueAt: informed.deadline.dueAt, dueDate: informed.deadline.dueDate });

  await skipPast(h, informed.deadline.dueAt);
  const escalation = await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] MISSED - Business Unit informs`));
  expect(escalation.to.sort()).toEqual(['business-manager@partnership.example.org', 'dcs@partnership.example.org']);
  expect(escalation.text).toContain(informed.deadline.rule);
  expect(mailsFor(h, ref, 'Reminder - Business Unit informs')).toHaveLength(pendingReminders.length);

  const missed = await handle.query(statusQuery);
  expect(missed.obligations['ssp-informed']!.status).toBe('missed');
  expect(missed.missed.map((o) => o.id)).toContain('ssp-informed');
  // The deadline passed: the summary counts it missed, and the Business Unit's work shows it so.
  const overdue = await summaryWhen(h.register, ref, (s) => s.missed === 1);
  expect(overdue.revision).toBeGreaterThan(opened.revision);
  expect(await workOf(h.register, ref)).toContainEqual(['ssp-informed', 'business-unit', 'missed']);

  const late = await decide(handle, 'ssp-informed', actors.businessUnit);
  expect(late.obligations['ssp-informed']!.status).toBe('met-late');
  // Met late: the next stage, nothing missed, and it has left the Business Unit's work.
  const after = await summaryWhen(h.register, ref, (s) => s.stage === 'awaiting-ssp-decision');
  expect(after).toMatchObject({ missed: 0, stage: 'awaiting-ssp-decision' });
  expect((await workOf(h.register, ref)).filter(([id]) => id === 'ssp-informed')).toEqual([]);
  expect(await workOf(h.register, ref)).toContainEqual(['ssp-decision', 'ssp', 'open']);
  const entries = (await h.cases.caseEntries(ref)).filter((e) => e.obligationId === 'ssp-informed');
  expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['reminder-sent', 'obligation-missed', 'escalation-sent', 'obligation-met-late']));
});

test('refusals: wrong role, bad payload and a second recording change nothing', async () => {
  const { handle } = await startCase(h);

  expect(await refusalOf(decide(handle, 'ssp-informed', actors.ssp))).toBe('RoleNotAllowed');
  expect(await refusalOf(decide(handle, 'ssp-informed', actors.businessUnit, { occurredAt: 'yesterday' }))).toBe('InvalidDecision');
  expect(await refusalOf(decide(handle, 'ssp-informed', actors.businessUnit, { occurredAt: '2099-01-01T00:00:00Z' }))).toBe('InvalidDecision');
  expect(await refusalOf(decide(handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: 'too early' }))).toBe('WrongStage');
  expect((await handle.query(statusQuery)).obligations['ssp-informed']!.status).toBe('open');

  await decide(handle, 'ssp-informed', actors.businessUnit);
  expect(await refusalOf(decide(handle, 'ssp-informed', actors.businessUnit))).toBe('AlreadyMet');
  const state = await handle.query(statusQuery);
  expect(state.timeline.filter((t) => t.kind === 'decision:ssp-informed')).toHaveLength(1);
});
