// The codec server for the Temporal UI, with real parts: a case started on the real dev server
// through the encrypting data converter, its history read raw (as the UI gets it), and its input
// decoded over HTTP by the API, as the UI's browser would ask. Only people who may read the
// referral may decode; CORS answers the UI's origin only; every decoding is recorded.
import { Client } from '@temporalio/client';
import request from 'supertest';
import { EncryptionCodec } from '../../config/payload-codec';
import { codecAuditRows } from '../../api/codec-server';
import { caseOpeningOf } from '../../domain/incident';
import { DEFAULT_RULEBOOK } from '../../domain/rulebook';
import { workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';
import { actors, newCaseReference } from '../helpers/stack';

const UI = 'http://127.0.0.1:8233';
const PEOPLE = [
  { id: 'bu-1', role: 'business-unit' as const, agency: 'Business Unit', token: 'codec-bu' },
  { id: 'ops-1', role: 'operations' as const, agency: 'Partnership IT', token: 'codec-ops' },
];

let stack: DevStack;
let env: DevStack['env'];
let register: DevStack['register'];
let app: DevStack['app'];
let ref: string;
let input: { metadata: Record<string, string>; data: string };

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE, app: { codec: new EncryptionCodec(TEST_KEY_RING), codecUiOrigin: UI } });
  ({ env, register, app } = stack);
  ref = newCaseReference();
  // Started on a queue no worker polls: the input is stored, encrypted, and nothing else happens.
  await env.client.workflow.start('incidentWorkflow', {
    taskQueue: 'codec-server-test',
    workflowId: workflowIdFor(ref),
    args: [{ start: caseOpeningOf(ref, new Date().toISOString(), DEFAULT_RULEBOOK, actors.businessUnit, validReferralForm()) }],
  });
  // The history as the UI receives it: read without the codec.
  const raw = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const history = await raw.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  input = {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
});
afterAll(async () => {
  await stack?.stop();
});

const decode = (token: string | undefined, origin = UI) => {
  let req = request(app).post('/codec/decode').set('Origin', origin).set('X-Namespace', 'default').set('Referer', `${UI}/namespaces/default/workflows/${workflowIdFor(ref)}/run/history`);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  return req.send({ payloads: [input] });
};

test('the stored input is ciphertext, with the key ID in its metadata', () => {
  expect(Buffer.from(input.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
  expect(Buffer.from(input.metadata['encryption-key-id']!, 'base64').toString()).toBe('test-2');
  expect(Buffer.from(input.data, 'base64').toString('latin1')).not.toContain(ref);
});

test('the Business Unit decodes it from the UI origin; the decoding is recorded: who, when, which workflow', async () => {
  const res = await decode('codec-bu');
  expect(res.status).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBe(UI);
  const decoded = JSON.parse(Buffer.from(res.body.payloads[0].data, 'base64').toString('utf8'));
  expect(decoded.start.caseReference).toBe(ref);
  const rows = await codecAuditRows(register);
  expect(rows.at(-1)).toMatchObject({ actor_id: 'bu-1', actor_role: 'business-unit', operation: 'decode', namespace: 'default', workflow_id: workflowIdFor(ref), payloads: 1 });
});

test('operations may not decode (403, and still recorded nowhere as a decoding); no token is 401', async () => {
  const before = (await codecAuditRows(register)).length;
  const ops = await decode('codec-ops');
  expect([ops.status, ops.body.error?.code]).toEqual([403, 'DecodeNotAllowed']);
  expect((await decode(undefined)).status).toBe(401);
  expect(await codecAuditRows(register)).toHaveLength(before);
});

test("CORS answers the UI's origin only", async () => {
  const preflight = await request(app).options('/codec/decode').set('Origin', UI).set('Access-Control-Request-Method', 'POST');
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
  const elsewhere = await request(app).options('/codec/decode').set('Origin', 'http://evil.example').set('Access-Control-Request-Method', 'POST');
  expect(elsewhere.status).toBe(403);
  expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  const fromElsewhere = await decode('codec-bu', 'http://evil.example');
  expect(fromElsewhere.headers['access-control-allow-origin']).toBeUndefined();
});
