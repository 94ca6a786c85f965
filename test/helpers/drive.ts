// ---- Driving a case forward on the time-skipping server (the order, roles and payloads of
// domain/decisions.ts), each step checked to land in the stage the procedure's map says.
import type { CaseStatus } from '../../domain/case';
import type { SSP_OUTCOMES } from '../../domain/decisions';
import type { ReferralForm } from '../../domain/referral-form';
import type { Actor } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { londonDate, londonInstant, notWorking, shiftDays } from './expected-dates';
import { actors, decide, mailsFor, resultOf, skipPast, startCase, waitFor, type CaseHandle, type Harness } from './harness';
import { expectDeadline, expectObligations, MAILBOX } from './obligations';

export const RATIONALE = 'Test rationale: considered against the criteria in the procedure';

/** London's date on the test server's clock. */
export async function today(h: Harness): Promise<string> {
  return londonDate(await h.env.currentTimeMs());
}

/** A new case, the SSP informed: the criteria decision is awaited. */
export async function caseAwaitingSspDecision(h: Harness) {
  const c = await startCase(h);
  const status = await decide(c.handle, 'ssp-informed', actors.businessUnit);
  expect(status.stage).toBe('awaiting-ssp-decision');
  return { ...c, status };
}

/** The SSP decide the criteria are met: the national notification is awaited. */
export async function caseAwaitingNotification(h: Harness) {
  const c = await caseAwaitingSspDecision(h);
  const status = await decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: RATIONALE });
  expect(status.stage).toBe('awaiting-national-notification');
  return { ...c, status };
}

/** Referrer told and the Panel notified: its acknowledgement is awaited. */
export async function caseAwaitingAcknowledgement(h: Harness) {
  const c = await caseAwaitingNotification(h);
  await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);
  const status = await decide(c.handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0001' });
  expect(status.stage).toBe('awaiting-panel-acknowledgement');
  return { ...c, status };
}

/** The Panel acknowledged: the Rapid Review is under way. */
export async function caseInRapidReview(h: Harness) {
  const c = await caseAwaitingAcknowledgement(h);
  const status = await decide(c.handle, 'panel-acknowledgement', actors.businessUnit);
  expect(status.stage).toBe('rapid-review');
  return { ...c, status };
}

/** The Rapid Review held and the level of review reported: the Panel's response is awaited. */
export async function caseAwaitingPanelResponse(h: Harness, levelOfReview: 'lcspr' | 'other-review') {
  const c = await caseInRapidReview(h);
  await decide(c.handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: levelOfReview, rationale: RATIONALE });
  const status = await decide(c.handle, 'rapid-review-report', actors.ssp, { levelOfReview, rationale: RATIONALE });
  expect(status.stage).toBe('awaiting-panel-response');
  return { ...c, status };
}

/** The Panel agreed a local review: the LCSPR is under way. */
export async function caseInLcspr(h: Harness) {
  const c = await caseAwaitingPanelResponse(h, 'lcspr');
  const status = await decide(c.handle, 'panel-response', actors.businessUnit, { response: 'local-review' });
  expect(status.stage).toBe('lcspr');
  return { ...c, status };
}

