// The Rapid Review's information from each agency (DSP 1.5 §6.5, Appendix 2) on the time-skipping
// server: the chair asks two agencies by a date before the meeting; one returns on time, the other
// misses its date. Its reminders and its escalation go to that agency's own contacts (from the
// partnership's directory, written out here), the dates from the independent oracle. The return
// is kept sealed in the register and reaches no timeline entry, email or ID.
import { statusQuery } from '../../workflows/contract';
import type { Actor } from '../../domain/roles';
import { endOfDay, londonInstant, workingDaysAfter, workingDaysBefore } from '../helpers/expected-dates';
import { caseInRapidReview, skipToWorkingMorning } from '../helpers/drive';
import { actors, decide, mailsFor, refusal, skipPast, startHarness, waitFor, type Harness } from '../helpers/harness';
import { MAILBOX } from '../helpers/obligations';

const POLICE = 'Example Police';
const HEALTH = 'Example Health Trust';
/** The example directory's contacts of each agency, written out rather than read from its config. */
const CONTACTS: Record<string, Record<'action-lead' | 'head-of-service', string>> = {
  [POLICE]: { 'action-lead': 'ppu-actions@police.example.org', 'head-of-service': 'head-of-ppu@police.example.org' },
  [HEALTH]: { 'action-lead': 'safeguarding-actions@health.example.org', 'head-of-service': 'head-of-safeguarding@health.example.org' },
};
const agencyActor = (agency: string, id: string): Actor => ({ id, role: 'action-owner', agency });
const MARKER = 'MARKER-returns-9d2e';

