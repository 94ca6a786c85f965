// checkDecision against the procedure (DSP 1.5) "People and what they may decide", and the effects of every
// branching decision. Case states are built by hand (plain JSON, as domain/case.ts defines them).
import { STAGES, type CaseState, type Deadline, type ObligationState, type ObligationStatus, type Stage } from '../../domain/case';
import { DECISION_NAMES, DECISIONS, checkDecision, decisionRule, type DecisionName, type Effects } from '../../domain/decisions';
import { DSP_1_5, WT_2023 } from '../../domain/rulebook';
import { ROLES, type Actor, type Role } from '../../domain/roles';

const RECEIVED_AT = '2026-11-20T10:00:00.000Z';
/** "Now" for the checks: Thursday 26 Nov 2026, midday (GMT, so London = UTC). */
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const AT = '2026-11-26T11:00:00.000Z';

// --- a small factory -----------------------------------------------------------------------------

function deadline(id: string, dueDate = '2026-12-31', target?: string): Deadline {
  // A rule WT 2023 adds (a care leaver's death) is in its rulebook only.
  const rule = DSP_1_5.obligations[id] ?? WT_2023.obligations[id]!;
  return {
    obligationId: id,
    obligation: rule.obligation,
    clock: { event: rule.clock, date: '2026-11-20' },
    rule: `hand-built (${rule.clock})`,
    dueDate,
    dueAt: `${dueDate}T23:59:59.999Z`,
    skipped: [],
    section: rule.section,
    statutory: rule.statutory,
    ...(target ? { target: { rule: 'hand-built target', dueDate: target, dueAt: `${target}T23:59:59.999Z` } } : {}),
    reminders: [],
    computedAt: RECEIVED_AT,
  };
}

function obligation(id: string, status: ObligationStatus = 'open', dueDate?: string, target?: string): ObligationState {
  return {
    id,
    round: 1,
    status,
    deadline: deadline(id, dueDate, target),
    previousDeadlines: [],
    remindersDone: [],
    ...(status === 'met' || status === 'met-late' ? { metAt: AT, metBy: 'someone' } : {}),
  };
}

interface StateOptions {
  stage: Stage;
  open?: string[];
  met?: string[];
  obligations?: ObligationState[];
  clocks?: CaseState['clocks'];
  facts?: CaseState['facts'];
}

function caseState(o: StateOptions): CaseState {
  const all = [...(o.open ?? []).map((id) => obligation(id)), ...(o.met ?? []).map((id) => obligation(id, 'met')), ...(o.obligations ?? [])];
  return {
    caseReference: 'TEST-2026-000101',
    rulebookVersion: DSP_1_5.version,
    stage: o.stage,
    receivedAt: RECEIVED_AT,
    clocks: { 'referrer-became-aware': '2026-11-19', 'referral-received': RECEIVED_AT, 'la-became-aware': RECEIVED_AT, ...o.clocks },
    clockCorrections: [],
    facts: { lookedAfterChildDied: false, ...o.facts },
    obligations: Object.fromEntries(all.map((x) => [x.id, x])),
    pastRounds: [],
    timeline: [],
    outbox: { records: [], notices: [] },
    opened: true,
    requests: [],
  };
}

function actor(role: Role): Actor {
  return { id: `${role}-1`, role, agency: 'Test agency' };
}

function check(state: CaseState, name: DecisionName, role: Role, payload: unknown, now = NOW) {
  return checkDecision(state, name, actor(role), payload, now);
}

function effects(name: DecisionName, state: CaseState, payload: unknown, at = AT): Effects {
  const then = decisionRule(name).then;
  if (!then) throw new Error(`${name} has no effects`);
  return then({ state, payload, at });
}

// --- the procedure (DSP 1.5) "People and what they may decide", written out by hand ---------------------------
// Business Unit: SSP informed; national notification submitted; CSPRP acknowledgement and responses
// received; referrer feedback sent. SSP: criteria decision; final level of review; approval of L&D
// decisions; publication decisions. Rapid Review Panel chair: meeting scheduled and held; the
// Panel's recommendation. L&D chair: the §10.6 outcome. Reviewer: progress; draft and final report.
// Operations: nothing. Steps the table does not name are given to the role doing the nearest task.
const EXPECTED_ROLES: Record<DecisionName, Role[]> = {
  'ssp-informed': ['business-unit'],
  'ssp-decision': ['ssp'],
  'referrer-feedback-sent': ['business-unit'],
  // §5.6, §10.1: the Business Unit shares the referral with the L&D Chair when the email could not.
  'shared-with-ld-chair': ['business-unit'],
  'looked-after-death-notified': ['business-unit'],
  // WT 2023 ch. 5: the LA (its Business Unit) notifies a care leaver's death.
  'care-leaver-death-notified': ['business-unit'],
  'national-notification': ['business-unit'],
  'panel-acknowledgement': ['business-unit'],
  'rapid-review-scheduled': ['rapid-review-chair'],
  'rapid-review-held': ['rapid-review-chair'],
  'rapid-review-report': ['ssp'],
  'panel-response': ['business-unit'],
  'further-information-sent': ['business-unit'],
  'reviewer-commissioned': ['ssp'],
  'reviewer-changed': ['ssp'],
  'terms-of-reference-agreed': ['rapid-review-chair'],
  'review-progress': ['reviewer', 'ssp'],
  'draft-report-to-ld': ['reviewer'],
  'ssp-sign-off': ['ssp'],
  'report-sent-to-panel': ['ssp', 'business-unit'],
  'publication-delayed': ['ssp'],
  'delay-explained-to-panel': ['ssp', 'business-unit'],
  published: ['ssp'],
  'not-to-publish': ['ssp'],
  'justification-sent-to-panel': ['ssp', 'business-unit'],
  'publication-removed': ['ssp'],
  'national-review-completed': ['ssp'],
  'other-review-completed': ['ssp', 'ld-chair'],
  'ld-decision': ['ld-chair'],
  'ssp-approval': ['ssp'],
  'clock-corrected': ['business-unit'],
  'actions-agreed': ['ld-chair'],
  'close-case': ['ssp', 'ld-chair'],
  // §6.5: the SSP request the agencies' information (the Rapid Review chair in practice); each agency returns its own.
  'rapid-review-information-requested': ['rapid-review-chair', 'ssp'],
  'rapid-review-return': ['action-owner'],
};

