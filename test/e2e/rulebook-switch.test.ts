// A partnership moves to WT-2023 with DSP-1.5 cases open: through the real API on the real
// Temporal dev server, the API is started again from a partnership file that says "WT-2023" (as a
// deployment restarts with its changed file). New cases start under WT-2023; the open DSP-1.5
// case keeps its rules (its rapid review still waits for the Panel's acknowledgement, §6.2) and
// its dates; both histories replay against today's workflow code.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import request from 'supertest';
import { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { loadPartnership } from '../../config';
import { statusQuery, workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { count, londonDate } from '../helpers/expected-dates';
import { TEST_DATA_CONVERTER } from '../helpers/keys';
import { workflowBundle } from '../helpers/stack';
import { HTML, signedInAgent, webOptionsFor } from '../helpers/pages';
import type { Express } from 'express';

const PEOPLE = [
  { id: 'bu-1', role: 'business-unit' as const, agency: 'Business Unit', token: 'switch-bu-token' },
  { id: 'ssp-1', role: 'ssp' as const, agency: 'Local Authority', token: 'switch-ssp-token' },
];
const BU = bearer('switch-bu-token');
const SSP = bearer('switch-ssp-token');

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

/** The example partnership file with its rulebook set, written where a deployment keeps it. */
function partnershipFile(rulebook: string): string {
  const example = JSON.parse(readFileSync(path.join(__dirname, '../../config/partnership.example.json'), 'utf8')) as Record<string, unknown>;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'partnership-')), 'partnership.json');
  writeFileSync(file, JSON.stringify({ ...example, rulebook }));
  return file;
}

/** The API as a deployment starts it from its partnership file (api/main.ts passes `rulebook` on). */
function apiFrom(file: string): Express {
  const partnership = loadPartnership(file);
  const mailer = nodemailer.createTransport(stack.smtp.url);
  return createApp({ ...stack.appDependencies, rulebookVersion: partnership.rulebook, web: webOptionsFor(PEOPLE), smtpReachable: () => mailer.verify() });
}

interface CaseBody {
  rulebookVersion: string;
  stage: string;
  obligations: Record<string, { status: string }>;
  deadlines?: unknown;
}

async function referral(app: Express): Promise<string> {
  const created = await request(app).post('/referrals').set(BU).send({ referral: validReferralForm() });
  expect(created.status).toBe(201);
  return created.body.caseReference as string;
}

async function decide(app: Express, ref: string, name: string, token: Record<string, string>, body: Record<string, unknown> = {}): Promise<CaseBody> {
  const res = await request(app).post(`/cases/${ref}/decisions/${name}`).set(token).send(body);
  expect([res.status, res.body.type]).toEqual([200, undefined]);
  return (await settledCase(app, ref, 'switch-bu-token')).body as CaseBody;
}

/** The case as the workflow holds it, with each obligation's deadline (the status query). */
async function deadlinesOf(ref: string): Promise<Record<string, { deadline: { clock: { event: string; date: string }; dueDate: string } }>> {
  const status = await stack.env.client.workflow.getHandle(workflowIdFor(ref)).query(statusQuery);
  return status.obligations as never;
}

async function expectReplays(ref: string): Promise<void> {
  const history = await stack.env.client.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: TEST_DATA_CONVERTER }, history, workflowIdFor(ref));
}

