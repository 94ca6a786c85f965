// The OpenAPI document (api/openapi.ts) against the real app on the real dev server:
//   - it is OpenAPI 3.1.0, served at /openapi.json without sign-in, and is the one api/openapi.ts builds;
//   - every route the Express app has (its router stack, nested routers included) is in `paths`
//     with its method, and every documented path and method is a route of the app;
//   - every example in it passes the zod schema it documents, and the request examples the real
//     schemas the routes check with (the referral, every case and action decision);
//   - real answers (a referral, decisions, a case as the Business Unit, a referrer and operations,
//     an action, the action log, errors ...) pass the schema documented for their route and status;
//   - /docs renders it in a real browser (chromium), with no CSP violation.
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import type { z } from 'zod';
import { PROJECT_ROOT } from '../../config';
import { EncryptionCodec } from '../../config/payload-codec';
import { referralRequestSchema } from '../../api/requests';
import { API_ERRORS } from '../../api/errors';
import { errorSchema } from '../../api/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { actionDecisionExamples, API_TITLE, caseDecisionExamples, idempotencyKeySchema, apiOperations, documentedExamples, openApiDocument, responseSchema } from '../../api/openapi';
import { actionLogQuerySchema, exceptionsQuerySchema } from '../../api/action-log';
import { caseListQuerySchema } from '../../api/case-list';
import { codecPayloadsSchema } from '../../api/codec-server';
import { ACTION_DECISIONS, ACTION_DECISION_NAMES, type ActionDecisionName } from '../../domain/action';
import { DECISIONS, DECISION_NAMES, type DecisionName } from '../../domain/decisions';
import { REFUSALS } from '../../domain/errors';
import type { Role } from '../../domain/roles';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';

const CHROMIUM = '/usr/bin/chromium';
const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-oa', role: 'business-unit', agency: 'Business Unit', token: 'oa-bu-token' },
  { id: 'ssp-oa', role: 'ssp', agency: 'Local Authority', token: 'oa-ssp-token' },
  // config/example-referral.json's referring organisation: the referrer reads that case.
  { id: 'referrer-oa', role: 'referrer', agency: 'Example Primary School', token: 'oa-referrer-token' },
  { id: 'ops-oa', role: 'operations', agency: 'Partnership IT', token: 'oa-ops-token' },
  { id: 'ld-oa', role: 'ld-chair', agency: 'Learning and Development Group', token: 'oa-ld-token' },
  { id: 'rr-oa', role: 'rapid-review-chair', agency: 'Rapid Review Panel', token: 'oa-rr-token' },
  // The documented reviewer-commissioned example commissions reviewer-1.
  { id: 'reviewer-1', role: 'reviewer', agency: 'Independent', token: 'oa-reviewer-token' },
  // The documented action plan's first action is Example Health Trust's.
  { id: 'owner-oa', role: 'action-owner', agency: 'Example Health Trust', token: 'oa-owner-token' },
];
const CASE_DECISION_EXAMPLES = caseDecisionExamples();
const ACTION_DECISION_EXAMPLES = actionDecisionExamples();
const as = (role: Role) => bearer(PEOPLE.find((p) => p.role === role)!.token);
const exampleReferral = () => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')) as { referral: unknown };

let stack: DevStack;
let browser: Browser | undefined;

