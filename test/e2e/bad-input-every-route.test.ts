// Bad input on every route (issue 10, item 6), signed in and anonymous, through the real app on the
// real dev server: malformed %-encoding and junk in every path parameter, unknown, repeated and
// nested query parameters, other methods, missing, wrong and oversized credentials and, on every
// POST, every body family (bad JSON, charsets, content encodings, broken gzip, too large, too deep,
// other media types, JSON that is not an object, unknown keys, each field of the wrong type, bad
// Idempotency-Keys). Not one answer may be 5xx; none may carry the sender's text back; an error is
// in the API's one shape; and afterwards every case, action and workflow is as it was.
//
// The routes are read from the app itself: a route this file does not cover fails the first test.
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Express } from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import { EncryptionCodec } from '../../config/payload-codec';
import { apiServer } from '../../api/main';
import type { Role } from '../../domain/roles';
import { exampleCareLeaverForm } from '../../config/example-care-leaver';
import { learningReferralForm, validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';

const AGENCY = 'Example Health Trust';
const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: 'every-route-bu' },
  { id: 'ssp-1', role: 'ssp', agency: 'Local Authority', token: 'every-route-ssp' },
  { id: 'ld-1', role: 'ld-chair', agency: 'L&D Group', token: 'every-route-ld' },
];
const TOKEN = { bu: 'every-route-bu', ssp: 'every-route-ssp', ld: 'every-route-ld' };
/** Sent in every family; no answer may contain it (nor its parts). */
const MARK = 'zqxMARK';
const MARKER = `${MARK}<script>alert(1)</script>`;
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

let stack: DevStack;
let ref: string;
let actionId: string;