/** A state in which each decision fits, and a valid payload for it. */
interface Fit {
  stage: Stage;
  payload: Record<string, unknown>;
  state?: Partial<StateOptions>;
}
const FITS: Record<DecisionName, Fit> = {
  'ssp-informed': { stage: 'referral-received', payload: {} },
  'ssp-decision': { stage: 'awaiting-ssp-decision', payload: { outcome: 'criteria-met', rationale: 'serious harm, abuse suspected' } },
  'referrer-feedback-sent': { stage: 'awaiting-national-notification', payload: {} },
  'shared-with-ld-chair': { stage: 'learning-review', payload: { note: 'sent by secure email' } },
  'looked-after-death-notified': { stage: 'awaiting-ssp-decision', payload: {} },
  'care-leaver-death-notified': { stage: 'awaiting-care-leaver-notification', payload: {} },
  'national-notification': { stage: 'awaiting-national-notification', payload: { panelReference: 'CSPRP/2026/0042' } },
  'panel-acknowledgement': { stage: 'awaiting-panel-acknowledgement', payload: {} },
  'rapid-review-scheduled': {
    stage: 'rapid-review',
    payload: { meetingDate: '2026-12-10' },
    state: { obligations: [obligation('rapid-review-meeting', 'open', '2026-12-22', '2026-12-15')] },
  },
  'rapid-review-held': { stage: 'rapid-review', payload: { recommendation: 'lcspr', rationale: 'learning for the partnership' } },
  'rapid-review-report': { stage: 'awaiting-level-of-review', payload: { levelOfReview: 'lcspr', rationale: 'agreed with the Panel chair' } },
  'panel-response': { stage: 'awaiting-panel-response', payload: { response: 'local-review' }, state: { facts: { levelOfReview: 'lcspr' } } },
  'further-information-sent': { stage: 'further-information-requested', payload: {} },
  'reviewer-commissioned': { stage: 'lcspr', payload: { reviewer: 'Independent reviewer', reviewerId: 'reviewer-1' } },
  'reviewer-changed': {
    stage: 'lcspr',
    payload: { reviewer: 'Second reviewer', reviewerId: 'reviewer-2', replaces: 'reviewer-1', reason: 'conflict of interest' },
    state: { met: ['reviewer-commissioned'], facts: { reviewerIds: ['reviewer-1'] } },
  },
  'terms-of-reference-agreed': { stage: 'lcspr', payload: {} },
  'review-progress': { stage: 'lcspr', payload: { summary: 'interviews under way' } },
  'draft-report-to-ld': { stage: 'lcspr', payload: {}, state: { met: ['reviewer-commissioned', 'terms-of-reference'] } },
  'ssp-sign-off': { stage: 'lcspr-draft', payload: { plannedPublicationDate: '2027-05-04', publish: 'full-report' } },
  'report-sent-to-panel': { stage: 'awaiting-publication', payload: {} },
  'publication-delayed': { stage: 'awaiting-publication', payload: { reason: 'criminal proceedings' }, state: { clocks: { 'planned-publication': '2027-05-04' } } },
  'delay-explained-to-panel': { stage: 'awaiting-publication', payload: {} },
  published: { stage: 'awaiting-publication', payload: { publishedOn: '2026-11-25' } },
  'not-to-publish': { stage: 'awaiting-publication', payload: { justification: 'the family asked; the Panel agreed' } },
  'justification-sent-to-panel': { stage: 'action-plan', payload: {} },
  'publication-removed': { stage: 'action-plan', payload: { reason: 'court order' }, state: { clocks: { publication: '2026-11-02' }, open: ['publication-kept'] } },
  'national-review-completed': { stage: 'national-review', payload: {} },
  'other-review-completed': { stage: 'other-review', payload: {} },
  'ld-decision': { stage: 'learning-review', payload: { outcome: 'multi-agency-audit', rationale: 'practice across agencies' } },
  'ssp-approval': { stage: 'awaiting-ssp-approval', payload: { approved: true, rationale: 'agreed' } },
  'clock-corrected': { stage: 'lcspr', payload: { clock: 'la-became-aware', correctedTo: '2026-11-18', reason: 'the LA knew earlier' } },
  'actions-agreed': { stage: 'action-plan', payload: { actions: [{ agency: 'Example Health Trust', owner: 'Named Nurse', description: 'Audit the discharge letters', finding: 'Finding 1', deadline: '2027-06-30' }] } },
  'close-case': { stage: 'no-further-action', payload: {} },
  'rapid-review-information-requested': {
    stage: 'rapid-review',
    payload: { agencies: [{ agency: 'Example Police' }], returnsDueOn: '2026-12-03' },
    state: { obligations: [obligation('rapid-review-meeting', 'open', '2026-12-22')] },
  },
  'rapid-review-return': {
    stage: 'rapid-review',
    payload: { involvement: 'known to the service', safeguardingIssues: 'none known', informationHeld: 'case notes', author: 'A. Author, safeguarding lead', chronology: [] },
    // The instance of the agency the test's actor signs in as ('Test agency').
    state: { obligations: [{ ...obligation('rapid-review-return'), id: 'rapid-review-return:Test agency' }] },
  },
};

