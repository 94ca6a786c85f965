// The activities themselves (activities/index.ts) with real parts: the England and Wales calendar,
// a register in a temporary SQLite file, and for sending, a real SMTP listener on 127.0.0.1.
// Expected dates are worked out by hand from the procedure (DSP 1.5) "How to count" and the gov.uk bank holidays.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type { Deadline } from '../../domain/case';
import { WorkingDayCalendar } from '../../domain/calendar';
import { createActivities } from '../../activities';
import type { RegisterDb } from '../../register/database';
import { registerOf } from '../../register/register';
import type { DeadlineRequest, IncidentActivities, Notice, NoticeResult, ObligationNotice } from '../../activities/types';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { TEST_KEY_RING } from '../helpers/keys';
import { newCaseReference, partnership, tempRegister, TEST_PUBLIC_BASE_URL } from '../helpers/stack';
import { BANK_HOLIDAYS, notWorking } from '../helpers/expected-dates';

const COMPUTED_AT = new Date('2026-11-26T10:00:00.000Z');
const MAIL_FROM = 'Case system <case-system@partnership.example.org>';

let register: RegisterDb;
let activities: IncidentActivities;

beforeAll(async () => {
  ({ register } = await tempRegister());
  activities = createActivities({
    calendar: new WorkingDayCalendar(),
    register: registerOf(register, TEST_KEY_RING),
    // Deadlines send nothing: this transport is never used by computeDeadlines.
    mailer: nodemailer.createTransport({ jsonTransport: true }),
    mailFrom: MAIL_FROM,
    mailboxes: partnership.mailboxes,
    publicBaseUrl: TEST_PUBLIC_BASE_URL,
    now: () => COMPUTED_AT,
  });
});

afterAll(async () => {
  await register?.destroy();
});

/** One deadline, computed as the workflows compute every deadline: the computeDeadlines activity. */
async function computeOne(acts: IncidentActivities, request: DeadlineRequest & { caseReference: string; rulebookVersion: string }): Promise<Deadline> {
  const { caseReference, rulebookVersion, ...one } = request;
  const [deadline] = await acts.computeDeadlines({ caseReference, rulebookVersion, requests: [one] });
  return deadline!;
}

function compute(obligationId: string, clock: string): Promise<Deadline> {
  return computeOne(activities, { caseReference: 'TEST-2026-000301', rulebookVersion: 'DSP-1.5', obligationId, clock });
}

