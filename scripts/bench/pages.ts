// `npm run bench:pages` (issue 18, item 8): how long the staff pages take inside the server with
// 10,000 open cases in the register: my work (`/`), the case list (`/cases`, its first page and a
// filtered one) and a case's page (`/cases/<ref>`), beside the JSON read of the same case
// (`GET /cases/<ref>` with a bearer token). Numbers only: no pass or fail; the goal (p95 <= 100 ms
// for each page) is printed beside each figure.
//
// Everything is real and throwaway: the provisioned Temporal CLI's dev server, the incident worker
// in its own process, a register in a temporary SQLite file, an SMTP listener that drops every
// email (all started by api-round-trip.ts startStack, whose plain API stays idle), and in this
// process a second app made from the same dependencies with the pages (`web` options, the
// development sign-in), over HTTP on 127.0.0.1, kept-alive connections.
//
// The cases: a handful of real workflows opened and driven through the API (each to a different
// stage of the LCSPR path); their summaries, as the workflow wrote them to the register, are the
// templates for 10,000 seeded summaries written through the register's own write path
// (recordCaseSummary, what the register activity calls): the stages, obligations and their owners
// of the real cases, the dates moved so each case came in a while ago (about a quarter past their
// soonest deadline: missed counts from 0 up), several referring agencies, 20 reviewers. The pages
// read one real case (the list and my work read the register only; the case page and the JSON
// read query the case's workflow). No child or family: the referral is test/fixtures' fictitious form.
//
// Server time: from the request's arrival to its answer's last byte handed over (common.ts listen),
// not the client's round trip. Requests are made one at a time, the kinds interleaved in rotating
// order, after a warm-up.
process.env.TZ = 'UTC';

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createApp } from '../../api/app';
import { PROJECT_ROOT, type Users } from '../../config';
import type { CaseStatus, CaseSummary, Stage } from '../../domain/case';
import { rulebook } from '../../domain/rulebook';
import { caseWorkFor, listCaseSummaries, readCaseSummary, recordCaseSummary } from '../../register/case-summary';
import type { RegisterDb, RegisterSchema } from '../../register/database';
import { DEFAULT_PAGE_SIZE } from '../../services/case-list';
import { DEFAULT_WORK_ITEMS } from '../../services/my-work';
import { SESSION_COOKIE } from '../../web/session';
import { readServersRecord } from '../servers';
import { apiClient, person, settled, startStack, TO_LCSPR, type Stack } from './api-round-trip';
import { cleanups, codeVersion, listen, load, ms, percentile, printTable, runBenchmark, timed } from './common';

/** Timed requests of each kind (after the warm-up); 200 make the p95 the 10th slowest. */
const SAMPLES = Number(process.env.BENCH_PAGES_SAMPLES ?? 200);
const WARMUP = 20;
/** Open cases seeded into the register's summaries. */
const SEEDED = Number(process.env.BENCH_PAGES_CASES ?? 10_000);
/** issue 18, item 8: each page's p95 inside the server. */
const GOAL_P95_MS = 100;
/** The steps of the LCSPR path each real case takes: one case per stage it stops at. */
const DEPTHS = [0, 1, 2, 4, 5, 7, 8, 11];
/** The filtered page: a stage of the path, cases with a missed deadline. */
const FILTER_STAGE: Stage = 'rapid-review';
/** Runs of each list query alone, for its p50. */
const QUERY_RUNS = 50;
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** A real case per depth of the LCSPR path, 4 at a time, each settled and its summary in the register; in DEPTHS' order. */
async function realCases(stack: Stack, api: ReturnType<typeof apiClient>): Promise<Array<{ ref: string; template: CaseSummary }>> {
  const out: Array<{ ref: string; template: CaseSummary }> = new Array(DEPTHS.length);
  let next = 0;
  const register = stack.appDependencies.register;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < DEPTHS.length) {
        const i = next++;
        const ref = await api.openCase();
        for (const step of TO_LCSPR.slice(0, DEPTHS[i])) {
          const res = await api.decide(ref, step.decision, step.role, step.payload());
          if (res.status !== 200) throw new Error(`${step.decision} on ${ref}: HTTP ${res.status}`);
        }
        const status = await settled(stack.caseHandle(ref));
        const until = Date.now() + 30_000;
        let stored = await readCaseSummary(register, ref);
        while (!stored || stored.stage !== status.stage) {
          if (Date.now() > until) throw new Error(`the summary of ${ref} did not reach the register`);
          await new Promise((r) => setTimeout(r, 50));
          stored = await readCaseSummary(register, ref);
        }
        out[i] = {
          ref,
          template: {
            caseReference: ref,
            rulebookVersion: status.rulebookVersion,
            revision: stored.revision,
            stage: stored.stage,
            receivedAt: stored.receivedAt,
            nextDeadline: stored.nextDeadline,
            missed: stored.missed,
            referringAgency: stored.referringAgency,
            reviewerIds: stored.reviewerIds,
            obligations: stored.obligations.map((o) => ({ id: o.id, status: o.status, dueAt: o.dueAt })),
            updatedAt: stored.updatedAt,
          },
        };
      }
    }),
  );
  return out;
}

