// The weekly digest (domain/digest.ts, its words in activities/digest-email.ts): which day of the
// week it goes out, and what each recipient's digest lists. The expected days and dates are worked
// by hand from the gov.uk bank holidays, or come from test/helpers/expected-dates.ts (which never
// imports the calendar); the steps' words are copied from the rulebook (DSP 1.5) by hand.
import { renderDigest } from '../../activities/digest-email';
import { WorkingDayCalendar } from '../../domain/calendar';
import { digestDayOf, digestKey, isDigestDay, planDigests, weekOf, type Digest, type DigestAction, type DigestCase, type DigestItem } from '../../domain/digest';
import { htmlLinks, htmlProblems } from '../helpers/email-html';
import { endOfDay, notWorking, shiftDays, workingDaysAfter } from '../helpers/expected-dates';

const calendar = new WorkingDayCalendar();

describe('the digest day: the first working day of the week', () => {
  test('a week with a bank holiday Monday goes out on the Tuesday (hand-worked)', () => {
    // 28 December 2026 is the substitute for Boxing Day; 29 December is the week's first working day.
    expect(isDigestDay('2026-12-28', calendar)).toBe(false);
    expect(isDigestDay('2026-12-29', calendar)).toBe(true);
    expect(isDigestDay('2026-12-30', calendar)).toBe(false);
    // Easter Monday 2027 and the spring bank holiday.
    expect(isDigestDay('2027-03-29', calendar)).toBe(false);
    expect(isDigestDay('2027-03-30', calendar)).toBe(true);
    expect(digestDayOf('2027-06-04', calendar)).toBe('2027-06-01');
    // An ordinary week: the Monday; the weekend never.
    expect(isDigestDay('2026-12-07', calendar)).toBe(true);
    expect(isDigestDay('2026-12-08', calendar)).toBe(false);
    expect(isDigestDay('2026-12-12', calendar)).toBe(false);
    expect(isDigestDay('2026-12-13', calendar)).toBe(false);
    // New Year's Day 2027 is a Friday: the next Monday is that week's digest day.
    expect(isDigestDay('2027-01-04', calendar)).toBe(true);
  });

  test('weeks run Monday to Sunday', () => {
    expect(weekOf('2026-12-28')).toBe('2026-12-28');
    expect(weekOf('2027-01-03')).toBe('2026-12-28');
    expect(weekOf('2027-01-04')).toBe('2027-01-04');
    expect(weekOf('2027-03-31')).toBe('2027-03-29');
  });

  test("the partnership's closure days move it too; a week closed throughout has none", () => {
    const closed = new WorkingDayCalendar({ extraClosureDays: [{ date: '2027-01-04', name: 'Partnership closure' }] });
    expect(digestDayOf('2027-01-06', closed)).toBe('2027-01-05');
    const christmas = new WorkingDayCalendar({
      extraClosureDays: ['2026-12-29', '2026-12-30', '2026-12-31'].map((date) => ({ date, name: 'Christmas closure' })),
    });
    expect(digestDayOf('2026-12-30', christmas)).toBeUndefined();
    expect(isDigestDay('2026-12-29', christmas)).toBe(false);
  });

  test('every day of 2026-2030 (from the first whole week) against the independent list of bank holidays', () => {
    const wrong: string[] = [];
    for (let date = '2026-01-05'; date <= '2030-12-29'; date = shiftDays(date, 1)) {
      const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      const monday = shiftDays(date, -weekday);
      const earlierWorking = Array.from({ length: weekday }, (_, i) => shiftDays(monday, i)).some((d) => notWorking(d) === undefined);
      const expected = notWorking(date) === undefined && !earlierWorking;
      if (isDigestDay(date, calendar) !== expected) wrong.push(date);
    }
    expect(wrong).toEqual([]);
  });
});

// Tuesday 29 December 2026, 8am (GMT): the digest day of the week of the Boxing Day substitute.
const AS_OF = new Date('2026-12-29T08:00:00.000Z');
const V = 'DSP-1.5';
const ob = (id: string, due: string, status: 'open' | 'missed' = 'open') => ({ id, status, dueAt: endOfDay(due) });