/** The state in which `name` fits: its stage, its `meets` obligation open, and any set-up. */
function fittingState(name: DecisionName, stage?: Stage): CaseState {
  const fit = FITS[name];
  const meets = decisionRule(name).meets;
  const options: StateOptions = { ...fit.state, stage: stage ?? fit.stage };
  const already = new Set((options.obligations ?? []).map((o) => o.id));
  if (meets && !already.has(meets)) options.open = [...(options.open ?? []), meets];
  return caseState(options);
}

function refusal(result: ReturnType<typeof checkDecision>) {
  return result.ok ? 'accepted' : result.type;
}

function problemPaths(result: ReturnType<typeof checkDecision>): string[] {
  return result.ok ? [] : (result.problems ?? []).map((p) => p.path);
}

// --- roles -------------------------------------------------------------------------------------

describe('who may decide what (DSP 1.5, "People and what they may decide")', () => {
  test('every decision is in the expected-roles table', () => {
    expect(Object.keys(EXPECTED_ROLES).sort()).toEqual([...DECISION_NAMES].sort());
  });

  const cases = DECISION_NAMES.flatMap((name) => ROLES.map((role) => [name, role, EXPECTED_ROLES[name].includes(role)] as const));

  test.each(cases)('%s by %s: allowed %s', (name, role, allowed) => {
    const result = check(fittingState(name), name, role, FITS[name].payload);
    if (allowed) {
      expect(result).toEqual({ ok: true, payload: expect.anything() });
    } else {
      expect(refusal(result)).toBe('RoleNotAllowed');
      // The reason names the role and who may decide instead.
      expect(result.ok ? '' : result.message).toContain(role);
    }
  });

  test('operations, referrers and action owners may decide nothing in a case (but an agency its own return, §6.5)', () => {
    for (const role of ['operations', 'referrer', 'action-owner'] as const) {
      for (const name of DECISION_NAMES.filter((n) => !(role === 'action-owner' && n === 'rapid-review-return'))) expect(refusal(check(fittingState(name), name, role, FITS[name].payload))).toBe('RoleNotAllowed');
    }
  });

  test('the role is checked before anything else: a wrong role with a bad payload at the wrong stage is RoleNotAllowed', () => {
    expect(refusal(check(caseState({ stage: 'closed' }), 'ssp-decision', 'business-unit', { outcome: 'maybe' }))).toBe('RoleNotAllowed');
  });
});

// --- stages --------------------------------------------------------------------------------------

describe('a decision that does not fit the stage is refused WrongStage', () => {
  const staged = DECISION_NAMES.filter((name) => decisionRule(name).stages !== 'any-open-stage');
  const wrong = staged.flatMap((name) => {
    const stages = decisionRule(name).stages as readonly Stage[];
    return STAGES.filter((s) => !stages.includes(s)).map((stage) => [name, stage] as const);
  });

  test.each(wrong)('%s at %s', (name, stage) => {
    const result = check(fittingState(name, stage), name, EXPECTED_ROLES[name][0]!, FITS[name].payload);
    expect(refusal(result)).toBe(stage === 'closed' ? 'CaseClosed' : 'WrongStage');
    expect(result.ok ? '' : result.message).toMatch(stage === 'closed' ? /closed/ : new RegExp(`at stage ${stage}`));
  });

  test.each(DECISION_NAMES)('%s: a closed case takes no decision, whatever is set up', (name) => {
    const result = check(fittingState(name, 'closed'), name, EXPECTED_ROLES[name][0]!, FITS[name].payload);
    expect(refusal(result)).toBe('CaseClosed');
    expect(result.ok ? '' : result.message).toMatch(/closed/);
  });

  const anyStage = DECISION_NAMES.filter((name) => decisionRule(name).stages === 'any-open-stage');

  test.each(anyStage)('%s (any stage) is refused when its obligation is not open, and once the case is closed', (name) => {
    const meets = decisionRule(name).meets!;
    const role = EXPECTED_ROLES[name][0]!;
    for (const stage of STAGES) {
      const refused = stage === 'closed' ? 'CaseClosed' : 'WrongStage';
      expect(refusal(check(caseState({ stage }), name, role, FITS[name].payload))).toBe(refused);
      expect(refusal(check(caseState({ stage, obligations: [obligation(meets, 'withdrawn')] }), name, role, FITS[name].payload))).toBe(refused);
    }
    expect(refusal(check(caseState({ stage: 'closed', open: [meets] }), name, role, FITS[name].payload))).toBe('CaseClosed');
    // Open at any other stage, it fits.
    for (const stage of STAGES.filter((s) => s !== 'closed')) {
      expect(refusal(check(caseState({ stage, open: [meets] }), name, role, FITS[name].payload))).toBe('accepted');
    }
  });

  test.each(DECISION_NAMES.filter((name) => decisionRule(name).meets && decisionRule(name).stages !== 'any-open-stage'))(
    '%s at its own stage, but with its obligation withdrawn, is WrongStage',
    (name) => {
      const meets = decisionRule(name).meets!;
      const state = caseState({ ...FITS[name].state, stage: FITS[name].stage, obligations: [obligation(meets, 'withdrawn')] });
      expect(refusal(check(state, name, EXPECTED_ROLES[name][0]!, FITS[name].payload))).toBe('WrongStage');
    },
  );
});