// ---- the seeded summaries --------------------------------------------------------------------------

const DAY_MS = 86_400_000;
/** The referring agencies of the seeded cases (organisations, made up). */
const AGENCIES = ['Example Primary School', 'Example Children’s Services', 'Example Health Trust', 'Example Police', 'Example Academy Trust', 'Example Ambulance Service'];
/** Reviewers commissioned across the seeded LCSPR cases: reviewer-1 (who signs in) has about one in 20. */
const REVIEWERS = 20;
/** Summaries written per transaction: the worker's register writes wait for each at most a moment. */
const SEED_BATCH = 500;

/** A small seeded generator (mulberry32): the same cases every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The n-th seeded case, from a real case's summary: its stage, rulebook and obligations, every
 * instant moved back so that it came in a while ago, up to 1.3 times what its soonest deadline
 * allows (so about a quarter have passed it). An obligation past its date is missed, unless it is
 * a minimum period or a step the system takes itself (those are done once their date passes).
 */
function seededSummary(t: CaseSummary, n: number, rng: () => number, nowMs: number): CaseSummary {
  const received = Date.parse(t.receivedAt);
  const soonest = Math.min(...t.obligations.map((o) => Date.parse(o.dueAt)));
  const window = Number.isFinite(soonest) ? Math.max(soonest - received, DAY_MS) : 90 * DAY_MS;
  const shift = nowMs - rng() * 1.3 * window - received;
  const book = rulebook(t.rulebookVersion);
  const obligations = t.obligations.flatMap((o): CaseSummary['obligations'] => {
    const dueAt = new Date(Date.parse(o.dueAt) + shift);
    if (dueAt.getTime() >= nowMs) return [{ id: o.id, status: 'open', dueAt: dueAt.toISOString() }];
    const rule = book.obligations[o.id];
    return rule?.minimumPeriod || rule?.trigger ? [] : [{ id: o.id, status: 'missed', dueAt: dueAt.toISOString() }];
  });
  const open = obligations.filter((o) => o.status === 'open').map((o) => o.dueAt);
  const receivedAt = new Date(received + shift).toISOString();
  return {
    caseReference: `BENCH-${receivedAt.slice(0, 4)}-${String(n).padStart(5, '0')}`,
    rulebookVersion: t.rulebookVersion,
    revision: 1,
    stage: t.stage,
    receivedAt,
    nextDeadline: open.length ? open.sort()[0]! : null,
    missed: obligations.length - open.length,
    referringAgency: AGENCIES[Math.floor(rng() * AGENCIES.length)]!,
    reviewerIds: t.reviewerIds.length ? [`reviewer-${1 + Math.floor(rng() * REVIEWERS)}`] : [],
    obligations,
    updatedAt: new Date(nowMs).toISOString(),
  };
}

