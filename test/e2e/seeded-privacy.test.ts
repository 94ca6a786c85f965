// Proof, seeded (issue 7, item 6): a referral with distinctive names, dates of birth, address,
// postcode and narrative, walked through several stages with rationales that quote a name; then
// every place the data could leak is searched for the seeded values: the raw history read without
// the codec, the dev server's SQLite files, visibility, the API's log, the worker's runtime log
// (every level), every email, and the register's files. With the codec, the history's free text and the stored form come back.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@temporalio/client';
import pino from 'pino';
import request from 'supertest';
import { workflowIdFor } from '../../workflows/contract';
import type { incidentWorkflow } from '../../workflows/incident';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { htmlProblems, htmlWords } from '../helpers/email-html';
import { settled } from '../helpers/harness';
import { TEST_DATA_CONVERTER } from '../helpers/keys';
import { captureRuntimeLog } from '../helpers/stack';

const CHILD = 'Zephyrine Quillfeather';
const SIBLING_DOB = '2020-02-29';
const CHILD_DOB = '2018-10-13';
const ADDRESS = '17 Larkspur Mews, Wolverhollow';
const POSTCODE = 'ZZ98 7QX';
const PARENT = 'Orlando';
const NARRATIVE = 'Xanthoria-Velloway incident narrative';
/** The staff's words in the rationales and notes below, beside the seeded values they quote. */
const RATIONALE_WORDS = ['Partners told about', 'was seriously harmed', 'Told the school'];
const SEEDED = [CHILD, CHILD_DOB, SIBLING_DOB, ADDRESS, POSTCODE, 'Brightwater', NARRATIVE, 'Quillfeather'];

const PEOPLE = [
  { id: 'bu-1', role: 'business-unit' as const, agency: 'Business Unit', token: 'seed-bu' },
  { id: 'ssp-la', role: 'ssp' as const, agency: 'Local Authority', token: 'seed-ssp' },
];

let stack: DevStack;
let env: DevStack['env'];
let smtp: DevStack['smtp'];
let app: DevStack['app'];
let temporalDir: string;
const logLines: string[] = [];
const runtimeLog = captureRuntimeLog();

beforeAll(async () => {
  temporalDir = mkdtempSync(path.join(os.tmpdir(), 'ssi-seeded-'));
  const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
  stack = await startDevStack({ people: PEOPLE, dbFilename: path.join(temporalDir, 'temporal.sqlite'), app: { logger } });
  ({ env, smtp, app } = stack);
});
afterAll(async () => {
  await stack?.stop();
  runtimeLog.stop();
});

function seededForm() {
  const form = validReferralForm();
  const [child] = form.children;
  return {
    ...form,
    children: [{ ...child!, fullName: CHILD, dateOfBirth: CHILD_DOB, address: ADDRESS, postcode: POSTCODE }],
    parents: form.parents.map((p) => ({ ...p, firstName: PARENT, lastName: 'Brightwater' })),
    siblings: form.siblings.map((s) => ({ ...s, dateOfBirth: SIBLING_DOB })),
    incidentDetails: `${NARRATIVE}: ${form.incidentDetails}`,
  };
}

/** The seeded values found in a text, if any. */
const leaks = (text: string) => SEEDED.filter((v) => text.includes(v));

function filesBelow(dir: string, name: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(name))
    .map((f) => path.join(dir, f));
}

