// The death of a care leaver up to and including the age of 24 (Working Together 2023, chapter 5),
// through the case service on the time-skipping server, with the real worker, SMTP listener and
// register: the notification opens a case of its own kind under WT-2023 that waits only for the
// local authority to notify the Secretary of State and Ofsted (5 working days from its awareness),
// reminds and escalates per the rule, and closes when notified. The expected deadline is counted
// here with the tests' own calendar (helpers/expected-dates.ts), never taken from the code.
import { exampleCareLeaverForm } from '../../config/example-care-leaver';
import type { CaseStatus } from '../../domain/case';
import { WT_2023 } from '../../domain/rulebook';
import type { Actor } from '../../domain/roles';
import { registerOf } from '../../register/register';
import { caseService, type CaseService } from '../../services/cases';
import { Refused } from '../../services/refused';
import { boundedCalls } from '../../services/temporal-calls';
import { decisionUpdate, statusQuery } from '../../workflows/contract';
import { count, endOfDay, londonDate, shiftDays } from '../helpers/expected-dates';
import { TEST_KEY_RING } from '../helpers/keys';
import { MAILBOX } from '../helpers/obligations';
import { actors, decide, mailsFor, refusalOf, resultOf, skipPast, startHarness, waitFor, type CaseHandle, type Harness } from '../helpers/harness';

const STEP = 'LA notifies the Secretary of State and Ofsted of the death of a care leaver';
const BU: Actor = actors.businessUnit;

let h: Harness;
let serverNow = Date.now();
const serviceUnder = (rulebookVersion: string): CaseService =>
  caseService({
    temporal: h.env.client,
    register: registerOf(h.register, TEST_KEY_RING),
    bounded: boundedCalls(h.env.client, 30_000),
    timeoutMs: 30_000,
    rulebookVersion,
    now: () => new Date(serverNow),
  });

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** London's date on the test server, the service's clock set to it. */
async function today(): Promise<string> {
  serverNow = await h.env.currentTimeMs();
  return londonDate(serverNow);
}

/** A date of birth that makes the care leaver `years` old on `dateOfDeath`, their next birthday the day after it. */
function bornForAge(dateOfDeath: string, years: number): string {
  const dayAfter = shiftDays(dateOfDeath, 1);
  return `${Number(dayAfter.slice(0, 4)) - years - 1}${dayAfter.slice(4)}`;
}

/** The decision that meets the notification (the case closes on it, so its answer is all there is to wait for). */
async function notified(handle: CaseHandle, payload: Record<string, unknown>): Promise<void> {
  await handle.executeUpdate(decisionUpdate('care-leaver-death-notified'), { args: [{ actor: BU, payload }] });
}

async function opened(ref: string): Promise<{ handle: CaseHandle; status: CaseStatus }> {
  const handle = h.env.client.workflow.getHandle(`incident-${ref}`) as CaseHandle;
  return { handle, status: await waitFor(handle, (s) => s.pending.notices === 0 && s.pending.records === 0) };
}

