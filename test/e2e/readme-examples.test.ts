// The documented examples, sent to the real API as written: each `curl` and the
// `# -> status {fields}` line under it, read from the file each lives in (README.md's "Try it",
// docs/API.md's "Action plans"). A field in the docs that the API does not answer (the
// `informedAt` the README once documented) fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { loadUsers, PROJECT_ROOT } from '../../config';
import { exampleReferral, londonToday } from '../../config/example-referral';
import { startDevStack, type DevStack } from '../helpers/dev-stack';

interface Example {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  expected: unknown;
  text: string;
}

/** What a shell puts in place of a `$(...)` an example uses; any other is refused (the test would not know it). */
function substitution(command: string): string {
  if (command.trim() === 'TZ=Europe/London date +%F') return londonToday();
  throw new Error(`Documented example with a $(${command}) this test does not know`);
}

/** A -d argument as a shell reads it: '...' pieces and $(...) substitutions, side by side. */
function shellWord(text: string, from: number): string {
  let word = '';
  for (let i = from; i < text.length && !/\s/.test(text[i]!); ) {
    if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (text.startsWith('$(', i)) {
      const end = text.indexOf(')', i);
      word += substitution(text.slice(i + 2, end));
      i = end + 1;
    } else throw new Error(`Documented example with shell syntax this test does not read: ${text.slice(i, i + 20)}`);
  }
  return word;
}

/** Where each documented example block lives: the README's first case, the API reference's action plans. */
const TRY_IT = { file: 'README.md', heading: '## Try it' } as const;
const ACTION_PLANS = { file: 'docs/API.md', heading: '## Action plans' } as const;