function agencyReturn(author: string) {
  return {
    involvement: `${MARKER} universal health visiting since birth`,
    safeguardingIssues: `${MARKER} none known before the incident`,
    informationHeld: `${MARKER} the health visitor's records`,
    author,
    chronology: [
      { date: '2025-03-04', time: '09:30', event: `${MARKER} new birth visit`, agency: HEALTH, source: 'Health visiting records', involved: 'Health visitor, mother', decisionsAndOutcome: 'Universal service', childSeen: 'yes', childViews: 'Too young to say', comments: `${MARKER} comment` },
    ],
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

test('two agencies asked: one returns on time, the other misses its date and is reminded and escalated through its own contacts', async () => {
  const c = await caseInRapidReview(h);
  const day = await skipToWorkingMorning(h);
  const meetingLimit = (await c.handle.query(statusQuery)).obligations['rapid-review-meeting']!.deadline.dueDate;
  const meetingOn = workingDaysAfter(day, 6);
  const due = workingDaysAfter(day, 4);
  await decide(c.handle, 'rapid-review-scheduled', actors.rapidReviewChair, { meetingDate: meetingOn });

  // §6.5: the returns are for the meeting: due on or after the day it is set for, refused, saying so.
  const late = await refusal(decide(c.handle, 'rapid-review-information-requested', actors.rapidReviewChair, { agencies: [{ agency: POLICE }], returnsDueOn: meetingOn }));
  expect(late).toEqual({ type: 'WrongStage', message: expect.stringContaining(`due before the Rapid Review meeting, set for ${meetingOn}`) });
  const pastLimit = await refusal(decide(c.handle, 'rapid-review-information-requested', actors.ssp, { agencies: [{ agency: POLICE }], returnsDueOn: workingDaysAfter(meetingLimit, 0) }));
  expect(pastLimit?.type).toBe('WrongStage');

  // The chair asks both agencies: one obligation each, due on the date given.
  const asked = await decide(c.handle, 'rapid-review-information-requested', actors.rapidReviewChair, { agencies: [{ agency: POLICE }, { agency: HEALTH }], returnsDueOn: due });
  for (const agency of [POLICE, HEALTH]) {
    const o = asked.obligations[`rapid-review-return:${agency}`]!;
    expect(o).toMatchObject({ status: 'open', round: 1 });
    expect(o.deadline).toMatchObject({ dueDate: due, dueAt: endOfDay(due), clock: { event: 'rapid-review-returns-due', date: due }, obligation: `Agency's information and chronology returned for the Rapid Review: ${agency}` });
    // Reminders as the rulebook's SHORT rhythm, counted by the oracle: 2 working days before and on the day, 09:00.
    expect(o.deadline.reminders).toEqual([londonInstant(workingDaysBefore(due, 2), '09:00:00'), londonInstant(due, '09:00:00')]);
  }
  // Each agency's action lead is told the step is theirs.
  for (const agency of [POLICE, HEALTH]) {
    const told = await h.smtp.waitFor((m) => m.subject.startsWith(`[${c.ref}] Now yours`) && m.subject.includes(agency));
    expect(told.to).toEqual([CONTACTS[agency]!['action-lead']]);
  }

  // An agency not asked is refused, saying so; one agency cannot return for another.
  const notAsked = await refusal(decide(c.handle, 'rapid-review-return', agencyActor('Example Primary School', 'school-dsl'), agencyReturn('DSL')));
  expect(notAsked).toEqual({ type: 'WrongStage', message: expect.stringContaining('Example Primary School has not been asked') });

  // The health trust returns on time: its own instance is met, the police's is not.
  const returned = await decide(c.handle, 'rapid-review-return', agencyActor(HEALTH, 'health-lead'), agencyReturn('Named Nurse, safeguarding lead'));
  expect(returned.obligations[`rapid-review-return:${HEALTH}`]).toMatchObject({ status: 'met', metBy: 'health-lead' });
  expect(returned.obligations[`rapid-review-return:${POLICE}`]!.status).toBe('open');
  const again = await refusal(decide(c.handle, 'rapid-review-return', agencyActor(HEALTH, 'health-lead'), agencyReturn('Named Nurse')));
  expect(again?.type).toBe('AlreadyMet');

  // The police miss the date (the seed sets no limit: the date is the request's, so the escalation
  // says local policy): their action lead was reminded, their Head of Service and the Rapid Review chair hear of it.
  await skipPast(h, endOfDay(due));
  const missed = await waitFor(c.handle, (s) => s.obligations[`rapid-review-return:${POLICE}`]?.status === 'missed' && s.pending.notices === 0);
  expect(missed.obligations[`rapid-review-return:${HEALTH}`]!.status).toBe('met');
  const escalation = await h.smtp.waitFor((m) => m.subject.startsWith(`[${c.ref}] Overdue (local policy)`) && m.subject.includes(POLICE));
  expect([...escalation.to].sort()).toEqual([CONTACTS[POLICE]!['head-of-service'], MAILBOX['rapid-review-chair']].sort());
  const policeReminders = mailsFor(h, c.ref, 'Reminder').filter((m) => m.subject.includes(POLICE));
  expect(policeReminders).toHaveLength(2);
  for (const m of policeReminders) expect(m.to).toEqual([CONTACTS[POLICE]!['action-lead']]);
  // The reminder links the agency straight to its own form: it reads nothing else of the case.
  for (const m of policeReminders) expect(m.text).toContain(`/cases/${c.ref}/decisions/rapid-review-return`);
  // ... and to nothing it could not open: the case page is the panel's.
  for (const m of policeReminders) expect(m.text).not.toMatch(new RegExp(`/cases/${c.ref}\\s*$`, 'm'));
  // The health trust returned before any reminder: none, and no escalation.
  expect(h.smtp.messages.filter((m) => m.subject.includes(`[${c.ref}]`) && m.subject.includes(HEALTH) && /Reminder|Overdue/.test(m.subject))).toHaveLength(0);

  // Returned late, it is met late.
  const lateReturn = await decide(c.handle, 'rapid-review-return', agencyActor(POLICE, 'police-lead'), agencyReturn('DS Example, PPU'));
  expect(lateReturn.obligations[`rapid-review-return:${POLICE}`]!.status).toBe('met-late');

  // What was returned is nowhere but sealed in the register: not the timeline, not an email.
  const final = await c.handle.query(statusQuery);
  expect(JSON.stringify(final.timeline)).not.toContain(MARKER);
  expect(final.timeline.filter((t) => t.kind === 'decision:rapid-review-return').map((t) => t.detail)).toEqual([{ agency: HEALTH }, { agency: POLICE }]);
  for (const m of h.smtp.messages) expect(`${m.subject}\n${m.text}`).not.toContain(MARKER);
  const rows = await h.register.selectFrom('register_event').select(['kind', 'obligation_id', 'detail']).where('case_reference', '=', c.ref).where('kind', '=', 'decision:rapid-review-return').execute();
  expect(rows.map((r) => r.obligation_id)).toEqual(expect.arrayContaining([`rapid-review-return:${HEALTH}`, `rapid-review-return:${POLICE}`]));
  for (const r of rows) {
    expect(r.detail).not.toContain(MARKER);
    const stored = JSON.parse(r.detail) as Record<string, string>;
    for (const field of ['involvement', 'safeguardingIssues', 'informationHeld', 'author', 'chronology']) expect(stored[field]).toMatch(/^v1:/);
  }
  // Read back through the register (its key ring), the return is whole.
  const opened = (await h.cases.caseEntries(c.ref)).find((e) => e.kind === 'decision:rapid-review-return' && e.obligationId === `rapid-review-return:${HEALTH}`)!;
  expect(opened.detail.involvement).toContain(MARKER);
  expect(JSON.parse(String(opened.detail.chronology))).toEqual(agencyReturn('x').chronology);
});

test('a second request adds agencies; the meeting held withdraws what has not come', async () => {
  const c = await caseInRapidReview(h);
  const day = await skipToWorkingMorning(h);
  const due = workingDaysAfter(day, 3);
  await decide(c.handle, 'rapid-review-information-requested', actors.rapidReviewChair, { agencies: [{ agency: POLICE }], returnsDueOn: due });
  // Naming only an agency already asked opens nothing: refused, saying so.
  const repeat = await refusal(decide(c.handle, 'rapid-review-information-requested', actors.rapidReviewChair, { agencies: [{ agency: POLICE }], returnsDueOn: due }));
  expect(repeat).toEqual({ type: 'WrongStage', message: expect.stringContaining('already been asked') });
  const second = await decide(c.handle, 'rapid-review-information-requested', actors.ssp, { agencies: [{ agency: POLICE }, { agency: HEALTH }], returnsDueOn: workingDaysAfter(day, 4) });
  expect(second.obligations[`rapid-review-return:${POLICE}`]!.deadline.dueDate).toBe(due);
  expect(second.obligations[`rapid-review-return:${HEALTH}`]!.deadline.dueDate).toBe(workingDaysAfter(day, 4));

  const held = await decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'lcspr', rationale: 'Test rationale' });
  expect(held.obligations[`rapid-review-return:${POLICE}`]!.status).toBe('withdrawn');
  expect(held.obligations[`rapid-review-return:${HEALTH}`]!.status).toBe('withdrawn');
});
