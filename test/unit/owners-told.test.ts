// The owner of each step is told when it opens, with a calendar entry kept true as the deadline
// moves and the step is settled (domain/owners-told.ts), and the entry as a calendar reads it
// (activities/invites.ts, read back with ical.js). Deadlines written out by hand.
import { inviteIcs } from '../../activities/invites';
import type { Deadline } from '../../domain/case';
import { closeObligation, emptyOutbox, meetObligation, openObligation, queueNotice, replaceDeadline, applyDueWork, type Ledger, type QueuedNotice } from '../../domain/obligations';
import { tellMeetingPanel, tellOwners, type OwnerPolicy } from '../../domain/owners-told';
import type { CaseState } from '../../domain/case';
import { noticePolicy } from '../../domain/rulebook';
import type { Actor } from '../../domain/roles';
import { parseInvite } from '../helpers/ics';

const SSP: Actor = { id: 'ssp-1', role: 'ssp', agency: 'Partnership' };
const NOW = '2026-12-07T10:00:00.000Z';

/** A deadline as the activity returns it: due the end of `dueDate` (GMT in winter). */
function deadline(obligationId: string, dueDate: string): Deadline {
  return {
    obligationId,
    obligation: `Step ${obligationId}`,
    clock: { event: 'referral-received', date: '2026-12-07' },
    rule: `2 working days after 2026-12-07 (referral-received)`,
    dueDate,
    dueAt: `${dueDate}T23:59:59.999Z`,
    skipped: [],
    section: '§5.1',
    statutory: true,
    reminders: [],
    computedAt: NOW,
  };
}

function ledger(): Ledger {
  return { caseReference: 'DSP-2026-0042', obligations: {}, pastRounds: [], timeline: [], outbox: emptyOutbox() };
}

const POLICY: OwnerPolicy = { remind: () => ['ssp'], ownerTold: (id) => id !== 'referral-submitted' };
const notices = (l: Ledger) => l.outbox.notices.filter((n): n is QueuedNotice => n.kind !== 'operations-alert');

test('a step that opens is told to its owner once, with a REQUEST entry for its deadline day; a second pass queues nothing', () => {
  const l = ledger();
  openObligation(l, deadline('ssp-decision', '2026-12-09'), NOW);
  tellOwners(l, POLICY, NOW);
  tellOwners(l, POLICY, '2026-12-07T11:00:00.000Z');
  expect(notices(l).map((n) => [n.kind, n.to, n.invite])).toEqual([
    ['step-opened', ['ssp'], { uid: 'DSP-2026-0042.ssp-decision.1@ssi-procedure', sequence: 0, method: 'REQUEST', date: '2026-12-09', title: 'Due: Step ssp-decision (DSP-2026-0042)' }],
  ]);
});

test('a moved deadline moves the entry (same UID, SEQUENCE 1); meeting the step cancels it (SEQUENCE 2), to the same people', () => {
  const l = ledger();
  openObligation(l, deadline('ssp-decision', '2026-12-09'), NOW);
  tellOwners(l, POLICY, NOW);
  replaceDeadline(l, 'ssp-decision', deadline('ssp-decision', '2026-12-11'), '2026-12-08T09:00:00.000Z');
  tellOwners(l, POLICY, '2026-12-08T09:00:00.000Z');
  meetObligation(l, 'ssp-decision', '2026-12-10T09:00:00.000Z', SSP);
  tellOwners(l, POLICY, '2026-12-10T09:00:00.000Z');
  tellOwners(l, POLICY, '2026-12-10T10:00:00.000Z');
  expect(notices(l).map((n) => [n.kind, n.invite?.uid, n.invite?.sequence, n.invite?.method, n.invite?.date, n.outcome])).toEqual([
    ['step-opened', 'DSP-2026-0042.ssp-decision.1@ssi-procedure', 0, 'REQUEST', '2026-12-09', undefined],
    ['deadline-moved', 'DSP-2026-0042.ssp-decision.1@ssi-procedure', 1, 'REQUEST', '2026-12-11', undefined],
    ['step-closed', 'DSP-2026-0042.ssp-decision.1@ssi-procedure', 2, 'CANCEL', '2026-12-11', 'met'],
  ]);
  // Each email has its own key: none is taken by the outbox for another.
  expect(new Set(notices(l).map((n) => n.key)).size).toBe(3);
});

