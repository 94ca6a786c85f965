// The codec server for the Temporal UI, with real parts: a case started on the real dev server
// through the encrypting data converter, its history read raw (as the UI gets it), and its input
// decoded over HTTP by the API, as the UI's browser would ask. Only people who may read the
// referral may decode; CORS answers the UI's origin only; every decoding, and every refusal of a
// signed-in person, is recorded. The browser signs in by cookie (/codec/sign-in): the UI sends
// cookies, never a token.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import request from 'supertest';
import { EncryptionCodec } from '../../config/payload-codec';
import { migrateRegister, openRegister, type RegisterDb } from '../../register/database';
import { codecAuditRows, type CodecAuditTables } from '../../register/codec-audit';
import { caseOpeningOf } from '../../domain/incident';
import { DEFAULT_RULEBOOK } from '../../domain/rulebook';
import { workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { startDevStack, type DevStack } from '../helpers/dev-stack';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { TEST_KEY_RING } from '../helpers/keys';
import { actors, newCaseReference } from '../helpers/stack';

const UI = 'http://127.0.0.1:8233';
const PEOPLE = [
  { id: 'bu-1', role: 'business-unit' as const, agency: 'Business Unit', token: 'codec-bu' },
  { id: 'ops-1', role: 'operations' as const, agency: 'Partnership IT', token: 'codec-ops' },
  { id: 'ops-<i>odd</i>', role: 'operations' as const, agency: 'Partnership IT', token: 'codec-odd' },
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
  expect(rows.at(-1)).toMatchObject({ actor_id: 'bu-1', actor_role: 'business-unit', operation: 'decode', namespace: 'default', workflow_id: workflowIdFor(ref), payloads: 1, outcome: 'decoded' });
});