/** Reviewer commissioned, terms of reference agreed, the draft report with the L&D Group. */
export async function caseWithDraftReport(h: Harness) {
  const c = await caseInLcspr(h);
  await decide(c.handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)', reviewerId: actors.reviewer.id });
  await decide(c.handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  const status = await decide(c.handle, 'draft-report-to-ld', actors.reviewer);
  expect(status.stage).toBe('lcspr-draft');
  return { ...c, status };
}

// ---- Along a path of the procedure's map, every obligation met in time and checked as it opens.

/** The form with the referrer aware on `becameAware` and submitting (the organisation agreeing) on `submitted`. */
export function referrerAwareOn(form: ReferralForm, becameAware: string, submitted = becameAware): ReferralForm {
  return { ...form, referrer: { ...form.referrer, becameAwareDate: becameAware, dateSubmitted: submitted, organisationAgreementDate: submitted } };
}

export interface PathCase {
  handle: CaseHandle;
  ref: string;
  /** London's date of the referral's receipt: the referral-received and la-became-aware clocks. */
  receivedOn: string;
  status: CaseStatus;
}

/** Met once the SSP have decided, whatever they decide. */
export const MET_AT_SSP_DECISION = ['referral-submitted', 'ssp-informed', 'ssp-decision', 'ld-informed'];

/** Opens a case from the form, the referrer aware and submitting today (on time); checks the opening deadlines. */
export async function openCase(h: Harness, form: ReferralForm = validReferralForm(), lookedAfterChildDied = false): Promise<PathCase> {
  const awareOn = await today(h);
  const started = await startCase(h, { referral: referrerAwareOn(form, awareOn) });
  const handle = started.handle;
  // The looked-after death obligation opens just after the ones startCase waits for.
  const status = lookedAfterChildDied
    ? await waitFor(handle, (s) => s.obligations['looked-after-death-notification'] !== undefined)
    : started.status;
  const receivedOn = londonDate(status.receivedAt);
  expect(status.stage).toBe('referral-received');
  // The referring agency, from the form (the Business Unit entered it): who may follow it as referrer.
  expect(status.facts).toEqual({ lookedAfterChildDied, referringAgency: form.referrer.organisation });
  expectDeadline(status, 'referral-submitted', 'referrer-became-aware', awareOn, { workingDaysAfter: 1 });
  // §5.1 and §4.6: the earlier of 1 WD from the LA's awareness and from receipt; the same day here.
  expectDeadline(status, 'ssp-informed', 'la-became-aware', receivedOn, { workingDaysAfter: 1 }, true, 'the same as the count from referral-received');
  expectDeadline(status, 'ssp-decision', 'referral-received', receivedOn, { workingDaysAfter: 5 });
  const deathNotification = lookedAfterChildDied ? ['looked-after-death-notification'] : [];
  // §5.2: the notification is watched from the referral, counted from the LA's awareness.
  expectDeadline(status, 'national-notification', 'la-became-aware', receivedOn, { workingDaysAfter: 5 });
  expectObligations(status, { open: ['ssp-informed', 'ssp-decision', 'national-notification', ...deathNotification], met: ['referral-submitted'] });
  return { handle, ref: started.ref, receivedOn, status };
}

type SspOutcome = (typeof SSP_OUTCOMES)[number];

/**
 * SSP informed, then the SSP decide: the L&D Chair hears of it, the referrer-feedback clock
 * starts, and with the criteria met the national notification's. `alsoOpen`: obligations open
 * besides ssp-decision before it (the looked-after death notification).
 */
export async function sspDecides(h: Harness, c: PathCase, outcome: SspOutcome, alsoOpen: string[] = []): Promise<CaseStatus> {
  let s = await decide(c.handle, 'ssp-informed', actors.businessUnit, { note: 'SSP informed by secure email' });
  expect(s.stage).toBe('awaiting-ssp-decision');
  expectObligations(s, { open: ['ssp-decision', 'national-notification', ...alsoOpen], met: ['referral-submitted', 'ssp-informed'] });
  expect(s.obligations['referrer-feedback']).toBeUndefined();
  expect(mailsFor(h, c.ref, 'SSP decision')).toHaveLength(0);

  const rationale = outcome === 'criteria-met' ? 'Fictitious test rationale: serious harm, abuse suspected.' : 'Fictitious test rationale: no serious harm.';
  s = await decide(c.handle, 'ssp-decision', actors.ssp, { outcome, rationale });
  const decidedAt = s.clocks['ssp-decision']!;
  expect(s.facts.sspOutcome).toBe(outcome);
  expect(s.obligations['ssp-decision']).toMatchObject({ status: 'met', metAt: decidedAt, metBy: actors.ssp.id });
  expectDeadline(s, 'referrer-feedback', 'ssp-decision', londonDate(decidedAt), { workingDaysAfter: 5 });
  if (outcome === 'criteria-met') {
    expect(s.stage).toBe('awaiting-national-notification');
    expect(s.facts).toEqual({ lookedAfterChildDied: false, sspOutcome: outcome, referringAgency: expect.any(String) });
    expectDeadline(s, 'national-notification', 'la-became-aware', c.receivedOn, { workingDaysAfter: 5 });
  } else {
    // Criteria not met: nothing goes to the Panel; the notification watched since the referral is withdrawn.
    expect(s.obligations['national-notification']).toMatchObject({ status: 'withdrawn' });
  }
  // §5.6, §10.1: the decision and its rationale go to the L&D Chair at once, and that meets ld-informed.
  const mail = await h.smtp.waitFor((m) => m.subject === `[${c.ref}] SSP decision: ${outcome}`);
  expect(mail.to).toEqual([MAILBOX['ld-chair']]);
  expect(mail.text).not.toContain('Test Child');
  expectDeadline(s, 'ld-informed', 'ssp-decision', londonDate(decidedAt), { workingDaysAfter: 1 });
  expect(s.obligations['ld-informed']).toMatchObject({ status: 'met', metBy: 'system' });
  if (outcome === 'criteria-met') expectObligations(s, { open: ['national-notification', 'referrer-feedback'], met: MET_AT_SSP_DECISION });
  return s;
}

/** Closes the case and the workflow completes. */
export async function closeAndComplete(h: Harness, c: { handle: CaseHandle }, actor: Actor = actors.ldChair): Promise<CaseStatus> {
  const s = await decide(c.handle, 'close-case', actor, {});
  expect(s.stage).toBe('closed');
  const final = await resultOf(h, c.handle);
  expect(final.stage).toBe('closed');
  expect(final.open).toEqual([]);
  return final;
}

/** Skips to 10:00 London on the next working day (today, if it is one and 10:00 is still ahead): counted days are then plain to work out. */
export async function skipToWorkingMorning(h: Harness): Promise<string> {
  const now = await h.env.currentTimeMs();
  let day = londonDate(now);
  while (notWorking(day) || Date.parse(londonInstant(day, '10:00:00')) <= now) day = shiftDays(day, 1);
  await skipPast(h, londonInstant(day, '10:00:00'), 0);
  return day;
}