beforeAll(async () => {
  // Fails, never skips, without chromium (.ci/run installs it).
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (.ci/run's install_chromium does)`);
  // The browser starts while the stack does (the file stays short).
  const launched = chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  [stack, browser] = await Promise.all([startDevStack({ people: PEOPLE, app: { codec: new EncryptionCodec(TEST_KEY_RING) } }), launched]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A real answer, checked against the schema documented for its route and status (throws if that status is not documented). */
function expectDocumented(method: 'get' | 'post', docPath: string, res: { status: number; body: unknown }): void {
  const schema = responseSchema(method, docPath, res.status);
  const parsed = schema.safeParse(res.body);
  expect({ route: `${method.toUpperCase()} ${docPath} ${res.status}`, issues: parsed.success ? [] : parsed.error.issues }).toEqual({
    route: `${method.toUpperCase()} ${docPath} ${res.status}`,
    issues: [],
  });
}

// ---- The routes ----------------------------------------------------------------------------------

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Every route of the app: method and OpenAPI template, walking nested routers. */
function routesOf(stack: readonly Layer[], prefix = ''): Array<{ method: string; path: string }> {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      return paths.flatMap((p) =>
        Object.keys(layer.route!.methods)
          .filter((m) => m !== '_all')
          .map((method) => ({ method, path: `${prefix}${p}`.replace(/:(\w+)/g, '{$1}') })),
      );
    }
    if (Array.isArray(layer.handle?.stack)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return routesOf(layer.handle.stack, `${prefix}${mount}`);
    }
    return [];
  });
}

/** Whether a documented path is an instance of a route: its {param} segments may be documented one value at a time. */
function instanceOf(route: string, documented: string): boolean {
  const r = route.split('/');
  const d = documented.split('/');
  return r.length === d.length && r.every((segment, i) => segment === d[i] || (/^\{\w+\}$/.test(segment) && !/^\{\w+\}$/.test(d[i]!)));
}

describe('the document', () => {
  let served: ReturnType<typeof openApiDocument>;

  beforeAll(async () => {
    const res = await request(stack.app).get('/openapi.json');
    expect(res.status).toBe(200);
    served = res.body;
  });

  test('is OpenAPI 3.1.0, public, and the one api/openapi.ts builds', () => {
    expect(served.openapi).toBe('3.1.0');
    expect(served.info.title).toBe(API_TITLE);
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(served.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(served.security).toEqual([{ bearer: [] }]);
  });

  test('every route of the app is documented with its method, and every documented operation is a route', () => {
    const routes = routesOf((stack.app as unknown as { router: { stack: Layer[] } }).router.stack);
    // The app's routes include the nested routers': the action log's, the case list's, the codec's.
    expect(routes).toEqual(expect.arrayContaining([{ method: 'get', path: '/actions/exceptions' }, { method: 'post', path: '/codec/decode' }, { method: 'get', path: '/cases' }]));
    const documented = Object.entries(served.paths ?? {}).flatMap(([p, item]) => Object.keys(item as object).map((method) => ({ method, path: p })));
    const undocumented = routes.filter((r) => !documented.some((d) => d.method === r.method && instanceOf(r.path, d.path)));
    const notRoutes = documented.filter((d) => !routes.some((r) => r.method === d.method && instanceOf(r.path, d.path)));
    expect({ undocumented, notRoutes }).toEqual({ undocumented: [], notRoutes: [] });
    // A route whose {decision} is documented one decision at a time has every decision, and only those.
    const decisions = (prefix: string) => documented.filter((d) => d.path.startsWith(prefix) && !d.path.slice(prefix.length).includes('/')).map((d) => d.path.slice(prefix.length));
    expect(decisions('/cases/{caseReference}/decisions/').sort()).toEqual([...DECISION_NAMES].sort());
    expect(decisions('/cases/{caseReference}/actions/{actionId}/decisions/').sort()).toEqual([...ACTION_DECISION_NAMES].sort());
  });

  test('the error shape names every code the API answers with', () => {
    const codes = (served.components?.schemas?.Error as { properties: { error: { properties: { code: { enum: string[] } } } } }).properties.error.properties.code.enum;
    expect([...codes].sort()).toEqual([...new Set([...Object.keys(API_ERRORS), ...Object.keys(REFUSALS)])].sort());
    // Every error answer documented carries the one shape, with Retry-After on a 503.
    for (const [p, item] of Object.entries(served.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: object }> }>)) {
        for (const [status, r] of Object.entries(op.responses)) {
          const where = `${method} ${p} ${status}`;
          // /health's 503 is its own answer (degraded), not an error.
          if (Number(status) < 400 || !r.content?.['application/json'] || p === '/health') continue;
          expect({ where, schema: r.content['application/json'].schema }).toEqual({ where, schema: { $ref: '#/components/schemas/Error' } });
          if (status === '503') expect({ where, headers: Object.keys(r.headers ?? {}) }).toEqual({ where, headers: ['Retry-After'] });
        }
      }
    }
  });

  test('every documented example passes the zod schema it documents', () => {
    const examples = documentedExamples();
    const failing = examples.flatMap(({ where, schema, value }) => {
      const parsed = schema.safeParse(value);
      return parsed.success ? [] : [{ where, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }];
    });
    expect(failing).toEqual([]);
    // And nothing in the document is an example this list (and so the check above) does not hold.
    const listed = examples.map((e) => JSON.stringify(e.value));
    const inDocument: Array<{ at: string; value: unknown }> = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'example') inDocument.push({ at, value });
        else if (key === 'examples' && value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [name, ex] of Object.entries(value)) inDocument.push({ at: `${at}.examples.${name}`, value: (ex as { value: unknown }).value });
        } else walk(value, `${at}.${key}`);
      }
    };
    walk(served, '#');
    expect(inDocument.length).toBeGreaterThan(DECISION_NAMES.length);
    expect(inDocument.filter((e) => !listed.includes(JSON.stringify(e.value))).map((e) => e.at)).toEqual([]);
  });

  test('the request examples pass the schemas the routes check with', () => {
    const problems = (schema: z.ZodType, value: unknown) => {
      const parsed = schema.safeParse(value);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    const referral = apiOperations().find((o) => o.path === '/referrals')!.body!.examples!.example!.value;
    expect(problems(referralRequestSchema, referral)).toEqual([]);
    for (const name of DECISION_NAMES) expect({ name, problems: problems(DECISIONS[name].schema(), CASE_DECISION_EXAMPLES[name]) }).toEqual({ name, problems: [] });
    for (const name of ACTION_DECISION_NAMES) expect({ name, problems: problems(ACTION_DECISIONS[name].schema(), ACTION_DECISION_EXAMPLES[name]) }).toEqual({ name, problems: [] });
  });
});

