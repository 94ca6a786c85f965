// The Rapid Review's information from each agency (§6.5, Appendix 2) in the domain: one instance of
// rapid-review-return per agency, resolved to its rule and its agency's contacts; an agency meets its
// own instance only; the request's refusals; a return kept out of the timeline.
import type { CaseState, Deadline, ObligationState } from '../../domain/case';
import { caseDetails, deadlinesSummary, noticeSummary, wakeSummary } from '../../domain/case-details';
import { checkDecision, scopeRefusal } from '../../domain/decisions';
import { applyDecision, planDecision } from '../../domain/incident';
import { agencyOfInstance, obligationInstance, ruleIdOf } from '../../domain/obligation-ids';
import { selectWork } from '../../domain/my-work';
import { inviteUid } from '../../domain/owners-told';
import type { Actor } from '../../domain/roles';
import { DSP_1_5, noticePolicy, obligationRule, WT_2023 } from '../../domain/rulebook';

const RECEIVED_AT = '2026-11-20T10:00:00.000Z';
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const AT = '2026-11-26T11:00:00.000Z';
const POLICE = 'Example Police';
const HEALTH = 'Example Health Trust';
const chair: Actor = { id: 'rr-chair', role: 'rapid-review-chair', agency: 'Local Authority' };
const agency = (name: string): Actor => ({ id: `${name}-lead`, role: 'action-owner', agency: name });

function deadline(key: string, dueDate: string): Deadline {
  const rule = obligationRule(DSP_1_5.version, key);
  return {
    obligationId: key,
    obligation: rule.obligation,
    clock: { event: rule.clock, date: dueDate },
    rule: 'hand-built',
    dueDate,
    dueAt: `${dueDate}T23:59:59.999Z`,
    skipped: [],
    section: rule.section,
    statutory: rule.statutory,
    reminders: [`${dueDate}T09:00:00.000Z`],
    computedAt: RECEIVED_AT,
  };
}

function open(key: string, dueDate: string): ObligationState {
  return { id: key, round: 1, status: 'open', deadline: deadline(key, dueDate), previousDeadlines: [], remindersDone: [] };
}

function rapidReview(extra: ObligationState[] = [], meetingDate?: string): CaseState {
  const all = [open('rapid-review-meeting', '2026-12-11'), ...extra];
  return {
    caseReference: 'DSP-2026-0101',
    rulebookVersion: DSP_1_5.version,
    stage: 'rapid-review',
    receivedAt: RECEIVED_AT,
    clocks: { 'referral-received': RECEIVED_AT, 'la-became-aware': RECEIVED_AT, 'csprp-acknowledgement': RECEIVED_AT },
    clockCorrections: [],
    facts: {},
    obligations: Object.fromEntries(all.map((o) => [o.id, o])),
    pastRounds: [],
    timeline: meetingDate ? [{ at: AT, kind: 'decision:rapid-review-scheduled', detail: { meetingDate } }] : [],
    outbox: { records: [], notices: [] },
    opened: true,
    requests: [],
  };
}

const RETURN = { involvement: 'MARKER involvement', safeguardingIssues: 'MARKER issues', informationHeld: 'MARKER held', author: 'MARKER author', chronology: [{ date: '2025-01-02', event: 'MARKER event', agency: POLICE, source: 'PNC', involved: 'PC', decisionsAndOutcome: 'NFA', childSeen: 'no' }] };

