// The weekly digest end to end on the real Temporal dev server: the schedule as the worker creates it
// (services/digest-schedule.ts), fired twice by hand (ScheduleHandle.trigger, which lets the two
// runs overlap), a real worker whose clock is pinned to Tuesday 29 December 2026 at 8am (the
// week's first working day: the 28th is the Boxing Day substitute), the register's projection
// seeded through its own write paths (recordCaseSummary and the action log's snapshot, as the
// workflows write them) with personal values where the register keeps any, and a real SMTP
// listener. Each recipient gets its digest exactly once, listing what this file expects from the
// seeded list by hand, linking to the pages, and nothing personal.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { WeeklyDigestResult } from '../../activities/types';
import type { ActionSnapshot } from '../../domain/action-snapshot';
import type { CaseSummary, Stage } from '../../domain/case';
import type { RegisterDb } from '../../register/database';
import { registerOf, type Register } from '../../register/register';
import { devServerExecutableOption } from '../../scripts/servers';
import { DIGEST_SCHEDULE_ID, ensureDigestSchedule } from '../../services/digest-schedule';
import { createIncidentWorker } from '../../workers/incident-worker';
import { htmlLinks, htmlProblems } from '../helpers/email-html';
import { endOfDay } from '../helpers/expected-dates';
import { TEST_DATA_CONVERTER, TEST_KEY_RING } from '../helpers/keys';
import { startSmtpCatcher, type CapturedMail, type SmtpCatcher } from '../helpers/smtp';
import { activityDeps, partnership, tempRegister, TEST_PUBLIC_BASE_URL, workflowBundle } from '../helpers/stack';

const AS_OF = new Date('2026-12-29T08:00:00.000Z');
// Where the register keeps anything personal: the referring agency (a school can point at a child),
// the reviewer's sign-in ID, an action's owner, description and finding.
const SEEDED = {
  school: "St Quenby's Primary School",
  reviewer: 'reviewer-quenby-marlowe',
  owner: 'Quenby Marlowe, Designated Safeguarding Lead',
  description: "Review Tamsin Quenby-Marlowe's attendance record",
  finding: 'Tamsin was not seen for 40 days',
};
const PERSONAL = /quenby|tamsin|marlowe/i;

let env: TestWorkflowEnvironment;
let smtp: SmtpCatcher;
let db: RegisterDb;
let register: Register;
let worker: Worker;
let running: Promise<void>;

function summary(caseReference: string, stage: Stage, obligations: Array<[string, string, 'open' | 'missed']>): CaseSummary {
  const listed = obligations.map(([id, due, status]) => ({ id, status, dueAt: endOfDay(due) }));
  const open = listed.filter((o) => o.status === 'open').map((o) => o.dueAt).sort();
  return {
    caseReference,
    rulebookVersion: 'DSP-1.5',
    revision: 1,
    stage,
    receivedAt: '2026-11-02T10:00:00.000Z',
    nextDeadline: open[0] ?? null,
    missed: listed.filter((o) => o.status === 'missed').length,
    referringAgency: SEEDED.school,
    reviewerIds: [SEEDED.reviewer],
    obligations: listed,
    updatedAt: '2026-12-20T10:00:00.000Z',
  };
}

function snapshot(caseReference: string, actionId: string, agency: string, deadline: string, more: Partial<ActionSnapshot> = {}): ActionSnapshot {
  return {
    caseReference,
    actionId,
    agency,
    owner: SEEDED.owner,
    description: SEEDED.description,
    finding: SEEDED.finding,
    agreedOn: '2026-06-01',
    originalDeadline: deadline,
    deadline,
    status: 'open',
    escalation: 'none',
    sspInvolved: false,
    version: 1,
    updatedAt: '2026-12-20T10:00:00.000Z',
    ...more,
  };
}