describe('real answers pass the documented schemas', () => {
  test('health, a referral, the case as each reader reads it, decisions, the referral form, errors, the case list, the codec', async () => {
    expectDocumented('get', '/health', await request(stack.app).get('/health'));

    const created = await request(stack.app).post('/referrals').set(as('business-unit')).set('Idempotency-Key', 'openapi-test-referral-1').send(exampleReferral());
    expect(created.status).toBe(201);
    expectDocumented('post', '/referrals', created);
    const again = await request(stack.app).post('/referrals').set(as('business-unit')).set('Idempotency-Key', 'openapi-test-referral-1').send(exampleReferral());
    expect(again.status).toBe(200);
    expectDocumented('post', '/referrals', again);
    const ref = created.body.caseReference as string;

    // The documented Idempotency-Key pattern says what the route takes: its example is taken, others are refused alike.
    const keySchema = idempotencyKeySchema();
    for (const key of ['short', 'a key with spaces', 'x'.repeat(129)]) {
      const refusedKey = await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(as('business-unit')).set('Idempotency-Key', key).send({});
      expect({ key, documented: keySchema.safeParse(key).success, status: refusedKey.status, code: refusedKey.body.error?.code }).toEqual({ key, documented: false, status: 422, code: 'InvalidIdempotencyKey' });
    }
    const documentedKey = (keySchema.meta() as { example: string }).example;
    expect(keySchema.safeParse(documentedKey).success).toBe(true);
    const informed = await request(stack.app)
      .post(`/cases/${ref}/decisions/ssp-informed`)
      .set(as('business-unit'))
      .set('Idempotency-Key', documentedKey)
      .send(CASE_DECISION_EXAMPLES['ssp-informed']);
    expect(informed.status).toBe(200);
    expectDocumented('post', '/cases/{caseReference}/decisions/ssp-informed', informed);

    for (const role of ['business-unit', 'referrer', 'operations'] as const) {
      const read = await settledCase(stack.app, ref, PEOPLE.find((p) => p.role === role)!.token);
      expect({ role, status: read.status }).toEqual({ role, status: 200 });
      expectDocumented('get', '/cases/{caseReference}', read);
    }
    // Each view is the one its reader gets, not merely one of the three.
    const views = { 'business-unit': 'whole', referrer: 'referrer', operations: 'operations' } as const;
    const example = apiOperations().find((o) => o.method === 'get' && o.path === '/cases/{caseReference}')!.responses[200]!.content!.examples!;
    for (const [role, view] of Object.entries(views)) {
      const read = await request(stack.app).get(`/cases/${ref}`).set(as(role as Role));
      expect({ role, ok: example[view]!.schema!.safeParse(read.body).success }).toEqual({ role, ok: true });
    }

    expectDocumented('get', '/cases/{caseReference}/referral', await request(stack.app).get(`/cases/${ref}/referral`).set(as('business-unit')));
    // Errors: the wrong role, a bad payload (its problems), no token, a refused read, a decision that does not fit.
    const wrongRole = await request(stack.app).post(`/cases/${ref}/decisions/ssp-decision`).set(as('business-unit')).send(CASE_DECISION_EXAMPLES['ssp-decision']);
    expect(wrongRole.status).toBe(403);
    expectDocumented('post', '/cases/{caseReference}/decisions/ssp-decision', wrongRole);
    const invalid = await request(stack.app).post(`/cases/${ref}/decisions/ssp-decision`).set(as('ssp')).send({ outcome: 'maybe', rationale: 'x', occurredAt: 'yesterday' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.problems.length).toBeGreaterThan(0);
    expectDocumented('post', '/cases/{caseReference}/decisions/ssp-decision', invalid);
    const anonymous = await request(stack.app).get(`/cases/${ref}`);
    expect(anonymous.status).toBe(401);
    expectDocumented('get', '/cases/{caseReference}', anonymous);
    const notYours = await request(stack.app).get(`/cases/${ref}/referral`).set(as('operations'));
    expect(notYours.status).toBe(403);
    expectDocumented('get', '/cases/{caseReference}/referral', notYours);
    const wrongStage = await request(stack.app).post(`/cases/${ref}/decisions/panel-response`).set(as('business-unit')).send(CASE_DECISION_EXAMPLES['panel-response']);
    expect(wrongStage.status).toBe(409);
    expectDocumented('post', '/cases/{caseReference}/decisions/panel-response', wrongStage);

    const list = await request(stack.app).get('/cases').set(as('business-unit'));
    expect(list.status).toBe(200);
    expectDocumented('get', '/cases', list);

    const payloads = apiOperations().find((o) => o.path === '/codec/encode')!.body!.examples!.example!.value;
    const encoded = await request(stack.app).post('/codec/encode').set(as('business-unit')).send(payloads as object);
    expect(encoded.status).toBe(200);
    expectDocumented('post', '/codec/encode', encoded);
    const decoded = await request(stack.app).post('/codec/decode').set(as('business-unit')).send(encoded.body);
    expect(decoded.body).toEqual(payloads);
    expectDocumented('post', '/codec/decode', decoded);
  });

  test('an action plan: the decisions, an action, its decisions, the action log and the exception report', async () => {
    const created = await request(stack.app).post('/referrals').set(as('business-unit')).send(exampleReferral());
    const ref = created.body.caseReference as string;
    // The learning path to the action plan: four decisions.
    const steps: Array<[Role, keyof typeof CASE_DECISION_EXAMPLES, object]> = [
      ['business-unit', 'ssp-informed', {}],
      ['ssp', 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning about information sharing' }],
      ['ld-chair', 'ld-decision', CASE_DECISION_EXAMPLES['ld-decision']!],
      ['ssp', 'ssp-approval', CASE_DECISION_EXAMPLES['ssp-approval']!],
    ];
    for (const [role, name, body] of steps) {
      const res = await request(stack.app).post(`/cases/${ref}/decisions/${name}`).set(as(role)).send(body);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expectDocumented('post', `/cases/{caseReference}/decisions/${name}`, res);
    }
    const deadline = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const plan = CASE_DECISION_EXAMPLES['actions-agreed']!.actions.map((a) => ({ ...a, deadline }));
    const agreed = await request(stack.app).post(`/cases/${ref}/decisions/actions-agreed`).set(as('ld-chair')).send({ actions: plan });
    expect(agreed.status).toBe(200);
    expect(agreed.body.agreed).toHaveLength(2);
    expectDocumented('post', '/cases/{caseReference}/decisions/actions-agreed', agreed);

    // The action's workflow is started by the case after its answer.
    let action;
    for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 150))) {
      action = await request(stack.app).get(`/cases/${ref}/actions/A01`).set(as('ld-chair'));
      if (action.status !== 404 || Date.now() > until) break;
    }
    expect(action.status).toBe(200);
    expectDocumented('get', '/cases/{caseReference}/actions/{actionId}', action);
    const later = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
    const extended = await request(stack.app)
      .post(`/cases/${ref}/actions/A01/decisions/action-extended`)
      .set(as('ld-chair'))
      .send({ ...ACTION_DECISION_EXAMPLES['action-extended'], newDeadline: later });
    expect(extended.status).toBe(200);
    expect(extended.body.extensions).toHaveLength(1);
    expectDocumented('post', '/cases/{caseReference}/actions/{actionId}/decisions/action-extended', extended);
    const refused = await request(stack.app)
      .post(`/cases/${ref}/actions/A01/decisions/action-extended`)
      .set(as('ld-chair'))
      .send({ ...ACTION_DECISION_EXAMPLES['action-extended'], newDeadline: later, requestedBy: { position: 'head-of-service', agency: 'Example Health Trust', name: 'Head of Safeguarding' } });
    expect(refused.status).toBe(422);
    expectDocumented('post', '/cases/{caseReference}/actions/{actionId}/decisions/action-extended', refused);
    const withdrawn = await request(stack.app).post(`/cases/${ref}/actions/A02/decisions/action-withdrawn`).set(as('ld-chair')).send(ACTION_DECISION_EXAMPLES['action-withdrawn']);
    expect(withdrawn.status).toBe(200);
    expectDocumented('post', '/cases/{caseReference}/actions/{actionId}/decisions/action-withdrawn', withdrawn);
    const closed = await request(stack.app).post(`/cases/${ref}/actions/A02/decisions/action-withdrawn`).set(as('ld-chair')).send(ACTION_DECISION_EXAMPLES['action-withdrawn']);
    expect(closed.status).toBe(409);
    expectDocumented('post', '/cases/{caseReference}/actions/{actionId}/decisions/action-withdrawn', closed);

    const whole = await settledCase(stack.app, ref, PEOPLE[0]!.token);
    expectDocumented('get', '/cases/{caseReference}', whole);
    expect(whole.body.actions).toHaveLength(2);

    for (const [who, query] of [['ld-chair', { status: 'all' }], ['operations', {}]] as const) {
      const log = await request(stack.app).get('/actions').query(query).set(as(who));
      expect(log.status).toBe(200);
      expectDocumented('get', '/actions', log);
    }
    const csv = await request(stack.app).get('/actions').query({ format: 'csv' }).set(as('ld-chair'));
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const exceptions = await request(stack.app).get('/actions/exceptions').set(as('ld-chair'));
    expectDocumented('get', '/actions/exceptions', exceptions);
    // The documented queries say what the routes take (api/action-log.ts's own schemas are not exported).
    const samples = [{ status: 'open' }, { status: 'all', format: 'json' }, { agency: 'Example Health Trust' }, { status: 'closed' }, { format: 'xml' }, { agency: '' }, { sort: 'deadline' }];
    for (const [route, docPath] of [['/actions', '/actions'], ['/actions/exceptions', '/actions/exceptions']] as const) {
      const documentedQuery = apiOperations().find((o) => o.method === 'get' && o.path === docPath)!.query!;
      for (const query of samples) {
        const res = await request(stack.app).get(route).query(query).set(as('ld-chair'));
        expect({ route, query, status: res.status }).toEqual({ route, query, status: documentedQuery.safeParse(query).success ? 200 : 422 });
        expectDocumented('get', docPath, res);
      }
    }
  });
});

