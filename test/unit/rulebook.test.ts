// The DSP 1.5 rulebook against the procedure's "Deadlines" table. Expected rows are written out by
// hand from the procedure's deadlines table (the seed, DSP 1.5), not read from domain/rulebook.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkingDayCalendar, endOfLondonDay, londonInstant } from '../../domain/calendar';
import { STAGES, isOpen, type CaseState, type Deadline, type ObligationState, type Stage } from '../../domain/case';
import {
  DECISION_NAMES,
  LD_OUTCOMES,
  LEVELS_OF_REVIEW,
  PANEL_RESPONSES,
  RAPID_REVIEW_RECOMMENDATIONS,
  SSP_OUTCOMES,
  checkDecision,
  decisionRule,
  type DecisionName,
} from '../../domain/decisions';
import { ruleIdOf } from '../../domain/obligation-ids';
import { CLOCK_EVENTS, DEFAULT_RULEBOOK, DSP_1_5, WT_2023, type ClockEvent, type LimitRule, type ObligationRule } from '../../domain/rulebook';
import type { Actor, Role } from '../../domain/roles';
import { applyDecision, applyOpening, deadlineRequests, newCase, openingObligations, planDecision } from '../../domain/incident';
import { applyNoticeOutcome } from '../../domain/obligations';

const obligations: ObligationRule[] = Object.values(DSP_1_5.obligations);
/** The three rows each improvement action's own workflow watches (§9.2, §16.2), not the case's. */
const ACTION_ROWS: readonly string[] = ['action-due', 'action-escalation-head', 'action-escalation-chief'];
const caseObligations = obligations.filter((o) => !ACTION_ROWS.includes(o.id));

/** the procedure (DSP 1.5) "Deadlines", every row but the three action-* rows (the action-plan workflow's). */
const PROCEDURE_IDS = [
  'referral-submitted',
  'ssp-informed',
  'ssp-decision',
  'national-notification',
  'looked-after-death-notification',
  'ld-informed',
  'referrer-feedback',
  'rapid-review-meeting',
  'rapid-review-report',
  'lcspr-publication',
  'report-to-panel',
  'publication-kept',
] as const;

interface ExpectedRow {
  owner: Role;
  clock: ClockEvent;
  orClock?: ClockEvent;
  limit: LimitRule;
  target?: LimitRule;
  minimumPeriod?: true;
  /** The § column. */
  sections: string[];
}

// Owners: "referring agency" is the referrer; "LA", "LA / Business Unit" are the Business Unit (its
// Business Manager acts for the LA, the procedure (DSP 1.5) "Words"); "SSP" is the SSP.
const EXPECTED: Record<(typeof PROCEDURE_IDS)[number], ExpectedRow> = {
  // 1 WD from the referrer becoming aware, checked on arrival (§4.5).
  'referral-submitted': { owner: 'referrer', clock: 'referrer-became-aware', limit: { kind: 'working-days-after', days: 1 }, sections: ['4.5'] },
  // The earlier of 1 WD from the LA's awareness (§5.1) and 1 WD from receipt (§4.6).
  'ssp-informed': { owner: 'business-unit', clock: 'la-became-aware', orClock: 'referral-received', limit: { kind: 'working-days-after', days: 1 }, sections: ['4.6', '5.1'] },
  'ssp-decision': { owner: 'ssp', clock: 'referral-received', limit: { kind: 'working-days-after', days: 5 }, sections: ['4.6'] },
  'national-notification': { owner: 'business-unit', clock: 'la-became-aware', limit: { kind: 'working-days-after', days: 5 }, sections: ['3', '5.2'] },
  'looked-after-death-notification': { owner: 'business-unit', clock: 'la-became-aware', limit: { kind: 'working-days-after', days: 5 }, sections: ['5.3'] },
  // "Sent automatically at the decision": the rulebook allows 1 WD should sending keep failing.
  'ld-informed': { owner: 'business-unit', clock: 'ssp-decision', limit: { kind: 'working-days-after', days: 1 }, sections: ['5.6', '10.1'] },
  'referrer-feedback': { owner: 'business-unit', clock: 'ssp-decision', limit: { kind: 'working-days-after', days: 5 }, sections: ['5.7'] },
  // "target 7-10 WD; limit 15 WD", owner SSP.
  'rapid-review-meeting': {
    owner: 'ssp',
    clock: 'csprp-acknowledgement',
    limit: { kind: 'working-days-after', days: 15 },
    target: { kind: 'working-days-after', days: 10 },
    sections: ['6.2'],
  },
  'rapid-review-report': { owner: 'ssp', clock: 'csprp-acknowledgement', limit: { kind: 'working-days-after', days: 15 }, sections: ['3', '6.10'] },
  'lcspr-publication': { owner: 'ssp', clock: 'lcspr-decision', limit: { kind: 'calendar-months-after', months: 6 }, sections: ['3', '15.5'] },
  'report-to-panel': { owner: 'ssp', clock: 'planned-publication', limit: { kind: 'working-days-before', days: 7 }, sections: ['14.7'] },
  // "at least 1 year (earliest removal date)": a minimum period, not a deadline.
  'publication-kept': { owner: 'ssp', clock: 'publication', limit: { kind: 'calendar-months-after', months: 12 }, minimumPeriod: true, sections: ['14.4'] },
};