describe('an obligation already met is refused AlreadyMet', () => {
  const meeting = DECISION_NAMES.filter((name) => decisionRule(name).meets);
  /** The obligation the decision meets as the test's actor owes it: an agency's own instance (§6.5), else the rule's. */
  const owed = (name: DecisionName, status: ObligationStatus): ObligationState => {
    const rule = decisionRule(name);
    return { ...obligation(rule.meets!, status), id: rule.meetsInstance ? rule.meetsInstance(actor(EXPECTED_ROLES[name][0]!), undefined) : rule.meets! };
  };

  test.each(meeting)('%s', (name) => {
    const meets = decisionRule(name).meets!;
    const role = EXPECTED_ROLES[name][0]!;
    for (const status of ['met', 'met-late'] as const) {
      const state = caseState({ ...FITS[name].state, stage: FITS[name].stage, obligations: [owed(name, status)] });
      const result = check(state, name, role, FITS[name].payload);
      expect(refusal(result)).toBe('AlreadyMet');
      expect(result.ok ? '' : result.message).toContain(meets);
    }
    // Missed (escalated, still to do) may still be recorded: it is then met late.
    const missed = caseState({ ...FITS[name].state, stage: FITS[name].stage, obligations: [owed(name, 'missed')] });
    expect(refusal(check(missed, name, role, FITS[name].payload))).toBe('accepted');
  });
});

// --- payloads ------------------------------------------------------------------------------------

describe('a bad payload is refused InvalidDecision, with problems naming the path, never the value', () => {
  const MARKER = 'MARKER-7f3a';

  function invalid(name: DecisionName, payload: unknown, now = NOW) {
    const result = check(fittingState(name), name, EXPECTED_ROLES[name][0]!, payload, now);
    expect(refusal(result)).toBe('InvalidDecision');
    expect(JSON.stringify(result)).not.toContain(MARKER);
    return result;
  }

  test('a missing rationale', () => {
    expect(problemPaths(invalid('ssp-decision', { outcome: 'criteria-met' }))).toEqual(['rationale']);
    expect(problemPaths(invalid('ssp-decision', { outcome: 'criteria-met', rationale: '   ' }))).toEqual(['rationale']);
    expect(problemPaths(invalid('rapid-review-report', { levelOfReview: 'lcspr' }))).toEqual(['rationale']);
    expect(problemPaths(invalid('ssp-approval', { approved: true }))).toEqual(['rationale']);
    expect(problemPaths(invalid('not-to-publish', {}))).toEqual(['justification']);
    expect(problemPaths(invalid('publication-delayed', {}))).toEqual(['reason']);
  });

  test('an unknown key is pointed at where it is, never repeated (it is the sender\'s text)', () => {
    const result = invalid('ssp-informed', { note: 'informed', unexpectedField: MARKER });
    expect(problemPaths(result)).toEqual(['(a key)']);
    expect(JSON.stringify(result)).not.toContain('unexpectedField');
  });

  test('a value outside its list', () => {
    expect(problemPaths(invalid('ssp-decision', { outcome: MARKER, rationale: 'r' }))).toEqual(['outcome']);
    expect(problemPaths(invalid('rapid-review-report', { levelOfReview: MARKER, rationale: 'r' }))).toEqual(['levelOfReview']);
    expect(problemPaths(invalid('panel-response', { response: MARKER }))).toEqual(['response']);
    expect(problemPaths(invalid('clock-corrected', { clock: MARKER, correctedTo: '2026-11-18', reason: 'r' }))).toEqual(['clock']);
  });

  test('a malformed instant or date', () => {
    expect(problemPaths(invalid('ssp-informed', { occurredAt: MARKER }))).toEqual(['occurredAt']);
    expect(problemPaths(invalid('published', { publishedOn: '2026-02-30' }))).toEqual(['publishedOn']);
    expect(problemPaths(invalid('national-notification', { panelReference: `${MARKER} with spaces` }))).toEqual(['panelReference']);
  });

  test('not an object at all', () => {
    expect(problemPaths(invalid('ssp-informed', MARKER))).toEqual(['(body)']);
    expect(problemPaths(invalid('ssp-informed', null))).toEqual(['(body)']);
  });

  test('occurredAt in the future', () => {
    const result = invalid('ssp-informed', { occurredAt: '2026-11-26T12:05:00Z' });
    expect(result.ok ? [] : result.problems).toEqual([{ path: 'occurredAt', message: 'occurredAt is in the future' }]);
    // Now itself, and a moment before it, are fine.
    expect(refusal(check(fittingState('ssp-informed'), 'ssp-informed', 'business-unit', { occurredAt: '2026-11-26T12:00:00Z' }))).toBe('accepted');
  });

  test('occurredAt before the referral was received', () => {
    const result = invalid('ssp-informed', { occurredAt: '2026-11-20T09:59:59Z' });
    expect(result.ok ? [] : result.problems).toEqual([{ path: 'occurredAt', message: 'occurredAt is before the referral was received' }]);
    expect(refusal(check(fittingState('ssp-informed'), 'ssp-informed', 'business-unit', { occurredAt: RECEIVED_AT }))).toBe('accepted');
  });

  test('a date of something done ("…On") in the future', () => {
    // Thursday 26 Nov 2026 is today in London: publishing today is fine, tomorrow is not yet done.
    expect(problemPaths(invalid('published', { publishedOn: '2026-11-27' }))).toEqual(['publishedOn']);
    expect(refusal(check(fittingState('published'), 'published', 'ssp', { publishedOn: '2026-11-26' }))).toBe('accepted');
    // London in BST is an hour ahead: at 23:30 UTC on 1 July it is already 2 July there.
    const lateJulyEvening = Date.parse('2026-07-01T23:30:00Z');
    const state = fittingState('published');
    state.receivedAt = '2026-06-01T09:00:00.000Z';
    expect(refusal(check(state, 'published', 'ssp', { publishedOn: '2026-07-02' }, lateJulyEvening))).toBe('accepted');
    expect(refusal(check(state, 'published', 'ssp', { publishedOn: '2026-07-03' }, lateJulyEvening))).toBe('InvalidDecision');
  });

  test('in winter (GMT) London is not ahead of UTC: at 23:30 on 26 Nov, 27 Nov is still tomorrow', () => {
    const lateNovemberEvening = Date.parse('2026-11-26T23:30:00Z');
    expect(problemPaths(invalid('published', { publishedOn: '2026-11-27' }, lateNovemberEvening))).toEqual(['publishedOn']);
  });

  test('a corrected clock date in the future', () => {
    expect(problemPaths(invalid('clock-corrected', { clock: 'la-became-aware', correctedTo: '2026-11-27', reason: 'r' }))).toEqual(['correctedTo']);
    expect(problemPaths(invalid('clock-corrected', { clock: 'la-became-aware', correctedTo: '2026-11-26T13:00:00Z', reason: 'r' }))).toEqual(['correctedTo']);
  });

  test('every problem of a payload is listed, each with its path', () => {
    const result = invalid('clock-corrected', { clock: MARKER, correctedTo: MARKER, reason: '' });
    expect(problemPaths(result).sort()).toEqual(['clock', 'correctedTo', 'reason']);
  });
});

