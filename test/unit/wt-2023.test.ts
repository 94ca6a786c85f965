// The WT-2023 rulebook against the seed's, through the pure engine as the workflow calls it: what
// changed (the rapid review counts from the notification's sending; a rapid review report covers
// what the Panel's 2025 guidance lists) and that nothing else did. Deadlines are handed in as a
// deadline activity would return them; only which obligations open, when, and what is refused
// are under test here (the dates themselves: test/workflow/wt-2023.test.ts, against the oracle).
import type { CaseState, Deadline } from '../../domain/case';
import { checkDecision, type DecisionName } from '../../domain/decisions';
import { applyDecision, applyOpening, deadlineRequests, newCase, openingObligations, planDecision } from '../../domain/incident';
import { DSP_1_5, inRulebookWords, RULEBOOKS, WT_2023 } from '../../domain/rulebook';
import type { Actor } from '../../domain/roles';

const RECEIVED_AT = '2026-11-02T10:00:00.000Z';
const BU: Actor = { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' };
const SSP: Actor = { id: 'ssp-la', role: 'ssp', agency: 'Local Authority' };
const CHAIR: Actor = { id: 'rr-chair', role: 'rapid-review-chair', agency: 'Partnership' };
const WORDS = 'Test words: written for this test';

function deadline(obligationId: string, dueDate = '2026-12-31'): Deadline {
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
    computedAt: RECEIVED_AT,
  };
}

function opened(rulebookVersion: string): CaseState {
  const state = newCase({ caseReference: 'DSP-2026-0001', receivedAt: RECEIVED_AT, rulebookVersion, receivedBy: BU, referrerBecameAware: '2026-11-02', lookedAfterChildDied: false });
  applyOpening(state, BU, deadlineRequests(state, openingObligations(state)).map((r) => deadline(r.obligationId, '2026-11-09')), RECEIVED_AT);
  return state;
}

function decide(state: CaseState, name: DecisionName, actor: Actor, payload: Record<string, unknown>, now: string): string[] {
  const check = checkDecision(state, name, actor, payload, Date.parse(now));
  if (!check.ok) throw new Error(`${name} refused: ${check.type} ${check.message} ${JSON.stringify(check.problems ?? [])}`);
  const plan = planDecision(state, name, check.payload, Date.parse(now));
  applyDecision(state, name, actor, check.payload, plan, plan.needs.map((r) => deadline(r.obligationId)), now);
  return plan.needs.map((r) => r.obligationId);
}

/** A case notified to the Panel on 5 November, under the given rulebook. */
function notified(rulebookVersion: string): { state: CaseState; opened: string[] } {
  const state = opened(rulebookVersion);
  decide(state, 'ssp-informed', BU, {}, '2026-11-02T12:00:00.000Z');
  decide(state, 'ssp-decision', SSP, { outcome: 'criteria-met', rationale: WORDS }, '2026-11-03T12:00:00.000Z');
  const opened2 = decide(state, 'national-notification', BU, { panelReference: 'CSPRP-TEST-0001' }, '2026-11-05T12:00:00.000Z');
  return { state, opened: opened2 };
}

const CONTENT = {
  factsAndAgencyInvolvement: WORDS,
  immediateAction: WORDS,
  potentialImprovements: WORDS,
  racismAndInequalities: WORDS,
  nextSteps: WORDS,
};