// ---- The document is as strict as the routes (issue 16) ------------------------------------------

type Json = Record<string, unknown>;
/** A validator of the served document's own JSON Schema at a JSON pointer (ajv, JSON Schema 2020-12, with the formats). */
function documentValidator(doc: object) {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  ajv.addSchema(doc, 'doc');
  const cache = new Map<string, (value: unknown) => boolean>();
  const at = (pointer: string) => {
    let validate = cache.get(pointer);
    if (!validate) {
      const compiled = ajv.compile({ $ref: `doc#${pointer.split('/').map(encodeURIComponent).join('/')}` });
      validate = (value: unknown) => compiled(value) as boolean;
      cache.set(pointer, validate);
    }
    return validate;
  };
  return at;
}
const pointer = (...segments: string[]) => segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
const bodyPointer = (docPath: string) => pointer('paths', docPath, 'post', 'requestBody', 'content', 'application/json', 'schema');

/** A query as one object: the documented parameters, no others (a route refuses an unknown one). */
function queryValidator(doc: { paths?: Json }, docPath: string) {
  const params = ((doc.paths![docPath] as Json).get as { parameters: Array<{ name: string; in: string; required?: boolean; schema: object }> }).parameters.filter((p) => p.in === 'query');
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const compiled = ajv.compile({ type: 'object', properties: Object.fromEntries(params.map((p) => [p.name, p.schema])), required: params.filter((p) => p.required).map((p) => p.name), additionalProperties: false });
  return (value: unknown) => compiled(value) as boolean;
}

