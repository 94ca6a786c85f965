// What the Temporal UI shows of a case and of an improvement action (domain/case-details.ts): the
// stage in words, what it waits for and from whom, soonest first, the next deadline, the count
// missed; and the one-line summaries of timers and activities. Never the words of a decision.
import { applyActionOpening, newAction, openingRequests } from '../../domain/action';
import type { CaseState, Deadline } from '../../domain/case';
import { actionDetails, actionStaticSummary, caseDetails, caseStaticSummary, deadlinesSummary, noticeSummary, registerSummary, wakeSummary } from '../../domain/case-details';
import { checkDecision, type DecisionName } from '../../domain/decisions';
import { applyDecision, applyOpening, deadlineRequests, newCase, openingObligations, planDecision } from '../../domain/incident';
import { nextWakeAt } from '../../domain/obligations';
import type { Actor } from '../../domain/roles';
import { shiftDays } from '../helpers/expected-dates';

const RECEIVED_AT = '2026-11-02T10:00:00.000Z';
const BU: Actor = { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' };
const SSP: Actor = { id: 'ssp-la', role: 'ssp', agency: 'Local Authority' };
const RATIONALE = 'Serious harm to Test Child at ZZ99 9ZZ is suspected (test)';

/** A deadline as the activity returns it: due the end of `dueDate` (GMT in winter), reminded the day before. */
function deadline(obligationId: string, dueDate: string): Deadline {
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
    reminders: [`${shiftDays(dueDate, -1)}T09:00:00.000Z`],
    afterDue: { nonWorking: [], horizon: shiftDays(dueDate, 730) },
    computedAt: RECEIVED_AT,
  };
}

function opened(): CaseState {
  const state = newCase({ caseReference: 'DSP-2026-0001', receivedAt: RECEIVED_AT, rulebookVersion: 'DSP-1.5', receivedBy: BU, referrerBecameAware: '2026-11-02', lookedAfterChildDied: false });
  const due: Record<string, string> = { 'ssp-informed': '2026-11-03', 'ssp-decision': '2026-11-09' };
  applyOpening(state, BU, deadlineRequests(state, openingObligations(state)).map((r) => deadline(r.obligationId, due[r.obligationId] ?? '2026-11-20')), RECEIVED_AT);
  return state;
}

function decide(state: CaseState, name: DecisionName, actor: Actor, payload: Record<string, unknown>, now: string, dueDate = '2026-12-14'): void {
  const check = checkDecision(state, name, actor, payload, Date.parse(now));
  if (!check.ok) throw new Error(`${name} refused: ${check.type} ${check.message}`);
  const plan = planDecision(state, name, check.payload, Date.parse(now));
  applyDecision(state, name, actor, check.payload, plan, plan.needs.map((r) => deadline(r.obligationId, dueDate)), now);
}

describe("a case's current details", () => {
  test('at the opening: the stage in words, what it waits for from whom, soonest first, the next deadline, none missed', () => {
    const details = caseDetails(opened());
    expect(details).toContain('**Serious incident case DSP-2026-0001**');
    expect(details).toContain('**Stage:** Referral received: the SSP to be told (`referral-received`)');
    const waiting = details.split('\n').filter((l) => l.startsWith('- '));
    expect(waiting[0]).toBe('- `ssp-informed` Business Unit informs the Statutory Safeguarding Partners: from the Business Unit (business-unit), due 2026-11-03');
    expect(waiting.map((l) => l.split('`')[1])).toEqual(['ssp-informed', 'ssp-decision', 'national-notification']);
    expect(details).toContain('**Next deadline:** 2026-11-03');
    expect(details).toContain('**Missed:** 0');
  });

  test('after the SSP decides: the new stage and its obligation, and never the rationale', () => {
    const state = opened();
    decide(state, 'ssp-informed', BU, {}, '2026-11-02T12:00:00.000Z');
    decide(state, 'ssp-decision', SSP, { outcome: 'criteria-met', rationale: RATIONALE }, '2026-11-03T12:00:00.000Z');
    const details = caseDetails(state);
    expect(details).toContain('**Stage:** Waiting for the notification to the Panel (`awaiting-national-notification`)');
    expect(details).not.toContain('`ssp-informed`');
    expect(details).toContain('`national-notification`');
    for (const secret of ['Test Child', 'ZZ99', RATIONALE, 'Local Authority', 'bu-1']) expect(details).not.toContain(secret);
  });

  test('a missed obligation is marked and counted; the next deadline is the soonest still open', () => {
    const state = opened();
    state.obligations['ssp-informed']!.status = 'missed';
    const details = caseDetails(state);
    expect(details).toContain('due 2026-11-03 — **missed**');
    expect(details).toContain('**Missed:** 1');
    expect(details).toContain('**Next deadline:** 2026-11-09');
  });
});