const CASES: DigestCase[] = [
  { caseReference: 'DSP-2026-0101', rulebookVersion: V, stage: 'awaiting-ssp-decision', obligations: [ob('ssp-decision', '2026-12-23', 'missed')] },
  { caseReference: 'DSP-2026-0102', rulebookVersion: V, stage: 'rapid-review', obligations: [ob('rapid-review-meeting', '2027-01-05')] },
  // The 10th working day after the 29th (day 0): in. The 11th: out.
  { caseReference: 'DSP-2026-0103', rulebookVersion: V, stage: 'awaiting-panel-response', obligations: [ob('csprp-response', '2027-01-13')] },
  { caseReference: 'DSP-2026-0104', rulebookVersion: V, stage: 'referral-received', obligations: [ob('referral-submitted', '2026-12-30'), ob('ssp-informed', '2027-01-14')] },
  // Past its deadline, not yet recorded as missed: overdue all the same.
  { caseReference: 'DSP-2026-0105', rulebookVersion: V, stage: 'awaiting-national-notification', obligations: [ob('national-notification', '2026-12-24')] },
  { caseReference: 'DSP-2026-0106', rulebookVersion: V, stage: 'closed', obligations: [ob('ssp-decision', '2026-12-23', 'missed')] },
  // A minimum period (§14.4) is nobody's to do.
  { caseReference: 'DSP-2026-0107', rulebookVersion: V, stage: 'action-plan', obligations: [ob('publication-kept', '2027-01-04'), ob('ld-decision', '2026-12-30')] },
  // Due today: not yet overdue.
  { caseReference: 'DSP-2026-0108', rulebookVersion: V, stage: 'awaiting-publication', obligations: [ob('terms-of-reference', '2026-12-18', 'missed'), ob('report-to-panel', '2026-12-29')] },
];
const action = (caseReference: string, actionId: string, agency: string, deadline: string, escalation: DigestAction['escalation'] = 'none'): DigestAction => ({
  caseReference,
  actionId,
  agency,
  deadline,
  escalation,
  rulebookVersion: V,
});
const ACTIONS: DigestAction[] = [
  action('DSP-2026-0103', 'A01', 'Example Health Trust', '2027-01-08'),
  action('DSP-2026-0103', 'A02', 'Example Health Trust', '2026-12-01', 'overdue'),
  action('DSP-2026-0103', 'A04', 'Example Health Trust', '2026-12-28'),
  action('DSP-2026-0102', 'A01', 'Example Police', '2027-03-01'),
  action('DSP-2026-0108', 'A03', 'Unlisted Agency', '2027-01-13'),
];

const line = (i: DigestItem) => `${i.caseReference}${i.actionId ? ` ${i.actionId}` : ''} ${i.obligationId} ${i.dueDate}${i.missed ? ' missed' : ''}`;
const to = (r: Digest['recipient']) => ('role' in r ? r.role : 'agency' in r ? `agency ${r.agency}` : `reviewer ${r.reviewer}`);
const shape = (d: Digest) => ({ to: to(d.recipient), overdue: d.overdue.map(line), dueSoon: d.dueSoon.map(line) });