/** Resolves a local $ref of the document. */
function deref(doc: object, schema: Json | undefined): Json | undefined {
  let s = schema;
  while (s && typeof s.$ref === 'string') s = (s.$ref as string).slice(2).split('/').reduce<Json>((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, doc as Json);
  return s;
}

/** Every field path of a request, from the document's schema and the example together ([] items: the example's first). */
function fieldsOf(doc: object, schema: Json | undefined, example: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; schema: Json }> {
  const s = deref(doc, schema);
  if (!s) return [];
  const found: Array<{ path: Array<string | number>; schema: Json }> = [];
  const properties = { ...((s.properties as Json) ?? {}) };
  if (s.type === 'object' || s.properties) {
    const value = (example && typeof example === 'object' ? example : {}) as Json;
    const keys = new Set([...Object.keys(properties), ...(s.additionalProperties && typeof s.additionalProperties === 'object' ? Object.keys(value) : [])]);
    for (const key of keys) {
      const field = (properties[key] ?? s.additionalProperties) as Json;
      found.push({ path: [...path, key], schema: deref(doc, field) ?? {} });
      found.push(...fieldsOf(doc, field, value[key], [...path, key]).filter((f) => f.path.length > path.length + 1));
    }
  } else if (s.type === 'array' && Array.isArray(example) && example.length > 0) {
    found.push({ path: [...path, 0], schema: deref(doc, s.items as Json) ?? {} });
    found.push(...fieldsOf(doc, s.items as Json, example[0], [...path, 0]).filter((f) => f.path.length > path.length + 1));
  }
  return found;
}

const ABSENT = Symbol('absent');
function withValue(base: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(base) as Json;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === ABSENT) delete node[last];
  else node[last] = value;
  return copy;
}