/** Every route the app has, as "METHOD /pattern", nested routers included (Express 5's router). */
function routesOf(app: Express): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${prefix}${layer.route!.path}`);
      if (layer.handle?.stack) return walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      return [];
    });
  return [...new Set(walk((app as unknown as { router: { stack: Layer[] } }).router.stack, ''))];
}

interface Route {
  /** The route as the app declares it. */
  route: string;
  /** The path with real parameters: a real case, a real action, a real decision. */
  path: () => string;
  /** Who may call it, when anyone must sign in. */
  token?: string;
  /** A valid body: each family spoils one thing about it. */
  body?: () => Record<string, unknown>;
  /** HTML pages (the codec's sign-in) answer in HTML, not the JSON error shape. */
  html?: boolean;
  /** Forms (the codec's sign-in) take application/x-www-form-urlencoded. */
  form?: boolean;
}

const ROUTES: Route[] = [
  { route: 'GET /health', path: () => '/health' },
  { route: 'GET /openapi.json', path: () => '/openapi.json' },
  { route: 'GET /docs', path: () => '/docs' },
  { route: 'GET /codec/sign-in', path: () => '/codec/sign-in', html: true },
  { route: 'POST /codec/sign-in', path: () => '/codec/sign-in', html: true, form: true },
  { route: 'POST /codec/sign-out', path: () => '/codec/sign-out', html: true, form: true },
  { route: 'POST /codec/decode', path: () => '/codec/decode', token: TOKEN.bu, body: () => ({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{}').toString('base64') }] }) },
  { route: 'POST /codec/encode', path: () => '/codec/encode', token: TOKEN.bu, body: () => ({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{}').toString('base64') }] }) },
  { route: 'GET /actions', path: () => '/actions', token: TOKEN.bu },
  { route: 'GET /actions/exceptions', path: () => '/actions/exceptions', token: TOKEN.bu },
  { route: 'GET /cases', path: () => '/cases', token: TOKEN.bu },
  { route: 'POST /referrals', path: () => '/referrals', token: TOKEN.bu, body: () => ({ referral: validReferralForm() }) },
  // Under this stack's DSP-1.5 every notification is refused: a body that got through would still open nothing.
  { route: 'POST /care-leaver-deaths', path: () => '/care-leaver-deaths', token: TOKEN.bu, body: () => ({ careLeaverDeath: exampleCareLeaverForm() }) },
  { route: 'GET /cases/:caseReference', path: () => `/cases/${ref}`, token: TOKEN.bu },
  { route: 'GET /cases/:caseReference/referral', path: () => `/cases/${ref}/referral`, token: TOKEN.bu },
  { route: 'GET /cases/:caseReference/notification-pack', path: () => `/cases/${ref}/notification-pack`, token: TOKEN.bu },
  // §6.5: the agencies asked for the Rapid Review (none on this case), and one agency's return (none: 404).
  { route: 'GET /cases/:caseReference/rapid-review-returns', path: () => `/cases/${ref}/rapid-review-returns`, token: TOKEN.bu },
  { route: 'GET /cases/:caseReference/rapid-review-returns/:agency', path: () => `/cases/${ref}/rapid-review-returns/Example%20Police`, token: TOKEN.bu },
  // At the action plan, "close case" is refused while an action is open: a body that got through would still change nothing.
  { route: 'POST /cases/:caseReference/decisions/:decision', path: () => `/cases/${ref}/decisions/close-case`, token: TOKEN.ld, body: () => ({ note: 'Closing (test).' }) },
  { route: 'GET /cases/:caseReference/actions/:actionId', path: () => `/cases/${ref}/actions/${actionId}`, token: TOKEN.ld },
  // Extending to a date before the deadline is refused: a body that got through would change nothing.
  {
    route: 'POST /cases/:caseReference/actions/:actionId/decisions/:decision',
    path: () => `/cases/${ref}/actions/${actionId}/decisions/action-extended`,
    token: TOKEN.ld,
    body: () => ({ newDeadline: inDays(1), requestedBy: { position: 'chief-officer', agency: AGENCY, name: 'Chief Officer (test)' }, reason: 'Exceptional (test).' }),
  },
];

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE, app: { codec: new EncryptionCodec(TEST_KEY_RING), agencies: [AGENCY] } });
  const post = (token: string, path: string, body: object) => request(stack.app).post(path).set(bearer(token)).send(body);
  const created = await post(TOKEN.bu, '/referrals', { referral: learningReferralForm() });
  expect(created.status).toBe(201);
  ref = created.body.caseReference as string;
  for (const [token, decision, body] of [
    [TOKEN.bu, 'ssp-informed', {}],
    [TOKEN.ssp, 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning (test).' }],
    [TOKEN.bu, 'referrer-feedback-sent', {}],
    [TOKEN.ld, 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'Audit (test).' }],
    [TOKEN.ssp, 'ssp-approval', { approved: true, rationale: 'Agreed (test).' }],
    [TOKEN.ld, 'actions-agreed', { actions: [{ agency: AGENCY, owner: 'Owner (test)', description: 'Action (test)', finding: 'Finding (test)', deadline: inDays(90) }] }],
  ] as const) {
    const res = await post(token, `/cases/${ref}/decisions/${decision}`, body);
    expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
    if (decision === 'actions-agreed') actionId = (res.body.agreed as Array<{ actionId: string }>)[0]!.actionId;
  }
  const until = Date.now() + 20_000;
  while ((await request(stack.app).get(`/cases/${ref}/actions/${actionId}`).set(bearer(TOKEN.ld))).status !== 200) {
    if (Date.now() > until) throw new Error('the action never started');
    await new Promise((r) => setTimeout(r, 200));
  }
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Some spoilt bodies are still valid referrals (an empty list of siblings, the marker as free
 * text): the cases they open are these, and they are left out of what must not change.
 */
const opened: string[] = [];

/** Everything a bad request could change: the workflows, the case's decisions, the action, the register. */
async function everything(): Promise<unknown> {
  const listed = await stack.env.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: '' });
  const workflows = (listed.executions ?? [])
    .filter((e) => !opened.some((r) => e.execution?.workflowId?.endsWith(r)))
    .map((e) => `${e.execution?.workflowId} ${e.status}`)
    .sort();
  const shown = await request(stack.app).get(`/cases/${ref}`).set(bearer(TOKEN.bu));
  const decisions = (shown.body.timeline as Array<{ kind: string }>).map((t) => t.kind).filter((k) => k.startsWith('decision:'));
  const { pending: _pending, ...action } = (await request(stack.app).get(`/cases/${ref}/actions/${actionId}`).set(bearer(TOKEN.ld))).body as { pending?: unknown };
  const count = async (table: string) => (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(stack.register)).rows[0]?.n;
  const referrals = { cases: Number(await count('case_record')) - opened.length, forms: Number(await count('referral')) - opened.length, actions: await count('action_record') };
  return { workflows, stage: shown.body.stage, decisions, action, referrals };
}

type Send = (r: Route) => request.Test;
interface Family {
  label: string;
  send: Send;
  /** Families that only apply to routes with a body, or only to GETs. */
  when?: (r: Route) => boolean;
}

const app = () => stack.app;
const verb = (r: Route) => (r.route.startsWith('POST') ? 'post' : 'get') as 'post' | 'get';
const call = (r: Route, path = r.path()) => request(app())[verb(r)](path);
const signedIn = (r: Route, path?: string) => {
  const req = call(r, path);
  return r.token ? req.set(bearer(r.token)) : req;
};
/** A POST's valid body with an unknown key: refused by every route, whatever the query says. */
const withSpoiltBody = (r: Route, req: request.Test) => (verb(r) === 'post' ? req.send({ ...(r.body?.() ?? {}), [MARKER]: 1 }) : req);
const hasBody = (r: Route) => r.body !== undefined;
const json = (req: request.Test, body: string | Buffer, contentType = 'application/json') => req.set('Content-Type', contentType).serialize((b: unknown) => b as string).send(body as unknown as string);

/** Each segment of the path in turn replaced with `value` (as it is: already encoded or not). */
function eachSegment(r: Route, value: string): string[] {
  const parts = r.path().split('/');
  return parts.slice(1).map((_, i) => [...parts.slice(0, i + 1), value, ...parts.slice(i + 2)].join('/'));
}

function bodyFamilies(): Family[] {
  const valid = (r: Route) => r.body!();
  let deep: unknown = {};
  for (let i = 0; i < 5_000; i++) deep = { a: deep };
  const families: Family[] = [
    { label: 'malformed JSON', send: (r) => json(signedIn(r), `{"note": "${MARKER}"`) },
    { label: 'a charset we do not read', send: (r) => json(signedIn(r), '{}', 'application/json; charset=latin-9') },
    { label: 'a charset parameter with no value', send: (r) => json(signedIn(r), JSON.stringify({ ...valid(r), [MARKER]: 1 }), 'application/json; charset') },
    { label: 'a content type that does not parse', send: (r) => json(signedIn(r), JSON.stringify(valid(r)), 'application/json; charset="utf-8') },
    { label: 'UTF-32', send: (r) => json(signedIn(r), JSON.stringify(valid(r)), 'application/json; charset=utf-32') },
    { label: 'UTF-16', send: (r) => json(signedIn(r), Buffer.from(JSON.stringify(valid(r)), 'utf16le'), 'application/json; charset=utf-16') },
    { label: 'an unknown content encoding', send: (r) => json(signedIn(r).set('Content-Encoding', 'compress'), '{}') },
    { label: 'broken gzip', send: (r) => json(signedIn(r).set('Content-Encoding', 'gzip'), `not gzip ${MARKER}`) },
    { label: 'gzip of bad JSON', send: (r) => json(signedIn(r).set('Content-Encoding', 'gzip'), gzipSync(`{"${MARKER}`)) },
    { label: 'a declared length that lies', send: (r) => json(signedIn(r).set('Content-Length', '5'), '{"note": "longer than five"}') },
    { label: 'too large', send: (r) => json(signedIn(r), JSON.stringify({ note: MARKER.repeat(30_000) })) },
    { label: 'too deep', send: (r) => signedIn(r).send(deep as object) },
    { label: 'text/plain', send: (r) => json(signedIn(r), JSON.stringify(valid(r)), 'text/plain') },
    { label: 'no content type', send: (r) => signedIn(r).serialize((b: unknown) => b as string).send(JSON.stringify(valid(r))).unset('Content-Type') },
    { label: 'an empty JSON body', send: (r) => json(signedIn(r), '') },
    ...['null', '[]', '[{}]', '42', '"text"', 'true'].map((text) => ({ label: `JSON ${text}`, send: (r: Route) => json(signedIn(r), text) })),
    { label: 'an unknown key', send: (r) => signedIn(r).send({ ...valid(r), [MARKER]: MARKER }) },
    { label: 'a prototype key', send: (r) => json(signedIn(r), `{"__proto__": {"role": "ssp"}, "constructor": {"prototype": {"x": "${MARK}"}}}`) },
    { label: 'a bad Idempotency-Key', send: (r) => signedIn(r).set('Idempotency-Key', MARKER).send(valid(r)) },
    { label: 'a long Idempotency-Key', send: (r) => signedIn(r).set('Idempotency-Key', 'k'.repeat(2_000)).send(valid(r)) },
  ];
  // Each field of the valid body, and each field of its first nested objects, of every wrong type.
  const wrongTypes: unknown[] = [null, 0, -1.5, 1e308, true, [], [MARKER], {}, { [MARKER]: 1 }, MARKER, '', ' ', 'x'.repeat(20_000), '\u0000', '2026-02-30', '\ud800'];
  const fieldFamilies = (r: Route): Array<{ label: string; body: unknown }> => {
    const body = valid(r);
    const out: Array<{ label: string; body: unknown }> = [];
    for (const [key, value] of Object.entries(body)) {
      for (const wrong of wrongTypes) out.push({ label: `${key} as ${JSON.stringify(wrong)?.slice(0, 20)}`, body: { ...body, [key]: wrong } });
      const inner = Array.isArray(value) ? value[0] : value;
      if (inner && typeof inner === 'object') {
        for (const innerKey of Object.keys(inner as object)) {
          for (const wrong of [null, 0, [], {}, MARKER, 'x'.repeat(20_000)]) {
            const spoilt = { ...(inner as object), [innerKey]: wrong };
            out.push({ label: `${key}.${innerKey} as ${JSON.stringify(wrong)?.slice(0, 20)}`, body: { ...body, [key]: Array.isArray(value) ? [spoilt] : spoilt } });
          }
        }
      }
    }
    return out;
  };
  return [
    ...families.map((f) => ({ ...f, when: hasBody })),
    // One family that sends them all in turn (the count is in the label's log).
    {
      label: 'each field of the wrong type',
      when: hasBody,
      send: (r: Route) => {
        const cases = fieldFamilies(r);
        // Sent one after the other inside this family; the last answer is returned, every one checked.
        const all = (async () => {
          let last: request.Response | undefined;
          for (const c of cases) {
            const res = await signedIn(r).send(c.body as object);
            checkAnswer(r, `${r.route}: ${c.label}`, res);
            last = res;
          }
          return last!;
        })();
        return all as unknown as request.Test;
      },
    },
  ];
}

