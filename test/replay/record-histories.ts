// Records complete case histories for the replay test (test/replay/replay.test.ts). Not a
// *.test.ts file, so `npm test` does not run it; run it on purpose when a new fixture is wanted:
//   npx jest --runInBand --testMatch '**/test/replay/record-histories.ts'
// Each path runs on the time-skipping server with the real worker, SMTP listener and register,
// to closure, and its history is written to test/fixtures/histories/<generation>/<path-name>.json
// with the real workflow ID beside it in <path-name>.meta.json. Fixtures are appended, never
// overwritten: a file already there stops the recording (start a new generation instead).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { exampleCareLeaverForm } from '../../config/example-care-leaver';
import { careLeaverOpeningOf } from '../../domain/incident';
import { caseOpenedUpdate, statusQuery, TASK_QUEUE, workflowIdFor } from '../../workflows/contract';
import { learningReferralForm } from '../fixtures/referral-form';
import { londonDate, monthsAfter, shiftDays, workingDaysAfter } from '../helpers/expected-dates';
import { actors, decide, mailsFor, newCaseReference, resultOf, skipPast, startCase, startHarness, waitFor, type CaseHandle, type Harness } from '../helpers/harness';

/** The workflow code's generation the recording belongs to (see test/replay/replay.test.ts). */
const GENERATION = process.env.HISTORY_GENERATION ?? 'v2-atomic-decisions';
const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories', GENERATION);

async function save(pathName: string, handle: CaseHandle, description: string): Promise<void> {
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES, { recursive: true });
  // 'wx': never overwrite a kept fixture.
  writeFileSync(path.join(HISTORIES, `${pathName}.json`), historyToJSON(history), { flag: 'wx' });
  const meta = { workflowId: handle.workflowId, path: pathName, description, events: history.events?.length ?? 0 };
  writeFileSync(path.join(HISTORIES, `${pathName}.meta.json`), `${JSON.stringify(meta, null, 2)}\n`, { flag: 'wx' });
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

test('lcspr-published-closed: criteria met, notification missed then met late, Rapid Review past its target, LCSPR published, kept a year, closed', async () => {
  const { handle, ref, status } = await startCase(h);
  const received = londonDate(status.receivedAt);

  expect((await decide(handle, 'ssp-informed', actors.businessUnit)).stage).toBe('awaiting-ssp-decision');
  const decided = await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: 'Serious harm and abuse suspected (test).' });
  expect(decided.stage).toBe('awaiting-national-notification');
  await h.smtp.waitFor((m) => m.subject === `[${ref}] SSP decision: criteria-met`);
  await decide(handle, 'referrer-feedback-sent', actors.businessUnit);

  // §3, §5.2: 5 WD from the LA becoming aware (the referral's receipt). Let it pass.
  const notification = decided.obligations['national-notification']!;
  expect(notification.deadline.dueDate).toBe(workingDaysAfter(received, 5));
  await skipPast(h, notification.deadline.dueAt);
  const escalation = await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] MISSED - LA notifies the Child Safeguarding Practice Review Panel`));
  expect(escalation.subject).toContain(`was due ${notification.deadline.dueDate}`);
  await waitFor(handle, (s) => s.obligations['national-notification']?.status === 'missed');

  const notified = await decide(handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0001' });
  expect(notified.obligations['national-notification']!.status).toBe('met-late');
  expect(notified.stage).toBe('awaiting-panel-acknowledgement');

  const acknowledged = await decide(handle, 'panel-acknowledgement', actors.businessUnit);
  expect(acknowledged.stage).toBe('rapid-review');
  const ackDate = londonDate(acknowledged.clocks['csprp-acknowledgement']!);
  const meeting = acknowledged.obligations['rapid-review-meeting']!;
  expect(meeting.deadline.target?.dueDate).toBe(workingDaysAfter(ackDate, 10));
  expect(meeting.deadline.dueDate).toBe(workingDaysAfter(ackDate, 15));

  // §6.2: the 7-10 WD target passes; the 15 WD limit has not.
  await skipPast(h, meeting.deadline.target!.dueAt);
  await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Target passed - Rapid Review Panel meets`));
  await waitFor(handle, (s) => s.obligations['rapid-review-meeting']?.targetWarnedAt !== undefined);

  const held = await decide(handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'lcspr', rationale: 'Learning for the partnership (test).' });
  expect(held.obligations['rapid-review-meeting']!.status).toBe('met');
  expect(held.stage).toBe('awaiting-level-of-review');
  const reported = await decide(handle, 'rapid-review-report', actors.ssp, { levelOfReview: 'lcspr', rationale: 'The Panel agreed an LCSPR (test).' });
  expect(reported.stage).toBe('awaiting-panel-response');
  const lcsprDecision = londonDate(reported.clocks['lcspr-decision']!);
  expect(reported.obligations['lcspr-publication']!.deadline.dueDate).toBe(monthsAfter(lcsprDecision, 6));

  expect((await decide(handle, 'panel-response', actors.businessUnit, { response: 'local-review' })).stage).toBe('lcspr');
  await decide(handle, 'reviewer-commissioned', actors.ssp, { reviewer: 'Independent reviewer (test)', reviewerId: actors.reviewer.id });
  await decide(handle, 'terms-of-reference-agreed', actors.rapidReviewChair);
  await decide(handle, 'review-progress', actors.reviewer, { summary: 'Practitioner events held (test).' });
  expect((await decide(handle, 'draft-report-to-ld', actors.reviewer)).stage).toBe('lcspr-draft');

  const today = londonDate(await h.env.currentTimeMs());
  const planned = shiftDays(today, 42);
  const signedOff = await decide(handle, 'ssp-sign-off', actors.ssp, { plannedPublicationDate: planned, publish: 'full-report' });
  expect(signedOff.stage).toBe('awaiting-publication');
  const sent = await decide(handle, 'report-sent-to-panel', actors.ssp);
  expect(sent.obligations['report-to-panel']!.status).toBe('met');

  // Published on the planned day (noon UTC: well away from any reminder or deadline).
  await skipPast(h, `${planned}T12:00:00.000Z`, 0);
  const published = await decide(handle, 'published', actors.ssp, { publishedOn: planned });
  expect(published.stage).toBe('action-plan');
  expect(published.obligations['lcspr-publication']!.status).toBe('met');
  const kept = published.obligations['publication-kept']!;
  expect(kept.deadline.dueDate).toBe(monthsAfter(planned, 12));

  // §14.4: a year public; reaching the date meets the minimum period.
  await skipPast(h, kept.deadline.dueAt);
  await waitFor(handle, (s) => s.obligations['publication-kept']?.status === 'met');
  expect((await decide(handle, 'close-case', actors.ssp, { note: 'Action plan handed to the L&D Group (test).' })).stage).toBe('closed');
  const final = await resultOf(h, handle);
  expect(final.stage).toBe('closed');
  expect(final.metLate.map((o) => o.id)).toContain('national-notification');
  expect(final.open).toEqual([]);
  expect(final.missed).toEqual([]);
  const kinds = (await h.cases.caseEntries(ref)).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['obligation-missed', 'escalation-sent', 'obligation-met-late', 'target-passed', 'decision:published', 'decision:close-case']));

  await save('lcspr-published-closed', handle, 'criteria met; national notification missed, escalated, met late; Rapid Review target passed; LCSPR, published, kept a year; closed');
});

