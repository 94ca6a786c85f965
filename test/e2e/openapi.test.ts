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
import { referralRequestSchema } from '../../api/app';
import { API_ERRORS } from '../../api/errors';
import { ACTION_DECISION_EXAMPLES, API_TITLE, CASE_DECISION_EXAMPLES, idempotencyKeySchema, apiOperations, documentedExamples, openApiDocument, responseSchema } from '../../api/openapi';
import { ACTION_DECISIONS, ACTION_DECISION_NAMES } from '../../domain/action';
import { DECISIONS, DECISION_NAMES } from '../../domain/decisions';
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
];
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
      ['ld-chair', 'ld-decision', CASE_DECISION_EXAMPLES['ld-decision']],
      ['ssp', 'ssp-approval', CASE_DECISION_EXAMPLES['ssp-approval']],
    ];
    for (const [role, name, body] of steps) {
      const res = await request(stack.app).post(`/cases/${ref}/decisions/${name}`).set(as(role)).send(body);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expectDocumented('post', `/cases/{caseReference}/decisions/${name}`, res);
    }
    const deadline = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const plan = CASE_DECISION_EXAMPLES['actions-agreed'].actions.map((a) => ({ ...a, deadline }));
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
