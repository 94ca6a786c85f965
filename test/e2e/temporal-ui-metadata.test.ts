// What the Temporal UI's API gives for a case and an improvement action (SDK 1.24 user metadata),
// on the real dev server, read by a client WITHOUT the payload codec, as the UI reads it with no
// codec endpoint: the workflow's static summary (describe), its current details (the built-in
// __temporal_workflow_metadata query the UI calls), the summaries of its timers and activities in
// its history. They say the stage and what it waits for, and no personal data; every other
// payload in the history stays encrypted.
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import request from 'supertest';
import { ENCRYPTED_ENCODING } from '../../config/payload-codec';
import { STAGE_NAMES, type Stage } from '../../domain/case';
import { actionWorkflowId, workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { formValues } from '../helpers/plaintext';

const PEOPLE = [
  { id: 'bu-1', role: 'business-unit' as const, agency: 'Business Unit', token: 'meta-bu' },
  { id: 'ssp-la', role: 'ssp' as const, agency: 'Local Authority', token: 'meta-ssp' },
  { id: 'ld-chair', role: 'ld-chair' as const, agency: 'Learning and Development Group', token: 'meta-ld' },
];
const AGENCY = 'Example Health Trust';
const RATIONALE = 'Metadata test rationale: Test Child was harmed at home (test)';
const ACTION = { agency: AGENCY, owner: 'Named lead for metadata (test)', description: 'Audit for metadata (test)', finding: 'Finding for metadata (test)', deadline: new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10) };
const FORM = validReferralForm();
/** What must never be readable without the codec: the referral's values, the decisions' words, the action's. */
const SECRETS = [...formValues(FORM), RATIONALE, ACTION.owner, ACTION.description, ACTION.finding, AGENCY];

let stack: DevStack;
/** A client without the codec: what the Temporal UI reads with no codec endpoint. */
let plain: Client;
const post = (token: string, path: string, body: object) => request(stack.app).post(path).set(bearer(token)).send(body);

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE, app: { agencies: [AGENCY] } });
  plain = new Client({ connection: stack.env.connection, namespace: stack.env.namespace ?? 'default' });
});
afterAll(async () => {
  await stack?.stop();
});

async function decide(token: string, ref: string, decision: string, body: object): Promise<void> {
  const res = await post(token, `/cases/${ref}/decisions/${decision}`, body);
  expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
}