const LONG = [30, 50, 100, 120, 200, 254, 500, 2_000, 4_000, 5_000, 10_000, 20_000].flatMap((n) => ['x'.repeat(n), 'x'.repeat(n + 1), ` ${'x'.repeat(n)} `]);
/** Sampled values: each field is given each of these in turn, in an otherwise valid request. */
const SAMPLES: unknown[] = [
  ABSENT, '', ' ', '\t', 'x', ' x ', '0', '1', '-1', '1.5', '01', '010', '000', '099', '100', '101', '1000', 'true', 'open', 'all', 'json', 'csv',
  '2026-01-15', '2028-02-29', '2026-02-29', '2026-13-01', '1999-12-31', '2000-01-01', '2099-12-31', '2100-01-01', '20260115',
  '2026-01-15T10:00:00Z', '2026-01-15T10:00Z', '2026-01-15T10:00:00.123456789+01:00', '2026-01-15T10:00:00.1234567890Z', '2026-01-15T24:00:00Z', '2026-01-15 10:00:00Z', '2026-01-15T10:00:00', 'yesterday',
  'aGVsbG8=', 'aGVsbG8', 'not base64!', 'ab1 2cd', ' AB1 2CD ', 'ZZ99 9ZZ', 'zz999zz', '+44 20 7946 0000', ' 01632 960001 ', '12345', 'referrer@example.org', 'not-an-email', ' referrer@example.org',
  '10:30', '25:00', 'Other', 'reviewer-1', 'a b', 'CSPRP-2026-0042', ' CSPRP-2026-0042 ', 'DSP-2026-0001',
  ...LONG, 0, 5, 1.5, true, false, null, [], {}, ['Other'], ['Other', 'Other'], ['Physical Abuse', 'Physical Abuse'],
];

/**
 * Cross-field rules JSON Schema cannot say (dates in order): the route refuses, the document
 * describes them only. Compared by the route's problem paths, never its words.
 */
const INEXPRESSIBLE = /\.(dateOfDeath|dateOfIncident|ended|endDate)$/;

interface RequestCase {
  where: string;
  document: (value: unknown) => boolean;
  route: z.ZodType;
  base: unknown;
  fields: Array<{ path: Array<string | number>; schema: Json }>;
}

function requestCases(doc: { paths?: Json }): RequestCase[] {
  const at = documentValidator(doc);
  const ops = apiOperations();
  const example = (path: string) => ops.find((o) => o.method === 'post' && o.path === path)!.body!.examples!.example!.value;
  const bodyCase = (docPath: string, route: z.ZodType): RequestCase => {
    const base = example(docPath);
    return { where: `POST ${docPath}`, document: at(bodyPointer(docPath)), route, base, fields: fieldsOf(doc, { $ref: `#${bodyPointer(docPath)}` }, base) };
  };
  const queryCase = (docPath: string, route: z.ZodType): RequestCase => {
    const params = ((doc.paths![docPath] as Json).get as { parameters: Array<{ name: string; in: string; schema: Json }> }).parameters.filter((p) => p.in === 'query');
    return { where: `GET ${docPath} query`, document: queryValidator(doc, docPath), route, base: {}, fields: params.map((p) => ({ path: [p.name], schema: p.schema })) };
  };
  return [
    bodyCase('/referrals', referralRequestSchema),
    ...DECISION_NAMES.map((name) => bodyCase(`/cases/{caseReference}/decisions/${name}`, DECISIONS[name].schema())),
    ...ACTION_DECISION_NAMES.map((name) => bodyCase(`/cases/{caseReference}/actions/{actionId}/decisions/${name}`, ACTION_DECISIONS[name].schema())),
    bodyCase('/codec/encode', codecPayloadsSchema()),
    bodyCase('/codec/decode', codecPayloadsSchema()),
    queryCase('/cases', caseListQuerySchema()),
    queryCase('/actions', actionLogQuerySchema()),
    queryCase('/actions/exceptions', exceptionsQuerySchema()),
  ];
}