function sectionNumbers(section: string): string[] {
  return [...section.matchAll(/§(\d+(?:\.\d+)?)/g)].map((m) => m[1]!);
}

describe("the procedure's deadlines table is the DSP 1.5 rulebook", () => {
  test('the default rulebook is DSP 1.5', () => {
    expect(DEFAULT_RULEBOOK).toBe('DSP-1.5');
    expect(DSP_1_5.version).toBe('DSP-1.5');
  });

  test.each(PROCEDURE_IDS)('%s is in DSP_1_5 under its own id', (id) => {
    expect(DSP_1_5.obligations[id]).toBeDefined();
    expect(DSP_1_5.obligations[id]!.id).toBe(id);
  });

  test('the action-plan rows, as §9.2 and §16.2 have them: the Head of Service step from the specified deadline, the Chief Officer step from the original', () => {
    const pick = (id: string) => {
      const r = DSP_1_5.obligations[id]!;
      return { owner: r.owner, clock: r.clock, limit: r.limit, trigger: r.trigger === true, escalateTo: r.escalateTo, sections: sectionNumbers(r.section) };
    };
    expect(pick('action-due')).toEqual({ owner: 'action-owner', clock: 'action-deadline', limit: { kind: 'on-the-date' }, trigger: false, escalateTo: ['ld-chair', 'agency-action-lead'], sections: ['9.2', '16.2'] });
    expect(pick('action-escalation-head')).toEqual({
      owner: 'ld-chair',
      clock: 'action-deadline',
      limit: { kind: 'calendar-months-after', months: 3 },
      trigger: true,
      escalateTo: ['agency-head-of-service', 'ld-chair'],
      sections: ['9.2', '16.2'],
    });
    expect(pick('action-escalation-chief')).toEqual({
      owner: 'ld-chair',
      clock: 'action-original-deadline',
      limit: { kind: 'calendar-months-after', months: 6 },
      trigger: true,
      escalateTo: ['agency-chief-officer', 'ld-chair'],
      sections: ['9.2', '16.2'],
    });
  });

  test.each(PROCEDURE_IDS)('%s: owner, clock, limit, target and § as the procedure has them', (id) => {
    const rule = DSP_1_5.obligations[id]!;
    const expected = EXPECTED[id];
    expect({ owner: rule.owner, clock: rule.clock, orClock: rule.orClock, limit: rule.limit }).toEqual({ owner: expected.owner, clock: expected.clock, orClock: expected.orClock, limit: expected.limit });
    expect(rule.target).toEqual(expected.target);
    expect(rule.minimumPeriod === true).toBe(expected.minimumPeriod === true);
    expect(sectionNumbers(rule.section)).toEqual(expected.sections);
    // Every row of the table comes from the seed: statute, not local policy.
    expect(rule.statutory).toBe(true);
  });

  test('the obligations the seed gives no limit are local policy, and only those', () => {
    const local = obligations.filter((o) => !o.statutory).map((o) => o.id);
    for (const id of local) expect(PROCEDURE_IDS as readonly string[]).not.toContain(id);
    // The procedure: CSPRP's acknowledgement and response, the L&D Group's decision, SSP approval of
    // it, commissioning the reviewer, terms of reference.
    expect(local).toEqual(
      expect.arrayContaining(['csprp-acknowledgement', 'csprp-response', 'ld-decision', 'ld-decision-approval', 'reviewer-commissioned', 'terms-of-reference']),
    );
  });
});