/** The current details the UI shows, once they name `words` (they follow a decision's answer in the same turn or the next). */
async function currentDetails(workflowId: string, words: string): Promise<string> {
  const until = Date.now() + 10_000;
  for (;;) {
    const metadata = await plain.workflow.getHandle(workflowId).query<{ currentDetails: string; definition: { type: string } }>('__temporal_workflow_metadata');
    if (metadata.currentDetails.includes(words) || Date.now() > until) return metadata.currentDetails;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectStage(ref: string, stage: Stage, waitsFor: string[]): Promise<string> {
  const details = await currentDetails(workflowIdFor(ref), STAGE_NAMES[stage]);
  expect(details).toContain(`**Stage:** ${STAGE_NAMES[stage]} (\`${stage}\`)`);
  for (const id of waitsFor) expect(details).toMatch(new RegExp(`^- \`${id}\` .*: from .*, due \\d{4}-\\d{2}-\\d{2}`, 'm'));
  if (waitsFor.length) expect(details).toMatch(/\*\*Next deadline:\*\* \d{4}-\d{2}-\d{2}/);
  expect(details).toContain('**Missed:** 0');
  expect(SECRETS.filter((s) => details.includes(s))).toEqual([]);
  return details;
}

/** Every payload in a history with where it is, and whether the codec encrypted it. */
function payloadsIn(value: unknown, at: string, out: Array<{ at: string; payload: Payload }> = []): Array<{ at: string; payload: Payload }> {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  if ('metadata' in value && 'data' in value && (value as Payload).metadata?.[METADATA_ENCODING_KEY]) out.push({ at, payload: value as Payload });
  else for (const [k, v] of Object.entries(value)) payloadsIn(v, `${at}.${k}`, out);
  return out;
}
const encoding = (p: Payload) => Buffer.from(p.metadata![METADATA_ENCODING_KEY]!).toString();

test("a case's summary and current details at three stages, read without the codec; no personal data", async () => {
  const created = await post('meta-bu', '/referrals', { referral: FORM });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  const described = await plain.workflow.getHandle(workflowIdFor(ref)).describe();
  expect(await described.staticSummary()).toBe(`Serious incident case ${ref}`);

  const opened = await expectStage(ref, 'referral-received', ['ssp-informed', 'ssp-decision']);
  expect(opened).toContain(`**Serious incident case ${ref}**`);
  expect(opened).toMatch(/^- `ssp-informed` Business Unit informs the Statutory Safeguarding Partners: from the Business Unit \(business-unit\), due /m);

  await decide('meta-bu', ref, 'ssp-informed', {});
  const informed = await expectStage(ref, 'awaiting-ssp-decision', ['ssp-decision']);
  expect(informed).not.toContain('`ssp-informed`');

  await decide('meta-ssp', ref, 'ssp-decision', { outcome: 'criteria-met', rationale: RATIONALE });
  await expectStage(ref, 'awaiting-national-notification', ['national-notification']);
});

test("a timer's and an activity's summaries are in the history, readable with the plain payload converter; every other payload is encrypted", async () => {
  const created = await post('meta-bu', '/referrals', { referral: FORM });
  const ref = created.body.caseReference as string;
  await decide('meta-bu', ref, 'ssp-informed', {});
  await stack.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  const summaries = async (key: 'timerStartedEventAttributes' | 'activityTaskScheduledEventAttributes') => {
    const history = await plain.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
    return (history.events ?? []).filter((e) => e[key]).map((e) => (e.userMetadata?.summary ? defaultPayloadConverter.fromPayload<string>(e.userMetadata.summary) : undefined));
  };
  const until = Date.now() + 10_000;
  let activities = await summaries('activityTaskScheduledEventAttributes');
  while (!activities.some((s) => s?.startsWith('email: referral-received')) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    activities = await summaries('activityTaskScheduledEventAttributes');
  }
  expect(activities.length).toBeGreaterThan(0);
  // The opening's emails go in one activity (cases since owners-told): its summary names the first and how many more.
  expect(activities).toContainEqual(expect.stringMatching(/^email: \d+ notices \(referral-received ssp-informed and \d+ more\)$/));
  expect(activities).toContain('email: step-closed ssp-informed');
  expect(activities.filter((s) => s === undefined || !/^(email|register): /.test(s))).toEqual([]);
  expect(activities.some((s) => s!.startsWith('register: record '))).toBe(true);
  const timers = await summaries('timerStartedEventAttributes');
  expect(timers.length).toBeGreaterThan(0);
  for (const t of timers) expect(t).toMatch(/^(reminder|target|deadline): [a-z-]+ (due|target) \d{4}-\d{2}-\d{2}$/);

  const history = await plain.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
  const inClear = payloadsIn(history, 'history').filter(({ payload }) => encoding(payload) !== ENCRYPTED_ENCODING);
  // In clear: the user metadata; as before, the search attributes (the stage, dates and counts) and
  // what the SDK's core writes in its markers itself (patch IDs; a local activity's ID and type).
  const coreMarker = /^history\.events\.\d+\.markerRecordedEventAttributes\.details\.(patch-data|data)\./;
  expect(inClear.filter(({ at }) => !at.includes('.userMetadata.') && !/searchAttributes/i.test(at) && !coreMarker.test(at)).map(({ at }) => at)).toEqual([]);
  const clearText = inClear.map(({ payload }) => Buffer.from(payload.data ?? []).toString('utf8')).join('\n');
  expect(SECRETS.filter((s) => clearText.includes(s))).toEqual([]);
});

test("an improvement action's summary and details: its reference, status, deadline and escalation; not its words nor its agency", async () => {
  const created = await post('meta-bu', '/referrals', { referral: FORM });
  const ref = created.body.caseReference as string;
  await decide('meta-bu', ref, 'ssp-informed', {});
  await decide('meta-ssp', ref, 'ssp-decision', { outcome: 'not-met-learning', rationale: RATIONALE });
  await decide('meta-bu', ref, 'referrer-feedback-sent', {});
  await decide('meta-ld', ref, 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'Audit (test).' });
  await decide('meta-ssp', ref, 'ssp-approval', { approved: true, rationale: 'Agreed (test).' });
  await decide('meta-ld', ref, 'actions-agreed', { actions: [ACTION] });
  await expectStage(ref, 'action-plan', []);

  const id = actionWorkflowId(ref, 'A01');
  expect(await (await plain.workflow.getHandle(id).describe()).staticSummary()).toBe(`Improvement action A01 of case ${ref}`);
  const details = await currentDetails(id, '**Status:** open');
  expect(details).toContain(`**Improvement action A01 of case ${ref}**`);
  expect(details).toContain(`**Deadline:** ${ACTION.deadline}`);
  expect(details).toContain('**Escalation:** none');
  expect(details).toMatch(/^- `action-due` Improvement action completed: from the agency's action lead \(action-owner\), due /m);
  expect(SECRETS.filter((s) => details.includes(s))).toEqual([]);
});