test('a deadline moved back to an earlier date is sent again with the next SEQUENCE and a key of its own', () => {
  const l = ledger();
  openObligation(l, deadline('ssp-decision', '2026-12-09'), NOW);
  tellOwners(l, POLICY, NOW);
  for (const [due, at] of [['2026-12-11', '2026-12-08T09:00:00.000Z'], ['2026-12-09', '2026-12-08T10:00:00.000Z']] as const) {
    replaceDeadline(l, 'ssp-decision', deadline('ssp-decision', due), at);
    tellOwners(l, POLICY, at);
  }
  const moved = notices(l).filter((n) => n.kind === 'deadline-moved');
  expect(moved.map((n) => [n.invite?.sequence, n.invite?.date])).toEqual([[1, '2026-12-11'], [2, '2026-12-09']]);
  expect(new Set(notices(l).map((n) => n.key)).size).toBe(3);
});

test('a withdrawn step is cancelled as no longer required; a missed one keeps its entry', () => {
  const l = ledger();
  openObligation(l, deadline('national-notification', '2026-12-14'), NOW);
  openObligation(l, deadline('ssp-decision', '2026-12-09'), NOW);
  tellOwners(l, POLICY, NOW);
  closeObligation(l, 'national-notification', 'withdrawn', 'criteria not met', '2026-12-08T09:00:00.000Z');
  applyDueWork(l, noticePolicy('DSP-1.5'), '2026-12-10T09:00:00.000Z');
  tellOwners(l, POLICY, '2026-12-10T09:00:00.000Z');
  expect(l.obligations['ssp-decision']!.status).toBe('missed');
  const told = notices(l).filter((n) => n.invite);
  expect(told.map((n) => [n.obligationId, n.kind, n.outcome ?? null])).toEqual([
    ['national-notification', 'step-opened', null],
    ['ssp-decision', 'step-opened', null],
    ['national-notification', 'step-closed', 'withdrawn'],
  ]);
});

test('a step opened again (a later round) cancels the old round\'s entry and sends the new round\'s under a new UID', () => {
  const l = ledger();
  openObligation(l, deadline('rapid-review-meeting', '2026-12-20'), NOW);
  tellOwners(l, POLICY, NOW);
  openObligation(l, deadline('rapid-review-meeting', '2027-01-20'), '2026-12-15T09:00:00.000Z');
  tellOwners(l, POLICY, '2026-12-15T09:00:00.000Z');
  expect(notices(l).map((n) => [n.kind, n.invite?.uid, n.invite?.method])).toEqual([
    ['step-opened', 'DSP-2026-0042.rapid-review-meeting.1@ssi-procedure', 'REQUEST'],
    ['step-closed', 'DSP-2026-0042.rapid-review-meeting.1@ssi-procedure', 'CANCEL'],
    ['step-opened', 'DSP-2026-0042.rapid-review-meeting.2@ssi-procedure', 'REQUEST'],
  ]);
});

test('at the referral the receipt already queued for a step carries its entry: no second email', () => {
  const l = ledger();
  const o = openObligation(l, deadline('ssp-informed', '2026-12-08'), NOW);
  queueNotice(l, 'referral-received', o, ['business-unit'], NOW);
  tellOwners(l, POLICY, NOW);
  expect(notices(l).map((n) => [n.kind, n.to, n.invite?.sequence])).toEqual([['referral-received', ['business-unit'], 0]]);
  meetObligation(l, 'ssp-informed', '2026-12-07T12:00:00.000Z', SSP);
  tellOwners(l, POLICY, '2026-12-07T12:00:00.000Z');
  expect(notices(l).at(-1)).toMatchObject({ kind: 'step-closed', to: ['business-unit'], invite: { sequence: 1, method: 'CANCEL' } });
});