// --- further conditions ------------------------------------------------------------------------------

describe('further conditions (requires)', () => {
  test('the draft goes to the L&D Group only once the reviewer is commissioned and the terms of reference agreed', () => {
    const both = caseState({ stage: 'lcspr', open: ['reviewer-commissioned', 'terms-of-reference'] });
    const r1 = check(both, 'draft-report-to-ld', 'reviewer', {});
    expect(refusal(r1)).toBe('WrongStage');
    expect(r1.ok ? '' : r1.message).toMatch(/reviewer-commissioned \(by the SSP.*\) and terms-of-reference-agreed \(by the Rapid Review chair.*\) come first/);

    const one = caseState({ stage: 'lcspr', open: ['terms-of-reference'], met: ['reviewer-commissioned'] });
    const r2 = check(one, 'draft-report-to-ld', 'reviewer', {});
    expect(refusal(r2)).toBe('WrongStage');
    expect(r2.ok ? '' : r2.message).toContain('terms-of-reference');
    expect(r2.ok ? '' : r2.message).not.toContain('reviewer-commissioned');

    // Missed still counts as to do.
    const missed = caseState({ stage: 'lcspr', met: ['terms-of-reference'], obligations: [obligation('reviewer-commissioned', 'missed')] });
    expect(refusal(check(missed, 'draft-report-to-ld', 'reviewer', {}))).toBe('WrongStage');

    const done = caseState({ stage: 'lcspr', met: ['reviewer-commissioned', 'terms-of-reference'] });
    expect(refusal(check(done, 'draft-report-to-ld', 'reviewer', {}))).toBe('accepted');
  });

  test('a case closes only when nothing is open, and the refusal lists what is', () => {
    const state = caseState({
      stage: 'action-plan',
      open: ['referrer-feedback', 'publication-kept'],
      met: ['ssp-decision'],
      obligations: [obligation('non-publication-justified', 'missed'), obligation('lcspr-publication', 'withdrawn')],
    });
    const result = check(state, 'close-case', 'ssp', {});
    expect(refusal(result)).toBe('WrongStage');
    expect(result.ok ? '' : result.message).toContain('obligations still open: non-publication-justified, publication-kept, referrer-feedback');

    const clear = caseState({ stage: 'action-plan', met: ['ssp-decision'], obligations: [obligation('lcspr-publication', 'withdrawn'), obligation('publication-kept', 'broken')] });
    expect(refusal(check(clear, 'close-case', 'ld-chair', {}))).toBe('accepted');
  });

  test('a clock that has not started cannot be corrected', () => {
    const result = check(caseState({ stage: 'awaiting-ssp-decision' }), 'clock-corrected', 'business-unit', { clock: 'csprp-acknowledgement', correctedTo: '2026-11-24', reason: 'r' });
    expect(refusal(result)).toBe('WrongStage');
    expect(result.ok ? '' : result.message).toContain('csprp-acknowledgement has not started');
  });

  test('the planned publication date is changed only by publication-delayed (§15.5)', () => {
    const state = caseState({ stage: 'awaiting-publication', clocks: { 'planned-publication': '2027-05-04' } });
    const result = check(state, 'clock-corrected', 'business-unit', { clock: 'planned-publication', correctedTo: '2026-11-20', reason: 'r' });
    expect(refusal(result)).toBe('WrongStage');
    expect(result.ok ? '' : result.message).toContain('publication-delayed');
  });

  test('a new publication date is set only once the report is signed off', () => {
    const before = caseState({ stage: 'lcspr-draft' });
    expect(refusal(check(before, 'publication-delayed', 'ssp', { reason: 'trial', newPlannedPublicationDate: '2027-07-01' }))).toBe('WrongStage');
    expect(refusal(check(before, 'publication-delayed', 'ssp', { reason: 'trial' }))).toBe('accepted');
  });

  test('a report that was never published cannot be removed', () => {
    const result = check(caseState({ stage: 'action-plan' }), 'publication-removed', 'ssp', { reason: 'r' });
    expect(refusal(result)).toBe('WrongStage');
  });
});