describe('an agency instance of rapid-review-return', () => {
  const key = obligationInstance('rapid-review-return', POLICE);

  test('its key names its rule and its agency; both rulebooks resolve it to the rule', () => {
    expect(key).toBe('rapid-review-return:Example Police');
    expect(ruleIdOf(key)).toBe('rapid-review-return');
    expect(agencyOfInstance(key)).toBe(POLICE);
    expect(agencyOfInstance('rapid-review-meeting')).toBeUndefined();
    for (const book of [DSP_1_5, WT_2023]) expect(obligationRule(book.version, key)).toMatchObject({ id: 'rapid-review-return', limit: { kind: 'on-the-date' }, clock: 'rapid-review-returns-due' });
  });

  test("its reminders go to its agency's action lead, its escalation to its Head of Service and the Rapid Review chair", () => {
    const policy = noticePolicy(DSP_1_5.version);
    expect(policy.remind(key)).toEqual([`agency:${POLICE}:action-lead`]);
    expect(policy.escalateTo(key)).toEqual([`agency:${POLICE}:head-of-service`, 'rapid-review-chair']);
    expect(policy.remind(obligationInstance('rapid-review-return', HEALTH))).toEqual([`agency:${HEALTH}:action-lead`]);
    expect(policy.ownerTold(key)).toBe(true);
    // Any other obligation still names no agency.
    expect(() => noticePolicy(DSP_1_5.version).remind('action-due')).toThrow(/outside an improvement action/);
  });

  test('the Temporal UI never shows the agency; the calendar entry names it encoded', () => {
    const state = rapidReview([open(key, '2026-12-04')]);
    expect(caseDetails(state)).toContain('`rapid-review-return`');
    expect(caseDetails(state)).not.toContain(POLICE);
    expect(wakeSummary(state.obligations, Date.parse('2026-12-04T09:00:00.000Z'))).toBe('reminder: rapid-review-return due 2026-12-04');
    expect(noticeSummary({ kind: 'escalation', obligationId: key })).toBe('email: escalation rapid-review-return');
    expect(deadlinesSummary([{ obligationId: key }])).toBe('deadlines: rapid-review-return');
    expect(inviteUid(state, { id: key, round: 1 })).toBe('DSP-2026-0101.rapid-review-return%3AExample%20Police.1@ssi-procedure');
    expect(inviteUid(state, { id: 'rapid-review-meeting', round: 2 })).toBe('DSP-2026-0101.rapid-review-meeting.2@ssi-procedure');
  });
});

describe('the request (rapid-review-information-requested)', () => {
  const request = (returnsDueOn: string, agencies = [POLICE, HEALTH]) => ({ agencies: agencies.map((a) => ({ agency: a })), returnsDueOn });

  test('opens one instance per agency, due on the date given', () => {
    const state = rapidReview();
    const check = checkDecision(state, 'rapid-review-information-requested', chair, request('2026-12-03'), NOW);
    expect(check.ok).toBe(true);
    const plan = planDecision(state, 'rapid-review-information-requested', check.ok ? check.payload : undefined, NOW);
    expect(plan.needs).toEqual([
      { obligationId: 'rapid-review-return:Example Police', clock: '2026-12-03' },
      { obligationId: 'rapid-review-return:Example Health Trust', clock: '2026-12-03' },
    ]);
  });

  test('refused on or after the meeting date, on or after the meeting deadline, or naming only agencies already asked', () => {
    const scheduled = rapidReview([], '2026-12-07');
    const onMeeting = checkDecision(scheduled, 'rapid-review-information-requested', chair, request('2026-12-07'), NOW);
    expect(onMeeting).toMatchObject({ ok: false, type: 'WrongStage', message: expect.stringContaining('before the Rapid Review meeting, set for 2026-12-07') });
    const onLimit = checkDecision(rapidReview(), 'rapid-review-information-requested', chair, request('2026-12-11'), NOW);
    expect(onLimit).toMatchObject({ ok: false, message: expect.stringContaining("before the Rapid Review meeting's deadline, 2026-12-11") });
    const asked = rapidReview([open(obligationInstance('rapid-review-return', POLICE), '2026-12-03')]);
    expect(checkDecision(asked, 'rapid-review-information-requested', chair, request('2026-12-03', [POLICE]), NOW)).toMatchObject({ ok: false, message: expect.stringContaining('already been asked') });
    // A second request adds only the agencies not yet asked.
    const again = checkDecision(asked, 'rapid-review-information-requested', chair, request('2026-12-04'), NOW);
    expect(planDecision(asked, 'rapid-review-information-requested', again.ok ? again.payload : undefined, NOW).needs.map((n) => n.obligationId)).toEqual(['rapid-review-return:Example Health Trust']);
    // The SSP may record it too (§6.5); an agency may not.
    expect(checkDecision(rapidReview(), 'rapid-review-information-requested', { ...chair, role: 'ssp' }, request('2026-12-03'), NOW).ok).toBe(true);
    expect(checkDecision(rapidReview(), 'rapid-review-information-requested', agency(POLICE), request('2026-12-03'), NOW)).toMatchObject({ ok: false, type: 'RoleNotAllowed' });
  });
});