test('steps the system takes, and minimum periods, are not told (the rulebook: a step with reminders is somebody\'s)', () => {
  const policy = noticePolicy('DSP-1.5', 'Example Police');
  expect(['referral-submitted', 'ld-informed', 'publication-kept', 'action-escalation-head', 'action-escalation-chief'].filter((id) => policy.ownerTold(id))).toEqual([]);
  expect(['ssp-informed', 'ssp-decision', 'national-notification', 'rapid-review-meeting', 'rapid-review-report', 'action-due', 'ld-decision'].every((id) => policy.ownerTold(id))).toBe(true);
});

describe('the entry as a calendar reads it (ical.js)', () => {
  const context = {
    mailFrom: 'Example Safeguarding Partnership <safeguarding-cases@partnership.example.org>',
    to: ['ssp@partnership.example.org'],
    description: 'Case DSP-2026-0042: Step ssp-decision (§5.1), by 11:59pm on Wednesday 9 December 2026.',
    url: 'https://staff.example.org/cases/DSP-2026-0042',
    now: new Date('2026-12-07T10:00:00Z'),
  };
  test.each([
    ['REQUEST', 0, 'CONFIRMED'],
    ['CANCEL', 3, 'CANCELLED'],
  ] as const)('%s, SEQUENCE %d: an all-day event on the deadline day, status %s', (method, sequence, status) => {
    const ics = inviteIcs({ uid: 'DSP-2026-0042.ssp-decision.1@ssi-procedure', sequence, method, date: '2026-12-31', title: 'Due: Step (DSP-2026-0042)' }, context);
    expect(parseInvite(ics)).toEqual({
      method,
      uid: 'DSP-2026-0042.ssp-decision.1@ssi-procedure',
      sequence,
      start: '2026-12-31',
      allDay: true,
      // DTEND is exclusive: the next day, across the year's end.
      end: '2027-01-01',
      status,
      summary: 'Due: Step (DSP-2026-0042)',
      description: context.description,
      url: context.url,
      attendees: ['ssp@partnership.example.org'],
      organizer: 'safeguarding-cases@partnership.example.org',
    });
  });
});

test("the Rapid Review meeting's entry is cancelled when the meeting is no longer required, and not sent before a date is set", () => {
  const state = { ...ledger(), rulebookVersion: 'DSP-1.5', stage: 'rapid-review', receivedAt: NOW, clocks: {}, clockCorrections: [], facts: {}, opened: true, requests: [] } as unknown as CaseState;
  openObligation(state, deadline('rapid-review-meeting', '2026-12-18'), NOW);
  tellMeetingPanel(state, NOW);
  expect(state.outbox.notices).toEqual([]);
  state.timeline.push({ at: NOW, kind: 'decision:rapid-review-scheduled', detail: { meetingDate: '2026-12-16', warning: 'none' } });
  tellMeetingPanel(state, NOW);
  closeObligation(state, 'rapid-review-meeting', 'withdrawn', 'test', '2026-12-10T09:00:00.000Z');
  tellMeetingPanel(state, '2026-12-10T09:00:00.000Z');
  tellMeetingPanel(state, '2026-12-10T10:00:00.000Z');
  expect(notices(state).map((n) => [n.kind, n.to, n.invite?.sequence, n.invite?.method, n.invite?.date])).toEqual([
    ['meeting-scheduled', ['rapid-review-chair', 'ssp', 'business-unit'], 0, 'REQUEST', '2026-12-16'],
    ['step-closed', ['rapid-review-chair', 'ssp', 'business-unit'], 1, 'CANCEL', '2026-12-16'],
  ]);
});
