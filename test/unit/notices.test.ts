// The words of every email (activities/notices.ts): the case by its reference only, the due date,
// and how the deadline was counted (DSP 1.5, "How to count", "Who hears what").
import type { Deadline } from '../../domain/case';
import { pageOf, renderNotice } from '../../activities/notices';
import type { ObligationNotice } from '../../activities/types';
import { validReferralForm } from '../fixtures/referral-form';

const REF = 'DSP-2026-0042';
const SENT = new Date('2026-12-24T09:00:00.000Z');
/** PUBLIC_BASE_URL: where the emails link to. */
const BASE = 'https://staff.partnership.example.org';

// LA aware Monday 21 Dec 2026: days 1-3 are 22-24 Dec; 25 (Christmas), 26-27 (weekend) and
// 28 Dec (Boxing Day substitute) do not count; 29 is day 4; due the end of Wednesday 30 Dec.
const christmas: Deadline = {
  obligationId: 'national-notification',
  obligation: 'LA notifies the Child Safeguarding Practice Review Panel (shared with Ofsted and DfE)',
  clock: { event: 'la-became-aware', date: '2026-12-21' },
  rule: '5 working days after 2026-12-21 (la-became-aware)',
  dueDate: '2026-12-30',
  dueAt: '2026-12-30T23:59:59.999Z',
  skipped: [
    { date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' },
    { date: '2026-12-26', reason: 'weekend' },
    { date: '2026-12-27', reason: 'weekend' },
    { date: '2026-12-28', reason: 'bank holiday', name: 'Boxing Day (substitute day)' },
  ],
  section: '§3, §5.2',
  statutory: true,
  reminders: ['2026-12-24T09:00:00.000Z', '2026-12-30T09:00:00.000Z'],
  computedAt: '2026-12-21T10:00:00.000Z',
};

// The Panel's acknowledgement: the seed sets no limit, the partnership's local policy gives 3 WD.
const localPolicy: Deadline = {
  obligationId: 'csprp-acknowledgement',
  obligation: "The Panel's acknowledgement of the notification is received",
  clock: { event: 'national-notification-sent', date: '2026-07-01' },
  rule: '3 working days after 2026-07-01 (national-notification-sent)',
  dueDate: '2026-07-06',
  dueAt: '2026-07-06T22:59:59.999Z',
  skipped: [
    { date: '2026-07-04', reason: 'weekend' },
    { date: '2026-07-05', reason: 'weekend' },
  ],
  section: '§6.2',
  statutory: false,
  reminders: ['2026-07-06T08:00:00.000Z'],
  computedAt: '2026-07-01T10:00:00.000Z',
};

// Rapid Review meeting: acknowledged Tuesday 1 Dec 2026, target 10 WD (15 Dec), limit 15 WD (22 Dec).
const withTarget: Deadline = {
  obligationId: 'rapid-review-meeting',
  obligation: 'Rapid Review Panel meets',
  clock: { event: 'csprp-acknowledgement', date: '2026-12-01' },
  rule: '15 working days after 2026-12-01 (csprp-acknowledgement)',
  dueDate: '2026-12-22',
  dueAt: '2026-12-22T23:59:59.999Z',
  skipped: [
    { date: '2026-12-05', reason: 'weekend' },
    { date: '2026-12-06', reason: 'weekend' },
    { date: '2026-12-12', reason: 'weekend' },
    { date: '2026-12-13', reason: 'weekend' },
    { date: '2026-12-19', reason: 'weekend' },
    { date: '2026-12-20', reason: 'weekend' },
  ],
  section: '§6.2',
  statutory: true,
  target: { rule: '10 working days after 2026-12-01 (csprp-acknowledgement, target)', dueDate: '2026-12-15', dueAt: '2026-12-15T23:59:59.999Z' },
  reminders: [],
  computedAt: '2026-12-01T10:00:00.000Z',
};

const DEADLINE_KINDS: ObligationNotice['kind'][] = ['referral-received', 'reminder', 'target-warning', 'escalation', 'breach'];
const ALL_KINDS: ObligationNotice['kind'][] = [...DEADLINE_KINDS, 'ssp-decision-shared'];

function notice(kind: ObligationNotice['kind'], deadline: Deadline, ref = REF, outcome?: string): ObligationNotice {
  return { key: `${ref}:${deadline.obligationId}:1:${kind}:${deadline.dueAt}`, caseReference: ref, kind, to: ['business-unit'], deadline, ...(outcome ? { outcome } : {}) };
}

describe('every notice about a deadline', () => {
  test.each(DEADLINE_KINDS)('%s: the subject carries the reference and the due date', (kind) => {
    for (const deadline of [christmas, localPolicy, withTarget]) {
      const { subject } = renderNotice(notice(kind, deadline), SENT, BASE);
      expect(subject.startsWith(`[${REF}] `)).toBe(true);
      expect(subject).toContain(deadline.dueDate);
      expect(subject).toContain(deadline.obligation);
      expect(subject).not.toMatch(/[\r\n]/);
    }
  });

  test.each(DEADLINE_KINDS)('%s: the text says how it was counted (rule, clock, skipped days with names, §)', (kind) => {
    const { text } = renderNotice(notice(kind, christmas), SENT, BASE);
    expect(text).toContain(REF);
    expect(text).toContain('5 working days after 2026-12-21 (la-became-aware)');
    expect(text).toContain('la-became-aware');
    expect(text).toContain('2026-12-21');
    // The days not counted in GOV.UK words, as the case page says them (was "2026-12-25 (Christmas Day)").
    expect(text).toContain('Friday 25 December 2026 (Christmas Day)');
    expect(text).toContain('Saturday 26 December 2026 (weekend)');
    expect(text).toContain('Sunday 27 December 2026 (weekend)');
    expect(text).toContain('Monday 28 December 2026 (Boxing Day (substitute day))');
    expect(text).toContain('§3, §5.2');
    // The due day, in words, in London.
    expect(text).toContain('30 December 2026');
    expect(text).toContain('Wednesday');
    expect(text).not.toMatch(/local policy/i);
  });

  test.each(DEADLINE_KINDS)('%s: a deadline that is local policy says so', (kind) => {
    const { text } = renderNotice(notice(kind, localPolicy), SENT, BASE);
    expect(text).toMatch(/local policy/);
    expect(text).toContain('§6.2');
    expect(text).toContain('Saturday 4 July 2026 (weekend)');
  });

  test('a count with no skipped days names none', () => {
    // As the case page says it: no "Days not counted" sentence (was "No days were skipped.").
    const { text } = renderNotice(notice('reminder', { ...christmas, skipped: [] }), SENT, BASE);
    expect(text).toContain('(la-became-aware), from Monday 21 December 2026. §3, §5.2, statutory.');
    expect(text).not.toContain('Days not counted');
  });

  test('a summer deadline is shown as the London day it ends (BST), not the UTC one', () => {
    // 2026-07-06T22:59:59.999Z is the end of Monday 6 July in London.
    const { text } = renderNotice(notice('reminder', localPolicy), new Date('2026-07-06T08:00:00.000Z'), BASE);
    expect(text).toContain('Monday');
    expect(text).toContain('6 July 2026');
    // Sent at 09:00 London time, in GOV.UK words (was "09:00 BST").
    expect(text).toContain('sent at 9am on Monday 6 July 2026');
  });
});

describe('each kind of notice', () => {
  test('referral received: the first thing to do and its deadline; the referral itself stays in the system', () => {
    const { subject, text } = renderNotice(notice('referral-received', christmas), SENT, BASE);
    expect(subject).toBe(`[${REF}] Referral received - ${christmas.obligation}: due 2026-12-30`);
    expect(text).toContain('not sent by email');
  });

  test('reminder', () => {
    const { subject, text } = renderNotice(notice('reminder', christmas), SENT, BASE);
    expect(subject).toBe(`[${REF}] Reminder - ${christmas.obligation}: due 2026-12-30`);
    expect(text).toContain('national-notification');
  });

  test('target passed: names the target date and how it was counted, and the limit', () => {
    const { subject, text } = renderNotice(notice('target-warning', withTarget), SENT, BASE);
    expect(subject).toBe(`[${REF}] Target passed - Rapid Review Panel meets: limit 2026-12-22`);
    expect(text).toContain('by 11:59pm on Tuesday 15 December 2026');
    expect(text).toContain('10 working days after 2026-12-01 (csprp-acknowledgement, target)');
    expect(text).toContain('22 December 2026');
  });

  test('escalation of a statutory limit: MISSED', () => {
    const { subject, text } = renderNotice(notice('escalation', christmas), SENT, BASE);
    expect(subject).toBe(`[${REF}] MISSED - ${christmas.obligation}: was due 2026-12-30`);
    expect(text).toContain('MISSED');
  });

  test('escalation of a local policy limit: overdue, labelled local policy, never MISSED', () => {
    const { subject, text } = renderNotice(notice('escalation', localPolicy), SENT, BASE);
    expect(subject).toBe(`[${REF}] Overdue (local policy) - ${localPolicy.obligation}: was due 2026-07-06`);
    expect(subject).not.toContain('MISSED');
    expect(text).not.toContain('MISSED');
  });

  test('breach of a minimum period', () => {
    const kept: Deadline = {
      ...christmas,
      obligationId: 'publication-kept',
      obligation: 'Published report stays publicly available',
      clock: { event: 'publication', date: '2026-11-02' },
      rule: '12 calendar months after 2026-11-02 (publication)',
      dueDate: '2027-11-02',
      dueAt: '2027-11-02T23:59:59.999Z',
      skipped: [],
      section: '§14.4',
    };
    const { subject, text } = renderNotice(notice('breach', kept), SENT, BASE);
    expect(subject).toBe(`[${REF}] Broken - Published report stays publicly available: required until 2027-11-02`);
    expect(text).toContain('12 calendar months after 2026-11-02 (publication)');
    expect(text).toContain('§14.4');
  });

  test('the SSP decision shared with the L&D Chair: the outcome, not the rationale or the referral', () => {
    const ldInformed: Deadline = { ...christmas, obligationId: 'ld-informed', obligation: "Details of the referral and the decision's rationale shared with the L&D Chair" };
    const { subject, text } = renderNotice(notice('ssp-decision-shared', ldInformed, REF, 'criteria-met'), SENT, BASE);
    expect(subject).toBe(`[${REF}] SSP decision: criteria-met`);
    expect(text).toContain('criteria-met');
    expect(text).toContain('§5.6, §10.1');
    expect(text).toContain('behind sign-in');
    expect(renderNotice(notice('ssp-decision-shared', ldInformed), SENT, BASE).subject).toBe(`[${REF}] SSP decision: recorded`);
  });
});

describe('nothing but the reference identifies the case', () => {
  test.each(ALL_KINDS)('%s: two cases with the same deadline differ only by their reference', (kind) => {
    const other = 'LSCP-2027-000913';
    const a = renderNotice(notice(kind, christmas, REF, 'criteria-met'), SENT, BASE);
    const b = renderNotice(notice(kind, christmas, other, 'criteria-met'), SENT, BASE);
    expect(b.subject).toBe(a.subject.split(REF).join(other));
    expect(b.text).toBe(a.text.split(REF).join(other));
    expect(a.subject.startsWith(`[${REF}]`)).toBe(true);
    expect(a.text).toContain(REF);
  });

  test.each(ALL_KINDS)('%s: none of the referral form’s personal details appear', (kind) => {
    const form = validReferralForm();
    const child = form.children[0]!;
    const personal = [child.fullName, child.dateOfBirth, child.address, child.postcode, form.referrer.fullName, form.referrer.email, form.referrer.telephone, form.parents[0]!.lastName];
    const { subject, text } = renderNotice(notice(kind, christmas, REF, 'criteria-met'), SENT, BASE);
    for (const value of personal) {
      expect(subject).not.toContain(value);
      expect(text).not.toContain(value);
    }
  });
});

describe('every email links to the page where its reader does what it asks', () => {
  // Before PUBLIC_BASE_URL, every email said "record it in the case system", which did not exist.
  const casePage = `${BASE}/cases/${REF}`;
  const linesOf = (text: string) => text.split('\n');
  const actionDue: Deadline = { ...christmas, obligationId: 'action-due', obligation: 'Improvement action completed', section: '§9.2, §16.2' };
  const ACTION_KINDS: ObligationNotice['kind'][] = ['reminder', 'escalation', 'escalation-step', 'ssp-involved'];

  test.each(ALL_KINDS)('%s: the case’s page, on a line of its own, and no "case system"', (kind) => {
    const { text } = renderNotice(notice(kind, christmas, REF, 'criteria-met'), SENT, BASE);
    expect(linesOf(text)).toContain(casePage);
    expect(text).not.toMatch(/case system/i);
  });

  test.each(ACTION_KINDS)('%s about an improvement action: the action’s page', (kind) => {
    const { text } = renderNotice({ ...notice(kind, actionDue), action: { actionId: 'A01', agency: 'Example Health Trust' } }, SENT, BASE);
    expect(linesOf(text)).toContain(`${casePage}/actions/A01`);
    expect(text).toContain('the action page');
    expect(text).not.toMatch(/case system/i);
  });

  test('an operations alert: the case’s page', () => {
    const { text } = renderNotice({ key: `${REF}:operations-alert:x`, caseReference: REF, kind: 'operations-alert', to: ['operations'], reason: 'stuck' }, SENT, BASE);
    expect(linesOf(text)).toContain(casePage);
    expect(text).not.toMatch(/case system/i);
  });

  test('the pages are under PUBLIC_BASE_URL, path and all; the link carries the references only', () => {
    expect(pageOf('https://partnership.example.org/safeguarding', REF).url).toBe(`https://partnership.example.org/safeguarding/cases/${REF}`);
    expect(pageOf(BASE, REF, 'A12')).toEqual({ name: 'the action page', url: `${BASE}/cases/${REF}/actions/A12` });
  });
});

test('an operations alert names the case and the workflow, and nothing else', () => {
  const { subject, text } = renderNotice({ key: `${REF}:operations-alert:x`, caseReference: REF, kind: 'operations-alert', to: ['operations'], reason: 'continue-as-new has waited 10 minutes for a running decision' }, SENT, BASE);
  expect(subject).toBe(`[${REF}] Operations alert - the case's workflow needs attention`);
  expect(text).toContain(`incident-${REF}`);
  expect(text).toContain('continue-as-new has waited 10 minutes');
  expect(text).not.toContain(validReferralForm().children[0]!.fullName);
});

test("a reminder on the deadline's own day says it is due today; one before it does not", () => {
  // The christmas deadline is due on Wednesday 30 December 2026; its reminders are at 9am on the 24th and the 30th (GMT).
  const before = renderNotice(notice('reminder', christmas), new Date('2026-12-24T09:00:00.000Z'), BASE);
  const onTheDay = renderNotice(notice('reminder', christmas), new Date('2026-12-30T09:00:00.000Z'), BASE);
  expect(before.text.split('\n')[0]).toBe(`Reminder: ${christmas.obligation}`);
  expect(before.text).not.toContain('due today');
  expect(onTheDay.text.split('\n')[0]).toBe(`Due today: ${christmas.obligation}`);
  expect(onTheDay.text).toContain(`Reminder for case ${REF}, sent at 9am on Wednesday 30 December 2026: this step is due today.`);
  // The subject keeps its shape, so mail rules that sort reminders keep working.
  expect(onTheDay.subject).toBe(`[${REF}] Reminder - ${christmas.obligation}: due 2026-12-30`);
});
