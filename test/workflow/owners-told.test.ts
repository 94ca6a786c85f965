// Each step's owner is told when it becomes theirs, with a calendar entry for its deadline day
// that moves with the deadline (same UID, higher SEQUENCE) and is cancelled when the step is done
// or no longer required: through the real workflows on the time-skipping server, to the real SMTP
// listener, every entry read back by an independent parser (ical.js). Expected dates from the
// independent calendar (expected-dates.ts).
import { actionHandle, ADDRESSES, caseAtActionPlan, decideAction, HEALTH, requester, settledAction, terms, actionOwner } from '../helpers/actions';
import { caseAwaitingNotification, caseInRapidReview, caseWithDraftReport, RATIONALE, skipToWorkingMorning } from '../helpers/drive';
import { count, monthsAfter } from '../helpers/expected-dates';
import { actors, decide, startHarness, type Harness } from '../helpers/harness';
import { parseInvite, type ParsedInvite } from '../helpers/ics';
import { MAILBOX } from '../helpers/obligations';
import type { CapturedMail } from '../helpers/smtp';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Every message about the case (or the action) that carries a calendar entry, with the entry read. */
function entries(prefix: string): Array<{ mail: CapturedMail; invite: ParsedInvite }> {
  return h.smtp.messages.filter((m) => m.subject.startsWith(prefix) && m.calendar).map((mail) => ({ mail, invite: parseInvite(mail.calendar!.ics) }));
}

async function entryFor(prefix: string, subject: string): Promise<{ mail: CapturedMail; invite: ParsedInvite }> {
  const mail = await h.smtp.waitFor((m) => m.subject.startsWith(`${prefix} ${subject}`));
  expect(mail.calendar).toBeDefined();
  return { mail, invite: parseInvite(mail.calendar!.ics) };
}