test('operations may not decode: 403, and the refusal is recorded (who, where, how many, never what); no token is 401 and no row', async () => {
  const before = (await codecAuditRows(register)).length;
  const ops = await decode('codec-ops');
  expect([ops.status, ops.body.error?.code]).toEqual([403, 'DecodeNotAllowed']);
  expect(ops.body.payloads).toBeUndefined();
  const rows = await codecAuditRows(register);
  expect(rows).toHaveLength(before + 1);
  expect(rows.at(-1)).toEqual({
    at: expect.any(String),
    actor_id: 'ops-1',
    actor_role: 'operations',
    operation: 'decode',
    namespace: 'default',
    workflow_id: workflowIdFor(ref),
    payloads: 1,
    outcome: 'refused',
  });
  expect((await decode(undefined)).status).toBe(401);
  expect((await decode('not-a-token')).status).toBe(401);
  expect(await codecAuditRows(register)).toHaveLength(before + 1);
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

describe('the cookie sign-in (the UI sends cookies with "include cross-origin credentials", never a token)', () => {
  const signIn = (token: string) => request(app).post('/codec/sign-in').type('form').send({ token });
  const cookieOf = (res: request.Response) => {
    const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('ssi_codec_session='));
    return header;
  };
  const decodeWithCookie = (cookie: string | undefined) => {
    let req = request(app).post('/codec/decode').set('Origin', UI).set('X-Namespace', 'default');
    if (cookie) req = req.set('Cookie', cookie);
    return req.send({ payloads: [input] });
  };

  test('the sign-in page is a form posting the token to /codec/sign-in, not cached', async () => {
    const page = await request(app).get('/codec/sign-in');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toMatch(/<form method="post" action="\/codec\/sign-in">/);
    expect(page.text).toMatch(/name="token"/);
    expect(page.text).not.toMatch(/<script/i);
  });

  test('signed in, the cookie alone decodes; the page says who, which role, and that it may decode', async () => {
    const res = await signIn('codec-bu');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('bu-1');
    expect(res.text).toContain('business-unit');
    expect(res.text).toMatch(/may decode/);
    const cookie = cookieOf(res)!;
    expect(cookie).toMatch(/^ssi_codec_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; Max-Age=28800;/);
    expect(cookie).toMatch(/; Path=\/codec;/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).not.toMatch(/; Secure/); // plain http here; https (req.secure) adds it
    const session = cookie.split(';')[0]!;
    const before = (await codecAuditRows(register)).length;
    const decoded = await decodeWithCookie(session);
    expect(decoded.status).toBe(200);
    expect(decoded.headers['access-control-allow-credentials']).toBe('true');
    expect(JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8')).start.caseReference).toBe(ref);
    const rows = await codecAuditRows(register);
    expect(rows).toHaveLength(before + 1);
    // The cookie's request named no workflow (no Referer): none is recorded.
    expect(rows.at(-1)).toMatchObject({ actor_id: 'bu-1', actor_role: 'business-unit', operation: 'decode', payloads: 1, outcome: 'decoded', workflow_id: null });
    // Signed in again, the page shows who it is.
    const again = await request(app).get('/codec/sign-in').set('Cookie', session);
    expect(again.text).toContain('bu-1');
  });

  test('the session cookie is accepted under /codec only: the rest of the API wants the bearer token', async () => {
    const session = cookieOf(await signIn('codec-bu'))!.split(';')[0]!;
    const elsewhere = await request(app).get(`/cases/${ref}`).set('Cookie', session);
    expect(elsewhere.status).toBe(401);
  });

  test('a wrong token: 401 page, no cookie; a made-up cookie decodes nothing', async () => {
    const res = await signIn('not-a-token');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(cookieOf(res)).toBeUndefined();
    expect((await decodeWithCookie('ssi_codec_session=made-up')).status).toBe(401);
    expect((await decodeWithCookie(undefined)).status).toBe(401);
  });

  test('signed out, the cookie is cleared and the old session decodes nothing', async () => {
    const session = cookieOf(await signIn('codec-bu'))!.split(';')[0]!;
    expect((await decodeWithCookie(session)).status).toBe(200);
    const out = await request(app).post('/codec/sign-out').set('Cookie', session);
    expect(out.status).toBe(200);
    expect(cookieOf(out)).toMatch(/^ssi_codec_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await decodeWithCookie(session)).status).toBe(401);
  });

  test("another site's page cannot sign this browser in or out (login forgery): 403, no cookie", async () => {
    const forged = await request(app).post('/codec/sign-in').set('Origin', 'http://evil.example').type('form').send({ token: 'codec-bu' });
    expect(forged.status).toBe(403);
    expect(cookieOf(forged)).toBeUndefined();
    const session = cookieOf(await signIn('codec-bu'))!.split(';')[0]!;
    expect((await request(app).post('/codec/sign-out').set('Origin', 'http://evil.example').set('Cookie', session)).status).toBe(403);
    expect((await decodeWithCookie(session)).status).toBe(200);
    // From the sign-in page itself (the same origin), it signs in.
    const own = await request(app).post('/codec/sign-in').set('Host', '127.0.0.1:3000').set('Origin', 'http://127.0.0.1:3000').type('form').send({ token: 'codec-bu' });
    expect(own.status).toBe(200);
  });

  test('what the pages print is escaped (the person, the role, the address the request named)', async () => {
    const page = await request(app).post('/codec/sign-in').set('Host', '127.0.0.1:3000"><b>x').type('form').send({ token: 'codec-odd' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;i&gt;odd&lt;/i&gt;');
    expect(page.text).not.toContain('<i>odd</i>');
    expect(page.text).toContain('&quot;&gt;&lt;b&gt;x');
    expect(page.text).not.toContain('"><b>x');
  });
});

test('signed in by cookie as a role that may not decode: 403 DecodeNotAllowed, and a refused row', async () => {
  const signedIn = await request(app).post('/codec/sign-in').type('form').send({ token: 'codec-ops' });
  expect(signedIn.status).toBe(200);
  expect(signedIn.text).toContain('operations');
  expect(signedIn.text).toMatch(/may not decode/);
  const session = ([] as string[]).concat(signedIn.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
  const before = (await codecAuditRows(register)).length;
  const res = await request(app).post('/codec/decode').set('Origin', UI).set('Cookie', session).send({ payloads: [input, input] });
  expect([res.status, res.body.error?.code]).toEqual([403, 'DecodeNotAllowed']);
  const rows = await codecAuditRows(register);
  expect(rows).toHaveLength(before + 1);
  expect(rows.at(-1)).toMatchObject({ actor_id: 'ops-1', actor_role: 'operations', operation: 'decode', payloads: 2, outcome: 'refused' });
});

describe('the outcome column is added to a codec_audit table from before it (the register runs on SQLite or PostgreSQL)', () => {
  let postgres: TestPostgres | undefined;
  afterAll(async () => {
    await postgres?.stop();
  });

  async function migrateOldTable(db: RegisterDb) {
    const old = db as unknown as Kysely<CodecAuditTables>;
    await old.schema
      .createTable('codec_audit')
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('workflow_id', 'text')
      .addColumn('payloads', 'integer', (c) => c.notNull())
      .execute();
    const row = { actor_id: 'bu-1', actor_role: 'business-unit', namespace: 'default', workflow_id: null, payloads: 1 };
    await sql`insert into codec_audit (at, actor_id, actor_role, operation, namespace, workflow_id, payloads) values
      ('2026-01-01T00:00:00.000Z', ${row.actor_id}, ${row.actor_role}, 'decode', ${row.namespace}, ${row.workflow_id}, ${row.payloads}),
      ('2026-01-01T00:00:01.000Z', ${row.actor_id}, ${row.actor_role}, 'encode', ${row.namespace}, ${row.workflow_id}, ${row.payloads})`.execute(db);
    await migrateRegister(db);
    await migrateRegister(db); // again, as every API process does at its start
    await old
      .insertInto('codec_audit')
      .values({ ...row, at: '2026-01-01T00:00:02.000Z', actor_id: 'ops-1', actor_role: 'operations', operation: 'decode', outcome: 'refused' })
      .execute();
    return (await codecAuditRows(old)).map((r) => [r.operation, r.outcome]);
  }

  const expected = [
    ['decode', 'decoded'],
    ['encode', 'encoded'],
    ['decode', 'refused'],
  ];

  test('SQLite', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-codec-audit-'));
    const db = openRegister(`sqlite:${path.join(dir, 'register.sqlite')}`);
    try {
      expect(await migrateOldTable(db)).toEqual(expected);
    } finally {
      await db.destroy();
    }
  });

  test('PostgreSQL', async () => {
    postgres = await startTestPostgres('ssi_codec_audit');
    const db = openRegister(postgres.url);
    try {
      expect(await migrateOldTable(db)).toEqual(expected);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
