// One time-skipping test per path through PROCESS.md's map where the SSP decide the criteria for
// notification are not met (§5.5-5.7, §10.6-10.7), and the looked-after child's death (§5.3):
// from the referral to where the branch ends, through the real decisions, each made by the role
// domain/decisions.ts allows. Expected deadlines are worked out here from PROCESS.md "How to
// count" with this file's own calendar, never taken from the code's output.
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { caseEntries } from '../../activities/register';
import type { CaseStatus } from '../../domain/case';
import type { ReferralForm } from '../../domain/referral-form';
import type { Actor } from '../../domain/roles';
import type { ClockEvent } from '../../domain/rulebook';
import { statusQuery } from '../../workflows/contract';
import type { incidentWorkflow } from '../../workflows/incident';
import { learningReferralForm, validReferralForm } from '../fixtures/referral-form';
import { actors, decide, mailsFor, refusalOf, startCase, startHarness, waitFor, type CaseHandle, type Harness } from '../helpers/harness';

// --- The calendar, from PROCESS.md "How to count" (independent of domain/calendar.ts) ----------

/** England and Wales bank holidays (gov.uk), substitute days included. */
const BANK_HOLIDAYS = new Set([
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
  '2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26',
  '2029-01-01', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-08-27', '2029-12-25', '2029-12-26',
  '2030-01-01', '2030-04-19', '2030-04-22', '2030-05-06', '2030-05-27', '2030-08-26', '2030-12-25', '2030-12-26',
]);

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function isWorkingDay(date: string): boolean {
  if (date < '2026-01-01' || date > '2030-12-31') throw new Error(`this test's bank holiday list does not cover ${date}`);
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !BANK_HOLIDAYS.has(date);
}

/** N working days after (step 1) or before (step -1) a date; the non-working days passed over. */
function countWorkingDays(from: string, n: number, step: 1 | -1): { date: string; skipped: string[] } {
  let date = from;
  const skipped: string[] = [];
  for (let counted = 0; counted < n; ) {
    date = shiftDays(date, step);
    if (isWorkingDay(date)) counted += 1;
    else skipped.push(date);
  }
  return { date, skipped: step === 1 ? skipped : skipped.reverse() };
}

/** Same day N months later, or that month's last day. */
function monthsAfter(from: string, n: number): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const index = m - 1 + n;
  const year = y + Math.floor(index / 12);
  const month = ((index % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const LONDON_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

function londonDate(instant: string | number): string {
  return LONDON_DATE.format(new Date(instant));
}

/** The last millisecond of a London day (23:59:59.999 GMT or BST), as an ISO instant. */
function endOfLondonDay(date: string): string {
  for (const hour of ['23', '22']) {
    const candidate = `${date}T${hour}:59:59.999Z`;
    if (londonDate(candidate) === date && londonDate(Date.parse(candidate) + 1) !== date) return candidate;
  }
  throw new Error(`no end of day found for ${date}`);
}

type Limit = { after: number } | { before: number } | { months: number };

/** The obligation's deadline is the one PROCESS.md gives for its clock and limit. */
function expectDeadline(s: CaseStatus, id: string, clock: ClockEvent, from: string, limit: Limit, statutory = true) {
  const o = s.obligations[id];
  if (!o) throw new Error(`obligation ${id} is not in the case`);
  let due: string;
  let skipped: string[] = [];
  let rule: string;
  if ('after' in limit) {
    ({ date: due, skipped } = countWorkingDays(from, limit.after, 1));
    rule = `${limit.after} working day${limit.after === 1 ? '' : 's'} after ${from} (${clock})`;
  } else if ('before' in limit) {
    ({ date: due, skipped } = countWorkingDays(from, limit.before, -1));
    rule = `${limit.before} working days before ${from} (${clock})`;
  } else {
    due = monthsAfter(from, limit.months);
    rule = `${limit.months} calendar months after ${from} (${clock})`;
  }
  expect(o.deadline.clock).toEqual({ event: clock, date: from });
  expect(o.deadline.dueDate).toBe(due);
  expect(o.deadline.dueAt).toBe(endOfLondonDay(due));
  expect(o.deadline.rule).toBe(rule);
  expect(o.deadline.skipped.map((d) => d.date)).toEqual(skipped);
  expect(o.deadline.statutory).toBe(statutory);
  return o;
}

// --- Case helpers --------------------------------------------------------------------------------

interface Case {
  handle: CaseHandle;
  ref: string;
  receivedOn: string;
}

const ids = (views: Array<{ id: string }>) => views.map((v) => v.id).sort();
const rounds = (views: Array<{ id: string; round: number }>, id: string) =>
  views
    .filter((v) => v.id === id)
    .map((v) => v.round)
    .sort();

function expectObligations(s: CaseStatus, expected: { open: string[]; met: string[]; closed?: string[] }): void {
  expect(ids(s.open)).toEqual([...expected.open].sort());
  expect(ids(s.met)).toEqual([...expected.met].sort());
  expect(ids(s.closed)).toEqual([...(expected.closed ?? [])].sort());
  expect(s.metLate).toEqual([]);
  expect(s.missed).toEqual([]);
}

/** The refusal's type and message (refusalOf gives the type only). */
async function refusal(attempt: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await attempt;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      return { type: err.cause.type ?? undefined, message: err.cause.message };
    }
    throw err;
  }
  throw new Error('the decision was accepted');
}

