// Decisions through the real API while things go wrong at the same time: SMTP down, the worker
// down, retried requests, an immediate first decision, a closed case. On the real Temporal dev
// server, with a real worker that the test stops and starts, a real SMTP listener that goes down,
// and a register in a temporary SQLite file.
import { spawn } from 'node:child_process';
import request from 'supertest';
import type { Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';

const PEOPLE: Array<{ id: string; role: Role; token: string }> = [
  { id: 'bu-1', role: 'business-unit', token: 'fail-bu-1' },
  { id: 'bu-2', role: 'business-unit', token: 'fail-bu-2' },
  { id: 'ssp-la', role: 'ssp', token: 'fail-ssp' },
  { id: 'ld-chair', role: 'ld-chair', token: 'fail-ld-chair' },
];
/** Holds a write lock on the SQLite file argv[1] for argv[2] ms, saying "locked" once it has it. */
const HOLD_LOCK = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, Number(process.argv[2]));
`;
const token = (id: string) => PEOPLE.find((p) => p.id === id)!.token;
/** How long the API waits for the case engine before answering 503. */
const CALL_TIMEOUT_MS = 4_000;

let stack: DevStack;
let env: DevStack['env'];
let smtp: DevStack['smtp'];
let register: DevStack['register'];
let app: DevStack['app'];

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE.map((p) => ({ ...p, agency: 'test' })), app: { temporalCallTimeoutMs: CALL_TIMEOUT_MS } });
  ({ env, smtp, register, app } = stack);
});
afterAll(async () => {
  await stack?.stop();
});

async function refer(): Promise<string> {
  const res = await request(app).post('/referrals').set(bearer(token('bu-1'))).send({ referral: validReferralForm() });
  expect(res.status).toBe(201);
  return res.body.caseReference as string;
}

function decide(ref: string, decision: string, who: string, body: Record<string, unknown> = {}, key?: string) {
  const req = request(app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(token(who)));
  if (key) void req.set('Idempotency-Key', key);
  return req.send(body);
}

async function getCase(ref: string) {
  const res = await request(app).get(`/cases/${ref}`).set(bearer(token('bu-1')));
  expect(res.status).toBe(200);
  return res.body as { stage: string; clockCorrections: unknown[]; pending: { notices: number; records: number }; obligations: Record<string, { status: string }>; timeline: Array<{ kind: string }> };
}

async function settled(ref: string) {
  const res = await settledCase(app, ref, token('bu-1'), 60_000);
  expect(res.status).toBe(200);
  expect(res.body.pending).toEqual({ notices: 0, records: 0 });
  return res.body as Awaited<ReturnType<typeof getCase>>;
}

test('the first decision, sent the moment the referral is answered, is taken (it was refused 409)', async () => {
  const ref = await refer();
  const informed = await decide(ref, 'ssp-informed', 'bu-1');
  expect(informed.status).toBe(200);
  expect(informed.body.stage).toBe('awaiting-ssp-decision');
});

test('close-case sent while the SSP decision is applied, the register slowed: refused; referrer feedback stays watched', async () => {
  const ref = await refer();
  expect((await decide(ref, 'ssp-informed', 'bu-1')).status).toBe(200);
  await settled(ref);
  // Another process holds the register's write lock for 2 s: every write waits. (A process of its
  // own: better-sqlite3 waits for a lock synchronously, which would stall this one.)
  const blocker = spawn(process.execPath, ['-e', HOLD_LOCK, stack.registerFile, '2000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise((resolve) => blocker.once('exit', resolve));
  await new Promise<void>((resolve) => blocker.stdout.once('data', () => resolve()));
  const [decided, closing] = await Promise.all([
    decide(ref, 'ssp-decision', 'ssp-la', { outcome: 'not-met-no-further-action', rationale: 'No serious harm (test).' }),
    new Promise((r) => setTimeout(r, 30)).then(() => decide(ref, 'close-case', 'ld-chair')),
  ]);
  const answers = [decided, closing].map((r) => ({ status: r.status, code: r.body.error?.code, stage: r.body.stage }));
  await released;
  // It was accepted, and the case completed with §5.7's feedback open and never watched.
  expect(answers).toEqual([
    { status: 200, stage: 'no-further-action' },
    { status: 409, code: 'WrongStage' },
  ]);
  const after = await settled(ref);
  expect(after.stage).toBe('no-further-action');
  expect(after.obligations['referrer-feedback']!.status).toBe('open');
  expect((await env.client.workflow.getHandle(`incident-${ref}`).describe()).status.name).toBe('RUNNING');
});

test('SMTP down: a case referred in the outage takes its decisions at once; each email goes once when SMTP is back', async () => {
  smtp.setDown(true);
  let ref: string;
  try {
    ref = await refer();
    // The receipt email has been tried and turned away: the outage is real for this case.
    for (const until = Date.now() + 20_000; ; ) {
      const row = await register.selectFrom('outbox').select(['attempts', 'status']).where('case_reference', '=', ref).executeTakeFirst();
      if (row && row.attempts >= 1 && row.status === 'pending') break;
      if (Date.now() > until) throw new Error('the receipt email was not attempted during the outage');
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = Date.now();
    const informed = await decide(ref, 'ssp-informed', 'bu-1');
    expect(informed.status).toBe(200);
    // It was refused 409 for the whole outage: the SSP's obligation waited for the receipt email.
    const decided = await decide(ref, 'ssp-decision', 'ssp-la', { outcome: 'not-met-no-further-action', rationale: 'No serious harm (test).' });
    expect(decided.status).toBe(200);
    expect(decided.body.stage).toBe('no-further-action');
    // Quick and true: no 503 after 10 s for a decision that was applied.
    expect(Date.now() - started).toBeLessThan(CALL_TIMEOUT_MS);
    expect(decided.body.pending.notices).toBeGreaterThan(0);
    // The L&D Chair's obligation waits for its email; the case does not.
    expect(decided.body.due).toContainEqual(expect.objectContaining({ id: 'ld-informed', status: 'open' }));
  } finally {
    smtp.setDown(false);
  }
  const after = await settled(ref);
  expect(after.obligations['ld-informed']!.status).toBe('met');
  // Two receipt emails (ssp-informed to the Business Unit; §5.2's notification deadline to it and the SSP), each once.
  const receipts = smtp.messages.filter((m) => m.subject.startsWith(`[${ref}] Referral received`)).map((m) => m.subject);
  expect(receipts).toHaveLength(2);
  expect(new Set(receipts).size).toBe(2);
  expect(smtp.messages.filter((m) => m.subject === `[${ref}] SSP decision: not-met-no-further-action`)).toHaveLength(1);
});

test('Idempotency-Key: the same request answers the same and applies once; another request with the key is refused; the role is checked every time', async () => {
  const ref = await refer();
  const body = { clock: 'referrer-became-aware', correctedTo: '2026-03-10', reason: 'The referrer learned of it on 10 March (test).' };
  const key = `correction-${ref}`;
  const first = await decide(ref, 'clock-corrected', 'bu-1', body, key);
  expect(first.status).toBe(200);
  const retried = await decide(ref, 'clock-corrected', 'bu-1', body, key);
  expect(retried.status).toBe(200);
  expect(retried.body.clockCorrections).toEqual(first.body.clockCorrections);
  expect((await getCase(ref)).clockCorrections).toHaveLength(1);

  // The same key for another body, or another decision: refused, saying so (it answered 200 and changed nothing).
  const otherBody = await decide(ref, 'clock-corrected', 'bu-1', { ...body, correctedTo: '2026-03-11' }, key);
  expect([otherBody.status, otherBody.body.error?.code]).toEqual([422, 'IdempotencyKeyReused']);
  const otherDecision = await decide(ref, 'ssp-informed', 'bu-1', {}, key);
  expect([otherDecision.status, otherDecision.body.error?.code]).toEqual([422, 'IdempotencyKeyReused']);
  expect((await getCase(ref)).obligations['ssp-informed']!.status).toBe('open');

  // Replayed with another person's token: the role check runs (it answered 200 with the case).
  const otherRole = await decide(ref, 'clock-corrected', 'ssp-la', body, key);
  expect([otherRole.status, otherRole.body.error?.code]).toEqual([403, 'RoleNotAllowed']);
  // Another person of the same role has keys of their own: theirs is a new request.
  const colleague = await decide(ref, 'clock-corrected', 'bu-2', body, key);
  expect(colleague.status).toBe(200);
  expect((await getCase(ref)).clockCorrections).toHaveLength(2);
});

test('worker down: 503 says nothing was applied, and nothing is applied when the worker comes back', async () => {
  const ref = await refer();
  // Its opening emails and rows carried out first: an email or row the worker is carrying out as
  // it stops is taken up again only after its heartbeat timeout (30 s, workflows/machinery.ts);
  // that wait is not what this test is about, and it made the test 28 s slower.
  await settled(ref);
  await stack.worker.stop();
  const body = { clock: 'referrer-became-aware', correctedTo: '2026-03-12', reason: 'Worker outage probe (test).' };
  let answers: number[];
  try {
    const results = await Promise.all([1, 2, 3].map((n) => decide(ref, 'clock-corrected', 'bu-1', { ...body, reason: `${body.reason} ${n}` })));
    answers = results.map((r) => r.status);
    for (const r of results) expect(r.body.error?.code).toBe('NotApplied');
  } finally {
    await stack.worker.start();
  }
  expect(answers).toEqual([503, 503, 503]);
  // The worker is back: the case answers, and none of the three was applied (19 of 20 were).
  await settled(ref);
  await new Promise((r) => setTimeout(r, 2_000));
  expect((await getCase(ref)).clockCorrections).toEqual([]);
  // Retried now, it is applied once.
  expect((await decide(ref, 'clock-corrected', 'bu-1', body)).status).toBe(200);
  expect((await getCase(ref)).clockCorrections).toHaveLength(1);
});

test('a closed case answers 409 CaseClosed; a body over the limit 413; a long-fraction instant 422', async () => {
  const ref = await refer();
  expect((await decide(ref, 'ssp-informed', 'bu-1')).status).toBe(200);
  expect((await decide(ref, 'ssp-decision', 'ssp-la', { outcome: 'not-met-no-further-action', rationale: 'No serious harm (test).' })).status).toBe(200);
  expect((await decide(ref, 'referrer-feedback-sent', 'bu-1')).status).toBe(200);
  await settled(ref);
  const closed = await decide(ref, 'close-case', 'ld-chair');
  expect([closed.status, closed.body.stage]).toEqual([200, 'closed']);
  await env.client.workflow.getHandle(`incident-${ref}`).result();
  const late = await decide(ref, 'referrer-feedback-sent', 'bu-1');
  expect([late.status, late.body.error?.code]).toEqual([409, 'CaseClosed']);

  const other = await refer();
  const huge = await decide(other, 'ssp-informed', 'bu-1', { note: 'x'.repeat(300_000) });
  expect([huge.status, huge.body.error?.code]).toEqual([413, 'BodyTooLarge']);
  const fraction = await decide(other, 'ssp-informed', 'bu-1', { occurredAt: '2026-11-02T10:30:00.1234567890123Z' });
  expect(fraction.status).toBe(422);
  expect(fraction.body.error.problems.map((p: { path: string }) => p.path)).toEqual(['occurredAt']);
  // The case is unharmed and takes the decision.
  expect((await decide(other, 'ssp-informed', 'bu-1')).status).toBe(200);
});