function everyRouteFamilies(): Family[] {
  return [
    { label: 'malformed %-encoding in each segment', send: (r) => signedIn(r, eachSegment(r, '%E0%A4%A')[0]) },
    { label: 'a segment that is the marker', send: (r) => signedIn(r, eachSegment(r, encodeURIComponent(MARKER)).at(-1)) },
    { label: 'a segment that climbs', send: (r) => signedIn(r, eachSegment(r, '..%2F..%2Fetc%2Fpasswd').at(-1)) },
    { label: 'a segment with a NUL', send: (r) => signedIn(r, eachSegment(r, `a%00${MARK}`).at(-1)) },
    { label: 'a very long segment', send: (r) => signedIn(r, eachSegment(r, MARK.repeat(1_000)).at(-1)) },
    // On a POST, with a body that is itself refused: these are about the query's parser.
    { label: 'an unknown query parameter', send: (r) => withSpoiltBody(r, signedIn(r, `${r.path()}?${encodeURIComponent(MARKER)}=${encodeURIComponent(MARKER)}`)) },
    { label: 'a repeated, nested query', send: (r) => withSpoiltBody(r, signedIn(r, `${r.path()}?status=open&status=all&agency[x]=${MARK}&format=csv&format=json&limit=1&limit=2`)) },
    { label: 'a malformed query', send: (r) => withSpoiltBody(r, signedIn(r, `${r.path()}?%E0%A4%A=%ZZ&limit=%&cursor=%00`)) },
    ...(['put', 'patch', 'delete'] as const).map((m) => ({ label: `method ${m.toUpperCase()}`, send: (r: Route) => (r.token ? request(app())[m](r.path()).set(bearer(r.token)) : request(app())[m](r.path())) })),
    { label: 'no credentials', send: (r) => call(r).send(r.body?.() ?? undefined) },
    { label: 'a wrong token', send: (r) => call(r).set('Authorization', `Bearer ${MARK}`).send(r.body?.() ?? undefined) },
    { label: 'another scheme', send: (r) => call(r).set('Authorization', `Basic ${Buffer.from(`${MARK}:x`).toString('base64')}`).send(r.body?.() ?? undefined) },
    { label: 'an oversized token', send: (r) => call(r).set('Authorization', `Bearer ${MARK.repeat(1_200)}`).send(r.body?.() ?? undefined) },
    { label: 'a token of nonsense characters', send: (r) => call(r).set('Authorization', 'Bearer \u00ff\u00fe%00').send(r.body?.() ?? undefined) },
  ];
}