test('each role and each agency with something due: overdue, then due within 10 working days, soonest first', () => {
  const plan = planDigests({ cases: CASES, actions: ACTIONS, calendar, asOf: AS_OF });
  expect(workingDaysAfter('2026-12-29', 10)).toBe('2027-01-13');
  expect({ week: plan.week, day: plan.day, until: plan.until }).toEqual({ week: '2026-12-28', day: '2026-12-29', until: '2027-01-13' });
  expect(plan.digests.map(shape)).toEqual([
    {
      to: 'business-unit',
      overdue: ['DSP-2026-0105 national-notification 2026-12-24'],
      // The referral reaching the Business Unit is the referrer's step: the Business Unit is reminded of it.
      dueSoon: ['DSP-2026-0108 report-to-panel 2026-12-29', 'DSP-2026-0104 referral-submitted 2026-12-30', 'DSP-2026-0103 csprp-response 2027-01-13'],
    },
    { to: 'ssp', overdue: ['DSP-2026-0101 ssp-decision 2026-12-23 missed'], dueSoon: ['DSP-2026-0108 report-to-panel 2026-12-29', 'DSP-2026-0102 rapid-review-meeting 2027-01-05'] },
    { to: 'rapid-review-chair', overdue: ['DSP-2026-0108 terms-of-reference 2026-12-18 missed'], dueSoon: ['DSP-2026-0102 rapid-review-meeting 2027-01-05'] },
    { to: 'ld-chair', overdue: [], dueSoon: ['DSP-2026-0107 ld-decision 2026-12-30'] },
    {
      to: 'agency Example Health Trust',
      overdue: ['DSP-2026-0103 A02 action-due 2026-12-01 missed', 'DSP-2026-0103 A04 action-due 2026-12-28'],
      dueSoon: ['DSP-2026-0103 A01 action-due 2027-01-08'],
    },
    // Example Police's only action falls due in March: no digest for it this week.
    { to: 'agency Unlisted Agency', overdue: [], dueSoon: ['DSP-2026-0108 A03 action-due 2027-01-13'] },
  ]);
  expect(digestKey(plan.week, { role: 'ssp' })).toBe('digest:2026-12-28:role:ssp');
  expect(digestKey(plan.week, { agency: 'Example Health Trust' })).toBe('digest:2026-12-28:agency:Example Health Trust');
});

test('a quiet week still tells each role so', () => {
  const plan = planDigests({ cases: [], actions: [], calendar, asOf: new Date('2027-01-04T08:00:00.000Z') });
  expect(plan.digests.map(shape)).toEqual(['business-unit', 'ssp', 'rapid-review-chair', 'ld-chair'].map((to) => ({ to, overdue: [], dueSoon: [] })));
  expect(plan.until).toBe(workingDaysAfter('2027-01-04', 10));
});

test("the SSP's digest in words: references, the rulebook's steps, GOV.UK deadlines and the case pages", () => {
  const plan = planDigests({ cases: CASES, actions: ACTIONS, calendar, asOf: AS_OF });
  const digest = plan.digests.find((d) => 'role' in d.recipient && d.recipient.role === 'ssp')!;
  const email = renderDigest(plan, digest, 'https://staff.example.org', 'Example Safeguarding Partnership');
  expect(email.subject).toBe('Weekly digest for the Statutory Safeguarding Partners (SSP), week of Monday 28 December 2026: 1 overdue, 2 due soon');
  expect(email.text).toBe(
    [
      'Weekly digest: week of Monday 28 December 2026',
      'For the Statutory Safeguarding Partners (SSP): the steps that are overdue and those that fall due in the next 10 working days, to Wednesday 13 January 2027, as at 8am on Tuesday 29 December 2026.',
      'Overdue: 1 step',
      'DSP-2026-0101: SSP meet and decide whether the criteria for notification are met (§4.6). MISSED: it was due by 11:59pm on Wednesday 23 December 2026.\nhttps://staff.example.org/cases/DSP-2026-0101',
      'Due in the next 10 working days: 2 steps',
      'DSP-2026-0108: Full report (or learning and recommendations) sent to the Panel, the Secretary of State and Ofsted (§14.7). Due by 11:59pm on Tuesday 29 December 2026.\nhttps://staff.example.org/cases/DSP-2026-0108',
      'DSP-2026-0102: Rapid Review Panel meets (§6.2). Due by 11:59pm on Tuesday 5 January 2027.\nhttps://staff.example.org/cases/DSP-2026-0102',
      'Each link opens the page where the step is recorded. Working days leave out weekends, bank holidays in England and Wales and the days the partnership is closed. The cases themselves are on the pages, for signed-in staff; they are not sent by email.',
    ].join('\n\n'),
  );
  expect(htmlProblems(email.html)).toEqual([]);
  expect(htmlLinks(email.html)).toEqual(['https://staff.example.org/cases/DSP-2026-0101', 'https://staff.example.org/cases/DSP-2026-0108', 'https://staff.example.org/cases/DSP-2026-0102']);
});