test('a partnership file set to WT-2023 starts new cases under it; the open DSP-1.5 case keeps its rules and dates, and both replay', async () => {
  const before = apiFrom(partnershipFile('DSP-1.5'));
  const seed = await referral(before);
  await settledCase(before, seed, 'switch-bu-token');
  await decide(before, seed, 'ssp-informed', BU);
  await decide(before, seed, 'ssp-decision', SSP, { outcome: 'criteria-met', rationale: 'Test rationale for the switch' });
  const seedDeadlines = await deadlinesOf(seed);

  // The partnership moves: the API starts again from the changed file.
  const after = apiFrom(partnershipFile('WT-2023'));
  const today = await referral(after);
  const opened = (await settledCase(after, today, 'switch-bu-token')).body as CaseBody;
  expect(opened.rulebookVersion).toBe('WT-2023');
  expect(((await settledCase(after, seed, 'switch-bu-token')).body as CaseBody).rulebookVersion).toBe('DSP-1.5');
  // The seed case's deadlines so far are as they were.
  expect(await deadlinesOf(seed)).toMatchObject(Object.fromEntries(Object.entries(seedDeadlines).map(([id, o]) => [id, { deadline: { dueDate: o.deadline.dueDate, clock: o.deadline.clock } }])));

  // Both notified the same day: under WT-2023 the rapid review starts; under DSP-1.5 it waits.
  await decide(after, today, 'ssp-informed', BU);
  await decide(after, today, 'ssp-decision', SSP, { outcome: 'criteria-met', rationale: 'Test rationale for the switch' });
  const wt = await decide(after, today, 'national-notification', BU, { panelReference: 'CSPRP-TEST-0002' });
  const dsp = await decide(after, seed, 'national-notification', BU, { panelReference: 'CSPRP-TEST-0001' });
  expect(wt.stage).toBe('rapid-review');
  expect(Object.keys(wt.obligations)).toEqual(expect.arrayContaining(['rapid-review-meeting', 'rapid-review-report', 'csprp-acknowledgement']));
  expect(dsp.stage).toBe('awaiting-panel-acknowledgement');
  expect(Object.keys(dsp.obligations)).not.toContain('rapid-review-meeting');

  const sentOn = londonDate(Date.now());
  const wtMeeting = (await deadlinesOf(today))['rapid-review-meeting']!.deadline;
  expect(wtMeeting.clock).toEqual({ event: 'national-notification-sent', date: sentOn });
  expect(wtMeeting.dueDate).toBe(count(sentOn, { workingDaysAfter: 15 }).dueDate);

  // The seed case's rapid review counts from the acknowledgement, as DSP 1.5 §6.2 says.
  const acknowledged = await decide(after, seed, 'panel-acknowledgement', BU);
  expect(acknowledged.stage).toBe('rapid-review');
  const dspMeeting = (await deadlinesOf(seed))['rapid-review-meeting']!.deadline;
  expect(dspMeeting.clock).toEqual({ event: 'csprp-acknowledgement', date: londonDate(Date.now()) });
  expect(dspMeeting.dueDate).toBe(count(londonDate(Date.now()), { workingDaysAfter: 15 }).dueDate);

  await expectReplays(seed);
  await expectReplays(today);
});

test('a partnership file naming an unknown rulebook stops the start, naming the setting', () => {
  expect(() => loadPartnership(partnershipFile('WT-2018'))).toThrow(/rulebook: must be one of DSP-1\.5, WT-2023/);
});

test("the pages name the partners in the words of the partnership's rulebook (WT 2023 chapter 2), and of each case's", async () => {
  const before = apiFrom(partnershipFile('DSP-1.5'));
  const seed = await referral(before);
  const after = apiFrom(partnershipFile('WT-2023'));
  const today = await referral(after);
  await settledCase(after, today, 'switch-bu-token');
  await settledCase(after, seed, 'switch-bu-token');

  const underWt = await signedInAgent(after, 'ssp-1');
  const wtCase = await underWt.get(`/cases/${today}`).set('Accept', HTML);
  expect(wtCase.status).toBe(200);
  expect(wtCase.text).toContain('Signed in as ssp-1 (the Delegated Safeguarding Partners, Local Authority)');
  // Each case's steps name their owners in its own rulebook's words.
  expect(wtCase.text).toContain('Delegated Safeguarding Partners decide whether the criteria for notification are met');
  const seedCase = await underWt.get(`/cases/${seed}`).set('Accept', HTML);
  expect(seedCase.text).toContain('SSP meet and decide whether the criteria for notification are met');

  const underDsp = await signedInAgent(before, 'ssp-1');
  expect((await underDsp.get(`/cases/${seed}`).set('Accept', HTML)).text).toContain('Signed in as ssp-1 (the SSP, Local Authority)');
});