/** The anonymous twin of each body family: a stranger is refused before the body is read. */
function anonymousBodyFamilies(): Family[] {
  return bodyFamilies()
    .filter((f) => f.label !== 'each field of the wrong type')
    .map((f) => ({
      label: `anonymous, ${f.label}`,
      when: (r: Route) => hasBody(r) && r.token !== undefined,
      send: (r: Route) => f.send({ ...r, token: undefined } as Route),
    }));
}

let answers = 0;
const statuses = new Map<number, number>();

function checkAnswer(r: Route, label: string, res: request.Response): void {
  answers++;
  if (r.route === 'POST /referrals' && res.status === 201) opened.push(res.body.caseReference as string);
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  // No 5xx, ever (a 503 would be an outage, and there is none here).
  expect({ label, status: res.status < 500 }).toEqual({ label, status: true });
  expect({ label, echoed: res.text.includes(MARK) || JSON.stringify(res.headers).includes(MARK) }).toEqual({ label, echoed: false });
  if (res.status >= 400 && !r.html && res.type === 'application/json') {
    expect({ label, code: typeof res.body.error?.code, message: typeof res.body.error?.message }).toEqual({ label, code: 'string', message: 'string' });
  }
  // Bytes past a declared length are a malformed next request on the connection: Node's HTTP
  // parser answers that one itself (400, Connection: close, no body) before the app sees it.
  if (label.endsWith('a declared length that lies') && res.status === 400 && res.text === '') return;
  if (res.status >= 400 && !r.html) expect({ label, type: res.type }).toEqual({ label, type: 'application/json' });
}

