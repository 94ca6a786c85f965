// GET /cases (issue 10, item 3) through the real API on the real dev server: the listing agrees
// with each case as GET /cases/:ref shows it (the oracle: a different path, the case's own status
// query, against the summary each case keeps in the register), filters and pages, follows the read policy, and
// refuses any query it does not know without echoing it or reaching Temporal's query language.
import request from 'supertest';
import type { Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { londonDate, londonInstant, shiftDays } from '../helpers/expected-dates';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: 'list-bu' },
  { id: 'ops-1', role: 'operations', agency: 'Partnership IT', token: 'list-ops' },
  { id: 'referrer-a', role: 'referrer', agency: 'Example Health Trust', token: 'list-referrer-a' },
  { id: 'referrer-b', role: 'referrer', agency: 'Another Trust', token: 'list-referrer-b' },
  { id: 'reviewer-1', role: 'reviewer', agency: 'Independent reviewer', token: 'list-reviewer' },
  { id: 'owner-1', role: 'action-owner', agency: 'Example Health Trust', token: 'list-owner' },
];
const as = (id: string) => bearer(PEOPLE.find((p) => p.id === id)!.token);
const MARKER = "zz' OR CaseStage != 'zz";

interface Item {
  caseReference: string;
  stage: string;
  openedAt: string;
  nextDeadline: string | null;
  overdue: number;
  open: boolean;
}

let stack: DevStack;
/** fresh: received now; advanced: referred by Example Health Trust's referrer, SSP informed; late: received 40 days ago. */
const refs = { fresh: '', advanced: '', late: '' };

function list(who: string, query: Record<string, string> = {}) {
  return request(stack.app).get('/cases').query(query).set(as(who));
}