test("an agency's digest links to each action's page; a local-policy step past due says so; an empty list says so", () => {
  const plan = planDigests({ cases: CASES, actions: ACTIONS, calendar, asOf: AS_OF });
  const byTo = (to: string) => plan.digests.find((d) => shape(d).to === to)!;
  const health = renderDigest(plan, byTo('agency Example Health Trust'), 'https://staff.example.org', 'P');
  expect(health.subject).toBe('Weekly digest for the action lead of Example Health Trust, week of Monday 28 December 2026: 2 overdue, 1 due soon');
  expect(health.text).toContain(
    'DSP-2026-0103 A02: Improvement action completed (§9.2, §16.2). MISSED: it was due by 11:59pm on Tuesday 1 December 2026.\nhttps://staff.example.org/cases/DSP-2026-0103/actions/A02',
  );
  expect(health.text).toContain('DSP-2026-0103 A04: Improvement action completed (§9.2, §16.2). Overdue: it was due by 11:59pm on Monday 28 December 2026.');
  const chair = renderDigest(plan, byTo('rapid-review-chair'), 'https://staff.example.org', 'P');
  expect(chair.text).toContain('DSP-2026-0108: Governance Group agrees the LCSPR terms of reference (§9.1 (local policy: the seed sets no limit)). Overdue (local policy): it was due by 11:59pm on Friday 18 December 2026.');
  const ld = renderDigest(plan, byTo('ld-chair'), 'https://staff.example.org', 'P');
  expect(ld.text).toContain('Overdue: 0 steps\n\nNothing is overdue.');
  const unlisted = renderDigest(plan, byTo('agency Unlisted Agency'), 'https://staff.example.org', 'P', ['action-lead of Unlisted Agency']);
  expect(unlisted.text).toContain('No address is configured for: action-lead of Unlisted Agency.');
});

test("a case's reviewer's step (the draft report, §8) goes to each reviewer commissioned on it, as well as to the SSP", () => {
  // LCSPR under way: lcspr-publication falls to the SSP (who publish) and, at this stage, to the reviewer (the draft).
  const lcspr: DigestCase = { caseReference: 'DSP-2026-0201', rulebookVersion: V, stage: 'lcspr', obligations: [ob('lcspr-publication', '2027-01-06')], reviewerIds: ['reviewer-1', 'reviewer-2'] };
  const plan = planDigests({ cases: [lcspr], actions: [], calendar, asOf: AS_OF });
  const reviewers = plan.digests.filter((d) => 'reviewer' in d.recipient).map(shape);
  expect(reviewers).toEqual([
    { to: 'reviewer reviewer-1', overdue: [], dueSoon: ['DSP-2026-0201 lcspr-publication 2027-01-06'] },
    { to: 'reviewer reviewer-2', overdue: [], dueSoon: ['DSP-2026-0201 lcspr-publication 2027-01-06'] },
  ]);
  expect(plan.digests.find((d) => 'role' in d.recipient && d.recipient.role === 'ssp')!.dueSoon.map(line)).toEqual(['DSP-2026-0201 lcspr-publication 2027-01-06']);
  // Once the draft has gone to the L&D Group the step is the SSP's alone.
  const drafted = planDigests({ cases: [{ ...lcspr, stage: 'lcspr-draft' }], actions: [], calendar, asOf: AS_OF });
  expect(drafted.digests.filter((d) => 'reviewer' in d.recipient)).toEqual([]);
  expect(digestKey(plan.week, { reviewer: 'reviewer-1' })).toBe('digest:2026-12-28:reviewer:reviewer-1');
});