describe('summaries', () => {
  test("the workflows' static summaries: reference and kind", () => {
    expect(caseStaticSummary('DSP-2026-0001')).toBe('Serious incident case DSP-2026-0001');
    expect(actionStaticSummary('DSP-2026-0001', 'A01')).toBe('Improvement action A01 of case DSP-2026-0001');
  });

  test('the wake-up timer says what it waits for: a deadline, a reminder', () => {
    const state = opened();
    // ssp-informed's reminder (09:00 on 2 November) passed before the referral came: its deadline is first.
    const first = nextWakeAt(state.obligations)!;
    expect(first).toBe(Date.parse('2026-11-03T23:59:59.999Z') + 1);
    expect(wakeSummary(state.obligations, first)).toBe('deadline: ssp-informed due 2026-11-03');
    expect(wakeSummary(state.obligations, Date.parse('2026-11-08T09:00:00.000Z'))).toBe('reminder: ssp-decision due 2026-11-09');
    expect(wakeSummary(state.obligations, Date.parse('2026-11-05T10:00:00.000Z'))).toBe('wake-up: 2026-11-05 (operations alert)');
  });

  test('activities: an email by kind and obligation, a register write by what it records, the deadlines by obligation', () => {
    expect(noticeSummary({ kind: 'escalation', obligationId: 'rapid-review-report' })).toBe('email: escalation rapid-review-report');
    expect(noticeSummary({ kind: 'operations-alert' })).toBe('email: operations-alert');
    expect(registerSummary([{ kind: 'decision' }])).toBe('register: record decision (1 row)');
    expect(registerSummary([{ kind: 'decision' }, { kind: 'obligation-met' }, { kind: 'decision' }], true)).toBe('register: record decision and 1 more (3 rows, case summary)');
    expect(registerSummary([], true)).toBe('register: case summary');
    expect(deadlinesSummary([{ obligationId: 'ssp-informed' }, { obligationId: 'ssp-decision' }])).toBe('deadlines: ssp-informed, ssp-decision');
  });
});

describe("an action's current details", () => {
  test('its status, deadline, escalation level and steps to come; never its words, its owner or its agency', () => {
    const terms = { agency: 'Example Health Trust', owner: 'Named safeguarding lead (test)', description: 'Audit discharge summaries (test)', finding: 'Information was not shared (test)', deadline: '2027-03-31' };
    const state = newAction({ caseReference: 'DSP-2026-0001', actionId: 'A01', rulebookVersion: 'DSP-1.5', terms, agreedAt: RECEIVED_AT, agreedBy: BU });
    applyActionOpening(state, openingRequests(state).map((r) => deadline(r.obligationId, r.obligationId === 'action-due' ? '2027-03-31' : '2027-06-30')), RECEIVED_AT);
    const details = actionDetails(state);
    expect(details).toContain('**Improvement action A01 of case DSP-2026-0001**');
    expect(details).toContain('**Status:** open');
    expect(details).toContain('**Deadline:** 2027-03-31');
    expect(details).toContain('**Escalation:** none');
    expect(details).toContain("- `action-due` Improvement action completed: from the agency's action lead (action-owner), due 2027-03-31");
    for (const words of Object.values(terms).filter((w) => w !== '2027-03-31')) expect(details).not.toContain(words);
  });
});