/** The listing, once visibility (eventually consistent) shows what `ready` waits for. */
async function listWhen(who: string, query: Record<string, string>, ready: (cases: Item[]) => boolean): Promise<Item[]> {
  const until = Date.now() + 20_000;
  for (;;) {
    const res = await list(who, query);
    expect(res.status).toBe(200);
    const cases = res.body.cases as Item[];
    if (ready(cases) || Date.now() > until) return cases;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What GET /cases/:ref says of a case: the listing's oracle. */
async function asTheCaseSays(ref: string): Promise<Pick<Item, 'caseReference' | 'stage' | 'nextDeadline' | 'overdue' | 'open'>> {
  const res = await request(stack.app).get(`/cases/${ref}`).set(as('bu-1'));
  expect(res.status).toBe(200);
  const open = (res.body.open as Array<{ dueAt: string }>).map((o) => o.dueAt).sort();
  return { caseReference: ref, stage: res.body.stage, nextDeadline: open[0] ?? null, overdue: (res.body.missed as unknown[]).length, open: true };
}

const without = ({ openedAt: _o, ...rest }: Item) => rest;

beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
  const refer = async (who: string, body: object) => {
    const res = await request(stack.app).post('/referrals').set(as(who)).send(body);
    expect(res.status).toBe(201);
    return res.body.caseReference as string;
  };
  refs.fresh = await refer('bu-1', { referral: validReferralForm() });
  refs.advanced = await refer('referrer-a', { referral: validReferralForm() });
  expect((await request(stack.app).post(`/cases/${refs.advanced}/decisions/ssp-informed`).set(as('bu-1')).send({})).status).toBe(200);
  refs.late = await refer('bu-1', { referral: validReferralForm(), receivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
  // Until the late case's deadlines have been missed and every case shows in visibility as it is.
  const settledAll = async () => {
    const expected = await Promise.all(Object.values(refs).map(asTheCaseSays));
    const listed = await list('bu-1');
    return expected.every((e) => (listed.body.cases as Item[]).some((c) => JSON.stringify(without(c)) === JSON.stringify(e))) && expected[2]!.overdue > 0;
  };
  const until = Date.now() + 30_000;
  while (!(await settledAll())) {
    if (Date.now() > until) throw new Error('the listing never agreed with the cases');
    await new Promise((r) => setTimeout(r, 250));
  }
});
afterAll(async () => {
  await stack?.stop();
});

test('the roles that read whole cases and operations list every case, newest first, each as the case itself says', async () => {
  for (const who of ['bu-1', 'ops-1']) {
    const res = await list(who);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const cases = res.body.cases as Item[];
    expect(cases.map((c) => c.caseReference)).toEqual([refs.late, refs.advanced, refs.fresh]);
    for (const c of cases) {
      expect(without(c)).toEqual(await asTheCaseSays(c.caseReference));
      expect(Date.parse(c.openedAt)).toBeGreaterThan(Date.now() - 120_000);
    }
    // Nothing about the child or the referral: the keys of a case's search attributes only.
    expect(Object.keys(cases[0]!).sort()).toEqual(['caseReference', 'nextDeadline', 'open', 'openedAt', 'overdue', 'stage']);
    expect(res.text).not.toContain(validReferralForm().children[0]!.fullName);
  }
});

test('filtered by stage, by a missed deadline, and by the next deadline before a date', async () => {
  const refsOf = async (query: Record<string, string>) => (await listWhen('bu-1', query, () => true)).map((c) => c.caseReference).sort();
  const all = await Promise.all(Object.values(refs).map(asTheCaseSays));
  const expect_ = (keep: (c: (typeof all)[number]) => boolean) => all.filter(keep).map((c) => c.caseReference).sort();

  expect(await refsOf({ stage: 'referral-received' })).toEqual(expect_((c) => c.stage === 'referral-received'));
  expect(await refsOf({ stage: 'awaiting-ssp-decision' })).toEqual(expect_((c) => c.stage === 'awaiting-ssp-decision'));
  expect(await refsOf({ stage: 'lcspr' })).toEqual([]);
  expect(await refsOf({ overdue: 'true' })).toEqual([refs.late]);
  expect(await refsOf({ overdue: 'false' })).toEqual([refs.fresh, refs.advanced].sort());
  expect(await refsOf({ overdue: 'false', stage: 'referral-received' })).toEqual([refs.fresh]);

  // Before the London day begins (the oracle's own London clock, not the API's).
  const today = londonDate(Date.now());
  const seen = new Set<string>();
  for (const date of [today, shiftDays(today, 2), shiftDays(today, 10), shiftDays(today, 60), '2099-12-31']) {
    const before = londonInstant(date, '00:00:00');
    const expected = expect_((c) => c.nextDeadline !== null && c.nextDeadline < before);
    expect({ date, cases: await refsOf({ dueBefore: date }) }).toEqual({ date, cases: expected });
    seen.add(expected.join());
  }
  // The dates chosen do separate the cases.
  expect(seen.size).toBeGreaterThanOrEqual(2);
});

test('a page at a time: every case once, in order, and a cursor only for the listing it came from', async () => {
  const whole = (await list('bu-1')).body.cases as Item[];
  const paged: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: request.Response = await list('bu-1', { limit: '1', ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    paged.push(...(res.body.cases as Item[]));
    cursor = res.body.nextCursor as string | null;
    pages++;
  } while (cursor && pages < 10);
  expect(paged.map((c) => c.caseReference)).toEqual(whole.map((c) => c.caseReference));

  const first = await list('bu-1', { limit: '1' });
  const next = first.body.nextCursor as string;
  expect(typeof next).toBe('string');
  // The same cursor with another filter, another page size, or altered: refused, nothing listed.
  // Another person's cursor is not theirs to use either.
  const ops = await list('ops-1', { limit: '1', cursor: next });
  expect({ status: ops.status, code: ops.body.error?.code }).toEqual({ status: 422, code: 'InvalidQuery' });
  const altered: Array<Record<string, string>> = [
    { limit: '1', cursor: next, stage: 'referral-received' },
    { limit: '2', cursor: next },
    { limit: '1', cursor: `${next.slice(0, -6)}AAAAAA` },
    { limit: '1', cursor: next.split('.').slice(0, 2).join('.') },
    { limit: '1', cursor: 'not-a-cursor-of-ours' },
  ];
  for (const query of altered) {
    const res = await list('bu-1', query);
    expect({ query, status: res.status, code: res.body.error?.code, problems: res.body.error?.problems }).toEqual({
      query,
      status: 422,
      code: 'InvalidQuery',
      problems: [{ path: 'cursor', message: 'cursor must be the nextCursor of an earlier page of the same listing, once' }],
    });
  }
});

test('a query it does not know is refused 422, never echoed, never reaching the visibility query', async () => {
  const cases: Array<[Record<string, string | string[]>, string]> = [
    [{ stage: MARKER }, 'stage'],
    [{ stage: ['lcspr', 'rapid-review'] }, 'stage'],
    [{ overdue: 'yes' }, 'overdue'],
    [{ dueBefore: '2026-02-30' }, 'dueBefore'],
    [{ dueBefore: MARKER }, 'dueBefore'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ status: 'closed' }, 'status'],
    [{ cursor: MARKER }, 'cursor'],
    [{ [MARKER]: '1' }, '(query)'],
    [{ query: "CaseStage = 'lcspr'" }, '(query)'],
  ];
  for (const [query, path] of cases) {
    const search = new URLSearchParams(Object.entries(query).flatMap(([k, v]): Array<[string, string]> => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]])));
    const res = await request(stack.app).get(`/cases?${search.toString()}`).set(as('bu-1'));
    expect({ query, status: res.status, code: res.body.error?.code, paths: (res.body.error?.problems as Array<{ path: string }>).map((p) => p.path) }).toEqual({
      query,
      status: 422,
      code: 'InvalidQuery',
      paths: [path],
    });
    expect(res.text).not.toContain('zz');
  }
});

test("a referrer lists their agency's referrals only; a reviewer only cases they are commissioned on; an action owner none", async () => {
  const mine = await list('referrer-a');
  expect({ status: mine.status, refs: (mine.body.cases as Item[]).map((c) => c.caseReference) }).toEqual({ status: 200, refs: [refs.advanced] });
  // Paged, the filter is part of the query: the first page holds their referral, and it is the last.
  const firstPage = await list('referrer-a', { limit: '1' });
  expect((firstPage.body.cases as Item[]).map((c) => c.caseReference)).toEqual([refs.advanced]);
  expect(firstPage.body.nextCursor).toBeNull();

  const other = await list('referrer-b');
  expect({ status: other.status, cases: other.body.cases }).toEqual({ status: 200, cases: [] });
  const reviewer = await list('reviewer-1');
  expect({ status: reviewer.status, cases: reviewer.body.cases }).toEqual({ status: 200, cases: [] });
  const owner = await list('owner-1');
  expect({ status: owner.status, code: owner.body.error?.code }).toEqual({ status: 403, code: 'ReadNotAllowed' });
  const stranger = await request(stack.app).get('/cases');
  expect({ status: stranger.status, code: stranger.body.error?.code }).toEqual({ status: 401, code: 'Unauthenticated' });
});
