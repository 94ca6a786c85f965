// The README's "Try it" examples, sent to the real API as written: each `curl` and the
// `# -> status {fields}` line under it. A field in the README that the API does not answer (the
// `informedAt` it once documented) fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { loadUsers, PROJECT_ROOT } from '../../config';
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

/** The curl commands of the README's "Try it" block, with what each should answer. */
function examples(): Example[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  const lines = block.split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('curl ')) continue;
    let command = '';
    for (; i < lines.length && !lines[i]!.startsWith('# ->'); i++) command += lines[i]!.replace(/\\$/, ' ');
    const answer = /^# -> (\d{3}) (.*)$/.exec(lines[i] ?? '');
    if (!answer) throw new Error(`README example without "# -> status {fields}": ${command}`);
    const url = /http:\/\/127\.0\.0\.1:3000(\/\S*)/.exec(command)![1]!;
    const headers: Record<string, string> = {};
    for (const m of command.matchAll(/-H '([^:]+): ([^']*)'/g)) headers[m[1]!] = m[2]!;
    const data = /-d '([^']*)'/.exec(command)?.[1];
    const file = /--data @(\S+)/.exec(command)?.[1];
    const body = data !== undefined ? JSON.parse(data) : file ? JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) : undefined;
    found.push({ method: /-X POST/.test(command) ? 'POST' : 'GET', path: url, headers, body, status: Number(answer[1]), expected: JSON.parse(answer[2]!), text: command.trim() });
  }
  return found;
}

/** The fields the README shows are in the answer: objects by key, strings and numbers equal, arrays as arrays. */
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
  // The development tokens the README uses: dev-<role>-token.
  stack = await startDevStack({ people: users.users.map((u) => ({ id: u.id, role: u.role, agency: u.agency, token: `dev-${u.role}-token` })) });
});
afterAll(async () => {
  await stack?.stop();
});

test('the README has its examples, each with the answer it promises', () => {
  const all = examples();
  expect(all.length).toBeGreaterThanOrEqual(6);
  expect(readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).not.toContain('informedAt');
});

test("every README example answers as the README says, in order, on one case", async () => {
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