test('learning-approved-closed: not met with learning, L&D decision, SSP approval overdue (local policy) then met late, action plan, closed', async () => {
  const { handle, ref } = await startCase(h, { referral: learningReferralForm() });
  await decide(handle, 'ssp-informed', actors.businessUnit);
  const decided = await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'not-met-learning', rationale: 'No serious harm; learning about information sharing (test).' });
  expect(decided.stage).toBe('learning-review');
  await h.smtp.waitFor((m) => m.subject === `[${ref}] SSP decision: not-met-learning`);
  await decide(handle, 'referrer-feedback-sent', actors.businessUnit);

  const ld = await decide(handle, 'ld-decision', actors.ldChair, { outcome: 'multi-agency-audit', rationale: 'An audit of information sharing (test).' });
  expect(ld.stage).toBe('awaiting-ssp-approval');
  const approval = ld.obligations['ld-decision-approval']!;
  expect(approval.deadline.dueDate).toBe(workingDaysAfter(londonDate(ld.clocks['ld-decision']!), 10));
  expect(approval.deadline.statutory).toBe(false);

  await skipPast(h, approval.deadline.dueAt);
  await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Overdue (local policy) - SSP approve the L&D Group's decision`));
  expect(mailsFor(h, ref, 'MISSED')).toHaveLength(0);
  await waitFor(handle, (s) => s.obligations['ld-decision-approval']?.status === 'missed');

  const approved = await decide(handle, 'ssp-approval', actors.ssp, { approved: true, rationale: 'Agreed (test).' });
  expect(approved.obligations['ld-decision-approval']!.status).toBe('met-late');
  expect(approved.stage).toBe('action-plan');
  expect((await decide(handle, 'close-case', actors.ldChair)).stage).toBe('closed');
  const final = await resultOf(h, handle);
  expect(final.stage).toBe('closed');
  expect(final.open).toEqual([]);

  await save('learning-approved-closed', handle, 'not met, learning; L&D decision; SSP approval overdue (local policy), escalated, met late; action plan; closed');
});