/** A refused decision changes nothing in the case. */
async function expectRefused(handle: CaseHandle, attempt: () => Promise<unknown>, type: string): Promise<void> {
  const before = await handle.query(statusQuery);
  expect(await refusalOf(attempt())).toBe(type);
  expect(await handle.query(statusQuery)).toEqual(before);
}

/** The form with the referrer aware (and submitting) on the date: the referral is on time. */
function awareOn(form: ReferralForm, date: string): ReferralForm {
  return { ...form, referrer: { ...form.referrer, becameAwareDate: date, dateSubmitted: date, organisationAgreementDate: date } };
}

const MET_AT_SSP_DECISION = ['referral-submitted', 'ssp-informed', 'ssp-decision', 'ld-informed'];
const LD_RATIONALE = 'Fictitious test rationale: information sharing between agencies to be audited.';

let h: Harness;
let plainClient: Client;
beforeAll(async () => {
  h = await startHarness();
  plainClient = new Client({ connection: h.env.connection, namespace: h.env.namespace ?? 'default' });
});
afterAll(async () => {
  await h?.stop();
});

async function openCase(form: ReferralForm, lookedAfterChildDied = false): Promise<Case> {
  const today = londonDate(await h.env.currentTimeMs());
  const started = await startCase(h, { referral: awareOn(form, today) });
  const handle = started.handle;
  // The looked-after death obligation opens just after the ones startCase waits for.
  const status = lookedAfterChildDied
    ? await waitFor(handle, (s) => s.obligations['looked-after-death-notification'] !== undefined)
    : started.status;
  const receivedOn = londonDate(status.receivedAt);
  expect(status.stage).toBe('referral-received');
  expect(status.facts).toEqual({ lookedAfterChildDied });
  expectDeadline(status, 'referral-submitted', 'referrer-became-aware', today, { after: 1 });
  expectDeadline(status, 'ssp-informed', 'referral-received', receivedOn, { after: 1 });
  expectDeadline(status, 'ssp-decision', 'referral-received', receivedOn, { after: 5 });
  return { handle, ref: started.ref, receivedOn };
}