describe('the WT-2023 rulebook', () => {
  test('is registered beside DSP-1.5 and differs from it only where the guidance changed', () => {
    expect(Object.keys(RULEBOOKS).sort()).toEqual(['DSP-1.5', 'WT-2023']);
    const differences = Object.keys(DSP_1_5.obligations).filter((id) => JSON.stringify(DSP_1_5.obligations[id]) !== JSON.stringify(WT_2023.obligations[id]));
    // Words and sections may change anywhere; clocks, limits and owners only for the rapid review.
    const counting = (rule: object) => JSON.stringify({ ...rule, obligation: undefined, section: undefined, statutory: undefined });
    const countedDifferently = differences.filter((id) => counting(DSP_1_5.obligations[id]!) !== counting(WT_2023.obligations[id]!));
    expect(countedDifferently.sort()).toEqual(['rapid-review-meeting', 'rapid-review-report']);
    expect(WT_2023.obligations['rapid-review-meeting']!.clock).toBe('national-notification-sent');
    expect(WT_2023.obligations['rapid-review-report']!.clock).toBe('national-notification-sent');
    expect(DSP_1_5.obligations['rapid-review-meeting']!.clock).toBe('csprp-acknowledgement');
    // The seed's 1 WD to inform the partners is kept, as this partnership's own rule.
    expect(WT_2023.obligations['ssp-informed']!.limit).toEqual(DSP_1_5.obligations['ssp-informed']!.limit);
    expect(WT_2023.obligations['ssp-informed']!.statutory).toBe(false);
    expect(WT_2023.obligations['ssp-informed']!.section).toContain('local policy');
    // The LA's notification to the Panel: 5 WD from its awareness, in both.
    expect(WT_2023.obligations['national-notification']!.limit).toEqual({ kind: 'working-days-after', days: 5 });
    expect(WT_2023.obligations['national-notification']!.clock).toBe('la-became-aware');
  });

  test("under WT-2023 the notification's sending starts the rapid review; the acknowledgement is awaited beside it", () => {
    const { state, opened: needs } = notified('WT-2023');
    expect(needs.sort()).toEqual(['csprp-acknowledgement', 'rapid-review-meeting', 'rapid-review-report']);
    expect(state.stage).toBe('rapid-review');
    // The meeting is held before the acknowledgement comes.
    decide(state, 'rapid-review-held', CHAIR, { recommendation: 'lcspr', rationale: WORDS }, '2026-11-10T12:00:00.000Z');
    expect(state.stage).toBe('awaiting-level-of-review');
    // The acknowledgement, late, meets its own step and starts nothing again.
    expect(decide(state, 'panel-acknowledgement', BU, {}, '2026-11-11T12:00:00.000Z')).toEqual([]);
    expect(state.stage).toBe('awaiting-level-of-review');
    expect(state.obligations['csprp-acknowledgement']!.status).toBe('met');
    expect(state.obligations['rapid-review-meeting']!.round).toBe(1);
  });

  test('under DSP-1.5 the rapid review still waits for the acknowledgement (§6.2)', () => {
    const { state, opened: needs } = notified('DSP-1.5');
    expect(needs).toEqual(['csprp-acknowledgement']);
    expect(state.stage).toBe('awaiting-panel-acknowledgement');
    expect(state.obligations['rapid-review-meeting']).toBeUndefined();
    const refused = checkDecision(state, 'rapid-review-held', CHAIR, { recommendation: 'lcspr', rationale: WORDS }, Date.parse('2026-11-06T12:00:00.000Z'));
    expect(refused.ok).toBe(false);
    expect(decide(state, 'panel-acknowledgement', BU, {}, '2026-11-06T12:00:00.000Z').sort()).toEqual(['rapid-review-meeting', 'rapid-review-report']);
    expect(state.stage).toBe('rapid-review');
  });

  test('a WT-2023 rapid review report without its inequalities analysis is refused, naming it; DSP-1.5 leaves the content optional', () => {
    for (const version of ['WT-2023', 'DSP-1.5']) {
      const { state } = notified(version);
      if (version === 'DSP-1.5') decide(state, 'panel-acknowledgement', BU, {}, '2026-11-06T12:00:00.000Z');
      decide(state, 'rapid-review-held', CHAIR, { recommendation: 'lcspr', rationale: WORDS }, '2026-11-10T12:00:00.000Z');
      const { racismAndInequalities: _left, ...withoutInequalities } = CONTENT;
      const check = checkDecision(state, 'rapid-review-report', SSP, { levelOfReview: 'lcspr', rationale: WORDS, ...withoutInequalities }, Date.parse('2026-11-12T12:00:00.000Z'));
      if (version === 'DSP-1.5') {
        expect(check.ok).toBe(true);
        continue;
      }
      expect(check.ok).toBe(false);
      if (check.ok) continue;
      expect(check.type).toBe('InvalidDecision');
      expect(check.problems).toEqual([
        { path: 'racismAndInequalities', message: expect.stringContaining('racismAndInequalities is required under WT-2023') },
      ]);
      expect(check.problems![0]!.message).toContain('protected characteristics, including disability');
      // Nothing given at all: all five are named.
      const bare = checkDecision(state, 'rapid-review-report', SSP, { levelOfReview: 'lcspr', rationale: WORDS }, Date.parse('2026-11-12T12:00:00.000Z'));
      expect(bare.ok ? [] : bare.problems!.map((p) => p.path).sort()).toEqual(Object.keys(CONTENT).sort());
      // With everything, it is recorded.
      expect(checkDecision(state, 'rapid-review-report', SSP, { levelOfReview: 'lcspr', rationale: WORDS, ...CONTENT }, Date.parse('2026-11-12T12:00:00.000Z')).ok).toBe(true);
    }
  });
});

describe("WT-2023's words for the partners (WT 2023 chapter 2)", () => {
  test.each([
    ['The SSP decide not to publish', 'The Delegated Safeguarding Partners decide not to publish'],
    ["the SSP's decision", "the Delegated Safeguarding Partners' decision"],
    ['[DSP-2026-0001] SSP decision: criteria-met', "[DSP-2026-0001] Safeguarding partners' decision: criteria-met"],
    ['the Statutory Safeguarding Partners (SSP)', 'the Delegated Safeguarding Partners (DSPs)'],
    ['whatever the pace of the SSP decision (§5.2)', "whatever the pace of the Delegated Safeguarding Partners' decision (§5.2)"],
    ['the SSP (ssp)', 'the Delegated Safeguarding Partners (ssp)'],
    ['SSP involved', 'DSPs involved'],
    // Identifiers stay as they are: the role, the obligation, the case reference.
    ['ssp-decision for DSP-2026-0001', 'ssp-decision for DSP-2026-0001'],
  ])('%s', (seed, wt) => {
    expect(inRulebookWords('WT-2023', seed)).toBe(wt);
    expect(inRulebookWords('DSP-1.5', seed)).toBe(seed);
    expect(inRulebookWords(undefined, seed)).toBe(seed);
  });
});