test('none of the seeded values is found anywhere but behind the codec and the key ring', async () => {
  // The seed is really in what is submitted, and the search finds each value.
  expect(leaks(JSON.stringify(seededForm())).sort()).toEqual([...SEEDED].sort());
  const created = await request(app).post('/referrals').set(bearer('seed-bu')).send({ referral: seededForm() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  const decide = (token: string, decision: string, body: object) => request(app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(token)).send(body);
  expect((await decide('seed-bu', 'ssp-informed', { note: `Partners told about ${CHILD}` })).status).toBe(200);
  expect((await decide('seed-ssp', 'ssp-decision', { outcome: 'criteria-met', rationale: `${CHILD} was seriously harmed at ${ADDRESS}` })).status).toBe(200);
  expect((await decide('seed-bu', 'referrer-feedback-sent', { note: `Told the school about ${CHILD}` })).status).toBe(200);
  expect((await decide('seed-bu', 'national-notification', { panelReference: 'CSPRP-SEED-0001' })).status).toBe(200);
  // Every email and register row carried out.
  await settled(env.client.workflow.getHandle<typeof incidentWorkflow>(workflowIdFor(ref)));

  // 1. The history as anyone with access to Temporal (or its UI without the codec) reads it.
  const raw = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const history = await raw.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
  expect(leaks(JSON.stringify(history))).toEqual([]);
  // 2. Visibility: the list and the search attributes operations filter on.
  const listed: unknown[] = [];
  for await (const execution of raw.workflow.list({ query: `WorkflowId = '${workflowIdFor(ref)}'` })) listed.push(execution);
  expect(listed).toHaveLength(1);
  expect(leaks(JSON.stringify(listed))).toEqual([]);
  // 3. The dev server's database files on disk.
  for (const file of filesBelow(temporalDir, 'temporal.sqlite')) expect({ file, leaks: leaks(readFileSync(file).toString('latin1')) }).toEqual({ file, leaks: [] });
  // 4. The API's log.
  expect(logLines.length).toBeGreaterThan(0);
  expect(leaks(logLines.join('\n'))).toEqual([]);
  // 4b. The worker's runtime log: worker, workflow and activity lines at every level.
  expect(runtimeLog.lines.some((l) => l.includes('sendNotice'))).toBe(true);
  expect(leaks(runtimeLog.lines.join('\n'))).toEqual([]);
  // 5. Every email sent, both its parts: the HTML part read as its reader sees it too (entities
  // decoded, tags gone), and no staff rationale in either.
  expect(smtp.messages.length).toBeGreaterThanOrEqual(3);
  // Calendar entries included (the ICS text is in each captured message), and the referrer's
  // receipt, which goes to the address on the form: the reference, never the form's contents.
  expect(smtp.messages.some((m) => m.calendar)).toBe(true);
  expect(smtp.messages.filter((m) => m.subject === `[${ref}] Your referral: received`).map((m) => m.to)).toEqual([[validReferralForm().referrer.email]]);
  expect(leaks(JSON.stringify(smtp.messages))).toEqual([]);
  for (const m of smtp.messages) {
    expect({ subject: m.subject, html: m.html.length > 0, problems: htmlProblems(m.html) }).toEqual({ subject: m.subject, html: true, problems: [] });
    for (const part of [m.text, m.html, htmlWords(m.html)]) expect({ subject: m.subject, leaks: leaks(part), rationale: RATIONALE_WORDS.filter((w) => part.includes(w)) }).toEqual({ subject: m.subject, leaks: [], rationale: [] });
  }
  // 6. The register's files on disk.
  for (const file of filesBelow(path.dirname(stack.registerFile), path.basename(stack.registerFile))) {
    expect({ file, leaks: leaks(readFileSync(file).toString('latin1')) }).toEqual({ file, leaks: [] });
  }

  // With the codec and the key ring, everything is there for those allowed to read it.
  const decoded = await env.client.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
  const codec = TEST_DATA_CONVERTER.payloadCodecs![0]!;
  const args = (decoded.events ?? []).flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
  const withCodec = (await codec.decode(args)).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
  expect(withCodec).toContain(`${CHILD} was seriously harmed at ${ADDRESS}`);
  const form = await request(app).get(`/cases/${ref}/referral`).set(bearer('seed-bu'));
  expect(form.body.referral).toEqual(seededForm());
  const shown = await request(app).get(`/cases/${ref}`).set(bearer('seed-ssp'));
  expect(JSON.stringify(shown.body)).toContain(`${CHILD} was seriously harmed`);
});