// --- effects -----------------------------------------------------------------------------------------

describe('what each branching decision does', () => {
  describe('ssp-decision (§4.6, §5.4-5.7)', () => {
    const state = fittingState('ssp-decision');

    test('criteria met: notify the Panel (watched since the referral, §5.2); feedback to the referrer; the L&D Chair told', () => {
      const e = effects('ssp-decision', state, { outcome: 'criteria-met', rationale: 'r' });
      expect(e.stage).toBe('awaiting-national-notification');
      expect(e.clocks).toEqual({ 'ssp-decision': AT });
      expect([...(e.open ?? [])].sort()).toEqual(['referrer-feedback']);
      expect(e.withdraw ?? []).toEqual([]);
      expect(e.shareWithLd).toBe(true);
      expect(e.facts).toMatchObject({ sspOutcome: 'criteria-met' });
    });

    test('not met, learning to explore: to the L&D Group, whose clock starts now', () => {
      const e = effects('ssp-decision', state, { outcome: 'not-met-learning', rationale: 'r' });
      expect(e.stage).toBe('learning-review');
      expect(e.clocks).toEqual({ 'ssp-decision': AT, 'learning-referred': AT });
      expect([...(e.open ?? [])].sort()).toEqual(['ld-decision', 'referrer-feedback']);
      expect(e.shareWithLd).toBe(true);
    });

    test('not met, no learning: no further action, but the referrer and the L&D Chair still hear', () => {
      const e = effects('ssp-decision', state, { outcome: 'not-met-no-further-action', rationale: 'r' });
      expect(e.stage).toBe('no-further-action');
      expect(e.clocks).toEqual({ 'ssp-decision': AT });
      expect(e.open).toEqual(['referrer-feedback']);
      expect(e.shareWithLd).toBe(true);
    });
  });

  describe('rapid-review-report (§6.10, §15.5)', () => {
    const state = fittingState('rapid-review-report');

    test('lcspr: the six months to publication start at this decision', () => {
      const e = effects('rapid-review-report', state, { levelOfReview: 'lcspr', rationale: 'r' });
      expect(e.stage).toBe('awaiting-panel-response');
      expect(e.clocks).toEqual({ 'rapid-review-reported': AT, 'lcspr-decision': AT });
      expect([...(e.open ?? [])].sort()).toEqual(['csprp-response', 'lcspr-publication']);
      expect(e.facts).toEqual({ levelOfReview: 'lcspr' });
    });

    test.each(['national-review-recommended', 'other-review', 'no-further-action'])('%s: wait for the Panel, no publication clock', (levelOfReview) => {
      const e = effects('rapid-review-report', state, { levelOfReview, rationale: 'r' });
      expect(e.stage).toBe('awaiting-panel-response');
      expect(e.clocks).toEqual({ 'rapid-review-reported': AT });
      expect(e.open).toEqual(['csprp-response']);
      expect(e.facts).toEqual({ levelOfReview });
    });
  });

  describe('panel-response (§6.11, §7.6)', () => {
    test('national review: the Panel leads; a running LCSPR publication clock is withdrawn', () => {
      const withLcspr = caseState({ stage: 'awaiting-panel-response', open: ['csprp-response', 'lcspr-publication'], facts: { levelOfReview: 'lcspr' } });
      const e = effects('panel-response', withLcspr, { response: 'national-review' });
      expect(e.stage).toBe('national-review');
      expect(e.withdraw).toEqual(['lcspr-publication']);
      expect(e.open ?? []).toEqual([]);
      expect(e.clocks).toEqual({ 'csprp-response': AT });

      const without = caseState({ stage: 'awaiting-panel-response', open: ['csprp-response'], facts: { levelOfReview: 'national-review-recommended' } });
      expect(effects('panel-response', without, { response: 'national-review' }).withdraw).toEqual([]);
    });

    test('further information: the Panel asked for more, an obligation to send it opens', () => {
      const state = caseState({ stage: 'awaiting-panel-response', open: ['csprp-response'], facts: { levelOfReview: 'lcspr' } });
      const e = effects('panel-response', state, { response: 'further-information' });
      expect(e.stage).toBe('further-information-requested');
      expect(e.open).toEqual(['further-information']);
      expect(e.clocks).toEqual({ 'csprp-response': AT });
    });

    test('local review after an LCSPR decision: commissioning and terms of reference open; the publication clock keeps its date', () => {
      const state = caseState({ stage: 'awaiting-panel-response', open: ['csprp-response', 'lcspr-publication'], facts: { levelOfReview: 'lcspr' }, clocks: { 'lcspr-decision': '2026-11-24T10:00:00.000Z' } });
      const e = effects('panel-response', state, { response: 'local-review' });
      expect(e.stage).toBe('lcspr');
      expect([...(e.open ?? [])].sort()).toEqual(['reviewer-commissioned', 'terms-of-reference']);
      expect(e.clocks).toEqual({ 'csprp-response': AT });
    });

    test('local review after a national review was recommended: the LCSPR is decided now (§7.6)', () => {
      const state = caseState({ stage: 'awaiting-panel-response', open: ['csprp-response'], facts: { levelOfReview: 'national-review-recommended' } });
      const e = effects('panel-response', state, { response: 'local-review' });
      expect(e.stage).toBe('lcspr');
      expect(e.clocks).toEqual({ 'csprp-response': AT, 'lcspr-decision': AT });
      expect([...(e.open ?? [])].sort()).toEqual(['lcspr-publication', 'reviewer-commissioned', 'terms-of-reference']);
    });

    test.each([
      ['other-review', 'other-review'],
      ['no-further-action', 'no-further-action'],
    ] as const)('local review after %s: %s, nothing opens', (levelOfReview, stage) => {
      const state = caseState({ stage: 'awaiting-panel-response', open: ['csprp-response'], facts: { levelOfReview } });
      const e = effects('panel-response', state, { response: 'local-review' });
      expect(e.stage).toBe(stage);
      expect(e.open ?? []).toEqual([]);
    });
  });

  describe('ssp-approval (§10.7)', () => {
    test('approved: to the action plan, or closed for no further action', () => {
      const audit = caseState({ stage: 'awaiting-ssp-approval', open: ['ld-decision-approval'], facts: { ldOutcome: 'multi-agency-audit' } });
      expect(effects('ssp-approval', audit, { approved: true, rationale: 'r' })).toMatchObject({ stage: 'action-plan' });
      const nfa = caseState({ stage: 'awaiting-ssp-approval', open: ['ld-decision-approval'], facts: { ldOutcome: 'no-further-action' } });
      const e = effects('ssp-approval', nfa, { approved: true, rationale: 'r' });
      expect(e.stage).toBe('no-further-action');
      expect(e.open ?? []).toEqual([]);
    });

    test('refused: back to the L&D Group, with a fresh clock for its decision', () => {
      const state = caseState({ stage: 'awaiting-ssp-approval', open: ['ld-decision-approval'], facts: { ldOutcome: 'quality-assurance' } });
      const e = effects('ssp-approval', state, { approved: false, rationale: 'r' });
      expect(e.stage).toBe('learning-review');
      expect(e.clocks).toEqual({ 'learning-referred': AT });
      expect(e.open).toEqual(['ld-decision']);
    });
  });

  describe('not-to-publish (§15.3)', () => {
    test('withdraws publication and the report to the Panel while open; the justification is owed', () => {
      const state = caseState({ stage: 'awaiting-publication', open: ['lcspr-publication', 'report-to-panel'], clocks: { 'planned-publication': '2027-05-04' } });
      const e = effects('not-to-publish', state, { justification: 'j' });
      expect(e.stage).toBe('action-plan');
      expect([...(e.withdraw ?? [])].sort()).toEqual(['lcspr-publication', 'report-to-panel']);
      expect(e.open).toEqual(['non-publication-justified']);
      expect(e.clocks).toEqual({ 'decision-not-to-publish': AT });
      expect(e.facts).toEqual({ publish: 'not-published' });
    });

    test('an obligation already met is not withdrawn', () => {
      const state = caseState({ stage: 'awaiting-publication', open: ['lcspr-publication'], met: ['report-to-panel'] });
      expect(effects('not-to-publish', state, { justification: 'j' }).withdraw).toEqual(['lcspr-publication']);
    });
  });

  describe('publication-delayed (§15.5)', () => {
    const state = caseState({ stage: 'awaiting-publication', open: ['lcspr-publication', 'report-to-panel'], clocks: { 'planned-publication': '2027-05-04' } });

    test('with a new date: the planned publication clock is corrected, and the delay must be explained', () => {
      const e = effects('publication-delayed', state, { reason: 'trial', newPlannedPublicationDate: '2027-07-01' });
      expect(e.corrected).toEqual({ clock: 'planned-publication', to: '2027-07-01', reason: expect.stringContaining('§15.5') });
      expect(e.facts).toEqual({ plannedPublicationDate: '2027-07-01' });
      expect(e.clocks).toEqual({ 'publication-delayed': AT });
      expect(e.open).toEqual(['publication-delay-explained']);
      expect(e.stage).toBeUndefined();
    });

    test('without a new date: nothing is corrected, the delay must still be explained', () => {
      const e = effects('publication-delayed', state, { reason: 'trial' });
      expect(e.corrected).toBeUndefined();
      expect(e.clocks).toEqual({ 'publication-delayed': AT });
      expect(e.open).toEqual(['publication-delay-explained']);
      expect(e.detail).toEqual({ newPlannedPublicationDate: null });
    });
  });

  describe('published (§14.4, §15.5)', () => {
    test('meets the publication deadline, starts the year it must stay public, and notes whether the report went first', () => {
      const sent = caseState({ stage: 'awaiting-publication', open: ['lcspr-publication'], met: ['report-to-panel'] });
      const e = effects('published', sent, { publishedOn: '2026-11-25' });
      expect(e.stage).toBe('action-plan');
      expect(e.meet).toEqual(['lcspr-publication']);
      expect(e.clocks).toEqual({ publication: '2026-11-25' });
      expect(e.open).toEqual(['publication-kept']);
      expect(e.detail).toMatchObject({ publishedOn: '2026-11-25', reportSentFirst: true });

      const notSent = caseState({ stage: 'awaiting-publication', open: ['lcspr-publication', 'report-to-panel'] });
      expect(effects('published', notSent, { publishedOn: '2026-11-25' }).detail).toMatchObject({ reportSentFirst: false });
    });
  });

  test('publication removed early breaks the minimum period, only while it runs', () => {
    const running = caseState({ stage: 'action-plan', open: ['publication-kept'], clocks: { publication: '2026-11-02' } });
    expect(effects('publication-removed', running, { reason: 'r' }).breach).toEqual(['publication-kept']);
    const over = caseState({ stage: 'action-plan', met: ['publication-kept'], clocks: { publication: '2025-11-02' } });
    expect(effects('publication-removed', over, { reason: 'r' }).breach).toEqual([]);
  });

  test('the decisions the seed names a clock for set it at the decision time', () => {
    expect(effects('national-notification', fittingState('national-notification'), { panelReference: 'CSPRP/1' }).clocks).toEqual({ 'national-notification-sent': AT });
    expect(effects('panel-acknowledgement', fittingState('panel-acknowledgement'), {})).toMatchObject({
      stage: 'rapid-review',
      clocks: { 'csprp-acknowledgement': AT },
      open: ['rapid-review-meeting', 'rapid-review-report'],
    });
    expect(effects('ssp-sign-off', fittingState('ssp-sign-off'), { plannedPublicationDate: '2027-05-04', publish: 'full-report' })).toMatchObject({
      stage: 'awaiting-publication',
      clocks: { 'planned-publication': '2027-05-04' },
      open: ['report-to-panel'],
    });
    expect(effects('ld-decision', fittingState('ld-decision'), { outcome: 'multi-agency-audit', rationale: 'r' })).toMatchObject({
      stage: 'awaiting-ssp-approval',
      clocks: { 'ld-decision': AT },
      open: ['ld-decision-approval'],
    });
  });

  test('every decision with effects is covered by DECISIONS, and effects are plain JSON', () => {
    for (const name of DECISION_NAMES) {
      expect(DECISIONS[name]).toBe(decisionRule(name));
      const then = decisionRule(name).then;
      if (!then) continue;
      const e = then({ state: fittingState(name), payload: FITS[name].payload, at: AT });
      expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    }
  });
});

