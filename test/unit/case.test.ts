// The workflow's clock, as pure functions over hand-built case states: when to wake, what has
// fallen due, and what the status query shows (domain/case.ts).
import { dueWork } from '../../domain/obligations';
import { caseStatus, nextDeadline, nextWakeAt, overdueCount, type CaseState, type Deadline, type ObligationState, type ObligationStatus } from '../../domain/case';

const RECEIVED_AT = '2026-12-21T10:00:00.000Z';

// national-notification counted from Monday 21 Dec 2026: due the end of Wednesday 30 Dec (GMT).
const DUE_AT = '2026-12-30T23:59:59.999Z';
const R1 = '2026-12-24T09:00:00.000Z';
const R2 = '2026-12-30T09:00:00.000Z';
const ms = (iso: string) => Date.parse(iso);

interface DeadlineOptions {
  dueDate?: string;
  dueAt?: string;
  reminders?: string[];
  target?: { dueDate: string; dueAt: string };
}

function deadline(id: string, o: DeadlineOptions = {}): Deadline {
  const dueDate = o.dueDate ?? '2026-12-30';
  return {
    obligationId: id,
    obligation: `obligation ${id}`,
    clock: { event: 'la-became-aware', date: '2026-12-21' },
    rule: '5 working days after 2026-12-21 (la-became-aware)',
    dueDate,
    dueAt: o.dueAt ?? `${dueDate}T23:59:59.999Z`,
    skipped: [{ date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' }],
    section: '§3, §5.2',
    statutory: true,
    ...(o.target ? { target: { rule: '10 working days after (target)', ...o.target } } : {}),
    reminders: o.reminders ?? [R1, R2],
    computedAt: RECEIVED_AT,
  };
}

function obligation(id: string, status: ObligationStatus = 'open', d: DeadlineOptions = {}, extra: Partial<ObligationState> = {}): ObligationState {
  return { id, round: 1, status, deadline: deadline(id, d), previousDeadlines: [], remindersDone: [], ...extra };
}

function caseState(...obligations: ObligationState[]): CaseState {
  return {
    caseReference: 'TEST-2026-000201',
    rulebookVersion: 'DSP-1.5',
    stage: 'awaiting-national-notification',
    receivedAt: RECEIVED_AT,
    clocks: { 'referral-received': RECEIVED_AT, 'la-became-aware': RECEIVED_AT },
    clockCorrections: [],
    facts: {},
    obligations: Object.fromEntries(obligations.map((o) => [o.id, o])),
    pastRounds: [],
    timeline: [],
    outbox: { records: [], notices: [] },
    opened: true,
    requests: [],
  };
}

const notMinimum = () => false;

describe('nextWakeAt', () => {
  test('nothing open: no wake-up', () => {
    expect(nextWakeAt(caseState())).toBeUndefined();
    expect(nextWakeAt(caseState(obligation('a', 'met'), obligation('b', 'withdrawn'), obligation('c', 'broken'), obligation('d', 'met-late')))).toBeUndefined();
  });

  test('reminders in order, then just after the end of the due day', () => {
    const o = obligation('national-notification');
    const state = caseState(o);
    expect(nextWakeAt(state)).toBe(ms(R1));
    o.remindersDone.push(R1);
    expect(nextWakeAt(state)).toBe(ms(R2));
    o.remindersDone.push(R2);
    // The deadline is the end of its day: the wake-up is the millisecond after it, not the instant.
    expect(nextWakeAt(state)).toBe(ms(DUE_AT) + 1);
    expect(nextWakeAt(state)).toBe(ms('2026-12-31T00:00:00.000Z'));
  });

  test('an escalated obligation no longer wakes the workflow', () => {
    const o = obligation('national-notification', 'missed', {}, { remindersDone: [R1, R2], escalatedAt: '2026-12-31T00:00:00.000Z' });
    expect(nextWakeAt(caseState(o))).toBeUndefined();
  });

  test('the earliest across obligations; met and withdrawn ones are ignored', () => {
    const state = caseState(
      obligation('met-early', 'met', { reminders: ['2026-12-22T09:00:00.000Z'] }),
      obligation('withdrawn-early', 'withdrawn', { reminders: ['2026-12-22T10:00:00.000Z'] }),
      obligation('later', 'open', { dueDate: '2027-01-05', reminders: ['2026-12-31T09:00:00.000Z'] }),
      obligation('sooner', 'open', { reminders: ['2026-12-23T09:00:00.000Z'] }),
    );
    expect(nextWakeAt(state)).toBe(ms('2026-12-23T09:00:00.000Z'));
  });

  test('a target wakes the workflow just after its day ends, once', () => {
    const target = { dueDate: '2026-12-24', dueAt: '2026-12-24T23:59:59.999Z' };
    const o = obligation('rapid-review-meeting', 'open', { dueDate: '2027-01-05', reminders: ['2026-12-31T09:00:00.000Z'], target });
    const state = caseState(o);
    expect(nextWakeAt(state)).toBe(ms('2026-12-25T00:00:00.000Z'));
    o.targetWarnedAt = '2026-12-25T00:00:00.000Z';
    expect(nextWakeAt(state)).toBe(ms('2026-12-31T09:00:00.000Z'));
  });
});

describe('every wake-up has work to do (else the workflow spins on timers in the past)', () => {
  // The workflow sleeps until nextWakeAt, then runs dueWork; a wake-up in the past with nothing due
  // would loop on 1 ms timers for ever. States below are as the workflow leaves them.
  function spins(state: CaseState, now: number): boolean {
    const wake = nextWakeAt(state);
    if (wake === undefined || wake > now) return false;
    const work = dueWork(state.obligations, now, notMinimum);
    return work.reminders.length + work.targetWarnings.length + work.escalations.length + work.completedPeriods.length + work.triggers.length === 0;
  }

  test('after reminders and an escalation in the normal course', () => {
    const o = obligation('national-notification', 'missed', {}, { remindersDone: [R1, R2], escalatedAt: '2026-12-31T00:00:00.000Z' });
    expect(spins(caseState(o), ms('2026-12-31T00:00:00.000Z'))).toBe(false);
  });

  test('after an escalation that came before the target was ever warned (a clock recorded late, or a worker away)', () => {
    // rapid-review-meeting acknowledged on 10 Dec 2026 but recorded weeks later (occurredAt): the
    // target (24 Dec) and the limit (5 Jan) have both passed when it opens. dueWork escalates and
    // skips the target warning; nothing is left to do for this obligation.
    const target = { dueDate: '2026-12-24', dueAt: '2026-12-24T23:59:59.999Z' };
    const reminders = ['2026-12-24T09:00:00.000Z', '2026-12-31T09:00:00.000Z', '2027-01-05T09:00:00.000Z'];
    const o = obligation('rapid-review-meeting', 'open', { dueDate: '2027-01-05', reminders, target }, { remindersDone: reminders });
    const state = caseState(o);
    const now = ms('2027-01-20T12:00:00.000Z');
    expect(dueWork(state.obligations, now, notMinimum)).toEqual({ reminders: [], targetWarnings: [], escalations: [{ obligationId: 'rapid-review-meeting' }], completedPeriods: [], triggers: [] });
    // What the workflow does on that escalation (workflows/incident.ts, handleDue).
    o.status = 'missed';
    o.escalatedAt = new Date(now).toISOString();
    expect(spins(state, now)).toBe(false);
    expect(nextWakeAt(state)).toBeUndefined();
  });
});

describe('dueWork', () => {
  test('nothing before the first reminder', () => {
    const state = caseState(obligation('national-notification'));
    expect(dueWork(state.obligations, ms(R1) - 1, notMinimum)).toEqual({ reminders: [], targetWarnings: [], escalations: [], completedPeriods: [], triggers: [] });
  });

  test('a reminder is due at its instant', () => {
    const state = caseState(obligation('national-notification'));
    expect(dueWork(state.obligations, ms(R1), notMinimum).reminders).toEqual([{ obligationId: 'national-notification', at: R1 }]);
  });

  test('reminders come in order; those done are not repeated', () => {
    const o = obligation('national-notification');
    const state = caseState(o);
    // The worker was away: both reminders have fallen due by the morning of the due day.
    const noon = ms('2026-12-30T12:00:00.000Z');
    expect(dueWork(state.obligations, noon, notMinimum).reminders).toEqual([
      { obligationId: 'national-notification', at: R1 },
      { obligationId: 'national-notification', at: R2 },
    ]);
    o.remindersDone.push(R1);
    expect(dueWork(state.obligations, noon, notMinimum).reminders).toEqual([{ obligationId: 'national-notification', at: R2 }]);
  });

  test('no escalation at the deadline instant itself: the due day is not over', () => {
    const state = caseState(obligation('national-notification', 'open', {}, { remindersDone: [R1, R2] }));
    expect(dueWork(state.obligations, ms(DUE_AT), notMinimum).escalations).toEqual([]);
  });

  test('escalation just after the end of the due day', () => {
    const state = caseState(obligation('national-notification', 'open', {}, { remindersDone: [R1, R2] }));
    expect(dueWork(state.obligations, ms(DUE_AT) + 1, notMinimum)).toEqual({
      reminders: [],
      targetWarnings: [],
      escalations: [{ obligationId: 'national-notification' }],
      completedPeriods: [],
      triggers: [],
    });
  });

  test('reminders are dropped once the deadline has passed: an escalation instead', () => {
    const state = caseState(obligation('national-notification'));
    const work = dueWork(state.obligations, ms(DUE_AT) + 1, notMinimum);
    expect(work.reminders).toEqual([]);
    expect(work.escalations).toEqual([{ obligationId: 'national-notification' }]);
  });

  test('an obligation already escalated is not escalated again', () => {
    const state = caseState(obligation('national-notification', 'missed', {}, { remindersDone: [R1, R2], escalatedAt: '2026-12-31T00:00:00.000Z' }));
    expect(dueWork(state.obligations, ms('2027-02-01T12:00:00.000Z'), notMinimum)).toEqual({ reminders: [], targetWarnings: [], escalations: [], completedPeriods: [], triggers: [] });
  });

  test('a minimum period completes at the end of its day instead of escalating', () => {
    // publication-kept: published 2 Nov 2026, public until at least the end of 2 Nov 2027 (GMT).
    const kept = obligation('publication-kept', 'open', { dueDate: '2027-11-02', reminders: [] });
    const state = caseState(kept);
    const minimum = (id: string) => id === 'publication-kept';
    expect(dueWork(state.obligations, ms('2027-11-02T23:59:59.999Z'), minimum).completedPeriods).toEqual([]);
    expect(dueWork(state.obligations, ms('2027-11-03T00:00:00.000Z'), minimum)).toEqual({
      reminders: [],
      targetWarnings: [],
      escalations: [],
      completedPeriods: [{ obligationId: 'publication-kept' }],
      triggers: [],
    });
  });

  test('a target warning just after the target day ends, not at its last instant, and once', () => {
    const target = { dueDate: '2026-12-24', dueAt: '2026-12-24T23:59:59.999Z' };
    const o = obligation('rapid-review-meeting', 'open', { dueDate: '2027-01-05', reminders: [], target });
    const state = caseState(o);
    expect(dueWork(state.obligations, ms(target.dueAt), notMinimum).targetWarnings).toEqual([]);
    expect(dueWork(state.obligations, ms(target.dueAt) + 1, notMinimum).targetWarnings).toEqual([{ obligationId: 'rapid-review-meeting' }]);
    expect(dueWork(state.obligations, ms(target.dueAt) + 1, notMinimum).escalations).toEqual([]);
    o.targetWarnedAt = '2026-12-25T00:00:00.000Z';
    expect(dueWork(state.obligations, ms('2026-12-29T12:00:00.000Z'), notMinimum).targetWarnings).toEqual([]);
  });

  test('met, met-late, withdrawn and broken obligations are ignored, however late it is', () => {
    const state = caseState(obligation('a', 'met'), obligation('b', 'met-late'), obligation('c', 'withdrawn'), obligation('d', 'broken'));
    expect(dueWork(state.obligations, ms('2027-06-01T00:00:00.000Z'), () => true)).toEqual({ reminders: [], targetWarnings: [], escalations: [], completedPeriods: [], triggers: [] });
    expect(dueWork(state.obligations, ms('2027-06-01T00:00:00.000Z'), notMinimum)).toEqual({ reminders: [], targetWarnings: [], escalations: [], completedPeriods: [], triggers: [] });
  });

  test('several obligations fall due together', () => {
    const state = caseState(
      obligation('ssp-decision', 'open', { dueDate: '2026-12-29', reminders: ['2026-12-23T09:00:00.000Z', '2026-12-29T09:00:00.000Z'] }, { remindersDone: ['2026-12-23T09:00:00.000Z'] }),
      obligation('national-notification'),
    );
    const work = dueWork(state.obligations, ms('2026-12-30T00:00:00.000Z'), notMinimum);
    // ssp-decision's day is over: escalated, its last reminder dropped; national-notification's first reminder is due.
    expect(work.escalations).toEqual([{ obligationId: 'ssp-decision' }]);
    expect(work.reminders).toEqual([{ obligationId: 'national-notification', at: R1 }]);
  });
});

describe('overdueCount and nextDeadline', () => {
  const state = caseState(
    obligation('missed-1', 'missed', { dueDate: '2026-12-22' }, { escalatedAt: '2026-12-23T00:00:00.000Z' }),
    obligation('missed-2', 'missed', { dueDate: '2026-12-23' }, { escalatedAt: '2026-12-24T00:00:00.000Z' }),
    obligation('late', 'met-late', { dueDate: '2026-12-21' }),
    obligation('gone', 'withdrawn', { dueDate: '2026-12-24' }),
    obligation('open-later', 'open', { dueDate: '2027-01-05' }),
    obligation('open-sooner', 'open', { dueDate: '2026-12-30' }),
    obligation('met-soonest', 'met', { dueDate: '2026-12-20' }),
  );

  test('overdue counts the missed obligations still to do', () => {
    expect(overdueCount(state)).toBe(2);
    expect(overdueCount(caseState(obligation('x', 'met-late')))).toBe(0);
  });

  test('the next deadline is the soonest one still open (missed ones are overdue, not next)', () => {
    expect(nextDeadline(state)).toBe('2026-12-30T23:59:59.999Z');
    expect(nextDeadline(caseState(obligation('x', 'met')))).toBeUndefined();
  });
});

describe('caseStatus', () => {
  test('each obligation appears once, in the bucket of its status, soonest first; past rounds included', () => {
    const state = caseState(
      obligation('open-later', 'open', { dueDate: '2027-01-05' }),
      obligation('open-sooner', 'open', { dueDate: '2026-12-30' }),
      obligation('done', 'met', { dueDate: '2026-12-22' }, { metAt: '2026-12-22T10:00:00.000Z' }),
      obligation('late', 'met-late', { dueDate: '2026-12-22' }, { metAt: '2026-12-23T10:00:00.000Z' }),
      obligation('missed', 'missed', { dueDate: '2026-12-23' }, { escalatedAt: '2026-12-24T00:00:00.000Z' }),
      obligation('withdrawn', 'withdrawn', { dueDate: '2027-06-21' }),
      obligation('broken', 'broken', { dueDate: '2027-11-02' }),
    );
    state.pastRounds.push({ ...obligation('csprp-response', 'met', { dueDate: '2026-12-10' }), round: 1 });
    state.obligations['csprp-response'] = { ...obligation('csprp-response', 'open', { dueDate: '2027-01-20' }), round: 2 };
    const status = caseStatus(state, Date.now());
    expect(status.open.map((o) => o.id)).toEqual(['open-sooner', 'open-later', 'csprp-response']);
    expect(status.met.map((o) => [o.id, o.round])).toEqual([
      ['csprp-response', 1],
      ['done', 1],
    ]);
    expect(status.metLate.map((o) => o.id)).toEqual(['late']);
    expect(status.missed.map((o) => o.id)).toEqual(['missed']);
    expect(status.closed.map((o) => o.id)).toEqual(['withdrawn', 'broken']);
    expect(status.open.find((o) => o.id === 'csprp-response')!.round).toBe(2);
    expect(status.missed[0]!.escalatedAt).toBe('2026-12-24T00:00:00.000Z');
    expect(status.metLate[0]!.metAt).toBe('2026-12-23T10:00:00.000Z');
  });

  test('a view explains its deadline: clock, rule, skipped days, §, statutory, target; and keeps earlier deadlines', () => {
    const target = { dueDate: '2026-12-24', dueAt: '2026-12-24T23:59:59.999Z' };
    const o = obligation('rapid-review-meeting', 'open', { dueDate: '2027-01-05', target });
    o.previousDeadlines.push(deadline('rapid-review-meeting', { dueDate: '2027-01-04' }));
    const status = caseStatus(caseState(o, obligation('plain')), Date.now());
    const view = status.open.find((v) => v.id === 'rapid-review-meeting')!;
    expect(view).toMatchObject({
      dueDate: '2027-01-05',
      dueAt: '2027-01-05T23:59:59.999Z',
      obligation: 'obligation rapid-review-meeting',
      explanation: {
        clock: { event: 'la-became-aware', date: '2026-12-21' },
        rule: '5 working days after 2026-12-21 (la-became-aware)',
        skipped: [{ date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' }],
        section: '§3, §5.2',
        statutory: true,
        target: { dueDate: '2026-12-24', dueAt: '2026-12-24T23:59:59.999Z' },
      },
      previousDeadlines: [{ dueDate: '2027-01-04', rule: '5 working days after 2026-12-21 (la-became-aware)' }],
    });
    expect('target' in status.open.find((v) => v.id === 'plain')!.explanation).toBe(false);
  });

  test('the status is plain JSON and carries the case as it is', () => {
    const state = caseState(obligation('national-notification'));
    const status = caseStatus(state, Date.now());
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
    expect(status).toMatchObject({ caseReference: 'TEST-2026-000201', rulebookVersion: 'DSP-1.5', stage: 'awaiting-national-notification', receivedAt: RECEIVED_AT });
    expect(status.obligations).toBe(state.obligations);
  });
});