async function seed(): Promise<void> {
  const cases = [
    summary('DSP-2026-0201', 'awaiting-ssp-decision', [['ssp-decision', '2026-12-23', 'missed']]),
    summary('DSP-2026-0202', 'rapid-review', [['rapid-review-meeting', '2027-01-05', 'open']]),
    // The 10th working day after the 29th: in.
    summary('DSP-2026-0203', 'awaiting-panel-response', [['csprp-response', '2027-01-13', 'open']]),
    // Past its deadline, not yet recorded as missed.
    summary('DSP-2026-0204', 'awaiting-national-notification', [['national-notification', '2026-12-24', 'open']]),
    // The 11th working day: out.
    summary('DSP-2026-0205', 'referral-received', [['ssp-informed', '2027-01-14', 'open']]),
    summary('DSP-2026-0206', 'closed', [['ssp-decision', '2026-12-23', 'missed']]),
    summary('DSP-2026-0207', 'action-plan', [['ld-decision', '2026-12-30', 'open']]),
  ];
  for (const c of cases) expect(await register.caseSummaries.record(c)).toBe(true);
  const actions = [
    snapshot('DSP-2026-0203', 'A01', 'Example Health Trust', '2027-01-08'),
    snapshot('DSP-2026-0203', 'A02', 'Example Health Trust', '2026-12-01', { escalation: 'overdue' }),
    snapshot('DSP-2026-0202', 'A01', 'Example Police', '2027-03-01'),
    snapshot('DSP-2026-0207', 'A01', 'Unlisted Agency', '2027-01-13'),
    snapshot('DSP-2026-0207', 'A02', 'Example Police', '2026-12-01', { status: 'completed', completedOn: '2026-11-30' }),
  ];
  for (const a of actions) await register.actions.record([], a);
}

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutableOption() }, client: { dataConverter: TEST_DATA_CONVERTER } });
  smtp = await startSmtpCatcher();
  db = (await tempRegister()).register;
  register = registerOf(db, TEST_KEY_RING);
  await seed();
  worker = await createIncidentWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    activities: { ...activityDeps(db, smtp.url), now: () => AS_OF },
    workflowBundle: await workflowBundle(),
    dataConverter: TEST_DATA_CONVERTER,
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await db?.destroy();
  await smtp?.close();
  await env?.teardown();
});

const casePage = (ref: string) => `${TEST_PUBLIC_BASE_URL}/cases/${ref}`;
const actionPage = (ref: string, id: string) => `${casePage(ref)}/actions/${id}`;
const STEP = {
  sspDecision: 'SSP meet and decide whether the criteria for notification are met (§4.6)',
  meeting: 'Rapid Review Panel meets (§6.2)',
  response: "The Panel's response to the Rapid Review is received (§6.11 (local policy: the seed sets no limit))",
  notification: 'LA notifies the Child Safeguarding Practice Review Panel (shared with Ofsted and DfE) (§3, §5.2)',
  ldDecision: 'L&D Group decides how the learning is explored (§10.6 outcome) (§5.5, §10.6 (local policy: the seed sets no limit))',
  action: 'Improvement action completed (§9.2, §16.2)',
};
type Line = [lead: string, url: string];
const missed = (ref: string, step: string, day: string): string => `${ref}: ${step}. MISSED: it was due by 11:59pm on ${day}.`;
const late = (ref: string, step: string, day: string): string => `${ref}: ${step}. Overdue: it was due by 11:59pm on ${day}.`;
const due = (ref: string, step: string, day: string): string => `${ref}: ${step}. Due by 11:59pm on ${day}.`;