/** SSP informed, then the SSP decide: the L&D Chair hears of it, the referrer-feedback clock starts. */
async function sspDecides(c: Case, outcome: 'not-met-learning' | 'not-met-no-further-action', alsoOpen: string[] = []): Promise<CaseStatus> {
  let s = await decide(c.handle, 'ssp-informed', actors.businessUnit, { note: 'SSP informed by secure email' });
  expect(s.stage).toBe('awaiting-ssp-decision');
  expectObligations(s, { open: ['ssp-decision', ...alsoOpen], met: ['referral-submitted', 'ssp-informed'] });
  expect(mailsFor(h, c.ref, 'SSP decision')).toHaveLength(0);

  s = await decide(c.handle, 'ssp-decision', actors.ssp, { outcome, rationale: 'Fictitious test rationale: no serious harm.' });
  const decidedAt = s.clocks['ssp-decision']!;
  expect(s.facts.sspOutcome).toBe(outcome);
  expect(s.obligations['ssp-decision']).toMatchObject({ status: 'met', metAt: decidedAt, metBy: actors.ssp.id });
  expect(s.obligations['national-notification']).toBeUndefined();
  expectDeadline(s, 'referrer-feedback', 'ssp-decision', londonDate(decidedAt), { after: 5 });
  // §5.6, §10.1: the decision and its rationale go to the L&D Chair at once.
  const mail = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] SSP decision: ${outcome}`);
  expect(mail.to).toEqual(['ld-chair@partnership.example.org']);
  expect(mail.text).not.toContain('Test Child');
  expectDeadline(s, 'ld-informed', 'ssp-decision', londonDate(decidedAt), { after: 1 });
  expect(s.obligations['ld-informed']).toMatchObject({ status: 'met', metBy: 'system' });
  return s;
}

/** The workflow's result through a client that does not unlock time skipping (see paths-notification.test.ts). */
async function workflowResult(c: Case): Promise<CaseStatus> {
  return plainClient.workflow.getHandle<typeof incidentWorkflow>(c.handle.workflowId).result();
}

async function closeAndComplete(c: Case, actor: Actor = actors.ldChair): Promise<CaseStatus> {
  const s = await decide(c.handle, 'close-case', actor, {});
  expect(s.stage).toBe('closed');
  const final = await workflowResult(c);
  expect(final.stage).toBe('closed');
  expect(final.open).toEqual([]);
  return final;
}

async function registerOf(ref: string) {
  const entries = await caseEntries(h.register, ref);
  const of = (kind: string) => entries.filter((e) => e.kind === kind).map((e) => e.obligationId!).sort();
  return {
    entries,
    decisions: entries.filter((e) => e.kind.startsWith('decision:')).map((e) => e.kind.slice('decision:'.length)),
    met: of('obligation-met'),
    metLate: of('obligation-met-late'),
    missed: of('obligation-missed'),
  };
}

test('learning: the L&D Group decides, the SSP send it back, it decides again, approved, action plan, closed', async () => {
  const c = await openCase(learningReferralForm());
  let s = await sspDecides(c, 'not-met-learning');
  const decidedAt = s.clocks['ssp-decision']!;
  expect(s.stage).toBe('learning-review');
  expect(s.clocks['learning-referred']).toBe(decidedAt);
  expectDeadline(s, 'ld-decision', 'learning-referred', londonDate(decidedAt), { after: 20 }, false);
  expectObligations(s, { open: ['ld-decision', 'referrer-feedback'], met: MET_AT_SSP_DECISION });

  // learning-review: refusals change nothing.
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ssp, { outcome: 'multi-agency-audit', rationale: LD_RATIONALE }), 'RoleNotAllowed');
  await expectRefused(c.handle, () => decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Too early' }), 'WrongStage');
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit' }), 'InvalidDecision');
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'serious-case-review', rationale: LD_RATIONALE }), 'InvalidDecision');
  await expectRefused(c.handle, () => decide(c.handle, 'close-case', actors.ldChair, {}), 'WrongStage');

  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, { note: 'Outcome fed back by letter' });
  expectObligations(s, { open: ['ld-decision'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback'] });

  s = await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit', rationale: LD_RATIONALE });
  const firstDecisionAt = s.clocks['ld-decision']!;
  expect(s.stage).toBe('awaiting-ssp-approval');
  expect(s.facts.ldOutcome).toBe('multi-agency-audit');
  expect(s.obligations['ld-decision']).toMatchObject({ round: 1, status: 'met', metAt: firstDecisionAt, metBy: actors.ldChair.id });
  expectDeadline(s, 'ld-decision-approval', 'ld-decision', londonDate(firstDecisionAt), { after: 10 }, false);
  expectObligations(s, { open: ['ld-decision-approval'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision'] });

  // awaiting-ssp-approval: refusals change nothing.
  await expectRefused(c.handle, () => decide(c.handle, 'ssp-approval', actors.ldChair, { approved: true, rationale: 'Not theirs' }), 'RoleNotAllowed');
  await expectRefused(c.handle, () => decide(c.handle, 'ssp-approval', actors.ssp, { approved: true }), 'InvalidDecision');
  await expectRefused(c.handle, () => decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'quality-assurance', rationale: LD_RATIONALE }), 'AlreadyMet');

  // §10.7: the SSP send the decision back; the L&D Group decides again (round 2).
  s = await decide(c.handle, 'ssp-approval', actors.ssp, { approved: false, rationale: 'Fictitious test rationale: a wider review is needed.' });
  const sentBackAt = s.clocks['learning-referred']!;
  expect(s.stage).toBe('learning-review');
  expect(sentBackAt).toBe(s.obligations['ld-decision-approval']!.metAt);
  expect(s.obligations['ld-decision']).toMatchObject({ round: 2, status: 'open' });
  expectDeadline(s, 'ld-decision', 'learning-referred', londonDate(sentBackAt), { after: 20 }, false);
  expect(rounds(s.met, 'ld-decision')).toEqual([1]);
  expect(rounds(s.open, 'ld-decision')).toEqual([2]);
  expectObligations(s, { open: ['ld-decision'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision', 'ld-decision-approval'] });

  s = await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-practice-review', rationale: LD_RATIONALE });
  const secondDecisionAt = s.clocks['ld-decision']!;
  expect(s.stage).toBe('awaiting-ssp-approval');
  expect(s.facts.ldOutcome).toBe('multi-agency-practice-review');
  expect(s.obligations['ld-decision-approval']).toMatchObject({ round: 2, status: 'open' });
  expectDeadline(s, 'ld-decision-approval', 'ld-decision', londonDate(secondDecisionAt), { after: 10 }, false);

  s = await decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Fictitious test rationale: approved.' });
  expect(s.stage).toBe('action-plan');
  expect(rounds(s.met, 'ld-decision')).toEqual([1, 2]);
  expect(rounds(s.met, 'ld-decision-approval')).toEqual([1, 2]);
  expectObligations(s, {
    open: [],
    met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision', 'ld-decision', 'ld-decision-approval', 'ld-decision-approval'],
  });
  expect(s.facts).toEqual({ lookedAfterChildDied: false, sspOutcome: 'not-met-learning', ldOutcome: 'multi-agency-practice-review' });
  await closeAndComplete(c);

  const register = await registerOf(c.ref);
  expect(register.decisions).toEqual([
    'ssp-informed',
    'ssp-decision',
    'referrer-feedback-sent',
    'ld-decision',
    'ssp-approval',
    'ld-decision',
    'ssp-approval',
    'close-case',
  ]);
  expect(register.entries.filter((e) => e.kind === 'decision:ssp-approval').map((e) => e.detail.approved)).toEqual([false, true]);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'referrer-feedback', 'ld-decision', 'ld-decision', 'ld-decision-approval', 'ld-decision-approval'].sort());
  expect(register.missed).toEqual([]);
  expect(register.metLate).toEqual([]);
});

test('learning: the L&D Group finds no further action, the SSP approve, closed', async () => {
  const c = await openCase(learningReferralForm());
  let s = await sspDecides(c, 'not-met-learning');
  expect(s.stage).toBe('learning-review');

  s = await decide(c.handle, 'ld-decision', actors.ldChair, { outcome: 'no-further-action', rationale: LD_RATIONALE });
  expect(s.stage).toBe('awaiting-ssp-approval');
  expect(s.facts.ldOutcome).toBe('no-further-action');
  s = await decide(c.handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Fictitious test rationale: agreed.' });
  expect(s.stage).toBe('no-further-action');
  expectObligations(s, { open: ['referrer-feedback'], met: [...MET_AT_SSP_DECISION, 'ld-decision', 'ld-decision-approval'] });
  await expectRefused(c.handle, () => decide(c.handle, 'close-case', actors.ssp, {}), 'WrongStage');

  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, {});
  expectObligations(s, { open: [], met: [...MET_AT_SSP_DECISION, 'ld-decision', 'ld-decision-approval', 'referrer-feedback'] });
  await closeAndComplete(c, actors.ssp);

  const register = await registerOf(c.ref);
  expect(register.decisions).toEqual(['ssp-informed', 'ssp-decision', 'ld-decision', 'ssp-approval', 'referrer-feedback-sent', 'close-case']);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'ld-decision', 'ld-decision-approval', 'referrer-feedback'].sort());
});

test('not met, no learning: no further action; closing waits for the feedback to the referrer', async () => {
  const c = await openCase(validReferralForm({ determination: { meetsCriteriaForNotification: false, learningToExplore: false } }));
  let s = await sspDecides(c, 'not-met-no-further-action');
  expect(s.stage).toBe('no-further-action');
  expect(s.facts).toEqual({ lookedAfterChildDied: false, sspOutcome: 'not-met-no-further-action' });
  expectObligations(s, { open: ['referrer-feedback'], met: MET_AT_SSP_DECISION });

  const before = await c.handle.query(statusQuery);
  const refused = await refusal(decide(c.handle, 'close-case', actors.ssp, {}));
  expect(refused).toEqual({ type: 'WrongStage', message: expect.stringContaining('obligations still open: referrer-feedback') });
  expect(await c.handle.query(statusQuery)).toEqual(before);

  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, { note: 'Rationale shared with the referrer' });
  expect(s.obligations['referrer-feedback']).toMatchObject({ status: 'met', metBy: actors.businessUnit.id });
  expectObligations(s, { open: [], met: [...MET_AT_SSP_DECISION, 'referrer-feedback'] });
  await closeAndComplete(c, actors.ssp);

  const register = await registerOf(c.ref);
  expect(register.decisions).toEqual(['ssp-informed', 'ssp-decision', 'referrer-feedback-sent', 'close-case']);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'referrer-feedback'].sort());
  expect(register.entries.filter((e) => e.kind === 'ssp-decision-shared-sent').map((e) => e.obligationId)).toEqual(['ld-informed']);
});

test('a looked-after child died: DfE and Ofsted must be told whatever the SSP decide; closing waits for it', async () => {
  const base = validReferralForm();
  const child = { ...base.children[0]!, lookedAfter: true, incidentRelatesToDeath: true, dateOfDeath: '2026-03-01' };
  const c = await openCase(validReferralForm({ children: [child] }), true);
  let s = await c.handle.query(statusQuery);
  expectDeadline(s, 'looked-after-death-notification', 'la-became-aware', c.receivedOn, { after: 5 });
  expectObligations(s, { open: ['ssp-informed', 'ssp-decision', 'looked-after-death-notification'], met: ['referral-submitted'] });

  s = await sspDecides(c, 'not-met-no-further-action', ['looked-after-death-notification']);
  expect(s.stage).toBe('no-further-action');
  expect(s.facts).toEqual({ lookedAfterChildDied: true, sspOutcome: 'not-met-no-further-action' });
  // Not withdrawn by the decision: §5.3 applies whatever the criteria decision.
  expectObligations(s, { open: ['looked-after-death-notification', 'referrer-feedback'], met: MET_AT_SSP_DECISION });

  let refused = await refusal(decide(c.handle, 'close-case', actors.ssp, {}));
  expect(refused).toEqual({ type: 'WrongStage', message: expect.stringContaining('obligations still open: looked-after-death-notification, referrer-feedback') });
  s = await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit, {});
  expectObligations(s, { open: ['looked-after-death-notification'], met: [...MET_AT_SSP_DECISION, 'referrer-feedback'] });

  const before = await c.handle.query(statusQuery);
  refused = await refusal(decide(c.handle, 'close-case', actors.ldChair, {}));
  expect(refused).toEqual({ type: 'WrongStage', message: expect.stringContaining('obligations still open: looked-after-death-notification') });
  expect(await c.handle.query(statusQuery)).toEqual(before);

  s = await decide(c.handle, 'looked-after-death-notified', actors.businessUnit, { note: 'DfE and Ofsted notified' });
  expect(s.obligations['looked-after-death-notification']).toMatchObject({ status: 'met', metBy: actors.businessUnit.id });
  expectObligations(s, { open: [], met: [...MET_AT_SSP_DECISION, 'referrer-feedback', 'looked-after-death-notification'] });
  await closeAndComplete(c);

  const register = await registerOf(c.ref);
  expect(register.decisions).toEqual(['ssp-informed', 'ssp-decision', 'referrer-feedback-sent', 'looked-after-death-notified', 'close-case']);
  expect(register.met).toEqual([...MET_AT_SSP_DECISION, 'referrer-feedback', 'looked-after-death-notification'].sort());
  expect(register.missed).toEqual([]);
});