test('no-further-action-closed: not met, no learning, referrer told, closed', async () => {
  const { handle, ref } = await startCase(h);
  await decide(handle, 'ssp-informed', actors.businessUnit);
  const decided = await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'not-met-no-further-action', rationale: 'Criteria not met, no learning (test).' });
  expect(decided.stage).toBe('no-further-action');
  await h.smtp.waitFor((m) => m.subject === `[${ref}] SSP decision: not-met-no-further-action`);
  const feedback = await decide(handle, 'referrer-feedback-sent', actors.businessUnit);
  expect(feedback.obligations['referrer-feedback']!.status).toBe('met');
  expect((await decide(handle, 'close-case', actors.ssp)).stage).toBe('closed');
  const final = await resultOf(h, handle);
  expect(final.stage).toBe('closed');
  expect((await handle.query(statusQuery)).stage).toBe('closed');

  await save('no-further-action-closed', handle, 'not met, no further action; referrer feedback; closed');
});

// ---- WT-2023 (Working Together 2023 and the Panel's June 2025 guidance).

const WT_CONTENT = {
  factsAndAgencyInvolvement: 'Facts and key practice episodes (test).',
  immediateAction: 'Immediate action (test).',
  potentialImprovements: 'Improvements (test).',
  racismAndInequalities: 'Racism and inequalities considered (test).',
  nextSteps: 'Next steps (test).',
};

test('wt-2023-rapid-review-closed: notified, the rapid review under way before the acknowledgement, one agency returns and one misses its date, no further action, closed', async () => {
  const { handle, ref } = await startCase(h, { rulebookVersion: 'WT-2023' });
  await decide(handle, 'ssp-informed', actors.businessUnit);
  await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: 'Serious harm and abuse suspected (test).' });
  await decide(handle, 'referrer-feedback-sent', actors.businessUnit);
  const notified = await decide(handle, 'national-notification', actors.businessUnit, { panelReference: 'CSPRP-TEST-0008' });
  expect(notified.stage).toBe('rapid-review');

  const due = workingDaysAfter(londonDate(await h.env.currentTimeMs()), 3);
  await decide(handle, 'rapid-review-information-requested', actors.rapidReviewChair, { agencies: [{ agency: 'Example Police' }, { agency: 'Example Health Trust' }], returnsDueOn: due });
  await decide(handle, 'rapid-review-return', { id: 'health-1', role: 'action-owner', agency: 'Example Health Trust' }, {
    involvement: 'Health visiting (test).',
    safeguardingIssues: 'None known (test).',
    informationHeld: 'Records (test).',
    author: 'Named nurse (test)',
    chronology: [{ date: '2025-03-04', event: 'Visit (test)', agency: 'Example Health Trust', source: 'Records', involved: 'Health visitor', decisionsAndOutcome: 'Universal service', childSeen: 'no' }],
  });
  // The police miss their date: reminded, then escalated.
  await skipPast(h, `${shiftDays(due, 1)}T12:00:00.000Z`);
  await waitFor(handle, (s) => Object.values(s.obligations).some((o) => o.id.startsWith('rapid-review-return') && o.status === 'missed'));

  await decide(handle, 'rapid-review-held', actors.rapidReviewChair, { recommendation: 'no-further-action', rationale: 'No further review (test).' });
  await decide(handle, 'panel-acknowledgement', actors.businessUnit);
  await decide(handle, 'rapid-review-report', actors.ssp, { levelOfReview: 'no-further-action', rationale: 'No further review (test).', ...WT_CONTENT });
  expect((await decide(handle, 'panel-response', actors.businessUnit, { response: 'local-review' })).stage).toBe('no-further-action');
  expect((await decide(handle, 'close-case', actors.ssp)).stage).toBe('closed');
  expect((await resultOf(h, handle)).stage).toBe('closed');
  expect(ref).toBeTruthy();

  await save('wt-2023-rapid-review-closed', handle, 'WT-2023: rapid review from the notification, agencies asked (one returns, one misses), no further action, closed');
});

test("wt-2023-care-leaver-closed: a care leaver's death, notified late, closed", async () => {
  const ref = newCaseReference();
  const receivedAt = new Date(await h.env.currentTimeMs()).toISOString();
  const form = exampleCareLeaverForm(londonDate(receivedAt));
  const handle = (await h.env.client.workflow.start('incidentWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(ref),
    args: [{ start: careLeaverOpeningOf(ref, receivedAt, 'WT-2023', actors.businessUnit, form) }],
  })) as CaseHandle;
  await handle.executeUpdate(caseOpenedUpdate);
  const opened = await waitFor(handle, (s) => s.obligations['care-leaver-death-notification']?.status === 'open');
  await skipPast(h, opened.obligations['care-leaver-death-notification']!.deadline.dueAt);
  await waitFor(handle, (s) => s.obligations['care-leaver-death-notification']?.status === 'missed');
  expect((await decide(handle, 'care-leaver-death-notified', actors.businessUnit)).stage).toBe('closed');
  expect((await resultOf(h, handle)).stage).toBe('closed');

  await save('wt-2023-care-leaver-closed', handle, "WT-2023: a care leaver's death, the notification missed then made, closed");
});