/** `count` summaries from the templates (chosen evenly), through recordCaseSummary in batches; what they hold, in words. */
async function seedSummaries(db: RegisterDb, templates: CaseSummary[], count: number): Promise<string> {
  const rng = random(18);
  const nowMs = Date.now();
  const stages = new Map<Stage, number>();
  let withMissed = 0;
  let mostMissed = 0;
  for (let from = 0; from < count; from += SEED_BATCH) {
    const batch = Array.from({ length: Math.min(SEED_BATCH, count - from) }, (_, k) => seededSummary(templates[Math.floor(rng() * templates.length)]!, from + k + 1, rng, nowMs));
    await db.transaction().execute(async (tx) => {
      for (const summary of batch) if (!(await recordCaseSummary(tx, summary))) throw new Error('a seeded summary was not written');
    });
    for (const s of batch) {
      stages.set(s.stage, (stages.get(s.stage) ?? 0) + 1);
      if (s.missed > 0) withMissed++;
      mostMissed = Math.max(mostMissed, s.missed);
    }
  }
  const roles = await db.selectFrom('case_summary_work').select(['role', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('role').orderBy('n', 'desc').execute();
  const n = (x: number) => x.toLocaleString('en-GB');
  return (
    `stages ${[...stages].map(([stage, k]) => `${stage} ${n(k)}`).join(', ')}; ${n(withMissed)} (${((100 * withMissed) / Math.max(count, 1)).toFixed(0)}%) with a missed deadline, up to ${mostMissed}; ` +
    `${AGENCIES.length} referring agencies; the LCSPR cases' reviewers among ${REVIEWERS}. Open obligations by the role they fall to (case_summary_work, seeded and real): ${roles.map((r) => `${r.role} ${n(Number(r.n))}`).join(', ')}.`
  );
}

// ---- a browser, signed in --------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Send = (method: string, pathname: string, headers: Record<string, string>, body?: string) => Promise<Answer>;

/** Requests over kept-alive connections, the answer read whole. */
function httpClient(base: string): Send {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  cleanups.push(async () => agent.destroy());
  return (method, pathname, headers, body) =>
    new Promise((resolve, reject) => {
      const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
      const req = http.request(`${base}${pathname}`, { method, agent, headers: { ...headers, ...length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** A person signed in to the pages as a browser does it: the development sign-in's form and its token, then the session cookie. */
async function signIn(send: Send, id: string): Promise<{ get(pathname: string): Promise<Answer> }> {
  let cookie = '';
  const keep = (a: Answer) => {
    const set = (a.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (set) cookie = set.split(';')[0]!;
    return a;
  };
  const form = keep(await send('GET', '/sign-in', { Accept: HTML }));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (form.status !== 200 || !csrf) throw new Error(`GET /sign-in: HTTP ${form.status}, ${csrf ? 'a' : 'no'} form token`);
  const body = new URLSearchParams({ _csrf: csrf, person: id }).toString();
  const res = keep(await send('POST', '/sign-in', { Accept: HTML, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body));
  if (res.status !== 303) throw new Error(`POST /sign-in as ${id}: HTTP ${res.status}`);
  return { get: async (pathname) => keep(await send('GET', pathname, { Accept: HTML, Cookie: cookie })) };
}

/** Rows in the bodies of a page's tables. */
function tableRows(html: string): number {
  return html
    .split('<tbody')
    .slice(1)
    .reduce((sum, part) => sum + (part.split('</tbody>')[0]!.match(/<tr class="govuk-table__row"/g) ?? []).length, 0);
}

// ---- the register's query plans --------------------------------------------------------------------

/** The lists' queries as the register builds them (captured from Kysely's log): SQLite's plan for each, and its time alone. */
async function queryPlans(file: string, stage: Stage): Promise<Array<{ what: string; plan: string; p50: number }>> {
  const database = new Database(file, { readonly: true });
  let captured: { sql: string; parameters: readonly unknown[] } | undefined;
  const db = new Kysely<RegisterSchema>({
    dialect: new SqliteDialect({ database }),
    log: (event) => {
      if (event.level === 'query') captured = { sql: event.query.sql, parameters: event.query.parameters };
    },
  });
  const plan = async (what: string, run: () => Promise<unknown>) => {
    await run();
    const rows = database.prepare(`EXPLAIN QUERY PLAN ${captured!.sql}`).all(...(captured!.parameters as unknown[])) as Array<{ detail: string }>;
    // The query alone, on its own connection: the part of the page's time that is the register's.
    const took: number[] = [];
    for (let i = 0; i < QUERY_RUNS; i++) took.push((await timed(run))[0]);
    return { what, plan: rows.map((r) => r.detail).join('; '), p50: percentile(sorted(took), 50) };
  };
  try {
    return [
      await plan('cases, first page', () => listCaseSummaries(db, { status: 'open', scope: { all: true }, limit: DEFAULT_PAGE_SIZE + 1 })),
      await plan(`cases at ${stage} with a missed deadline`, () => listCaseSummaries(db, { status: 'open', stage, overdue: true, scope: { all: true }, limit: DEFAULT_PAGE_SIZE + 1 })),
      await plan("a role's work (my work)", () => caseWorkFor(db, { role: 'ssp', scope: { all: true }, limit: DEFAULT_WORK_ITEMS + 1 })),
    ];
  } finally {
    await db.destroy();
  }
}

// ---- the rounds ------------------------------------------------------------------------------------

interface Kind {
  label: string;
  pathname: string;
  send: () => Promise<Answer>;
  /** A page (goal p95 <= 100 ms), or the JSON read beside it. */
  page: boolean;
  /** What the answer shows, in words. */
  shown: (a: Answer) => string;
}

/** `warmup + samples` rounds; in each, every kind once, the order rotating by one each round. Server time of each, ms. */
async function interleaved(kinds: Kind[], served: Array<{ url: string; ms: number }>): Promise<{ took: number[][]; last: Answer[] }> {
  const took: number[][] = kinds.map(() => []);
  const last: Answer[] = [];
  for (let round = 0; round < WARMUP + SAMPLES; round++) {
    for (let k = 0; k < kinds.length; k++) {
      const i = (round + k) % kinds.length;
      const kind = kinds[i]!;
      served.length = 0;
      const answer = await kind.send();
      if (answer.status !== 200) throw new Error(`${kind.label}: HTTP ${answer.status}`);
      // The server hears its answer finish in this same process, usually before the client has read it.
      for (let wait = 0; served.length === 0 && wait < 1_000; wait++) await new Promise((r) => setImmediate(r));
      if (served.length !== 1 || served[0]!.url !== kind.pathname) throw new Error(`${kind.label}: the server timed ${served.length} requests`);
      if (round >= WARMUP) took[i]!.push(served[0]!.ms);
      last[i] = answer;
    }
  }
  return { took, last };
}

/** What the rounds time: each page as the SSP (my work as the Business Unit too), and the JSON read; both people signed in first. */
async function pageKinds(base: string, ref: string): Promise<Kind[]> {
  const send = httpClient(base);
  const ssp = await signIn(send, person('ssp').id);
  const bu = await signIn(send, person('business-unit').id);
  const filtered = `/cases?stage=${FILTER_STAGE}&overdue=true`;
  const items = (a: Answer) => `${(a.body.match(/govuk-task-list__item--with-link/g) ?? []).length} items${a.body.includes('More steps fall to you') ? ', more' : ''}`;
  const rows = (a: Answer) => `${tableRows(a.body)} rows${a.body.includes('govuk-pagination__next') ? ', next page' : ''}`;
  return [
    { label: 'my work, SSP (GET /)', pathname: '/', send: () => ssp.get('/'), page: true, shown: items },
    { label: 'my work, Business Unit (GET /)', pathname: '/', send: () => bu.get('/'), page: true, shown: items },
    { label: 'cases, first page (GET /cases)', pathname: '/cases', send: () => ssp.get('/cases'), page: true, shown: rows },
    { label: `cases, filtered (GET ${filtered})`, pathname: filtered, send: () => ssp.get(filtered), page: true, shown: rows },
    { label: 'a case, the page (GET /cases/<ref>)', pathname: `/cases/${ref}`, send: () => ssp.get(`/cases/${ref}`), page: true, shown: (a) => `${tableRows(a.body)} table rows` },
    {
      label: 'a case, JSON (GET /cases/<ref>, bearer)',
      pathname: `/cases/${ref}`,
      send: () => send('GET', `/cases/${ref}`, { Accept: 'application/json', Authorization: `Bearer ${person('ssp').token}` }),
      page: false,
      shown: (a) => {
        const status = JSON.parse(a.body) as CaseStatus;
        return `${Object.keys(status.obligations).length} obligations, ${status.timeline.length} timeline entries`;
      },
    },
  ];
}

async function main(): Promise<void> {
  if (!Number.isInteger(SAMPLES) || SAMPLES < 20) throw new Error(`BENCH_PAGES_SAMPLES must be a whole number of at least 20, not ${process.env.BENCH_PAGES_SAMPLES}`);
  if (!Number.isInteger(SEEDED) || SEEDED < 0) throw new Error(`BENCH_PAGES_CASES must be a whole number, not ${process.env.BENCH_PAGES_CASES}`);
  const loadStart = load();
  const tStart = performance.now();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-bench-pages-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));

  const stack = await startStack({ dir });
  const users = stack.appDependencies.users as Users;
  const web = { partnershipName: 'Example Safeguarding Partnership', signIn: { kind: 'development' as const, users }, session: { idleMinutes: 30, absoluteHours: 10, secureCookie: false } };
  const served: Array<{ url: string; ms: number }> = [];
  const base = await listen(createApp({ ...stack.appDependencies, web }), (url, took) => served.push({ url, ms: took }));
  const api = apiClient(base);
  const tStack = performance.now();

  const real = await realCases(stack, api);
  const tReal = performance.now();
  const seeded = await seedSummaries(stack.appDependencies.register, real.map((r) => r.template), SEEDED);
  const tSeeded = performance.now();

  // The case the pages read: the one furthest along (the longest page: most obligations and timeline).
  const ref = real.at(-1)!.ref;
  const kinds = await pageKinds(base, ref);
  const loadRounds = load();
  const { took, last } = await interleaved(kinds, served);
  const tRounds = performance.now();
  const loadEnd = load();
  const plans = await queryPlans(path.join(dir, 'register.sqlite'), FILTER_STAGE);

  const { temporalCliVersion } = readServersRecord(PROJECT_ROOT);
  const system = await stack.connection.workflowService.getSystemInfo({});
  const cpus = os.cpus();
  console.log('');
  console.log(`Staff pages benchmark (issue 18, item 8): the pages' time inside the server with ${SEEDED.toLocaleString('en-GB')} open cases in the register; one run, on the dev server; numbers only.`);
  console.log(`Node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}; Temporal CLI ${temporalCliVersion} (server ${system.serverVersion ?? 'unknown'}), SDK 1.24; register SQLite (better-sqlite3).`);
  console.log(`The incident worker in its own process (dist/workers/main.js, pid ${stack.worker.pid}); the API with the pages and the benchmark's client in this one (pid ${process.pid}).`);
  console.log(`Code measured: ${codeVersion()}.`);
  console.log(
    `Open cases in the register: ${(SEEDED + real.length).toLocaleString('en-GB')}: ${SEEDED.toLocaleString('en-GB')} seeded summaries (recordCaseSummary, no workflow behind them) and ${real.length} real workflows opened through the API ` +
      `(stages ${real.map((r) => r.template.stage).join(', ')}).`,
  );
  console.log(`Seeded: ${seeded}`);
  console.log(
    `Start-up ${ms((tStack - tStart) / 1000)} s; ${real.length} real cases in ${ms((tReal - tStack) / 1000)} s; ${SEEDED} summaries in ${ms((tSeeded - tReal) / 1000)} s; ` +
      `${WARMUP} + ${SAMPLES} rounds of ${kinds.length} requests in ${ms((tRounds - tSeeded) / 1000)} s; total ${ms((performance.now() - tStart) / 1000)} s.`,
  );
  console.log(`Load 1/5/15 min: at start ${loadStart}; before the rounds ${loadRounds}; at end ${loadEnd}.`);
  console.log(`Signed in through the development sign-in (session in the register): ${person('ssp').id} (SSP) for every page, and ${person('business-unit').id} (Business Unit) for my work. The case read: ${ref}, a real workflow at ${real.at(-1)!.template.stage}.`);
  console.log(`The case read is on the first page of /cases: ${last[2]!.body.includes(ref) ? 'yes' : 'no'}; in the SSP's my work: ${last[0]!.body.includes(ref) ? 'yes' : 'no'}; in the Business Unit's: ${last[1]!.body.includes(ref) ? 'yes' : 'no'}.`);
  console.log('');

  printFigures(kinds, took, last, plans);
}

/** The table of server times beside the goal, the case page against the JSON read, and the lists' query plans. */
function printFigures(kinds: Kind[], took: number[][], last: Answer[], plans: Awaited<ReturnType<typeof queryPlans>>): void {
  const table = kinds.map((kind, i) => {
    const xs = sorted(took[i]!);
    return {
      what: kind.label,
      n: String(xs.length),
      shown: kind.shown(last[i]!),
      kib: (Buffer.byteLength(last[i]!.body) / 1024).toFixed(1),
      p50: ms(percentile(xs, 50)),
      p95: ms(percentile(xs, 95)),
      max: ms(xs.at(-1)!),
      goal: kind.page ? `p95 <= ${GOAL_P95_MS} ms` : '(beside the case page)',
    };
  });
  printTable(table, { what: 'server time (ms)', n: 'n', shown: 'shown', kib: 'KiB', p50: 'p50', p95: 'p95', max: 'max', goal: 'goal' }, ['n', 'kib', 'p50', 'p95', 'max']);
  console.log('');
  const page = sorted(took[4]!);
  const json = sorted(took[5]!);
  const ratio = (q: number) => `${(percentile(page, q) / percentile(json, q)).toFixed(2)}x (${ms(percentile(page, q))} / ${ms(percentile(json, q))} ms)`;
  console.log(`The case page / the JSON read of the same case: p50 ${ratio(50)}, p95 ${ratio(95)}.`);
  console.log('');
  console.log(`The register's queries behind the lists, as the services make them: EXPLAIN QUERY PLAN, and the p50 of ${QUERY_RUNS} runs of the query alone (in this process, on a connection of its own):`);
  for (const p of plans) console.log(`  ${p.what}, ${ms(p.p50)} ms: ${p.plan}`);
}

runBenchmark(main);