/** Each digest: its address, its subject's "for ...", and its two lists, worked by hand from the seeded rows. */
const EXPECTED: Array<{ to: string; for: string; overdue: Line[]; dueSoon: Line[]; note?: string }> = [
  {
    to: partnership.mailboxes['business-unit'],
    for: 'the Business Unit',
    overdue: [[late('DSP-2026-0204', STEP.notification, 'Thursday 24 December 2026'), casePage('DSP-2026-0204')]],
    dueSoon: [[due('DSP-2026-0203', STEP.response, 'Wednesday 13 January 2027'), casePage('DSP-2026-0203')]],
  },
  {
    to: partnership.mailboxes.ssp,
    for: 'the Statutory Safeguarding Partners (SSP)',
    overdue: [[missed('DSP-2026-0201', STEP.sspDecision, 'Wednesday 23 December 2026'), casePage('DSP-2026-0201')]],
    dueSoon: [[due('DSP-2026-0202', STEP.meeting, 'Tuesday 5 January 2027'), casePage('DSP-2026-0202')]],
  },
  { to: partnership.mailboxes['rapid-review-chair'], for: 'the Rapid Review chair', overdue: [], dueSoon: [[due('DSP-2026-0202', STEP.meeting, 'Tuesday 5 January 2027'), casePage('DSP-2026-0202')]] },
  { to: partnership.mailboxes['ld-chair'], for: 'the Chair of the L&D Group', overdue: [], dueSoon: [[due('DSP-2026-0207', STEP.ldDecision, 'Wednesday 30 December 2026'), casePage('DSP-2026-0207')]] },
  {
    to: partnership.agencies['Example Health Trust']!['action-lead'],
    for: 'the action lead of Example Health Trust',
    overdue: [[missed('DSP-2026-0203 A02', STEP.action, 'Tuesday 1 December 2026'), actionPage('DSP-2026-0203', 'A02')]],
    dueSoon: [[due('DSP-2026-0203 A01', STEP.action, 'Friday 8 January 2027'), actionPage('DSP-2026-0203', 'A01')]],
  },
  // Not in the directory: the L&D Chair has its copy, told why. Example Police has nothing due this week: no digest.
  {
    to: partnership.mailboxes['ld-chair'],
    for: 'the action lead of Unlisted Agency',
    overdue: [],
    dueSoon: [[due('DSP-2026-0207 A01', STEP.action, 'Wednesday 13 January 2027'), actionPage('DSP-2026-0207', 'A01')]],
    note: 'No address is configured for: action-lead of Unlisted Agency.',
  },
];

/** A digest's two lists as its plain-text part says them: each item a lead and its link on the next line. */
function listsOf(mail: CapturedMail): { overdue: Line[]; dueSoon: Line[] } {
  const blocks = mail.text.trim().split(/\r?\n\r?\n/);
  const overdueAt = blocks.findIndex((b) => b.startsWith('Overdue: '));
  const dueAt = blocks.findIndex((b) => b.startsWith('Due in the next 10 working days: '));
  const items = (from: number, to: number) =>
    blocks
      .slice(from + 1, to)
      .filter((b) => b.includes('\n'))
      .map((b) => b.split(/\r?\n/) as Line);
  return { overdue: items(overdueAt, dueAt), dueSoon: items(dueAt, blocks.findIndex((b, i) => i > dueAt && b.startsWith('Each link opens'))) };
}