test('a care leaver aged 24 (the day before their 25th birthday): opened, reminded, escalated, closed when notified', async () => {
  const aware = await today();
  const form = exampleCareLeaverForm(aware);
  form.careLeaver.dateOfBirth = bornForAge(form.careLeaver.dateOfDeath, 24);
  const service = serviceUnder(WT_2023.version);
  const first = await service.openCareLeaverDeath(BU, { careLeaverDeath: form }, 'care-leaver-key-0001');
  expect(first.created).toBe(true);
  // The same Idempotency-Key and form again: the same case, nothing new.
  expect(await service.openCareLeaverDeath(BU, { careLeaverDeath: form }, 'care-leaver-key-0001')).toMatchObject({ caseReference: first.caseReference, created: false });
  const ref = first.caseReference;
  const { handle, status } = await opened(ref);

  // Its own stage, and only its notification: no SSP steps, no national notification.
  expect(status.stage).toBe('awaiting-care-leaver-notification');
  expect(status.rulebookVersion).toBe('WT-2023');
  expect(status.facts.caseKind).toBe('care-leaver-death');
  expect(Object.keys(status.obligations)).toEqual(['care-leaver-death-notification']);
  const o = status.obligations['care-leaver-death-notification']!;
  const { dueDate, skipped } = count(aware, { workingDaysAfter: 5 });
  expect(o.deadline.clock).toEqual({ event: 'la-became-aware', date: aware });
  expect(o.deadline.dueDate).toBe(dueDate);
  expect(o.deadline.dueAt).toBe(endOfDay(dueDate));
  expect(o.deadline.skipped.map((d) => d.date)).toEqual(skipped.map(([date]) => date));
  expect(o.deadline).toMatchObject({ statutory: true, section: 'WT 2023 ch. 5' });

  // The form is kept sealed in the register, marked by its kind; it is no Appendix 1 referral.
  expect(await h.cases.storedFormOf(ref)).toEqual({ kind: 'care-leaver-death', careLeaverDeath: form });
  expect(await h.cases.referralOf(ref)).toBeUndefined();

  // The Business Unit is told the step is theirs; the email names the case only.
  const told = await h.smtp.waitFor((m) => m.subject === `[${ref}] Now yours - ${STEP}: due ${dueDate}`);
  expect(told.to).toEqual([MAILBOX['business-unit']]);
  expect(told.text).not.toContain(form.careLeaver.fullName);

  // Past the deadline: reminded twice (2 working days before, and on the day), then escalated.
  await skipPast(h, o.deadline.dueAt);
  const escalation = await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] MISSED - ${STEP}`));
  expect([...escalation.to].sort()).toEqual([MAILBOX['business-manager'], MAILBOX['director-childrens-services']].sort());
  expect(mailsFor(h, ref, `Reminder - ${STEP}`)).toHaveLength(2);
  const missed = await waitFor(handle, (s) => s.obligations['care-leaver-death-notification']!.status === 'missed');
  expect(missed.stage).toBe('awaiting-care-leaver-notification');

  // Notified (late): the case closes, nothing else follows.
  await notified(handle, { note: 'Notified to the DfE and Ofsted' });
  const final = await resultOf(h, handle);
  expect(final.stage).toBe('closed');
  expect(final.obligations['care-leaver-death-notification']!.status).toBe('met-late');
  expect(Object.keys(final.obligations)).toEqual(['care-leaver-death-notification']);
  const kinds = (await h.cases.caseEntries(ref)).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['referral-received', 'reminder-sent', 'obligation-missed', 'escalation-sent', 'decision:care-leaver-death-notified', 'obligation-met-late']));
});

test('notified in time: met, closed, no escalation', async () => {
  const aware = await today();
  const opened1 = await serviceUnder(WT_2023.version).openCareLeaverDeath(BU, { careLeaverDeath: exampleCareLeaverForm(aware) });
  const { handle } = await opened(opened1.caseReference);
  await notified(handle, {});
  const final = await resultOf(h, handle);
  expect(final.stage).toBe('closed');
  expect(final.obligations['care-leaver-death-notification']!.status).toBe('met');
  expect(mailsFor(h, opened1.caseReference, 'MISSED')).toHaveLength(0);
});

test('a care leaver aged 25 on the date of death is refused, with the reason; nothing is opened', async () => {
  const aware = await today();
  const form = exampleCareLeaverForm(aware);
  form.careLeaver.dateOfBirth = bornForAge(form.careLeaver.dateOfDeath, 25);
  const refused = await serviceUnder(WT_2023.version)
    .openCareLeaverDeath(BU, { careLeaverDeath: form }, 'care-leaver-key-0025')
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(Refused);
  const r = refused as Refused;
  expect(r).toMatchObject({ status: 422, code: 'InvalidReferral' });
  expect(r.problems).toEqual([
    {
      path: 'careLeaverDeath.careLeaver.dateOfDeath',
      message: expect.stringContaining('up to and including the age of 24 (Working Together 2023, chapter 5); on the date of death they were 25.'),
    },
  ]);
  // No personal data in what is refused.
  expect(JSON.stringify({ message: r.message, problems: r.problems })).not.toContain(form.careLeaver.fullName);
});

test('a partnership under DSP-1.5 is refused, naming the partnership file\'s rulebook setting', async () => {
  const aware = await today();
  const refused = (await serviceUnder('DSP-1.5')
    .openCareLeaverDeath(BU, { careLeaverDeath: exampleCareLeaverForm(aware) })
    .catch((e: unknown) => e)) as Refused;
  expect(refused).toBeInstanceOf(Refused);
  expect(refused.code).toBe('InvalidReferral');
  expect(refused.message).toContain('sets `rulebook` to DSP-1.5');
  expect(refused.message).toContain('WT-2023');
});

test('the case refuses the serious incident path (its decisions do not fit)', async () => {
  const aware = await today();
  const { caseReference } = await serviceUnder(WT_2023.version).openCareLeaverDeath(BU, { careLeaverDeath: exampleCareLeaverForm(aware) });
  const { handle } = await opened(caseReference);
  expect(await refusalOf(decide(handle, 'ssp-informed', BU, {}))).toBe('WrongStage');
  expect(await refusalOf(decide(handle, 'care-leaver-death-notified', actors.ssp, {}))).toBe('RoleNotAllowed');
  expect((await handle.query(statusQuery)).stage).toBe('awaiting-care-leaver-notification');
});
