// "My work" (domain/my-work.ts): who each open obligation falls to, and which items are a person's,
// overdue first, then soonest due. Every expectation is written out by hand from the rulebook's
// words and the decision table (DSP 1.5), not computed by the code under test.
import { selectWork, whoDoes, workRows, type ActionWorkCandidate, type CaseWorkCandidate } from '../../domain/my-work';
import type { Actor } from '../../domain/roles';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const V = 'DSP-1.5';

const bu: Actor = { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' };
const ssp: Actor = { id: 'ssp-1', role: 'ssp', agency: 'Partnership' };
const chair: Actor = { id: 'rrc-1', role: 'rapid-review-chair', agency: 'Partnership' };
const reviewer: Actor = { id: 'reviewer-7', role: 'reviewer', agency: 'Independent' };
const lead: Actor = { id: 'lead-1', role: 'action-owner', agency: 'Example Health Trust' };
const referrer: Actor = { id: 'ref-1', role: 'referrer', agency: 'Example Health Trust' };

test('an obligation falls to the roles that record it, with their decision, and to its owner', () => {
  expect(whoDoes(V, 'ssp-decision', 'awaiting-ssp-decision')).toEqual([{ role: 'ssp', decision: 'ssp-decision' }]);
  // §6.2: the chair records the meeting; the SSP convene it (its owner).
  expect(whoDoes(V, 'rapid-review-meeting', 'rapid-review')).toEqual([
    { role: 'rapid-review-chair', decision: 'rapid-review-held' },
    { role: 'ssp', decision: null },
  ]);
  expect(whoDoes(V, 'report-to-panel', 'awaiting-publication')).toEqual([
    { role: 'ssp', decision: 'report-sent-to-panel' },
    { role: 'business-unit', decision: 'report-sent-to-panel' },
  ]);
});

test("nothing falls to a person for a minimum period or a step the system takes; the reviewer's draft counts toward the LCSPR at its stage only", () => {
  expect(whoDoes(V, 'publication-kept', 'action-plan')).toEqual([]);
  expect(whoDoes(V, 'action-escalation-head', 'action-plan')).toEqual([]);
  expect(whoDoes(V, 'lcspr-publication', 'lcspr')).toEqual([
    { role: 'ssp', decision: null },
    { role: 'reviewer', decision: 'draft-report-to-ld' },
  ]);
  expect(whoDoes(V, 'lcspr-publication', 'lcspr-draft')).toEqual([{ role: 'ssp', decision: null }]);
  expect(whoDoes(V, 'no-such-obligation', 'lcspr')).toEqual([]);
  expect(whoDoes('no-such-rulebook', 'ssp-decision', 'lcspr')).toEqual([]);
});

test('a case yields a row per open obligation and role; a closed case none', () => {
  const obligations = [
    { id: 'ssp-informed', status: 'missed' as const, dueAt: '2026-12-01T23:59:59.999Z' },
    { id: 'rapid-review-meeting', status: 'open' as const, dueAt: '2026-12-20T23:59:59.999Z' },
  ];
  expect(workRows({ rulebookVersion: V, stage: 'rapid-review', obligations })).toEqual([
    { obligationId: 'ssp-informed', role: 'business-unit', decision: 'ssp-informed', status: 'missed', dueAt: '2026-12-01T23:59:59.999Z' },
    { obligationId: 'rapid-review-meeting', role: 'rapid-review-chair', decision: 'rapid-review-held', status: 'open', dueAt: '2026-12-20T23:59:59.999Z' },
    { obligationId: 'rapid-review-meeting', role: 'ssp', decision: null, status: 'open', dueAt: '2026-12-20T23:59:59.999Z' },
  ]);
  expect(workRows({ rulebookVersion: V, stage: 'closed', obligations })).toEqual([]);
});

function candidate(over: Partial<CaseWorkCandidate> & Pick<CaseWorkCandidate, 'caseReference' | 'obligationId' | 'role' | 'dueAt'>): CaseWorkCandidate {
  return { decision: null, status: 'open', rulebookVersion: V, stage: 'referral-received', referringAgency: 'Example Health Trust', reviewerIds: [], ...over };
}

const CASES: CaseWorkCandidate[] = [
  // Due tomorrow.
  candidate({ caseReference: 'DSP-2026-0003', obligationId: 'ssp-informed', role: 'business-unit', decision: 'ssp-informed', dueAt: '2026-12-08T23:59:59.999Z' }),
  // Missed last week (escalated).
  candidate({ caseReference: 'DSP-2026-0001', obligationId: 'national-notification', role: 'business-unit', decision: 'national-notification', status: 'missed', dueAt: '2026-11-30T23:59:59.999Z', stage: 'awaiting-national-notification' }),
  // Its deadline passed this morning, not yet escalated: overdue all the same.
  candidate({ caseReference: 'DSP-2026-0002', obligationId: 'referrer-feedback', role: 'business-unit', decision: 'referrer-feedback-sent', dueAt: '2026-12-06T23:59:59.999Z', stage: 'awaiting-national-notification' }),
  // Due in a month.
  candidate({ caseReference: 'DSP-2026-0004', obligationId: 'csprp-response', role: 'business-unit', decision: 'panel-response', dueAt: '2027-01-07T23:59:59.999Z', stage: 'awaiting-panel-response' }),
  // The SSP's.
  candidate({ caseReference: 'DSP-2026-0003', obligationId: 'ssp-decision', role: 'ssp', decision: 'ssp-decision', dueAt: '2026-12-12T23:59:59.999Z' }),
  // The reviewer's on a case they are commissioned on, and on one they are not.
  candidate({ caseReference: 'DSP-2026-0005', obligationId: 'lcspr-publication', role: 'reviewer', decision: 'draft-report-to-ld', dueAt: '2027-05-01T22:59:59.999Z', stage: 'lcspr', reviewerIds: ['reviewer-7'] }),
  candidate({ caseReference: 'DSP-2026-0006', obligationId: 'lcspr-publication', role: 'reviewer', decision: 'draft-report-to-ld', dueAt: '2027-04-01T22:59:59.999Z', stage: 'lcspr', reviewerIds: ['reviewer-8'] }),
  // A referrer's, on another agency's case and on their own.
  candidate({ caseReference: 'DSP-2026-0007', obligationId: 'referral-submitted', role: 'referrer', dueAt: '2026-12-09T23:59:59.999Z', referringAgency: 'Another Trust' }),
  candidate({ caseReference: 'DSP-2026-0008', obligationId: 'referral-submitted', role: 'referrer', dueAt: '2026-12-10T23:59:59.999Z' }),
];

const ACTIONS: ActionWorkCandidate[] = [
  { caseReference: 'DSP-2026-0009', actionId: 'A02', agency: 'Example Health Trust', deadline: '2027-02-01', status: 'open', rulebookVersion: V },
  { caseReference: 'DSP-2026-0009', actionId: 'A01', agency: 'Example Health Trust', deadline: '2026-12-01', status: 'open', rulebookVersion: null },
  { caseReference: 'DSP-2026-0009', actionId: 'A03', agency: 'Another Trust', deadline: '2026-11-01', status: 'open', rulebookVersion: V },
  { caseReference: 'DSP-2026-0010', actionId: 'A01', agency: 'Example Health Trust', deadline: '2026-10-01', status: 'completed', rulebookVersion: V },
];

const work = (actor: Actor, limit = 50) => selectWork(actor, { cases: CASES, actions: ACTIONS }, NOW, limit, V);

test("the Business Unit's: overdue first (the longest overdue first), then soonest due; each in the rulebook's words", () => {
  expect(work(bu)).toEqual([
    {
      caseReference: 'DSP-2026-0001',
      obligationId: 'national-notification',
      todo: 'LA notifies the Child Safeguarding Practice Review Panel (shared with Ofsted and DfE)',
      section: '§3, §5.2',
      decision: 'national-notification',
      dueAt: '2026-11-30T23:59:59.999Z',
      dueDate: '2026-11-30',
      overdue: true,
      stage: 'awaiting-national-notification',
    },
    {
      caseReference: 'DSP-2026-0002',
      obligationId: 'referrer-feedback',
      todo: 'Outcome fed back to the referrer',
      section: '§5.7',
      decision: 'referrer-feedback-sent',
      dueAt: '2026-12-06T23:59:59.999Z',
      dueDate: '2026-12-06',
      overdue: true,
      stage: 'awaiting-national-notification',
    },
    {
      caseReference: 'DSP-2026-0003',
      obligationId: 'ssp-informed',
      todo: 'Business Unit informs the Statutory Safeguarding Partners',
      section: '§4.6, §5.1',
      decision: 'ssp-informed',
      dueAt: '2026-12-08T23:59:59.999Z',
      dueDate: '2026-12-08',
      overdue: false,
      stage: 'referral-received',
    },
    {
      caseReference: 'DSP-2026-0004',
      obligationId: 'csprp-response',
      todo: "The Panel's response to the Rapid Review is received",
      section: '§6.11 (local policy: the seed sets no limit)',
      decision: 'panel-response',
      dueAt: '2027-01-07T23:59:59.999Z',
      dueDate: '2027-01-07',
      overdue: false,
      stage: 'awaiting-panel-response',
    },
  ]);
  expect(work(bu, 2).map((i) => i.caseReference)).toEqual(['DSP-2026-0001', 'DSP-2026-0002']);
});

test('a missed item comes before one merely due sooner', () => {
  const missedLater = candidate({ caseReference: 'DSP-2026-0011', obligationId: 'ssp-decision', role: 'ssp', status: 'missed', dueAt: '2026-12-20T23:59:59.999Z' });
  const dueSooner = candidate({ caseReference: 'DSP-2026-0012', obligationId: 'ssp-decision', role: 'ssp', dueAt: '2026-12-10T23:59:59.999Z' });
  expect(selectWork(ssp, { cases: [dueSooner, missedLater], actions: [] }, NOW, 10, V).map((i) => [i.caseReference, i.overdue])).toEqual([
    ['DSP-2026-0011', true],
    ['DSP-2026-0012', false],
  ]);
});

test('each role sees only what falls to it; a reviewer only the cases they are commissioned on; a referrer only their agency', () => {
  expect(work(ssp).map((i) => [i.caseReference, i.obligationId])).toEqual([['DSP-2026-0003', 'ssp-decision']]);
  expect(work(chair)).toEqual([]);
  expect(work(reviewer).map((i) => [i.caseReference, i.decision, i.todo])).toEqual([['DSP-2026-0005', 'draft-report-to-ld', 'LCSPR completed and published']]);
  expect(work(referrer).map((i) => i.caseReference)).toEqual(['DSP-2026-0008']);
  expect(work({ id: 'ops-1', role: 'operations', agency: 'IT' })).toEqual([]);
});

test("an action lead's: their agency's open actions, overdue first, each linking to the action", () => {
  expect(work(lead)).toEqual([
    {
      caseReference: 'DSP-2026-0009',
      actionId: 'A01',
      obligationId: 'action-due',
      todo: 'Improvement action completed',
      section: '§9.2, §16.2',
      decision: 'action-completed',
      dueAt: '2026-12-01T23:59:59.999Z',
      dueDate: '2026-12-01',
      overdue: true,
    },
    {
      caseReference: 'DSP-2026-0009',
      actionId: 'A02',
      obligationId: 'action-due',
      todo: 'Improvement action completed',
      section: '§9.2, §16.2',
      decision: 'action-completed',
      dueAt: '2027-02-01T23:59:59.999Z',
      dueDate: '2027-02-01',
      overdue: false,
    },
  ]);
  // The L&D Chair reads every action but an action's deadline is its agency's to meet.
  expect(work({ id: 'ld-1', role: 'ld-chair', agency: 'Partnership' })).toEqual([]);
});