/** The curl commands of the first sh block under a heading of a documentation file, with what each should answer. */
function examples({ file: doc, heading }: { file: string; heading: string } = TRY_IT): Example[] {
  const text = readFileSync(path.join(PROJECT_ROOT, doc), 'utf8');
  if (!text.includes(heading)) throw new Error(`${doc} has no section ${heading}`);
  const section = text.slice(text.indexOf(heading));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  const lines = block.split('\n');
  const found: Example[] = [];
  // Files the block writes: `npm run -s example:referral > file` writes today's example referral.
  const written = new Map<string, unknown>();
  for (let i = 0; i < lines.length; i++) {
    const writes = /^npm run -s example:referral > (\S+)$/.exec(lines[i]!);
    if (writes) written.set(writes[1]!, exampleReferral());
    if (!lines[i]!.startsWith('curl ')) continue;
    let command = '';
    for (; i < lines.length && !lines[i]!.startsWith('# ->'); i++) command += lines[i]!.replace(/\\$/, ' ');
    const answer = /^# -> (\d{3}) (.*)$/.exec(lines[i] ?? '');
    if (!answer) throw new Error(`${doc} example without "# -> status {fields}": ${command}`);
    // A URL may be quoted (a query's ? and & in a shell).
    const url = /http:\/\/127\.0\.0\.1:3000(\/[^\s']*)/.exec(command)![1]!;
    const headers: Record<string, string> = {};
    for (const m of command.matchAll(/-H '([^:]+): ([^']*)'/g)) headers[m[1]!] = m[2]!;
    const dataAt = command.indexOf(" -d '");
    const data = dataAt >= 0 ? shellWord(command, dataAt + 4) : undefined;
    const file = /--data @(\S+)/.exec(command)?.[1];
    const fileBody = () => (written.has(file!) ? written.get(file!) : JSON.parse(readFileSync(path.join(PROJECT_ROOT, file!), 'utf8')));
    const body = data !== undefined ? JSON.parse(data) : file ? fileBody() : undefined;
    found.push({ method: /-X POST/.test(command) ? 'POST' : 'GET', path: url, headers, body, status: Number(answer[1]), expected: JSON.parse(answer[2]!), text: command.trim() });
  }
  return found;
}

/** The fields an example shows are in the answer: objects by key, strings and numbers equal, arrays as arrays. */
function expectFields(actual: unknown, expected: unknown, where: string): void {
  if (Array.isArray(expected)) {
    expect({ where, isArray: Array.isArray(actual) }).toEqual({ where, isArray: true });
  } else if (expected && typeof expected === 'object') {
    expect({ where, isObject: typeof actual === 'object' && actual !== null }).toEqual({ where, isObject: true });
    for (const [key, value] of Object.entries(expected)) {
      expect({ where: `${where}.${key}`, present: Object.prototype.hasOwnProperty.call(actual, key) }).toEqual({ where: `${where}.${key}`, present: true });
      expectFields((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    }
  } else {
    expect({ where, value: actual }).toEqual({ where, value: expected });
  }
}

const DOCUMENTED_REFERENCE = 'DSP-2026-0001';
let stack: DevStack;
beforeAll(async () => {
  const users = loadUsers(path.join(PROJECT_ROOT, 'config', 'users.example.json'));
  // The development tokens the examples use: dev-<role>-token.
  stack = await startDevStack({ people: users.users.map((u) => ({ id: u.id, role: u.role, agency: u.agency, token: `dev-${u.role}-token` })) });
});
afterAll(async () => {
  await stack?.stop();
});

test('the README and docs/API.md have their examples, each with the answer it promises', () => {
  const all = examples();
  expect(all.length).toBeGreaterThanOrEqual(6);
  expect(readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).not.toContain('informedAt');
  expect(readFileSync(path.join(PROJECT_ROOT, ACTION_PLANS.file), 'utf8')).not.toContain('informedAt');
  // Nothing sent is dated but by the day it is sent: the referral is today's, completedOn today's.
  const referral = all.find((e) => e.path === '/referrals')!.body as { referral: { referrer: { becameAwareDate: string } } };
  expect(referral.referral.referrer.becameAwareDate).toBe(londonToday());
  const completed = examples(ACTION_PLANS).find((e) => e.path.endsWith('/action-completed'))!;
  expect(completed.body).toMatchObject({ completedOn: londonToday() });
  expect(completed.text).toContain('$(TZ=Europe/London date +%F)');
});

test("the case the README's referral opens starts with nothing late", async () => {
  const referral = examples().find((e) => e.path === '/referrals')!;
  const res = await request(stack.app).post('/referrals').set(referral.headers).set('Idempotency-Key', 'readme-on-time-0001').send(referral.body as object);
  expect(res.status).toBe(201);
  const ref = res.body.caseReference as string;
  let read;
  for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 150))) {
    read = await request(stack.app).get(`/cases/${ref}`).set('Authorization', 'Bearer dev-business-unit-token');
    if ((read.body.pending?.notices === 0 && read.body.pending?.records === 0) || Date.now() > until) break;
  }
  expect({ metLate: read.body.metLate, missed: read.body.missed }).toEqual({ metLate: [], missed: [] });
});

test("every Try it example answers as the README says, in order, on one case", async () => {
  let reference: string | undefined;
  for (const example of examples()) {
    const substitute = (text: string) => (reference ? text.split(DOCUMENTED_REFERENCE).join(reference) : text);
    let req = example.method === 'POST' ? request(stack.app).post(substitute(example.path)) : request(stack.app).get(substitute(example.path));
    for (const [name, value] of Object.entries(example.headers)) req = req.set(name, substitute(value));
    const res = example.body === undefined ? await req : await req.send(example.body as object);
    if (!reference && example.path === '/referrals') {
      reference = res.body.caseReference as string;
      if (!reference) throw new Error(`referral answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      expect(reference).toMatch(/^DSP-\d{4}-\d{4}$/);
    }
    expect({ example: example.text, status: res.status }).toEqual({ example: example.text, status: example.status });
    expectFields(res.body, JSON.parse(substitute(JSON.stringify(example.expected))), example.text.slice(0, 80));
  }
});

const ACTION_PLAN_REFERENCE = 'DSP-2026-0002';
const DAY_MS = 86_400_000;
const daysAhead = (n: number) => new Date(Date.now() + n * DAY_MS).toISOString().slice(0, 10);

test('the action-plan examples answer as docs/API.md says, on a case at the action-plan stage', async () => {
  const all = examples(ACTION_PLANS);
  expect(all.map((e) => e.path.split('/').slice(3).join('/'))).toEqual(
    expect.arrayContaining(['decisions/actions-agreed', 'actions/A01/decisions/action-extended', 'actions/A01/decisions/action-completed']),
  );
  expect(all.some((e) => e.path === '/actions')).toBe(true);
  // The learning path, through the API, to the action-plan stage (§10.6, §10.7).
  const as = (role: string) => ({ Authorization: `Bearer dev-${role}-token` });
  const created = await request(stack.app).post('/referrals').set(as('business-unit')).send(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')));
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  const decide = async (role: string, decision: string, body: object) => {
    const res = await request(stack.app).post(`/cases/${ref}/decisions/${decision}`).set(as(role)).send(body);
    expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
  };
  await decide('business-unit', 'ssp-informed', {});
  await decide('ssp', 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning about information sharing (test).' });
  await decide('business-unit', 'referrer-feedback-sent', {});
  await decide('ld-chair', 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'An audit across agencies (test).' });
  await decide('ssp', 'ssp-approval', { approved: true, rationale: 'Agreed (test).' });
  // docs/API.md's deadlines, moved to lie ahead of today in the same order (completedOn is today's already).
  const dates: Array<[string, string]> = [
    ['2027-03-31', daysAhead(120)],
    ['2027-04-30', daysAhead(150)],
    ['2027-06-30', daysAhead(210)],
  ];
  const substitute = (text: string) => dates.reduce((t, [from, to]) => t.split(from).join(to), text.split(ACTION_PLAN_REFERENCE).join(ref));
  for (const example of all) {
    let req = example.method === 'POST' ? request(stack.app).post(substitute(example.path)) : request(stack.app).get(substitute(example.path));
    for (const [name, value] of Object.entries(example.headers)) req = req.set(name, substitute(value));
    const res = example.body === undefined ? await req : await req.send(JSON.parse(substitute(JSON.stringify(example.body))) as object);
    expect({ example: example.text, status: res.status }).toEqual({ example: example.text, status: example.status });
    expectFields(res.body, JSON.parse(substitute(JSON.stringify(example.expected))), example.text.slice(0, 80));
  }
});