test('every route of the app is covered here', () => {
  const declared = routesOf(stack.app);
  expect(declared.filter((route) => !ROUTES.some((r) => r.route === route))).toEqual([]);
});

test('every family on every route, signed in and anonymous: no 5xx, no echo, one error shape, nothing changed', async () => {
  const declared = new Set(routesOf(stack.app));
  const before = await everything();
  const families = [...everyRouteFamilies(), ...bodyFamilies(), ...anonymousBodyFamilies()];
  for (const r of ROUTES.filter((x) => declared.has(x.route))) {
    for (const family of families) {
      if (family.when && !family.when(r)) continue;
      const label = `${r.route}: ${family.label}`;
      const res = (await family.send(r)) as request.Response;
      checkAnswer(r, label, res);
      // A stranger is refused on every route that needs sign-in, whatever else is wrong.
      if (family.label.startsWith('anonymous') || ['no credentials', 'a wrong token', 'another scheme', 'an oversized token', 'a token of nonsense characters'].includes(family.label)) {
        if (r.token) expect({ label, status: res.status }).toEqual({ label, status: 401 });
      }
    }
  }
  expect(await everything()).toEqual(before);
  // What was sent and answered (printed: the suite's size, and that the families did reach past sign-in).
  console.log(`bad input on every route: ${answers} answers (${opened.length} of them valid referrals after all); by status ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  expect(answers).toBeGreaterThan(500);
  for (const status of [400, 401, 404, 413, 415, 422]) expect({ status, seen: (statuses.get(status) ?? 0) > 0 }).toEqual({ status, seen: true });
});

/** Raw bytes to the API's own server (api/main.ts apiServer), and everything it answers until it closes. */
async function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
  });
}

test("what Node's HTTP parser refuses before the app is answered in the API's shape too, never echoed", async () => {
  const server = apiServer(stack.app, undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const refusals: Array<[string, string, number, string]> = [
      ['a request line that is not one', `${MARKER} nonsense\r\n\r\n`, 400, 'MalformedRequest'],
      ['a header with no colon', `GET /health HTTP/1.1\r\nHost: x\r\n${MARK}\r\n\r\n`, 400, 'MalformedRequest'],
      ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Junk: ${MARK.repeat(3_000)}\r\n\r\n`, 431, 'HeadersTooLarge'],
      ['two lengths', `POST /referrals HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, 'MalformedRequest'],
    ];
    for (const [label, bytes, status, code] of refusals) {
      const answer = await raw(port, bytes);
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      expect({ label, status: head.split(' ')[1], json: head.includes('Content-Type: application/json'), body: JSON.parse(body) }).toEqual({
        label,
        status: String(status),
        json: true,
        body: { error: { code, message: expect.any(String) } },
      });
      expect(answer).not.toContain(MARK);
    }
    // Bytes past a declared length are a request of their own, refused (the connection closes with it).
    const lied = await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n${MARK} junk\r\n\r\n`);
    expect(lied).toContain('"code":"MalformedRequest"');
    expect(lied).not.toContain(MARK);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('a half-sent request does not hold a socket: 408 RequestTimeout once the headers or the body are late', async () => {
  // The API's own server with its timeouts shortened (production: headers 10 s, request 30 s).
  const server = apiServer(stack.app, undefined, { headersMs: 1_000, requestMs: 1_500 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    for (const [label, bytes] of [
      ['headers never finished', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: '],
      ['a body never finished', `POST /referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN.bu}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"referral":`],
    ] as const) {
      const started = Date.now();
      const answer = await raw(port, bytes);
      const waited = Date.now() - started;
      expect({ label, status: answer.split(' ')[1], code: /"code":"(\w+)"/.exec(answer)?.[1] }).toEqual({ label, status: '408', code: 'RequestTimeout' });
      // Closed within a couple of checks of the timeout, not minutes later.
      expect({ label, closedInTime: waited < 4_000 }).toEqual({ label, closedInTime: true });
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
