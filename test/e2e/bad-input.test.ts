// Malformed requests (issue 10, item 4): each family is answered 4xx in the API's one error shape,
// never 5xx, never with the sender's text in the answer, and nothing changes on the case.
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createApp } from '../../api/app';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { validReferralForm } from '../fixtures/referral-form';

const PEOPLE = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: 'bad-input-bu-token' },
  { id: 'ssp-1', role: 'ssp', agency: 'Local Authority', token: 'bad-input-ssp-token' },
] as const;
const BU = bearer(PEOPLE[0].token);
const MARKER = 'zz<script>alert(1)</script>zz';

let stack: DevStack;
let ref: string;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
  const created = await request(stack.app).post('/referrals').set(BU).send({ referral: validReferralForm() });
  expect(created.status).toBe(201);
  ref = created.body.caseReference as string;
});
afterAll(async () => {
  await stack?.stop();
});

/** The decisions a case shows: unchanged by a refused request (its emails go on being sent). */
async function timeline(): Promise<unknown[]> {
  const res = await request(stack.app).get(`/cases/${ref}`).set(BU);
  expect(res.status).toBe(200);
  return (res.body.timeline as Array<{ kind: string }>).filter((t) => t.kind.startsWith('decision:'));
}

function expectRefused(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.text).not.toContain('script');
}

const decision = () => request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(BU);

test('a path that does not decode: 400 MalformedPath, for a case, a decision and an action', async () => {
  for (const path of [`/cases/%E0%A4%A`, `/cases/${ref}/decisions/%ZZ`, `/cases/${ref}/actions/%C0/decisions/x`]) {
    const res = await request(stack.app).get(path).set(BU);
    // GET on a decision path is no route: 404 once decoded; the encoding is refused first.
    expectRefused(res, 400, 'MalformedPath');
  }
  const posted = await request(stack.app).post(`/cases/${ref}/decisions/%E0%A4%A`).set(BU).send({});
  expectRefused(posted, 400, 'MalformedPath');
});

test('bodies that cannot be read: bad JSON, a charset we do not read, a compression we do not know or that is broken', async () => {
  const before = await timeline();
  expectRefused(await decision().set('Content-Type', 'application/json').send(`{"note": "${MARKER}"`), 400, 'MalformedJson');
  expectRefused(await decision().set('Content-Type', 'application/json; charset=latin-9').send('{}'), 415, 'UnsupportedCharset');
  expectRefused(await decision().set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}'), 415, 'UnsupportedContentEncoding');
  expectRefused(await decision().set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(`not gzip ${MARKER}`), 400, 'MalformedBody');
  expect(await timeline()).toEqual(before);
});

test('a gzip body that is whole is read', async () => {
  const other = await request(stack.app).post('/referrals').set(BU).send({ referral: validReferralForm() });
  const res = await request(stack.app)
    .post(`/cases/${other.body.caseReference as string}/decisions/ssp-informed`)
    .set(BU)
    .set('Content-Type', 'application/json')
    .set('Content-Encoding', 'gzip')
    // Sent as the bytes they are (superagent would otherwise serialise the Buffer as JSON).
    .serialize((body: unknown) => body as string)
    .send(gzipSync(JSON.stringify({ note: 'compressed (test)' })) as unknown as string);
  expect({ status: res.status, error: res.body.error }).toEqual({ status: 200 });
});

test('too large and too deep: 413 and 400, before anything reads the body', async () => {
  const before = await timeline();
  expectRefused(await decision().send({ note: 'x'.repeat(300 * 1024) }), 413, 'BodyTooLarge');
  expectRefused(await decision().set('Content-Type', 'application/json').send(`{"note":"${'y'.repeat(1024 * 1024 + 10)}"}`), 413, 'BodyTooLarge');
  let deep: unknown = {};
  for (let i = 0; i < 5_000; i++) deep = { a: deep };
  expectRefused(await decision().set('Idempotency-Key', 'deep-body-key-1').send(deep as object), 400, 'MalformedJson');
  expect(await timeline()).toEqual(before);
});

test('an unknown key is pointed at without echoing it, whatever it looks like', async () => {
  const res = await decision().send({ [MARKER]: 1, note: 'fine' });
  expect(res.status).toBe(422);
  expect(res.body.error.problems).toEqual([{ path: '(a key)', message: 'A field is not part of this request: remove it (check the spelling)' }]);
  // A misspelt field is the sender's text too: pointed at by where it is, not repeated.
  const typo = await decision().send({ nots: 'typo' });
  expect(typo.body.error.problems).toEqual([{ path: '(a key)', message: 'A field is not part of this request: remove it (check the spelling)' }]);
  expect(typo.text).not.toContain('nots');
  const nested = await request(stack.app).post('/referrals').set(BU).send({ referral: { ...validReferralForm(), johnsmith: 1, janesmith: 2 } });
  expect(nested.body.error.problems).toEqual([{ path: 'referral.(a key)', message: '2 fields are not part of referral: remove them (check the spelling)' }]);
  expect(nested.text).not.toContain('smith');
});

test('a 503 says when to try again', async () => {
  await stack.worker.stop();
  try {
    const app = createApp({ ...stack.appDependencies, temporalCallTimeoutMs: 3_000, smtpReachable: async () => true });
    const res = await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(BU).send({});
    expectRefused(res, 503, 'NotApplied');
    expect(res.headers['retry-after']).toBe('5');
  } finally {
    await stack.worker.start();
  }
});

test('a stranger is answered 401 before the body is read, however malformed or large', async () => {
  const anonymous = () => request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set('Content-Type', 'application/json');
  expectRefused(await anonymous().send('{"broken'), 401, 'Unauthenticated');
  expectRefused(await anonymous().send(`{"note":"${'z'.repeat(2 * 1024 * 1024)}"}`), 401, 'Unauthenticated');
  expectRefused(await anonymous().set('Content-Type', 'application/json; charset=latin-9').send('{}'), 401, 'Unauthenticated');
  expectRefused(await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set('Authorization', 'Bearer wrong').send({}), 401, 'Unauthenticated');
});
