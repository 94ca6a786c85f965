// The pure engine (domain/incident.ts, domain/obligations.ts) as the workflow calls it: a decision
// planned, its deadlines given (here written out by hand, as a deadline activity would return
// them), and applied whole. Each test is a defect the atomic-decisions issue named.
import type { CaseState, Deadline } from '../../domain/case';
import { caseStatus } from '../../domain/case';
import { checkDecision, type DecisionName } from '../../domain/decisions';
import { applyDecision, applyOpening, deadlineRequests, newCase, openingObligations, planDecision } from '../../domain/incident';
import { parseInstant } from '../../domain/instants';
import { applyDueWork, applyNoticeOutcome, nextWakeAt, type NoticePolicy } from '../../domain/obligations';
import type { Actor } from '../../domain/roles';
import { londonDateAt, workingDaysLate } from '../../domain/working-days-late';
import { londonDate, notWorking, shiftDays } from '../helpers/expected-dates';

const RECEIVED_AT = '2026-11-02T10:00:00.000Z';
const BU: Actor = { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' };
const SSP: Actor = { id: 'ssp-la', role: 'ssp', agency: 'Local Authority' };

/** A deadline as the activity returns it: due the end of `dueDate` (GMT in winter). */
function deadline(obligationId: string, dueDate: string, extra: Partial<Deadline> = {}): Deadline {
  return {
    obligationId,
    obligation: `obligation ${obligationId}`,
    clock: { event: 'referral-received', date: '2026-11-02' },
    rule: `test rule for ${obligationId}`,
    dueDate,
    dueAt: `${dueDate}T23:59:59.999Z`,
    skipped: [],
    section: '§test',
    statutory: true,
    reminders: [],
    afterDue: { nonWorking: [], horizon: shiftDays(dueDate, 730) },
    computedAt: RECEIVED_AT,
    ...extra,
  };
}

function opened(): CaseState {
  const state = newCase({ caseReference: 'DSP-2026-0001', receivedAt: RECEIVED_AT, rulebookVersion: 'DSP-1.5', receivedBy: BU, referrerBecameAware: '2026-11-02', lookedAfterChildDied: false });
  applyOpening(state, BU, deadlineRequests(state, openingObligations(state)).map((r) => deadline(r.obligationId, '2026-11-09')), RECEIVED_AT);
  return state;
}

/** Checks the decision as the validator does, then applies it whole with the given deadlines. */
function decide(state: CaseState, name: DecisionName, actor: Actor, payload: Record<string, unknown>, now: string, dueDate = '2026-12-31'): void {
  const check = checkDecision(state, name, actor, payload, Date.parse(now));
  if (!check.ok) throw new Error(`${name} refused: ${check.type} ${check.message}`);
  const plan = planDecision(state, name, check.payload, Date.parse(now));
  applyDecision(state, name, actor, check.payload, plan, plan.needs.map((r) => deadline(r.obligationId, dueDate)), now);
}

function refusalOf(state: CaseState, name: DecisionName, actor: Actor, payload: Record<string, unknown>, now: string) {
  const check = checkDecision(state, name, actor, payload, Date.parse(now));
  return check.ok ? undefined : { type: check.type, problems: check.problems ?? [] };
}

/** Straight to awaiting publication: the stage and clocks the LCSPR path leaves. */
function awaitingPublication(plannedPublicationDate: string, reportDue: string): CaseState {
  const state = opened();
  state.stage = 'awaiting-publication';
  state.clocks['lcspr-decision'] = '2026-11-10T10:00:00.000Z';
  state.clocks['planned-publication'] = plannedPublicationDate;
  state.obligations['lcspr-publication'] = { id: 'lcspr-publication', round: 1, status: 'open', deadline: deadline('lcspr-publication', '2027-05-10'), previousDeadlines: [], remindersDone: [] };
  state.obligations['report-to-panel'] = { id: 'report-to-panel', round: 1, status: 'open', deadline: deadline('report-to-panel', reportDue), previousDeadlines: [], remindersDone: [] };
  return state;
}

describe('a decision is applied whole, its side effects queued', () => {
  test('the SSP decision opens, meets and withdraws in one step, and queues its emails and rows instead of sending them', () => {
    const state = opened();
    decide(state, 'ssp-informed', BU, {}, '2026-11-02T12:00:00.000Z');
    state.outbox = { records: [], notices: [] };
    decide(state, 'ssp-decision', SSP, { outcome: 'not-met-no-further-action', rationale: 'No serious harm (test).' }, '2026-11-03T12:00:00.000Z');
    expect(state.stage).toBe('no-further-action');
    expect(state.obligations['ssp-decision']!.status).toBe('met');
    // §5.7 referrer feedback is open and watched at once: there is no moment when the stage has
    // moved on but the obligation does not exist yet (close-case was accepted in that moment).
    expect(state.obligations['referrer-feedback']!.status).toBe('open');
    expect(nextWakeAt(state.obligations)).toBeDefined();
    expect(refusalOf(state, 'close-case', SSP, {}, '2026-11-03T12:00:01.000Z')?.type).toBe('WrongStage');
    // §5.2: the notification watched since the referral is not required without the criteria.
    expect(state.obligations['national-notification']).toMatchObject({ status: 'withdrawn' });
    // §5.6: the email to the L&D Chair is queued, and meets ld-informed when it is delivered.
    const shared = state.outbox.notices[0]!;
    if (shared.kind === 'operations-alert') throw new Error('expected the notice to the L&D Chair');
    expect(state.outbox.notices.map((n) => [n.kind, n.kind === 'operations-alert' ? undefined : n.meetsOnDelivery])).toEqual([['ssp-decision-shared', 'ld-informed']]);
    expect(state.obligations['ld-informed']!.status).toBe('open');
    expect(state.outbox.records.map((r) => r.kind)).toEqual(expect.arrayContaining(['decision:ssp-decision', 'obligation-met', 'obligation-withdrawn', 'deadline-set']));
    applyNoticeOutcome(state, shared, { sent: true }, '2026-11-03T12:00:05.000Z');
    expect(state.obligations['ld-informed']!.status).toBe('met');
  });

  test('the opening obligations are all open when the case is: §4.5, §4.6, §5.1, and §5.2 from the referral', () => {
    const state = opened();
    expect(state.opened).toBe(true);
    expect(Object.keys(state.obligations).sort()).toEqual(['national-notification', 'referral-submitted', 'ssp-decision', 'ssp-informed']);
    // The receipt emails are queued, not awaited: an SMTP outage cannot hold the SSP's obligation back.
    // §5.2: the Business Unit and the SSP are told at once by when the notification is due.
    expect(state.outbox.notices.map((n) => [n.kind, n.kind === 'operations-alert' ? '' : n.obligationId, n.to])).toEqual([
      ['referral-received', 'ssp-informed', ['business-unit']],
      ['referral-received', 'national-notification', ['business-unit', 'ssp']],
    ]);
    expect(refusalOf(state, 'ssp-informed', BU, {}, '2026-11-02T10:00:01.000Z')).toBeUndefined();
  });
});

describe('every round of a repeated obligation is watched or closed', () => {
  test('a second publication-delayed closes round 1 of the explanation, saying which round replaced it', () => {
    const state = awaitingPublication('2027-03-01', '2027-02-18');
    decide(state, 'publication-delayed', SSP, { reason: 'Criminal trial (test).', newPlannedPublicationDate: '2027-04-01' }, '2026-12-01T10:00:00.000Z');
    decide(state, 'publication-delayed', SSP, { reason: 'Trial adjourned (test).', newPlannedPublicationDate: '2027-05-03' }, '2026-12-02T10:00:00.000Z');
    const status = caseStatus(state, Date.parse('2026-12-02T10:00:00.000Z'));
    const rounds = [...status.open, ...status.closed, ...status.missed].filter((v) => v.id === 'publication-delay-explained');
    expect(rounds.map((v) => [v.round, v.status, v.closedReason])).toEqual(
      expect.arrayContaining([
        [1, 'withdrawn', 'replaced by round 2'],
        [2, 'open', undefined],
      ]),
    );
    expect(status.open.filter((v) => v.id === 'publication-delay-explained')).toHaveLength(1);
  });
});

describe('§15.5 and §14.7 are judged by the real publication date', () => {
  test('published on time but recorded after the 6-month deadline: met, not met late', () => {
    const state = awaitingPublication('2027-05-03', '2027-04-22');
    decide(state, 'report-sent-to-panel', SSP, {}, '2027-04-20T10:00:00.000Z');
    // Published on 7 May (the limit is 10 May), recorded on 14 May.
    decide(state, 'published', SSP, { publishedOn: '2027-05-07' }, '2027-05-14T10:00:00.000Z', '2028-05-07');
    expect(state.obligations['lcspr-publication']).toMatchObject({ status: 'met', metOn: '2027-05-07' });
  });

  test('published earlier than planned: the report deadline is counted again from the real date and the report judged against it', () => {
    const state = awaitingPublication('2027-05-03', '2027-04-22');
    decide(state, 'report-sent-to-panel', SSP, {}, '2027-04-20T10:00:00.000Z');
    const plan = planDecision(state, 'published', { publishedOn: '2027-04-21' }, Date.parse('2027-04-21T10:00:00.000Z'));
    // The deadline activity is asked for report-to-panel from the real date.
    expect(plan.needs).toEqual(expect.arrayContaining([{ obligationId: 'report-to-panel', clock: '2027-04-21' }]));
    decide(state, 'published', SSP, { publishedOn: '2027-04-21' }, '2027-04-21T10:00:00.000Z', '2027-04-12');
    const report = state.obligations['report-to-panel']!;
    expect(report.status).toBe('met-late');
    expect(report.previousDeadlines.map((d) => d.dueDate)).toEqual(['2027-04-22']);
    expect(state.timeline.some((t) => t.kind === 'obligation-rejudged' && t.obligationId === 'report-to-panel')).toBe(true);
  });

  test('published without the report sent: the report is flagged missed against the real date, and escalated', () => {
    const state = awaitingPublication('2027-05-03', '2027-04-22');
    decide(state, 'published', SSP, { publishedOn: '2027-04-21' }, '2027-04-21T10:00:00.000Z', '2027-04-12');
    expect(state.timeline.find((t) => t.kind === 'decision:published')?.detail).toMatchObject({ reportSentFirst: false });
    state.outbox = { records: [], notices: [] };
    const policy: NoticePolicy = { remind: () => ['ssp'], escalateTo: () => ['independent-scrutineer'], minimumPeriod: (id) => id === 'publication-kept', trigger: () => false };
    applyDueWork(state, policy, '2027-04-21T10:00:01.000Z');
    expect(state.obligations['report-to-panel']).toMatchObject({ status: 'missed', deadline: { dueDate: '2027-04-12' } });
    expect(state.outbox.notices.map((n) => [n.kind, n.kind === 'operations-alert' ? '' : n.obligationId])).toContainEqual(['escalation', 'report-to-panel']);
  });

  test('planned publication dates are validated: not in the past, not years ahead', () => {
    const state = awaitingPublication('2027-05-03', '2027-04-22');
    const now = '2026-12-01T10:00:00.000Z';
    expect(refusalOf(state, 'publication-delayed', SSP, { reason: 'r', newPlannedPublicationDate: '2026-11-30' }, now)?.problems).toEqual([
      { path: 'newPlannedPublicationDate', message: 'newPlannedPublicationDate is in the past' },
    ]);
    expect(refusalOf(state, 'publication-delayed', SSP, { reason: 'r', newPlannedPublicationDate: '2031-01-01' }, now)?.problems[0]?.path).toBe('newPlannedPublicationDate');
    expect(refusalOf(state, 'publication-delayed', SSP, { reason: 'r', newPlannedPublicationDate: '2027-06-01' }, now)).toBeUndefined();
  });
});

describe('§5.2: the LA becomes aware through the referral, or earlier, never later', () => {
  test('a correction of la-became-aware to after the receipt is refused', () => {
    const state = opened();
    const now = '2026-11-20T10:00:00.000Z';
    expect(refusalOf(state, 'clock-corrected', BU, { clock: 'la-became-aware', correctedTo: '2026-11-03', reason: 'r' }, now)?.type).toBe('WrongStage');
    expect(refusalOf(state, 'clock-corrected', BU, { clock: 'la-became-aware', correctedTo: '2026-11-02T10:00:01Z', reason: 'r' }, now)?.type).toBe('WrongStage');
    expect(refusalOf(state, 'clock-corrected', BU, { clock: 'la-became-aware', correctedTo: '2026-11-02', reason: 'r' }, now)).toBeUndefined();
    expect(refusalOf(state, 'clock-corrected', BU, { clock: 'la-became-aware', correctedTo: '2026-10-30', reason: 'r' }, now)).toBeUndefined();
  });
});

describe('instants that could stall a case are refused at the edge', () => {
  test('more than 9 fractional digits is refused (it threw inside the deadline activity, for ever)', () => {
    const state = opened();
    const long = '2026-11-02T10:30:00.1234567890123Z';
    expect(refusalOf(state, 'ssp-informed', BU, { occurredAt: long }, '2026-11-02T12:00:00.000Z')?.problems.map((p) => p.path)).toEqual(['occurredAt']);
    expect(refusalOf(state, 'clock-corrected', BU, { clock: 'la-became-aware', correctedTo: long, reason: 'r' }, '2026-11-02T12:00:00.000Z')?.type).toBe('InvalidDecision');
  });

  test('instants are normalised (offset required, milliseconds kept) and kept within a sane range', () => {
    expect(parseInstant('2026-11-02T10:30:00.123456789+01:00')).toEqual({ ok: true, value: '2026-11-02T09:30:00.123Z' });
    expect(parseInstant('2026-11-02T10:30')).toEqual({ ok: false, message: expect.stringContaining('time zone, like 2026-07-01T09:30:00+01:00') });
    expect(parseInstant('2026-02-30T10:30:00Z')).toEqual({ ok: false, message: expect.stringContaining('is not a real calendar date') });
    expect(parseInstant('1999-12-31T10:30:00Z').ok).toBe(false);
    expect(parseInstant('+275760-09-13T00:00:00Z').ok).toBe(false);
  });

  test('a normalised correctedTo is what the case keeps', () => {
    const state = opened();
    decide(state, 'clock-corrected', BU, { clock: 'la-became-aware', correctedTo: '2026-11-02T08:00:00.123456+00:00', reason: 'r' }, '2026-11-02T12:00:00.000Z');
    expect(state.clocks['la-became-aware']).toBe('2026-11-02T08:00:00.123Z');
  });
});

describe('lateness in working days, counted without the holiday library', () => {
  test('met on the Monday after a Friday deadline is 1 WD late; on the Saturday too; bank holidays do not count', () => {
    expect(workingDaysLate('2026-11-06', { nonWorking: [], horizon: '2027-11-06' }, '2026-11-09')).toEqual({ workingDays: 1 });
    expect(workingDaysLate('2026-11-06', { nonWorking: [], horizon: '2027-11-06' }, '2026-11-07')).toEqual({ workingDays: 1 });
    expect(workingDaysLate('2026-11-06', { nonWorking: [], horizon: '2027-11-06' }, '2026-11-06')).toEqual({ workingDays: 0 });
    // Christmas 2026 from the oracle's list: due 24 Dec, met 29 Dec is 1 WD late (25-28 skipped).
    const holidays = ['2026-12-25', '2026-12-28'].filter((d) => notWorking(d) === 'bank holiday');
    expect(workingDaysLate('2026-12-24', { nonWorking: holidays, horizon: '2027-12-24' }, '2026-12-29')).toEqual({ workingDays: 1 });
    expect(workingDaysLate('2026-12-24', { nonWorking: [], horizon: '2026-12-26' }, '2027-01-05')).toEqual({ workingDays: 1, atLeast: true });
  });

  test("London's date from the UK clock-change rule agrees with the time zone database", () => {
    // Every hour across 2026-2028, including both clock changes of each year.
    for (let t = Date.parse('2026-01-01T00:30:00Z'); t < Date.parse('2029-01-01T00:00:00Z'); t += 3_600_000) {
      expect(londonDateAt(t)).toBe(londonDate(t));
    }
  });

  test('a missed obligation shows how late it is now; the status and the met-late row say it too', () => {
    const state = opened();
    const policy: NoticePolicy = { remind: () => ['business-unit'], escalateTo: () => ['business-manager'], minimumPeriod: () => false, trigger: () => false };
    applyDueWork(state, policy, '2026-11-10T09:00:00.000Z');
    const status = caseStatus(state, Date.parse('2026-11-12T09:00:00.000Z'));
    const missed = status.missed.find((v) => v.id === 'ssp-informed')!;
    // Due Mon 9 Nov; on Thu 12 Nov it is 3 WD late (10, 11, 12).
    expect(missed.late).toEqual({ workingDays: 3 });
    state.outbox = { records: [], notices: [] };
    decide(state, 'ssp-informed', BU, {}, '2026-11-12T09:00:00.000Z');
    expect(state.outbox.records.find((r) => r.kind === 'obligation-met-late')?.detail).toMatchObject({ workingDaysLate: 3 });
  });
});

describe('the timeline is in time order', () => {
  test('a decision recorded after the fact takes its place by when it happened', () => {
    const state = opened();
    const policy: NoticePolicy = { remind: () => ['business-unit'], escalateTo: () => ['business-manager'], minimumPeriod: () => false, trigger: () => false };
    // Escalated on 10 Nov; then recorded on 12 Nov as done on 9 Nov.
    applyDueWork(state, policy, '2026-11-10T09:00:00.000Z');
    decide(state, 'ssp-informed', BU, { occurredAt: '2026-11-09T11:00:00Z' }, '2026-11-12T10:00:00.000Z');
    const times = caseStatus(state, Date.parse('2026-11-12T10:00:00.000Z')).timeline.map((t) => Date.parse(t.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(state.timeline.map((t) => t.at)).not.toEqual([...state.timeline.map((t) => t.at)].sort());
  });
});
