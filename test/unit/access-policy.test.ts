// Who may read what (domain/access.ts), as a table written out by hand from the privacy issue:
// the Business Unit, SSP, Rapid Review chair and L&D chair read whole cases and the referral; a
// reviewer the cases they are commissioned on; a referrer only their agency's referrals, and only
// stage, deadlines and the outcome fed back; an action owner no case; operations stages,
// deadlines and counts.
import type { CaseStatus, ObligationView } from '../../domain/case';
import { actionReadFor, caseListFor, caseReadFor, mayReadReferral, operationsView, referrerView } from '../../domain/access';
import { ROLES, type Actor, type Role } from '../../domain/roles';

const FACTS: CaseStatus['facts'] = { referringAgency: 'Example Health Trust', reviewerIds: ['reviewer-1'], sspOutcome: 'criteria-met' };

const person = (role: Role, id = `${role}-1`, agency = 'Somewhere'): Actor => ({ id, role, agency });

const TABLE: Array<[string, Actor, 'whole' | 'referrer' | 'operations' | 404 | 403, boolean]> = [
  ['Business Unit', person('business-unit'), 'whole', true],
  ['SSP', person('ssp'), 'whole', true],
  ['Rapid Review chair', person('rapid-review-chair'), 'whole', true],
  ['L&D chair', person('ld-chair'), 'whole', true],
  ['reviewer commissioned on the case', person('reviewer', 'reviewer-1'), 'whole', false],
  ['reviewer not commissioned on it', person('reviewer', 'reviewer-2'), 404, false],
  ['referrer of the referring agency', person('referrer', 'referrer-1', 'Example Health Trust'), 'referrer', false],
  ['referrer of another agency', person('referrer', 'referrer-2', 'Another Trust'), 404, false],
  ['action owner', person('action-owner', 'owner-1', 'Example Health Trust'), 404, false],
  ['operations', person('operations'), 'operations', false],
];

test.each(TABLE)('%s: reads %s of the case; the referral: %s', (_who, actor, expected, referral) => {
  const read = caseReadFor(actor, FACTS);
  expect('view' in read ? read.view : read.refuse).toBe(expected);
  expect(mayReadReferral(actor)).toBe(referral);
});

// The action log and exception report (§9.2): the Business Unit, SSP and chairs read every
// agency's actions with their free text; an action owner their own agency's, with free text;
// operations every agency's without the words; referrers and reviewers nothing.
const ACTION_TABLE: Array<[string, Actor, 'all' | 'agency' | 403, boolean]> = [
  ['Business Unit', person('business-unit'), 'all', true],
  ['SSP', person('ssp'), 'all', true],
  ['Rapid Review chair', person('rapid-review-chair'), 'all', true],
  ['L&D chair', person('ld-chair'), 'all', true],
  ['action owner', person('action-owner', 'owner-1', 'Example Health Trust'), 'agency', true],
  ['operations', person('operations'), 'all', false],
  ['referrer', person('referrer', 'referrer-1', 'Example Health Trust'), 403, false],
  ['reviewer', person('reviewer', 'reviewer-1'), 403, false],
];

test.each(ACTION_TABLE.map(([who, actor, expected, freeText]) => [who, expected, freeText, actor] as const))('%s: action log read %s; free text: %s', (_who, expected, freeText, actor) => {
  const read = actionReadFor(actor);
  if (expected === 403) {
    expect(read).toEqual({ refuse: 403 });
  } else {
    expect(read).toEqual({ scope: expected, freeText });
  }
});

test('every role has a row in the action-log table', () => {
  expect(new Set(ACTION_TABLE.map(([, actor]) => actor.role))).toEqual(new Set(ROLES));
});

test('a referral entered without a referring agency is followed by no referrer', () => {
  expect(caseReadFor(person('referrer', 'r', 'Example Health Trust'), {})).toEqual({ refuse: 404 });
});

function view(id: string, status: ObligationView['status']): ObligationView {
  return {
    id,
    obligation: `obligation ${id}`,
    round: 1,
    status,
    dueDate: '2026-12-10',
    dueAt: '2026-12-10T23:59:59.999Z',
    explanation: { clock: { event: 'ssp-decision', date: '2026-12-03' }, rule: 'rule', skipped: [], section: '§5.7', statutory: true },
    previousDeadlines: [],
  };
}

function status(feedback: 'open' | 'met'): CaseStatus {
  const fb = view('referrer-feedback', feedback);
  return {
    caseReference: 'DSP-2026-0001',
    rulebookVersion: 'DSP-1.5',
    stage: 'no-further-action',
    receivedAt: '2026-12-01T10:00:00.000Z',
    facts: { ...FACTS, sspOutcome: 'not-met-no-further-action' },
    clocks: {},
    clockCorrections: [],
    open: feedback === 'open' ? [fb] : [],
    met: [view('ssp-decision', 'met'), ...(feedback === 'met' ? [fb] : [])],
    metLate: [],
    missed: [],
    closed: [],
    obligations: {},
    timeline: [{ at: '2026-12-03T10:00:00.000Z', kind: 'decision:ssp-decision', rationale: 'Rationale naming Test Child' }],
    pending: { notices: 0, records: 0 },
    actions: [],
  };
}

test("a referrer reads the stage and deadlines, and the outcome only once it has been fed back (§5.7)", () => {
  expect(referrerView(status('open'))).toEqual({
    caseReference: 'DSP-2026-0001',
    stage: 'no-further-action',
    receivedAt: '2026-12-01T10:00:00.000Z',
    deadlines: [{ id: 'referrer-feedback', obligation: 'obligation referrer-feedback', round: 1, status: 'open', dueDate: '2026-12-10' }],
  });
  expect(referrerView(status('met')).outcome).toBe('not-met-no-further-action');
});

test('operations read stages, deadlines and counts; nothing of the rationale or the facts', () => {
  const v = operationsView(status('open'));
  expect(v.counts).toEqual({ open: 1, missed: 0, metLate: 0, met: 1, closed: 0 });
  expect(JSON.stringify(v)).not.toContain('Test Child');
  expect(JSON.stringify(v)).not.toContain('Example Health Trust');
  expect(Object.keys(v).sort()).toEqual(['caseReference', 'counts', 'deadlines', 'pending', 'receivedAt', 'rulebookVersion', 'stage']);
});

test('the case list: every case for the whole-case roles and operations, case by case for referrers and reviewers, none for action owners', () => {
  const expected: Record<Role, ReturnType<typeof caseListFor>> = {
    'business-unit': { scope: 'all' },
    ssp: { scope: 'all' },
    'rapid-review-chair': { scope: 'all' },
    'ld-chair': { scope: 'all' },
    operations: { scope: 'all' },
    referrer: { scope: 'each-case' },
    reviewer: { scope: 'each-case' },
    'action-owner': { refuse: 403 },
  };
  for (const role of ROLES) expect({ role, read: caseListFor({ id: `${role}-1`, role, agency: 'Test agency' }) }).toEqual({ role, read: expected[role] });
});