async function runsOf(count: number): Promise<WeeklyDigestResult[]> {
  const handle = env.client.schedule.getHandle(DIGEST_SCHEDULE_ID);
  const until = Date.now() + 20_000;
  for (;;) {
    const { info } = await handle.describe();
    if (info.recentActions.length >= count) {
      return Promise.all(info.recentActions.map((a) => env.client.workflow.getHandle(a.action.workflow.workflowId).result() as Promise<WeeklyDigestResult>));
    }
    if (Date.now() > until) throw new Error(`the schedule took ${info.recentActions.length} actions, not ${count}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('fired twice, the schedule sends each role and each agency its digest once: what is overdue and due in 10 working days, linked, nothing personal', async () => {
  expect(await ensureDigestSchedule(env.client)).toBe('created');
  // A worker starting again finds it there and brings it up to date.
  expect(await ensureDigestSchedule(env.client)).toBe('updated');
  const handle = env.client.schedule.getHandle(DIGEST_SCHEDULE_ID);
  const { spec, policies, action } = await handle.describe();
  expect(spec.timezone).toBe('Europe/London');
  expect(spec.calendars).toEqual([expect.objectContaining({ dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }], hour: [{ start: 8, end: 8, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);
  expect(policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(action).toEqual(expect.objectContaining({ workflowType: 'weeklyDigestWorkflow' }));

  // Twice by hand, a second apart (each run its own workflow ID): trigger() lets them overlap.
  await handle.trigger();
  await new Promise((r) => setTimeout(r, 1_100));
  await handle.trigger();
  const results = await runsOf(2);
  for (const result of results) expect({ handled: result.sent + result.duplicates, skipped: result.skipped }).toEqual({ handled: EXPECTED.length, skipped: undefined });

  // Exactly one email per digest, and no other.
  await new Promise((r) => setTimeout(r, 500));
  expect(smtp.messages).toHaveLength(EXPECTED.length);
  for (const e of EXPECTED) {
    const mails = smtp.messages.filter((m) => m.subject.startsWith(`Weekly digest for ${e.for}, `));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual([e.to]);
    expect(mail.subject).toBe(`Weekly digest for ${e.for}, week of Monday 28 December 2026: ${e.overdue.length} overdue, ${e.dueSoon.length} due soon`);
    expect(listsOf(mail)).toEqual({ overdue: e.overdue, dueSoon: e.dueSoon });
    expect(mail.text).toContain('to Wednesday 13 January 2027, as at 8am on Tuesday 29 December 2026.');
    if (e.note) expect(mail.text).toContain(e.note);
    // The links, in both parts, to the case's or the action's page, and no other.
    expect(htmlProblems(mail.html)).toEqual([]);
    expect(htmlLinks(mail.html)).toEqual([...e.overdue, ...e.dueSoon].map(([, url]) => url));
  }
  for (const mail of smtp.messages) for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(PERSONAL);

  // The outbox holds one row per digest, sent on its first claim.
  const rows = await db.selectFrom('outbox').select(['notice_key', 'kind', 'status', 'attempts']).orderBy('notice_key').execute();
  expect(rows.map((r) => [r.kind, r.status, Number(r.attempts)])).toEqual(EXPECTED.map(() => ['weekly-digest', 'sent', 1]));
  expect(rows.map((r) => r.notice_key)).toEqual(
    expect.arrayContaining(['digest:2026-12-28:role:business-unit', 'digest:2026-12-28:role:ssp', 'digest:2026-12-28:agency:Example Health Trust', 'digest:2026-12-28:agency:Unlisted Agency']),
  );
  for (const row of rows) expect(row.notice_key).not.toMatch(PERSONAL);
});

test('on any other day of the week the activity sends nothing', async () => {
  const before = smtp.messages.length;
  const wednesday = createActivities({ ...activityDeps(db, smtp.url), now: () => new Date('2026-12-30T08:00:00.000Z') });
  expect(await wednesday.sendWeeklyDigests({ scheduledAt: '2026-12-30T08:00:00.000Z' })).toEqual({ sent: 0, duplicates: 0, skipped: "2026-12-30 is not the week's digest day (2026-12-29)" });
  // Without a pinned clock it goes by the schedule's time: the bank holiday Monday is not the day either.
  const unpinned = createActivities(activityDeps(db, smtp.url));
  expect(await unpinned.sendWeeklyDigests({ scheduledAt: '2026-12-28T08:00:00.000Z' })).toEqual({ sent: 0, duplicates: 0, skipped: "2026-12-28 is not the week's digest day (2026-12-29)" });
  expect(smtp.messages.length).toBe(before);
});

test('a digest another attempt holds is left to it and retried; the rest go at once, and none twice', async () => {
  // The next week's digests, while another attempt (a second run) holds the SSP's.
  const monday = new Date('2027-01-04T08:00:00.000Z');
  const activities = createActivities({ ...activityDeps(db, smtp.url), now: () => monday });
  const held = 'digest:2027-01-04:role:ssp';
  await db
    .insertInto('outbox')
    .values({ notice_key: held, case_reference: '', kind: 'weekly-digest', obligation_id: null, recipients: 'ssp', subject: 'held', status: 'pending', message_id: null, created_at: monday.toISOString(), sent_at: null, last_error: null, claim_token: 'another attempt', claimed_until: new Date(Date.now() + 60_000).toISOString() })
    .execute();
  const before = smtp.messages.length;
  await expect(activities.sendWeeklyDigests({ scheduledAt: monday.toISOString() })).rejects.toMatchObject({ type: 'DigestNotSent', nonRetryable: false, message: '1 of 6 digests not sent (NoticeClaimed)' });
  expect(smtp.messages.length - before).toBe(5);
  // The other attempt gave up (its lease ran out): the retry sends the SSP's and only that.
  await db.updateTable('outbox').set({ claimed_until: new Date(Date.now() - 1).toISOString() }).where('notice_key', '=', held).execute();
  expect(await activities.sendWeeklyDigests({ scheduledAt: monday.toISOString() })).toEqual({ sent: 1, duplicates: 5 });
  expect(smtp.messages.slice(before).map((m) => m.to[0]).filter((to) => to === partnership.mailboxes.ssp)).toHaveLength(1);
  expect(smtp.messages.length - before).toBe(6);
});