describe('actions-agreed (§16.2)', () => {
  const plan = (n: number, deadline = '2027-06-30') =>
    Array.from({ length: n }, (_, i) => ({ agency: 'Example Health Trust', owner: `Owner ${i}`, description: `Action ${i}`, finding: `Finding ${i}`, deadline }));
  const withActions = (n: number) => {
    const state = caseState({ stage: 'action-plan' });
    state.actions = Object.fromEntries(Array.from({ length: n }, (_, i) => [`A${String(i + 1).padStart(2, '0')}`, { agency: 'Example Health Trust', deadline: '2027-06-30', status: 'open' as const }]));
    return state;
  };

  test('a case holds at most 300 actions (its history stays far under the continue-as-new suggestion)', () => {
    expect(refusal(check(withActions(299), 'actions-agreed', 'ld-chair', { actions: plan(1) }))).toBe('accepted');
    const over = check(withActions(299), 'actions-agreed', 'ld-chair', { actions: plan(2) });
    expect(refusal(over)).toBe('WrongStage');
    expect(over.ok ? '' : over.message).toContain('at most 300 actions; 299 are agreed');
  });

  test('a deadline in the past, or more than 3 years ahead, is refused by its path', () => {
    const past = check(withActions(0), 'actions-agreed', 'ld-chair', { actions: [...plan(1), ...plan(1, '2026-11-25')] });
    expect(past.ok ? [] : past.problems).toEqual([{ path: 'actions.1.deadline', message: 'the deadline is in the past' }]);
    const far = check(withActions(0), 'actions-agreed', 'ld-chair', { actions: plan(1, '2030-01-01') });
    expect(far.ok ? [] : far.problems).toEqual([{ path: 'actions.0.deadline', message: 'the deadline is more than 3 years ahead' }]);
  });

  test('at no-further-action only after a Rapid Review (its own learning), not after the SSP found no learning', () => {
    const noLearning = caseState({ stage: 'no-further-action' });
    expect(refusal(check(noLearning, 'actions-agreed', 'ld-chair', { actions: plan(1) }))).toBe('WrongStage');
    const afterRapidReview = caseState({ stage: 'no-further-action', facts: { rapidReviewRecommendation: 'no-further-action' } });
    expect(refusal(check(afterRapidReview, 'actions-agreed', 'ld-chair', { actions: plan(1) }))).toBe('accepted');
  });
});