describe('the rules are coherent', () => {
  test('each id is its key, each clock a known clock event, each limit positive (or the date itself)', () => {
    for (const [key, rule] of Object.entries(DSP_1_5.obligations)) {
      expect(rule.id).toBe(key);
      expect(CLOCK_EVENTS).toContain(rule.clock);
      // Only an improvement action's own deadline (§16.2) and an agency's return (§6.5: the date the request gives) are the clock's date itself.
      if (rule.limit.kind === 'on-the-date') expect(['action-due', 'rapid-review-return']).toContain(rule.id);
      const n = rule.limit.kind === 'calendar-months-after' ? rule.limit.months : rule.limit.kind === 'on-the-date' ? 1 : rule.limit.days;
      expect(n).toBeGreaterThan(0);
      expect(rule.obligation.trim().length).toBeGreaterThan(0);
    }
  });

  test.each(obligations.filter((o) => !o.statutory).map((o) => [o.id, o.section]))('%s (local policy) says so in its section: %s', (_id, section) => {
    expect(section).toMatch(/local policy/);
  });

  test.each(obligations.filter((o) => o.statutory).map((o) => [o.id, o.section]))('%s (statutory) does not call itself local policy: %s', (_id, section) => {
    expect(section).not.toMatch(/local policy/);
  });

  test('a target comes before its limit', () => {
    for (const rule of obligations.filter((o) => o.target)) {
      expect(rule.target!.kind).toBe(rule.limit.kind);
      if (rule.target!.kind === 'working-days-after' && rule.limit.kind === 'working-days-after') {
        expect(rule.target!.days).toBeLessThan(rule.limit.days);
      }
    }
  });

  test('every reminder rule falls before the end of the due day', () => {
    for (const rule of obligations) {
      for (const r of rule.reminders) {
        expect(r.at).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
        if ('workingDaysBefore' in r) {
          expect(r.workingDaysBefore).toBeGreaterThanOrEqual(0);
          // On the due day itself a reminder must come before its end.
          if (r.workingDaysBefore === 0) expect(r.at < '23:59').toBe(true);
        } else {
          expect(r.calendarMonthsBefore).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });

  test('every reminder instant is before the deadline, on due dates across the year, weekends and Christmas', () => {
    const calendar = new WorkingDayCalendar();
    // Working days, a Sunday (a months limit can end on one), Christmas Day, a BST day, a leap day.
    const dueDates = ['2026-12-30', '2027-02-28', '2026-12-25', '2026-07-02', '2028-02-29', '2027-01-04'];
    for (const rule of obligations) {
      for (const dueDate of dueDates) {
        const dueAt = endOfLondonDay(dueDate);
        for (const r of rule.reminders) {
          const day = 'workingDaysBefore' in r ? calendar.subtractWorkingDays(dueDate, r.workingDaysBefore) : calendar.addCalendarMonths(dueDate, -r.calendarMonthsBefore);
          const at = londonInstant(day, r.at);
          expect({ id: rule.id, dueDate, before: at < dueAt }).toEqual({ id: rule.id, dueDate, before: true });
        }
      }
    }
  });

  test('minimum periods have no reminders to chase: reaching the date meets them', () => {
    for (const rule of obligations.filter((o) => o.minimumPeriod)) expect(rule.reminders).toEqual([]);
  });

  test('every reminder and escalation goes to a mailbox configured in config/partnership.example.json', () => {
    const file = path.join(__dirname, '..', '..', 'config', 'partnership.example.json');
    const example = JSON.parse(readFileSync(file, 'utf8')) as { mailboxes: Record<string, unknown>; agencies: Record<string, Record<string, unknown>> };
    const configured = example.mailboxes;
    const agencies = Object.values(example.agencies);
    expect(agencies.length).toBeGreaterThan(0);
    for (const rule of obligations) {
      expect(rule.escalateTo.length).toBeGreaterThan(0);
      for (const mailbox of [rule.remind, ...rule.escalateTo]) {
        // An agency's contact (agency-head-of-service): every agency in the directory has it.
        const addresses = mailbox.startsWith('agency-') ? agencies.map((a) => a[mailbox.slice('agency-'.length)]) : [configured[mailbox]];
        for (const address of addresses) {
          expect({ id: rule.id, mailbox, address }).toEqual({ id: rule.id, mailbox, address: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[a-z]+$/) });
        }
      }
      // An escalation goes beyond the reminder's recipient (§16.2: a missed action's agency is also
      // asked for an explanation, beside the L&D Chair).
      expect(rule.escalateTo.filter((m) => m !== rule.remind).length).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// No obligation can be opened without its clock: walk every path a case can take through the
// decisions (checkDecision decides what fits; `then` says what it does) and check each obligation
// opened has its clock set by then.

const RECEIVED_AT = '2026-11-20T10:00:00.000Z';
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const AT = '2026-11-26T11:00:00.000Z';

/** Clocks the workflow sets at referral (workflows/incident.ts, newCase). */
const CLOCKS_AT_REFERRAL: ClockEvent[] = ['referrer-became-aware', 'referral-received', 'la-became-aware'];

/** One or more valid payloads per decision, covering every branch. */
const VARIANTS: Record<DecisionName, Record<string, unknown>[]> = {
  'ssp-informed': [{}],
  'ssp-decision': SSP_OUTCOMES.map((outcome) => ({ outcome, rationale: 'rationale' })),
  'referrer-feedback-sent': [{}],
  'shared-with-ld-chair': [{}],
  'looked-after-death-notified': [{}],
  'care-leaver-death-notified': [{}],
  'national-notification': [{ panelReference: 'CSPRP/2026/0042' }],
  'panel-acknowledgement': [{}],
  'rapid-review-scheduled': [{ meetingDate: '2026-12-10' }],
  'rapid-review-held': RAPID_REVIEW_RECOMMENDATIONS.map((recommendation) => ({ recommendation, rationale: 'rationale' })),
  'rapid-review-report': LEVELS_OF_REVIEW.map((levelOfReview) => ({ levelOfReview, rationale: 'rationale' })),
  'panel-response': PANEL_RESPONSES.map((response) => ({ response })),
  'further-information-sent': [{}],
  'reviewer-commissioned': [{ reviewer: 'Independent reviewer', reviewerId: 'reviewer-1' }],
  'reviewer-changed': [{ reviewer: 'Second reviewer', reviewerId: 'reviewer-2', reason: 'added' }],
  'terms-of-reference-agreed': [{}],
  'review-progress': [{ summary: 'progress' }],
  'draft-report-to-ld': [{}],
  'ssp-sign-off': [{ plannedPublicationDate: '2027-05-04', publish: 'full-report' }],
  'report-sent-to-panel': [{}],
  'publication-delayed': [{ reason: 'criminal proceedings' }, { reason: 'criminal proceedings', newPlannedPublicationDate: '2027-07-01' }],
  'delay-explained-to-panel': [{}],
  published: [{ publishedOn: '2026-11-25' }],
  'not-to-publish': [{ justification: 'justification' }],
  'justification-sent-to-panel': [{}],
  'publication-removed': [{ reason: 'reason' }],
  'national-review-completed': [{}],
  'other-review-completed': [{}],
  'ld-decision': LD_OUTCOMES.map((outcome) => ({ outcome, rationale: 'rationale' })),
  'ssp-approval': [
    { approved: true, rationale: 'rationale' },
    { approved: false, rationale: 'rationale' },
  ],
  'clock-corrected': [{ clock: 'la-became-aware', correctedTo: '2026-11-19', reason: 'reason' }],
  'actions-agreed': [{ actions: [{ agency: 'Example Health Trust', owner: 'Named Nurse', description: 'Audit the discharge letters', finding: 'Finding 1', deadline: '2027-06-30' }] }],
  'close-case': [{}],
  // §6.5: the agency the walk's actor signs in as ('test') is asked, then returns.
  'rapid-review-information-requested': [{ agencies: [{ agency: 'test' }], returnsDueOn: '2026-12-03' }],
  'rapid-review-return': [{ involvement: 'known', safeguardingIssues: 'none', informationHeld: 'notes', author: 'A. Author', chronology: [] }],
};

function stubDeadline(id: string): Deadline {
  // An agency's instance (§6.5, rapid-review-return:<agency>) has its rule's deadline; a rule
  // WT 2023 adds (a care leaver's death) is in its rulebook only.
  const rule = DSP_1_5.obligations[ruleIdOf(id)] ?? WT_2023.obligations[ruleIdOf(id)]!;
  return {
    obligationId: id,
    obligation: rule.obligation,
    clock: { event: rule.clock, date: '2026-11-20' },
    rule: 'stub',
    dueDate: '2027-12-31',
    dueAt: '2027-12-31T23:59:59.999Z',
    skipped: [],
    section: rule.section,
    statutory: rule.statutory,
    reminders: [],
    computedAt: AT,
  };
}

function openStub(state: CaseState, id: string): void {
  const previous = state.obligations[id];
  const o: ObligationState = { id, round: previous ? previous.round + 1 : 1, status: 'open', deadline: stubDeadline(id), previousDeadlines: [], remindersDone: [] };
  state.obligations[id] = o;
}

/** The case as the real engine opens it (domain/incident.ts applyOpening), with stub deadlines. */
function referralState(lookedAfterChildDied: boolean): CaseState {
  const state = newCase({
    caseReference: 'TEST-2026-000001',
    receivedAt: RECEIVED_AT,
    rulebookVersion: DSP_1_5.version,
    receivedBy: { id: 'bu', role: 'business-unit', agency: 'test' },
    referrerBecameAware: '2026-11-19',
    lookedAfterChildDied,
  });
  applyOpening(state, { id: 'bu', role: 'business-unit', agency: 'test' }, deadlineRequests(state, openingObligations(state)).map((r) => stubDeadline(r.obligationId)), AT);
  state.outbox = { records: [], notices: [] };
  return state;
}

/** WT 2023 ch. 5: a care leaver's death, a case of its own kind, opened by the real engine. */
function careLeaverState(): CaseState {
  const bu: Actor = { id: 'bu', role: 'business-unit', agency: 'test' };
  const state = newCase({ caseReference: 'TEST-2026-000002', receivedAt: RECEIVED_AT, rulebookVersion: WT_2023.version, receivedBy: bu, referrerBecameAware: '2026-11-19', lookedAfterChildDied: false, kind: 'care-leaver-death' });
  applyOpening(state, bu, deadlineRequests(state, openingObligations(state)).map((r) => stubDeadline(r.obligationId)), AT);
  state.outbox = { records: [], notices: [] };
  return state;
}

function actorFor(name: DecisionName): Actor {
  return { id: 'someone', role: decisionRule(name).roles[0]!, agency: 'test' };
}

/**
 * States that allow the same decisions with the same effects are one: decisions read the stage,
 * which clocks are set, which obligations are open, and of the facts only these two.
 */
function keyOf(state: CaseState): string {
  const open = Object.values(state.obligations)
    .filter(isOpen)
    .map((o) => o.id)
    .sort();
  const { levelOfReview, ldOutcome } = state.facts;
  return JSON.stringify({ stage: state.stage, levelOfReview, ldOutcome, clocks: Object.keys(state.clocks).sort(), open });
}

interface Walk {
  problems: string[];
  opened: Set<string>;
  clocksSet: Set<ClockEvent>;
  stages: Set<Stage>;
  decided: Set<DecisionName>;
}

/**
 * Applies a decision with the real engine (domain/incident.ts), with stub deadlines. A decision
 * shared with the L&D Chair has two outcomes: the email delivered (ld-informed met) or refused (open).
 */
function apply(state: CaseState, name: DecisionName, payload: unknown, walk: Walk): CaseState[] {
  const next = JSON.parse(JSON.stringify(state)) as CaseState;
  const effects = decisionRule(name).then?.({ state: next, payload, at: AT }) ?? {};
  for (const clock of Object.keys(effects.clocks ?? {}) as ClockEvent[]) walk.clocksSet.add(clock);
  const opens = [...(effects.open ?? []), ...(effects.shareWithLd ? ['ld-informed'] : [])];
  const clocks = { ...next.clocks, ...(effects.clocks ?? {}) };
  for (const id of opens) {
    const clock = DSP_1_5.obligations[ruleIdOf(id)]?.clock;
    if (!clock) walk.problems.push(`${name} (${JSON.stringify(payload)}) opens ${id}, which is not in the rulebook`);
    else if (clocks[clock] === undefined) walk.problems.push(`${name} (${JSON.stringify(payload)}) at ${state.stage} opens ${id} but its clock ${clock} is not set`);
    walk.opened.add(ruleIdOf(id));
  }
  // The real engine refuses to plan a deadline whose clock is not set: the walk stops there.
  if (opens.some((id) => DSP_1_5.obligations[ruleIdOf(id)] === undefined || clocks[DSP_1_5.obligations[ruleIdOf(id)]!.clock] === undefined)) return [];
  const plan = planDecision(next, name, payload, NOW);
  applyDecision(next, name, actorFor(name), payload, plan, plan.needs.map((r) => stubDeadline(r.obligationId)), AT);
  const shared = next.outbox.notices.find((n) => n.kind === 'ssp-decision-shared');
  next.outbox = { records: [], notices: [] };
  if (!shared || shared.kind === 'operations-alert') return [next];
  const sent = JSON.parse(JSON.stringify(next)) as CaseState;
  applyNoticeOutcome(sent, shared, { sent: true }, AT);
  sent.outbox = { records: [], notices: [] };
  return [sent, next];
}

function walkEveryPath(): Walk {
  const walk: Walk = { problems: [], opened: new Set(), clocksSet: new Set(CLOCKS_AT_REFERRAL), stages: new Set(), decided: new Set() };
  const queue = [referralState(false), referralState(true), careLeaverState()];
  for (const s of queue) for (const o of Object.values(s.obligations)) walk.opened.add(o.id);
  const seen = new Set(queue.map(keyOf));
  while (queue.length > 0) {
    const state = queue.shift()!;
    walk.stages.add(state.stage);
    for (const name of DECISION_NAMES) {
      for (const payload of VARIANTS[name]) {
        const check = checkDecision(state, name, actorFor(name), payload, NOW);
        if (!check.ok) continue;
        walk.decided.add(name);
        for (const next of apply(state, name, check.payload, walk)) {
          const key = keyOf(next);
          if (!seen.has(key)) {
            seen.add(key);
            queue.push(next);
          }
        }
      }
    }
    if (seen.size > 50_000) throw new Error('the walk does not end: too many distinct case states');
  }
  return walk;
}

describe('no obligation can be opened without its clock', () => {
  let walk: Walk;
  beforeAll(() => {
    walk = walkEveryPath();
  });

  test('on every path, each obligation a decision opens has its clock set by then', () => {
    expect(walk.problems).toEqual([]);
  });

  test('(the check itself notices a missing clock)', () => {
    // A local review after an LCSPR decision whose clock was somehow never set.
    const state = referralState(false);
    state.stage = 'awaiting-panel-response';
    state.facts.levelOfReview = 'lcspr';
    openStub(state, 'csprp-response');
    const probe: Walk = { problems: [], opened: new Set(), clocksSet: new Set(), stages: new Set(), decided: new Set() };
    apply(state, 'panel-response', { response: 'local-review' }, probe);
    expect(probe.problems).toEqual([
      expect.stringMatching(/opens reviewer-commissioned but its clock lcspr-decision is not set/),
      expect.stringMatching(/opens terms-of-reference but its clock lcspr-decision is not set/),
    ]);
  });

  test('every clock an obligation counts from is set at referral or by some decision', () => {
    const used = [...new Set(caseObligations.map((o) => o.clock))];
    expect(used.filter((clock) => !walk.clocksSet.has(clock))).toEqual([]);
  });

  test('every obligation of the rulebook is opened on some path', () => {
    expect(caseObligations.map((o) => o.id).filter((id) => !walk.opened.has(id))).toEqual([]);
  });

  test('every decision fits on some path, and every stage is reached', () => {
    expect(DECISION_NAMES.filter((name) => !walk.decided.has(name))).toEqual([]);
    expect(STAGES.filter((stage) => !walk.stages.has(stage))).toEqual([]);
  });
});