describe("the agency's return (rapid-review-return)", () => {
  const asked = () => rapidReview([open(obligationInstance('rapid-review-return', POLICE), '2026-12-03'), open(obligationInstance('rapid-review-return', HEALTH), '2026-12-03')]);

  test('meets its own agency instance only', () => {
    const state = asked();
    expect(scopeRefusal(state, 'rapid-review-return', agency(POLICE))).toBeUndefined();
    const check = checkDecision(state, 'rapid-review-return', agency(POLICE), RETURN, NOW);
    expect(check.ok).toBe(true);
    const plan = planDecision(state, 'rapid-review-return', RETURN, NOW);
    applyDecision(state, 'rapid-review-return', agency(POLICE), RETURN, plan, [], AT);
    expect(state.obligations['rapid-review-return:Example Police']!.status).toBe('met');
    expect(state.obligations['rapid-review-return:Example Health Trust']!.status).toBe('open');
    expect(checkDecision(state, 'rapid-review-return', agency(POLICE), RETURN, NOW)).toMatchObject({ ok: false, type: 'AlreadyMet' });
    expect(checkDecision(state, 'rapid-review-return', agency(HEALTH), RETURN, NOW).ok).toBe(true);
  });

  test('from an agency not asked: refused, saying so', () => {
    expect(checkDecision(asked(), 'rapid-review-return', agency('Example Primary School'), RETURN, NOW)).toMatchObject({
      ok: false,
      type: 'WrongStage',
      message: expect.stringContaining('Example Primary School has not been asked for its rapid-review-return on case DSP-2026-0101'),
    });
  });

  test('kept out of the timeline; its register row holds it (to be sealed) and names the agency and its instance', () => {
    const state = asked();
    applyDecision(state, 'rapid-review-return', agency(HEALTH), RETURN, planDecision(state, 'rapid-review-return', RETURN, NOW), [], AT);
    const entry = state.timeline.find((t) => t.kind === 'decision:rapid-review-return')!;
    expect(entry).toEqual({ at: new Date(NOW).toISOString(), kind: 'decision:rapid-review-return', actor: agency(HEALTH), detail: { agency: HEALTH } });
    expect(JSON.stringify(state.timeline)).not.toContain('MARKER');
    const row = state.outbox.records.find((r) => r.kind === 'decision:rapid-review-return')!;
    expect(row.obligationId).toBe('rapid-review-return:Example Health Trust');
    expect(row.detail).toMatchObject({ agency: HEALTH, involvement: RETURN.involvement, author: RETURN.author, chronology: JSON.stringify(RETURN.chronology) });
    expect(state.outbox.notices.filter((n) => JSON.stringify(n).includes('MARKER'))).toEqual([]);
  });

  test('the meeting held withdraws the returns still outstanding', () => {
    const state = asked();
    const payload = { recommendation: 'lcspr', rationale: 'r' };
    applyDecision(state, 'rapid-review-held', chair, payload, planDecision(state, 'rapid-review-held', payload, NOW), [], AT);
    expect(state.obligations['rapid-review-return:Example Police']!.status).toBe('withdrawn');
  });
});

describe("an agency's my work", () => {
  test('lists its own return, never another agency’s', () => {
    const candidate = (agencyName: string) => ({
      caseReference: 'DSP-2026-0101',
      obligationId: obligationInstance('rapid-review-return', agencyName),
      role: 'action-owner' as const,
      decision: 'rapid-review-return',
      status: 'open' as const,
      dueAt: '2026-12-03T23:59:59.999Z',
      rulebookVersion: DSP_1_5.version,
      stage: 'rapid-review' as const,
      referringAgency: null,
      reviewerIds: [],
    });
    const items = selectWork(agency(POLICE), { cases: [candidate(POLICE), candidate(HEALTH)], actions: [] }, NOW, 10, DSP_1_5.version);
    expect(items.map((i) => i.obligationId)).toEqual(['rapid-review-return:Example Police']);
    expect(selectWork(agency('Example Primary School'), { cases: [candidate(POLICE)], actions: [] }, NOW, 10, DSP_1_5.version)).toEqual([]);
  });
});