describe('the document is exactly as strict as the routes', () => {
  let served: { paths?: Json };

  beforeAll(async () => {
    served = (await request(stack.app).get('/openapi.json')).body as { paths?: Json };
  });

  test('every field of every request, given each sampled value: the document accepts exactly what the route accepts', () => {
    const mismatches: unknown[] = [];
    let checked = 0;
    for (const c of requestCases(served)) {
      // The example itself passes both.
      expect({ where: c.where, document: c.document(c.base), route: c.route.safeParse(c.base).success }).toEqual({ where: c.where, document: true, route: true });
      expect({ where: c.where, fields: c.fields.length > 0 || c.where.includes('panel-acknowledgement') || Object.keys(c.base as object).length === 0 }).toEqual({ where: c.where, fields: true });
      for (const field of c.fields) {
        const enums = Array.isArray(field.schema.enum) ? (field.schema.enum as unknown[]) : [];
        for (const sample of [...SAMPLES, ...enums]) {
          const value = withValue(c.base, field.path, sample);
          const document = c.document(value);
          const parsed = c.route.safeParse(value);
          checked++;
          if (document === parsed.success) continue;
          const paths = parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
          if (document && paths.length > 0 && paths.every((p) => INEXPRESSIBLE.test(p))) continue;
          mismatches.push({ where: c.where, field: field.path.join('.'), sample: typeof sample === 'string' && sample.length > 40 ? `${sample.trim().length} characters${sample !== sample.trim() ? ', spaces around' : ''}` : sample === ABSENT ? '(absent)' : sample, document, route: parsed.success, routeProblems: paths });
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(mismatches).toEqual([]);
  });

  test('each refusal the API tester found: the document refuses it, and so does the route', async () => {
    const doc = documentValidator(served);
    const created = await request(stack.app).post('/referrals').set(as('business-unit')).send(exampleReferral());
    expect(created.status).toBe(201);
    const ref = created.body.caseReference as string;
    const queries: Array<[string, Json, Role]> = [
      ['/cases', { limit: '0' }, 'business-unit'],
      ['/cases', { dueBefore: '' }, 'business-unit'],
      ['/actions', { agency: ' ' }, 'ld-chair'],
    ];
    for (const [docPath, query, role] of queries) {
      const res = await request(stack.app).get(docPath).query(query).set(as(role));
      const problems = (res.body.error?.problems ?? []) as Array<{ path: string }>;
      expect({ docPath, query, document: queryValidator(served, docPath)(query), status: res.status, code: res.body.error?.code, paths: problems.map((p) => p.path) }).toEqual({
        docPath,
        query,
        document: false,
        status: 422,
        code: 'InvalidQuery',
        paths: Object.keys(query),
      });
    }
    const referral = exampleReferral() as { referral: { caseDetails: Json } };
    referral.referral.caseDetails = { ...referral.referral.caseDetails, mainCause: 'Other' };
    delete referral.referral.caseDetails.mainCauseOther;
    const bodies: Array<[string, string, unknown, Role, string, string]> = [
      ['/codec/encode', '/codec/encode', { payloads: [{ metadata: {}, data: 'not base64!' }] }, 'business-unit', 'InvalidPayloads', ''],
      ['/cases/{caseReference}/decisions/ssp-informed', `/cases/${ref}/decisions/ssp-informed`, { occurredAt: '' }, 'business-unit', 'InvalidDecision', 'occurredAt'],
      ['/referrals', '/referrals', referral, 'business-unit', 'InvalidReferral', 'referral.caseDetails.mainCauseOther'],
    ];
    for (const [docPath, route, body, role, code, problemPath] of bodies) {
      const res = await request(stack.app).post(route).set(as(role)).send(body as object);
      const problems = ((res.body.error?.problems ?? []) as Array<{ path: string }>).map((p) => p.path);
      expect({ docPath, document: doc(bodyPointer(docPath))(body), status: res.status, code: res.body.error?.code, problem: problemPath === '' || problems.includes(problemPath) }).toEqual({
        docPath,
        document: false,
        status: 422,
        code,
        problem: true,
      });
    }
  });
});

// ---- Methods a path does not have ----------------------------------------------------------------

describe('a method a path does not have', () => {
  test('is 405 MethodNotAllowed, in the one error shape, with Allow; an unknown path stays 404', async () => {
    const cases: Array<[string, string, string]> = [
      ['trace', '/health', 'GET, HEAD'],
      ['post', '/cases/DSP-2026-0001', 'GET, HEAD'],
      ['delete', '/openapi.json', 'GET, HEAD'],
      ['get', '/cases/DSP-2026-0001/decisions/ssp-informed', 'POST'],
      ['put', '/codec/decode', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      for (const signedIn of [true, false]) {
        let req = (request(stack.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path);
        if (signedIn) req = req.set(as('business-unit'));
        const res = await req;
        expect({ method, path, signedIn, status: res.status, allow: res.headers.allow, code: res.body?.error?.code, shape: errorSchema().safeParse(res.body).success }).toEqual({ method, path, signedIn, status: 405, allow, code: 'MethodNotAllowed', shape: true });
      }
    }
    // A POST without JSON to a GET-only path: 405, not 415 (the method is checked first).
    const text = await request(stack.app).post('/health').set('Content-Type', 'text/plain').send('x');
    expect({ status: text.status, allow: text.headers.allow }).toEqual({ status: 405, allow: 'GET, HEAD' });
    for (const [method, path] of [['delete', '/nothing-here'], ['get', '/cases/DSP-2026-0001/nothing']] as const) {
      const res = await request(stack.app)[method](path).set(as('business-unit'));
      expect({ method, path, status: res.status, allow: res.headers.allow }).toEqual({ method, path, status: 404, allow: undefined });
    }
    // The document says so, and the error shape's codes include it.
    expect(openApiDocument().info.description).toContain('405');
  });
});

// ---- The examples are true on the day they are tried -----------------------------------------------

/** The order a case takes the documented decisions (the LCSPR path) and who records each. */
const CASE_PATH: DecisionName[] = [
  'ssp-informed', 'ssp-decision', 'referrer-feedback-sent', 'national-notification', 'panel-acknowledgement', 'rapid-review-scheduled', 'rapid-review-held', 'rapid-review-report',
  'panel-response', 'reviewer-commissioned', 'terms-of-reference-agreed', 'review-progress', 'draft-report-to-ld', 'ssp-sign-off', 'report-sent-to-panel', 'published', 'actions-agreed',
];
const ACTION_PATH: Array<[string, ActionDecisionName]> = [['A01', 'action-extended'], ['A01', 'action-completed'], ['A02', 'action-withdrawn']];
const whoRecords = (roles: readonly string[], agencyOf?: string) => PEOPLE.find((p) => roles.includes(p.role) && (agencyOf === undefined || p.role !== 'action-owner' || p.agency === agencyOf))!;

describe('the documented examples', () => {
  test('say they are examples: every request example is named so, and its words say so', () => {
    const ops = apiOperations();
    for (const op of ops.filter((o) => o.method === 'post' && o.body?.examples)) {
      const ex = op.body!.examples!.example!;
      expect({ path: op.path, summary: ex.summary }).toEqual({ path: op.path, summary: expect.stringMatching(/^Example: replace before sending/) });
      const words = JSON.stringify(ex.value).match(/"(?:rationale|note|reason|justification|summary|evidence)":"[^"]*"/g) ?? [];
      for (const w of words) expect({ path: op.path, w }).toEqual({ path: op.path, w: expect.stringMatching(/":"Example /) });
    }
  });

  test("are accepted on a case opened now: the document's referral starts it on time, and each decision's example, in the order a case takes them, is recorded", async () => {
    const served = (await request(stack.app).get('/openapi.json')).body as { paths: Record<string, { post: { requestBody: { content: Record<string, { examples: { example: { value: object } } }> } } }> };
    const exampleOf = (docPath: string) => served.paths[docPath]!.post.requestBody.content['application/json']!.examples.example.value;
    const created = await request(stack.app).post('/referrals').set(as('business-unit')).send(exampleOf('/referrals'));
    expect(created.status).toBe(201);
    const ref = created.body.caseReference as string;
    const opened = await settledCase(stack.app, ref, PEOPLE[0]!.token);
    // Nothing late, nothing missed: the referral was made the day its agency became aware.
    expect({ metLate: opened.body.metLate, missed: opened.body.missed }).toEqual({ metLate: [], missed: [] });
    for (const name of CASE_PATH) {
      const person = whoRecords(DECISIONS[name].roles);
      const res = await request(stack.app).post(`/cases/${ref}/decisions/${name}`).set(bearer(person.token)).send(exampleOf(`/cases/{caseReference}/decisions/${name}`));
      expect({ name, status: res.status, problems: res.body.error?.problems?.map((p: { path: string }) => p.path), code: res.body.error?.code }).toEqual({ name, status: 200, problems: undefined, code: undefined });
    }
    for (const [actionId, name] of ACTION_PATH) {
      const person = whoRecords(ACTION_DECISIONS[name].roles, 'Example Health Trust');
      let res;
      for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 150))) {
        res = await request(stack.app).post(`/cases/${ref}/actions/${actionId}/decisions/${name}`).set(bearer(person.token)).send(exampleOf(`/cases/{caseReference}/actions/{actionId}/decisions/${name}`));
        if (res.status !== 404 || Date.now() > until) break;
      }
      expect({ actionId, name, status: res.status, problems: res.body.error?.problems?.map((p: { path: string }) => p.path), code: res.body.error?.code }).toEqual({ actionId, name, status: 200, problems: undefined, code: undefined });
    }
  });
});

describe('the page', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer(stack.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  test('has its own narrow CSP, serves only swagger-ui\'s files, and the API keeps default-src none', async () => {
    const page = await request(stack.app).get('/docs');
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect((await request(stack.app).get('/docs/swagger-ui-bundle.js')).status).toBe(200);
    expect((await request(stack.app).get('/docs/swagger-ui-init.js')).text).toContain('/openapi.json');
    for (const other of ['/docs/index.html', '/docs/package.json', '/docs/swagger-ui-bundle.js.map']) expect({ other, status: (await request(stack.app).get(other)).status }).toEqual({ other, status: 404 });
    expect((await request(stack.app).get('/openapi.json')).headers['content-security-policy']).toMatch(/^default-src 'none'/);
  });

  test('renders the document in a real browser: the title, the operations, no CSP violation', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') messages.push(message.text());
    });
    page.on('pageerror', (err) => messages.push(`pageerror: ${err.message}`));
    try {
      await page.goto(`${base}/docs`);
      await page.locator('.swagger-ui .info .title').filter({ hasText: API_TITLE }).waitFor({ timeout: 15_000 });
      await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(DECISION_NAMES.length);
      await expect(page.locator('.opblock-summary-path').filter({ hasText: '/referrals' }).count()).resolves.toBeGreaterThan(0);
      expect(messages.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
      expect(messages).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