describe('computeDeadline', () => {
  test("the procedure's example: LA aware Monday 21 Dec 2026, the notification is due the end of Wednesday 30 Dec", async () => {
    const d = await compute('national-notification', '2026-12-21T10:30:00Z');
    expect(d).toEqual({
      obligationId: 'national-notification',
      obligation: expect.any(String),
      clock: { event: 'la-became-aware', date: '2026-12-21' },
      rule: '5 working days after 2026-12-21 (la-became-aware)',
      dueDate: '2026-12-30',
      // GMT in December: the end of the London day is the end of the UTC day.
      dueAt: '2026-12-30T23:59:59.999Z',
      skipped: [
        { date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' },
        { date: '2026-12-26', reason: 'weekend' },
        { date: '2026-12-27', reason: 'weekend' },
        { date: '2026-12-28', reason: 'bank holiday', name: expect.stringMatching(/Boxing Day/) },
      ],
      section: '§3, §5.2',
      statutory: true,
      // 2 WD before 30 Dec: 29 Dec is one, then back over 28-25 Dec to 24 Dec; and the day itself.
      reminders: ['2026-12-24T09:00:00.000Z', '2026-12-30T09:00:00.000Z'],
      afterDue: expect.any(Object),
      computedAt: COMPUTED_AT.toISOString(),
    });
  });

  test('a deadline carries the bank holidays of the two years after it, so lateness counts working days', async () => {
    const d = await compute('national-notification', '2026-12-21T10:30:00Z');
    // The independent oracle's bank holidays after 30 Dec 2026, up to 30 Dec 2028 (weekdays only).
    const expected = [...BANK_HOLIDAYS].filter((h) => h > '2026-12-30' && h <= '2028-12-30' && notWorking(h) === 'bank holiday').sort();
    expect(d.afterDue).toEqual({ horizon: '2028-12-30', nonWorking: expected });
  });

  test('a clock given as a date counts from that date: 24 Dec 2026 + 1 WD is 29 Dec', async () => {
    const d = await compute('ssp-informed', '2026-12-24');
    // Given one clock, the count is from the rule's own (la-became-aware; §5.1).
    expect(d.clock).toEqual({ event: 'la-became-aware', date: '2026-12-24' });
    expect(d.dueDate).toBe('2026-12-29');
    expect(d.skipped.map((s) => s.date)).toEqual(['2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28']);
    // Same-day reminders on the due day, 09:00 and 14:00 London (GMT).
    expect(d.reminders).toEqual(['2026-12-29T09:00:00.000Z', '2026-12-29T14:00:00.000Z']);
  });

  test('a clock on a non-working day: the next working day is day 1', async () => {
    // Received Saturday 5 Dec 2026: Monday 7 Dec is day 1.
    const d = await compute('ssp-informed', '2026-12-05T11:00:00Z');
    expect(d.dueDate).toBe('2026-12-07');
    expect(d.skipped).toEqual([{ date: '2026-12-06', reason: 'weekend' }]);
  });

  test('an instant late in the evening UK time in summer counts from the London date (BST)', async () => {
    // 22:30Z on Wednesday 1 July 2026 is 23:30 BST, still 1 July in London: due the end of Thursday 2 July.
    const evening = await compute('ssp-informed', '2026-07-01T22:30:00Z');
    expect(evening.clock.date).toBe('2026-07-01');
    expect(evening.dueDate).toBe('2026-07-02');
    // The end of 2 July in London is 23:59:59.999 BST = 22:59:59.999Z.
    expect(evening.dueAt).toBe('2026-07-02T22:59:59.999Z');
    // Reminders at 09:00 and 14:00 London: 08:00Z and 13:00Z in summer.
    expect(evening.reminders).toEqual(['2026-07-02T08:00:00.000Z', '2026-07-02T13:00:00.000Z']);

    // 23:30Z is 00:30 BST on Thursday 2 July: day 0 is the 2nd, due the end of Friday 3 July.
    const afterMidnight = await compute('ssp-informed', '2026-07-01T23:30:00Z');
    expect(afterMidnight.clock.date).toBe('2026-07-02');
    expect(afterMidnight.dueDate).toBe('2026-07-03');
    expect(afterMidnight.dueAt).toBe('2026-07-03T22:59:59.999Z');
  });

  test('an offset instant is read as the instant it is', async () => {
    // 00:30+01:00 on 2 July is 23:30Z on 1 July: 00:30 BST on 2 July in London.
    const d = await compute('ssp-informed', '2026-07-02T00:30:00+01:00');
    expect(d.clock.date).toBe('2026-07-02');
  });

  test('report-to-panel: 7 WD before the planned publication date, over the spring bank holiday', async () => {
    // Publication planned Tuesday 1 June 2027. Back: 31 May (spring bank holiday), 30, 29 (weekend)
    // skipped; 28, 27, 26, 25, 24 May are 1-5; 23, 22 (weekend) skipped; 21 and 20 May are 6 and 7.
    const d = await compute('report-to-panel', '2027-06-01');
    expect(d.clock).toEqual({ event: 'planned-publication', date: '2027-06-01' });
    expect(d.rule).toBe('7 working days before 2027-06-01 (planned-publication)');
    expect(d.dueDate).toBe('2027-05-20');
    expect(d.dueAt).toBe('2027-05-20T22:59:59.999Z');
    expect(d.skipped).toEqual([
      { date: '2027-05-22', reason: 'weekend' },
      { date: '2027-05-23', reason: 'weekend' },
      { date: '2027-05-29', reason: 'weekend' },
      { date: '2027-05-30', reason: 'weekend' },
      { date: '2027-05-31', reason: 'bank holiday', name: expect.stringMatching(/spring/i) },
    ]);
    expect(d.section).toBe('§14.7');
    // 2 WD before Thursday 20 May is Tuesday 18 May; 09:00 BST is 08:00Z.
    expect(d.reminders).toEqual(['2027-05-18T08:00:00.000Z', '2027-05-20T08:00:00.000Z']);
  });

  test('lcspr-publication: 31 Aug 2026 + 6 calendar months is 28 Feb 2027 (no 31st in February)', async () => {
    const d = await compute('lcspr-publication', '2026-08-31T10:00:00Z');
    expect(d.clock).toEqual({ event: 'lcspr-decision', date: '2026-08-31' });
    expect(d.rule).toBe('6 calendar months after 2026-08-31 (lcspr-decision)');
    expect(d.dueDate).toBe('2027-02-28');
    expect(d.dueAt).toBe('2027-02-28T23:59:59.999Z');
    expect(d.skipped).toEqual([]);
    // 28 Feb 2027 is a Sunday. One month before: 28 Jan; 10 WD before: 26, 25, 24, 23, 22, 19, 18,
    // 17, 16, 15 Feb; 2 WD before: 26, 25 Feb. All 09:00 GMT.
    expect(d.reminders).toEqual(['2027-01-28T09:00:00.000Z', '2027-02-15T09:00:00.000Z', '2027-02-25T09:00:00.000Z']);
  });

  test('lcspr-publication in a leap year: 31 Aug 2027 + 6 months is 29 Feb 2028', async () => {
    const d = await compute('lcspr-publication', '2027-08-31');
    expect(d.dueDate).toBe('2028-02-29');
  });

  test('rapid-review-meeting: a 10 WD target and a 15 WD limit, across Christmas and New Year', async () => {
    // Acknowledged Thursday 10 Dec 2026. Target: 11, 14-18, 21-24 Dec are days 1-10 -> 24 Dec.
    // Limit: then 29, 30, 31 Dec (11-13); 1 Jan (New Year's Day) and 2-3 Jan skipped; 4, 5 Jan (14, 15).
    const d = await compute('rapid-review-meeting', '2026-12-10T15:00:00Z');
    expect(d.rule).toBe('15 working days after 2026-12-10 (csprp-acknowledgement)');
    expect(d.dueDate).toBe('2027-01-05');
    expect(d.dueAt).toBe('2027-01-05T23:59:59.999Z');
    expect(d.target).toEqual({
      rule: '10 working days after 2026-12-10 (csprp-acknowledgement, target)',
      dueDate: '2026-12-24',
      dueAt: '2026-12-24T23:59:59.999Z',
      // §6.2: a window of 7-10 WD. Day 7 is 21 Dec (11, 14-18, 21 Dec).
      window: { fromDate: '2026-12-21', toDate: '2026-12-24', rule: '7 working days after 2026-12-10 to 10 working days after 2026-12-10 (csprp-acknowledgement, target window)' },
    });
    expect(d.skipped.map((s) => s.date)).toEqual([
      '2026-12-12',
      '2026-12-13',
      '2026-12-19',
      '2026-12-20',
      '2026-12-25',
      '2026-12-26',
      '2026-12-27',
      '2026-12-28',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
    expect(d.skipped.find((s) => s.date === '2027-01-01')).toEqual({ date: '2027-01-01', reason: 'bank holiday', name: expect.stringMatching(/New Year/) });
    // 5 WD before 5 Jan: 4 Jan, 31, 30, 29, 24 Dec; 2 WD before: 4 Jan, 31 Dec; and the day itself.
    expect(d.reminders).toEqual(['2026-12-24T09:00:00.000Z', '2026-12-31T09:00:00.000Z', '2027-01-05T09:00:00.000Z']);
  });

  test('a deadline without a target has none', async () => {
    expect((await compute('rapid-review-report', '2026-12-10T15:00:00Z')).target).toBeUndefined();
  });

  test('a local-policy obligation is labelled as such', async () => {
    const d = await compute('csprp-acknowledgement', '2026-11-26T10:00:00Z');
    expect(d.statutory).toBe(false);
    expect(d.section).toMatch(/local policy/);
    // Thursday 26 Nov + 3 WD: 27 Nov, (28-29 weekend), 30 Nov, 1 Dec.
    expect(d.dueDate).toBe('2026-12-01');
  });

  test('the partnership’s closure days are skipped and named', async () => {
    const withClosure = createActivities({
      calendar: new WorkingDayCalendar({ extraClosureDays: [{ date: '2026-12-29', name: 'Office closure' }] }),
      register: registerOf(register, TEST_KEY_RING),
      mailer: nodemailer.createTransport({ jsonTransport: true }),
      mailFrom: MAIL_FROM,
      mailboxes: partnership.mailboxes,
      publicBaseUrl: TEST_PUBLIC_BASE_URL,
      now: () => COMPUTED_AT,
    });
    const d = await computeOne(withClosure, { caseReference: 'TEST-2026-000302', rulebookVersion: 'DSP-1.5', obligationId: 'national-notification', clock: '2026-12-21' });
    // 29 Dec closed too: 30 Dec is day 4, 31 Dec day 5.
    expect(d.dueDate).toBe('2026-12-31');
    expect(d.skipped).toContainEqual({ date: '2026-12-29', reason: 'closure day', name: 'Office closure' });
  });

  test('an unknown obligation or rulebook is an error, not a guess', async () => {
    await expect(compute('no-such-obligation', '2026-12-21')).rejects.toThrow(/no-such-obligation/);
    await expect(computeOne(activities, { caseReference: 'TEST-2026-000303', rulebookVersion: 'DSP-9.9', obligationId: 'ssp-informed', clock: '2026-12-21' })).rejects.toThrow(/DSP-9.9/);
  });
});

// --- sendNotice ------------------------------------------------------------------------------------

describe('sendNotice', () => {
  const activityEnv = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  let smtp: SmtpCatcher;
  let refusing: SmtpCatcher;

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    refusing = await startSmtpCatcher({ refuse: (address) => address === partnership.mailboxes['ld-chair'] });
  });

  afterAll(async () => {
    await smtp?.close();
    await refusing?.close();
  });

  function sender(url: string): IncidentActivities {
    return createActivities({
      calendar: new WorkingDayCalendar(),
      register: registerOf(register, TEST_KEY_RING),
      mailer: nodemailer.createTransport(url),
      mailFrom: MAIL_FROM,
      mailboxes: partnership.mailboxes,
      publicBaseUrl: TEST_PUBLIC_BASE_URL,
      now: () => COMPUTED_AT,
    });
  }

  async function noticeFor(ref: string, kind: ObligationNotice['kind'], to: Notice['to']): Promise<ObligationNotice> {
    const deadline = await compute('national-notification', '2026-12-21T10:30:00Z');
    return { key: `${ref}:national-notification:1:${kind}:${deadline.dueAt}`, caseReference: ref, kind, to, deadline };
  }

  /** Runs sendNotice inside an activity context, as a worker would. */
  function send(acts: IncidentActivities, notice: Notice): Promise<NoticeResult> {
    return activityEnv.run(() => acts.sendNotice(notice)) as Promise<NoticeResult>;
  }

  function outboxRow(key: string) {
    return register.selectFrom('outbox').selectAll().where('notice_key', '=', key).executeTakeFirstOrThrow();
  }

  test('the same notice key twice sends one email', async () => {
    const ref = newCaseReference();
    const acts = sender(smtp.url);
    const notice = await noticeFor(ref, 'reminder', ['business-unit']);
    const first = await send(acts, notice);
    const second = await send(acts, notice);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ messageId: first.messageId, duplicate: true });

    // The SMTP server acknowledges a message only once it has it: no waiting is needed.
    const received = smtp.messages.filter((m) => m.subject.startsWith(`[${ref}]`));
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual([partnership.mailboxes['business-unit']]);
    expect(received[0]!.subject).toBe(`[${ref}] Reminder - ${notice.deadline.obligation}: due 2026-12-30`);
    expect(received[0]!.messageId).toBe(first.messageId);

    const row = await outboxRow(notice.key);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, case_reference: ref, kind: 'reminder', obligation_id: 'national-notification', last_error: null });
    expect(row.sent_at).toBe(COMPUTED_AT.toISOString());
  });

  test('a different kind for the same obligation is a different notice', async () => {
    const ref = newCaseReference();
    const acts = sender(smtp.url);
    await send(acts, await noticeFor(ref, 'reminder', ['business-unit']));
    await send(acts, await noticeFor(ref, 'escalation', ['director-childrens-services', 'business-manager']));
    const received = smtp.messages.filter((m) => m.subject.startsWith(`[${ref}]`));
    expect(received.map((m) => m.subject.split(' - ')[0])).toEqual([`[${ref}] Reminder`, `[${ref}] MISSED`]);
    expect([...received[1]!.to].sort()).toEqual([partnership.mailboxes['business-manager'], partnership.mailboxes['director-childrens-services']].sort());
  });

  test('a 550 refusal is a non-retryable NoticeRefused, and the outbox row is failed', async () => {
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'ssp-decision-shared', ['ld-chair']);
    let failure: unknown;
    try {
      await send(sender(refusing.url), notice);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'NoticeRefused', nonRetryable: true });
    // Only the SMTP code: never the address or the message.
    expect((failure as Error).message).toContain('550');
    expect((failure as Error).message).not.toContain('@');

    const row = await outboxRow(notice.key);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, sent_at: null });
    expect(row.last_error).toContain('550');
    expect(refusing.messages.filter((m) => m.subject.startsWith(`[${ref}]`))).toHaveLength(0);
  });

  test('SMTP down is a retryable NoticeNotSent; the outbox row stays pending', async () => {
    const down = await startSmtpCatcher();
    const url = down.url;
    await down.close();
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'reminder', ['business-unit']);
    let failure: unknown;
    try {
      await send(sender(url), notice);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'NoticeNotSent', nonRetryable: false });
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });

    // The retry, with SMTP back, sends it once.
    await send(sender(smtp.url), notice);
    expect(smtp.messages.filter((m) => m.subject.startsWith(`[${ref}]`))).toHaveLength(1);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('one recipient refused among several: the refusal is recorded, not dropped silently', async () => {
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'escalation', ['business-manager', 'ld-chair']);
    await send(sender(refusing.url), notice).catch(() => undefined);
    // The mailbox that accepted it has it.
    const received = refusing.messages.filter((m) => m.subject.startsWith(`[${ref}]`));
    expect(received).toHaveLength(1);
    // The one that refused it is on record, so that someone can act.
    const row = await outboxRow(notice.key);
    expect(row.last_error).toMatch(/550/);
  });
});