test("a case: the receipt carries ssp-informed's entry, the SSP are told the decision is theirs, settled steps are cancelled, a corrected clock moves the notification's entry", async () => {
  const day = await skipToWorkingMorning(h);
  const c = await caseAwaitingNotification(h);
  const ref = `[${c.ref}]`;
  const expectedNotification = count(day, { workingDaysAfter: 5 }).dueDate;

  const receipt = await entryFor(ref, 'Referral received - Business Unit informs');
  expect(receipt.mail.to).toEqual([MAILBOX['business-unit']]);
  expect(receipt.invite).toMatchObject({ method: 'REQUEST', uid: `${c.ref}.ssp-informed.1@ssi-procedure`, sequence: 0, start: count(day, { workingDaysAfter: 1 }).dueDate, allDay: true, attendees: [MAILBOX['business-unit']] });
  expect(receipt.mail.calendar!.method).toBe('REQUEST');

  const notification = await entryFor(ref, 'Referral received - LA notifies');
  expect(notification.invite).toMatchObject({ method: 'REQUEST', uid: `${c.ref}.national-notification.1@ssi-procedure`, sequence: 0, start: expectedNotification });

  // The SSP's decision became theirs at the referral: told then, not days later by a reminder.
  const told = await entryFor(ref, 'Now yours - ');
  expect(told.mail.to).toEqual([MAILBOX.ssp]);
  expect(told.invite).toMatchObject({ method: 'REQUEST', uid: `${c.ref}.ssp-decision.1@ssi-procedure`, sequence: 0, start: c.status.obligations['ssp-decision']!.deadline.dueDate });
  expect(told.mail.text).toContain(`/cases/${c.ref}/decisions/ssp-decision`);
  // The entry links where the email does: the decision's form, which the SSP may use.
  expect(told.invite.url).toMatch(new RegExp(`/cases/${c.ref}/decisions/ssp-decision$`));
  expect(told.invite.description).toContain('Record it on its form: ');

  // Recorded: the entries go, with the same UID and a higher SEQUENCE, to the people who had them.
  const informedDone = await entryFor(ref, 'Done - Business Unit informs');
  expect(informedDone.mail.to).toEqual([MAILBOX['business-unit']]);
  expect(informedDone.invite).toMatchObject({ method: 'CANCEL', uid: receipt.invite.uid, sequence: 1, status: 'CANCELLED', start: receipt.invite.start });
  const decisionDone = await entryFor(ref, `Done - ${c.status.obligations['ssp-decision']!.deadline.obligation}`);
  expect(decisionDone.invite).toMatchObject({ method: 'CANCEL', uid: told.invite.uid, sequence: 1 });

  // The criteria met opened the referrer's feedback: its owner told with its entry.
  const feedback = await entryFor(ref, `Now yours - ${c.status.obligations['referrer-feedback']!.deadline.obligation}`);
  expect(feedback.invite.uid).toBe(`${c.ref}.referrer-feedback.1@ssi-procedure`);

  // The LA knew two working days before the referral: the notification is due earlier.
  const correctedTo = count(day, { workingDaysBefore: 2 }).dueDate;
  await decide(c.handle, 'clock-corrected', actors.businessUnit, { clock: 'la-became-aware', correctedTo, reason: 'Test reason: the police told the local authority earlier' });
  const moved = await entryFor(ref, 'Deadline moved - LA notifies');
  expect(moved.mail.to.sort()).toEqual(notification.mail.to.sort());
  expect(moved.invite).toMatchObject({ method: 'REQUEST', uid: notification.invite.uid, sequence: 1, start: count(correctedTo, { workingDaysAfter: 5 }).dueDate });

  // Notified: cancelled at SEQUENCE 2.
  await decide(c.handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0042' });
  const notified = await entryFor(ref, 'Done - LA notifies');
  expect(notified.invite).toMatchObject({ method: 'CANCEL', uid: notification.invite.uid, sequence: 2 });

  // The referrer's receipt goes to the address on the form, read from the register when it is sent
  // (test/e2e/seeded-privacy.test.ts sees it arrive there). This harness starts cases without a
  // stored form, so it goes to the Business Unit, saying which address is missing: never lost.
  const acknowledged = h.smtp.messages.filter((m) => m.subject === `${ref} Your referral: received`);
  expect(acknowledged.map((m) => m.to)).toEqual([[MAILBOX['business-unit']]]);
  expect(acknowledged[0]!.text).toContain("No address is configured for: the referrer's address");
  expect(acknowledged[0]!.calendar).toBeUndefined();

  // One email per step change, never repeated; every entry names the case by its reference only.
  const all = entries(ref);
  expect(new Set(all.map((e) => `${e.invite.uid}#${e.invite.sequence}`)).size).toBe(all.length);
  for (const { invite } of all) {
    expect(invite.summary).toMatch(new RegExp(`^Due: .+ \\(${c.ref}\\)$`));
    expect(invite.description).not.toMatch(/\(test\)/);
  }
});

test("an improvement action: its agency's action lead is told it is theirs, the extension moves the entry, completion cancels it", async () => {
  const day = await skipToWorkingMorning(h);
  const D = monthsAfter(day, 2);
  const c = await caseAtActionPlan(h);
  await decide(c.handle, 'actions-agreed', actors.ldChair, { actions: [terms(HEALTH, D)] });
  const a = actionHandle(h, c.ref, 'A01');
  await settledAction(a);
  const prefix = `[${c.ref} A01]`;

  const told = await entryFor(prefix, 'Now yours - Improvement action completed');
  expect(told.mail.to).toEqual([ADDRESSES[HEALTH].lead]);
  expect(told.invite).toMatchObject({ method: 'REQUEST', uid: `${c.ref}:A01.action-due.1@ssi-procedure`, sequence: 0, start: D, attendees: [ADDRESSES[HEALTH].lead] });
  expect(told.invite.url).toMatch(new RegExp(`/cases/${c.ref}/actions/A01$`));

  const D2 = monthsAfter(D, 1);
  await decideAction(a, 'action-extended', actors.ldChair, { newDeadline: D2, requestedBy: requester('chief-officer', HEALTH, 'C. Officer (test)'), reason: 'Extended at the Chief Officer\'s request (test).' });
  const moved = await entryFor(prefix, 'Deadline moved - Improvement action completed');
  expect(moved.invite).toMatchObject({ method: 'REQUEST', uid: told.invite.uid, sequence: 1, start: D2 });

  await decideAction(a, 'action-completed', actionOwner(HEALTH), { occurredAt: new Date(await h.env.currentTimeMs()).toISOString(), completedOn: day, evidence: 'Audit done (test).' });
  const done = await entryFor(prefix, 'Done - Improvement action completed');
  expect(done.invite).toMatchObject({ method: 'CANCEL', uid: told.invite.uid, sequence: 2, start: D2 });
  // The §9.2 escalation steps are the system's own: no entry for them.
  expect(entries(prefix).map((e) => e.invite.uid.split('.')[1])).toEqual(['action-due', 'action-due', 'action-due']);
});

test("the commissioned reviewer is told at the directory's address for their sign-in ID (§8)", async () => {
  const c = await caseWithDraftReport(h);
  const mail = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] You are commissioned as the reviewer`);
  // The example directory's address for reviewer-1, written out here rather than read from it.
  expect(mail.to).toEqual(['independent-reviewer@reviews.example.org']);
  expect(mail.text).toContain(`/cases/${c.ref}`);
  expect(mail.text).not.toContain('(test)');
});

test('a Rapid Review meeting recorded as scheduled sends the panel an entry for its day, moved when set again, kept when held (§6.2)', async () => {
  const day = await skipToWorkingMorning(h);
  const c = await caseInRapidReview(h);
  const first = count(day, { workingDaysAfter: 7 }).dueDate;
  const second = count(day, { workingDaysAfter: 9 }).dueDate;
  await decide(c.handle, 'rapid-review-scheduled', actors.rapidReviewChair, { meetingDate: first });
  const set = await entryFor(`[${c.ref}]`, 'Rapid Review meeting on');
  expect(set.mail.to.sort()).toEqual([MAILBOX['business-unit'], MAILBOX['rapid-review-chair'], MAILBOX.ssp].sort());
  expect(set.invite).toMatchObject({ method: 'REQUEST', uid: `${c.ref}.rapid-review-meeting.1.meeting@ssi-procedure`, sequence: 0, start: first, allDay: true, summary: `Rapid Review meeting (${c.ref})` });

  await decide(c.handle, 'rapid-review-scheduled', actors.rapidReviewChair, { meetingDate: second });
  const moved = await entryFor(`[${c.ref}]`, 'Rapid Review meeting moved to');
  expect(moved.invite).toMatchObject({ method: 'REQUEST', uid: set.invite.uid, sequence: 1, start: second });

  await decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'lcspr', rationale: RATIONALE });
  // Held: the meeting's own entry stays (the step's entry for its deadline day is cancelled).
  await h.smtp.waitFor((m) => m.subject.startsWith(`[${c.ref}] Done - Rapid Review Panel meets`));
  expect(entries(`[${c.ref}]`).filter((e) => e.invite.uid === set.invite.uid).map((e) => e.invite.sequence)).toEqual([0, 1]);
});
