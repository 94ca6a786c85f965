// `npm run bench` (issue 9, item 5): what a case costs today, beside the goals of issue 9 ("one
// round trip per decision, a full case under 300 events, 10,000 open cases on one worker in 1 GiB"),
// so that the engine changes that follow can be judged. Numbers only: no pass or fail.
//
// Everything is real and throwaway, as in scripts/bench/action-log.ts: the provisioned Temporal
// CLI's dev server (in memory, free ports, our search attributes), the real incident worker with the
// real activities and the real data converter (a key ring made for this run), the real API over
// HTTP on 127.0.0.1, a register in a temporary SQLite file and an SMTP listener that drops every
// email. Beside them, in the same process, a floor: a workflow that does nothing, with an update
// that does nothing (scripts/bench/floor-workflow.ts), bundled on its own and run by its own worker
// on its own task queue, with the same data converter. Everything is measured in one run, and where
// two things are compared their samples are interleaved, round by round, in rotating order.
//
// Decisions are timed once the case has settled (no email or register row pending), as a person's
// next decision usually finds it. The referrals are the fictitious forms of test/fixtures (no real
// child or family).
process.env.TZ = 'UTC';

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../config';
import { FAILURE_CONVERTER_PATH } from '../../config/data-converter';
import type { Role } from '../../domain/roles';
import { DEFAULT_CAPACITY } from '../../workers/incident-worker';
import { readServersRecord } from '../servers';
import { actorOf, asTheApiSends, interleavedRounds, lcsprCases, londonToday, reviewProgressSides, settled, startStack, TO_LCSPR, type Stack, type Step } from './api-round-trip';
import { cleanups, codeVersion, load, ms, percentile, printTable, runBenchmark, timed } from './common';
import { floorUpdate, type floorWorkflow } from './floor-workflow';
import { byType, countOf, EventType, stableHistory } from './history';

/** Cases opened and held in the cache for the memory figure (figure 5). */
const CASES = Number(process.env.BENCH_CASES ?? 1000);
/** Cases open on the worker in all for figure 6, most of them no longer cached. */
const OPEN_CASES = Number(process.env.BENCH_OPEN_CASES ?? 10_000);
/** Decisions timed on evicted and on cached cases (figure 6, a cache miss). */
const MISS_SAMPLES = 20;
/** Rounds of review-progress (bare update, floor, API), after WARMUP_ROUNDS, spread over LCSPR_CASES cases. */
const ROUNDS = 100;
const WARMUP_ROUNDS = 6;
const LCSPR_CASES = 5;
/** Fresh cases for ssp-informed (bare update and floor), after WARMUP_FRESH. */
const FRESH = 30;
const WARMUP_FRESH = 3;
/** Cases whose ssp-decision history is diffed. */
const SSP_DECISIONS = 5;
/** Openings through the API: this many at a time, for this long (figure 7). */
const OPEN_CONCURRENCY = 8;
const OPEN_SECONDS = 20;
const FLOOR_QUEUE = 'bench-floor';
const MiB = 2 ** 20;

// ---- the table -------------------------------------------------------------------------------------

type Row = {
  figure: string;
  n: string;
  today: string;
  goal: string;
  load: string;
  note: string;
};
const rows: Row[] = [];
function add(figure: string, n: number | string, today: string, goal: string, note = '', loadThen = load()): void {
  rows.push({ figure, n: String(n), today, goal, load: loadThen, note });
}

const sortedOf = (samples: number[]) => [...samples].sort((a, b) => a - b);
const p = (samples: number[], q: number) => percentile(sortedOf(samples), q);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

// ---- the cases -------------------------------------------------------------------------------------

/**
 * The rest of the path. On the dev server time cannot be skipped and `published` refuses a date
 * in the future, so the report is signed off for publication today and published today (the same
 * date): report-to-panel (7 working days before the planned date) is then due in the past.
 */
const LCSPR_REST: Step[] = [
  { decision: 'review-progress', role: 'reviewer', payload: () => ({ summary: 'Practitioner event held (bench).' }) },
  { decision: 'draft-report-to-ld', role: 'reviewer', payload: () => ({}) },
  { decision: 'ssp-sign-off', role: 'ssp', payload: () => ({ plannedPublicationDate: londonToday(), publish: 'full-report' }) },
  { decision: 'report-sent-to-panel', role: 'ssp', payload: () => ({}) },
  { decision: 'published', role: 'ssp', payload: () => ({ publishedOn: londonToday() }) },
];

// ---- the steps -------------------------------------------------------------------------------------

/** What the figures share: the stack, the floor, and the cases the worker holds besides figure 5's. */
interface Bench {
  stack: Stack;
  /** A bare update on the floor workflow, with the same argument as the bare decision's. */
  onFloor(role: Role, payload: Record<string, unknown>): Promise<unknown>;
  /** Cases this worker holds besides the N of figure 5. */
  otherCases: number;
}

function checkSizes(): void {
  if (!Number.isInteger(CASES) || CASES < MISS_SAMPLES) throw new Error(`BENCH_CASES must be a whole number of at least ${MISS_SAMPLES}, not ${process.env.BENCH_CASES}`);
  if (!Number.isInteger(OPEN_CASES) || OPEN_CASES < CASES) throw new Error(`BENCH_OPEN_CASES must be a whole number of at least BENCH_CASES, not ${process.env.BENCH_OPEN_CASES}`);
}

/** This process's garbage collected (with --expose-gc), three times over. */
async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A pause for the worker process to finish its work, then its garbage collected. */
async function settleWorker(stack: Stack): Promise<void> {
  await new Promise((r) => setTimeout(r, 2_000));
  await stack.worker.collect();
}

/** The floor's worker in this process, beside the API, and one floor workflow past its first update. */
async function startFloor(stack: Stack, quiet: DefaultLogger): Promise<Bench['onFloor']> {
  const { address, client, dataConverter } = stack;
  const nativeConnection = await NativeConnection.connect({ address });
  cleanups.push(() => nativeConnection.close());
  const floorBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./floor-workflow'), failureConverterPath: FAILURE_CONVERTER_PATH, logger: quiet });
  const floorWorker = await Worker.create({ connection: nativeConnection, namespace: 'default', taskQueue: FLOOR_QUEUE, workflowBundle: floorBundle, dataConverter });
  const floorRunning = floorWorker.run();
  cleanups.push(async () => {
    if (floorWorker.getState() === 'RUNNING') floorWorker.shutdown();
    await floorRunning;
  });

  const floor = await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { taskQueue: FLOOR_QUEUE, workflowId: `bench-floor-${randomBytes(4).toString('hex')}` });
  // The same argument as the bare decision's, so the same bytes go through the codec.
  const onFloor = (role: Role, payload: Record<string, unknown>) => floor.executeUpdate(floorUpdate, asTheApiSends(actorOf(role), payload));
  await onFloor('reviewer', { summary: 'warm-up' });
  return onFloor;
}

type ReviewProgressSamples = Record<'bare' | 'floor' | 'api' | 'served', number[]>;

/** Figure 1 (review-progress): bare update, floor, API; interleaved, in rotating order. */
async function reviewProgressFigure(bench: Bench): Promise<ReviewProgressSamples> {
  const { stack, onFloor } = bench;
  const lcsprRefs = await lcsprCases(stack, LCSPR_CASES);
  bench.otherCases += lcsprRefs.length;
  const { bare: bareSide, api: apiSide } = reviewProgressSides(stack);
  const rounds = await interleavedRounds(stack, {
    refs: lcsprRefs,
    rounds: ROUNDS,
    warmup: WARMUP_ROUNDS,
    sides: {
      bare: bareSide,
      floor: async (_ref, payload) => {
        await onFloor('reviewer', payload);
        return undefined;
      },
      api: apiSide,
    },
  });
  const rp = { bare: rounds.bare.took, floor: rounds.floor.took, api: rounds.api.took, served: rounds.api.served.map((s) => s.finished - s.arrived) };
  const rpNote = `${ROUNDS} rounds after ${WARMUP_ROUNDS}, ${LCSPR_CASES} cases at lcspr, settled before each`;
  add('1. review-progress: bare update / floor, p50', ROUNDS, `${ratio(p(rp.bare, 50), p(rp.floor, 50))} (${ms(p(rp.bare, 50))} / ${ms(p(rp.floor, 50))} ms)`, '<= 2x', rpNote);
  return rp;
}

/** Figure 1 (ssp-informed) on a fresh case each time: bare update and floor, alternating. The cases, for figure 4. */
async function sspInformedFigure(bench: Bench): Promise<string[]> {
  const { stack, onFloor } = bench;
  const { api, bare, caseHandle } = stack;
  const si = { bare: [] as number[], floor: [] as number[] };
  const sspInformedRefs: string[] = [];
  for (let i = 0; i < WARMUP_FRESH + FRESH; i++) {
    const ref = await api.openCase();
    bench.otherCases++;
    await settled(caseHandle(ref));
    const order: Array<keyof typeof si> = i % 2 === 0 ? ['bare', 'floor'] : ['floor', 'bare'];
    for (const kind of order) {
      const [took] = await timed(() => (kind === 'bare' ? bare(ref, 'ssp-informed', 'business-unit', {}) : onFloor('business-unit', {})));
      if (i >= WARMUP_FRESH) si[kind].push(took);
    }
    sspInformedRefs.push(ref);
  }
  add('1. ssp-informed: bare update / floor, p50', FRESH, `${ratio(p(si.bare, 50), p(si.floor, 50))} (${ms(p(si.bare, 50))} / ${ms(p(si.floor, 50))} ms)`, '<= 2x', `a fresh case each, after ${WARMUP_FRESH}, settled first`);
  return sspInformedRefs;
}

/** Figure 2: API round trip / bare update (the review-progress samples of figure 1). */
function apiRoundTripFigure(rp: ReviewProgressSamples): void {
  add('2. API round trip / bare update, p50', ROUNDS, `${ratio(p(rp.api, 50), p(rp.bare, 50))} (${ms(p(rp.api, 50))} / ${ms(p(rp.bare, 50))} ms)`, '<= 1.1x', `POST .../decisions/review-progress over HTTP, same rounds as 1.; inside the API server p50 ${ms(p(rp.served, 50))} ms`);
  add('2. API round trip / bare update, p99', ROUNDS, `${ratio(p(rp.api, 99), p(rp.bare, 99))} (${ms(p(rp.api, 99))} / ${ms(p(rp.bare, 99))} ms)`, '<= 1.2x', `floor p99 ${ms(p(rp.floor, 99))} ms`);
}

interface LcsprCase {
  ref: string;
  decisions: number;
  events: temporal.api.history.v1.IHistoryEvent[];
}

/** Figure 3: one complete LCSPR case, through the API, settled before each decision. */
async function lcsprCaseFigure(bench: Bench): Promise<LcsprCase> {
  const { api, caseHandle } = bench.stack;
  const lcsprRef = await api.openCase();
  bench.otherCases++;
  const lcsprHandle = caseHandle(lcsprRef);
  let decisions = 0;
  let stoppedAt = '';
  const tPath = performance.now();
  for (const step of [...TO_LCSPR, ...LCSPR_REST]) {
    await settled(lcsprHandle);
    const res = await api.decide(lcsprRef, step.decision, step.role, step.payload());
    if (res.status !== 200) {
      stoppedAt = `${step.decision} refused: HTTP ${res.status} ${(res.body as { error?: { code?: string } }).error?.code ?? ''}`;
      break;
    }
    decisions++;
  }
  const lcsprStatus = await settled(lcsprHandle);
  const tPathDone = performance.now();
  const lcsprHistory = await stableHistory(lcsprHandle);
  const lcsprEvents = lcsprHistory.events ?? [];
  const historyBytes = temporal.api.history.v1.History.encode(lcsprHistory).finish().length;
  const updateResultBytes = lcsprEvents.reduce(
    (sum, e) => sum + (e.workflowExecutionUpdateCompletedEventAttributes?.outcome ? temporal.api.update.v1.Outcome.encode(e.workflowExecutionUpdateCompletedEventAttributes.outcome).finish().length : 0),
    0,
  );
  const updateRequestBytes = lcsprEvents.reduce(
    (sum, e) =>
      sum + (e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest ? temporal.api.update.v1.Request.encode(e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest).finish().length : 0),
    0,
  );
  const furthest = stoppedAt ? `stopped: ${stoppedAt}` : `through published; close-case waits for publication-kept (12 months)`;
  add('3. events: one LCSPR case', decisions, String(lcsprEvents.length), '<= 300', `${decisions} decisions + opening via API, stage ${lcsprStatus.stage}, report-to-panel ${lcsprStatus.obligations['report-to-panel']?.status ?? 'not opened'}; ${furthest}`);
  add('3. bytes: that history', decisions, kib(historyBytes), '', `${ms((tPathDone - tPath) / 1000)} s to drive and settle; payloads encrypted`);
  add('3. share of bytes: update results', decisions, `${((100 * updateResultBytes) / historyBytes).toFixed(1)}%`, '', `${kib(updateResultBytes)} in ${countOf(lcsprEvents, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)} results; update requests ${kib(updateRequestBytes)}`);
  return { ref: lcsprRef, decisions, events: lcsprEvents };
}

type TypeCounts = ReturnType<typeof byType>;

/** Figure 4: ssp-decision alone, the history it adds once the case has settled. The last case's events by type. */
async function sspDecisionFigure(bench: Bench, sspInformedRefs: string[]): Promise<TypeCounts> {
  const { bare, caseHandle } = bench.stack;
  const added = { events: [] as number[], activities: [] as number[], tasks: [] as number[], markers: [] as number[], timers: [] as number[], answer: [] as number[], wall: [] as number[] };
  let addedTypes: TypeCounts = [];
  for (const ref of sspInformedRefs.slice(-SSP_DECISIONS)) {
    const handle = caseHandle(ref);
    await settled(handle);
    const before = (await stableHistory(handle)).events?.length ?? 0;
    const t0 = performance.now();
    await bare(ref, 'ssp-decision', 'ssp', { outcome: 'criteria-met', rationale: 'Abuse suspected, serious harm (bench).' });
    const tAnswer = performance.now();
    await settled(handle);
    const tSettled = performance.now();
    const events = ((await stableHistory(handle)).events ?? []).slice(before);
    added.events.push(events.length);
    added.activities.push(countOf(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED));
    added.tasks.push(countOf(events, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
    added.markers.push(countOf(events, EventType.EVENT_TYPE_MARKER_RECORDED));
    added.timers.push(countOf(events, EventType.EVENT_TYPE_TIMER_STARTED));
    added.answer.push(tAnswer - t0);
    added.wall.push(tSettled - t0);
    addedTypes = byType(events);
  }
  const med = (xs: number[]) => p(xs, 50);
  const range = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${med(xs)} (${Math.min(...xs)}-${Math.max(...xs)})`);
  add('4. ssp-decision: events added', SSP_DECISIONS, range(added.events), '', `criteria-met, bare update; diff of settled histories; median (range)`);
  add('4. ssp-decision: activity tasks', SSP_DECISIONS, range(added.activities), '<= 3', `ActivityTaskScheduled; MarkerRecorded (local activities, a patch's first use): ${range(added.markers)}`);
  add('4. ssp-decision: workflow tasks', SSP_DECISIONS, range(added.tasks), '', `WorkflowTaskCompleted; timers started: ${range(added.timers)}`);
  add('4. ssp-decision: wall time to settled', SSP_DECISIONS, `${ms(med(added.wall))} ms`, '', `p50; answered after ${ms(med(added.answer))} ms, then emails and rows`);
  return addedTypes;
}

/** Figure 5's cases, and figure 7's openings (the first OPEN_SECONDS of them). */
interface CachedCases {
  opened: string[];
  cachedHeld: number;
  rssPerCase: number;
  loadBefore: string;
  openings: { count: number; latencies: number[]; load: string };
  tOpen: number;
  tOpened: number;
  tQueried: number;
}

/** Figure 5 (and 7): N cases opened through the API (the first 20 s timed), each settled, memory before/after. */
async function cachedCasesFigure(bench: Bench): Promise<CachedCases> {
  const { stack } = bench;
  const cacheSize = DEFAULT_CAPACITY.maxCachedWorkflows;
  await settleWorker(stack);
  const before = stack.worker.rssMiB();
  const loadBefore = load();
  const opened: string[] = [];
  const openLatencies: number[] = [];
  let openingsIn20s = 0;
  const tOpen = performance.now();
  const openUntil = tOpen + OPEN_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: OPEN_CONCURRENCY }, async () => {
      while (performance.now() < openUntil || opened.length < CASES) {
        const [took, ref] = await timed(stack.api.openCase);
        opened.push(ref);
        if (performance.now() <= openUntil) {
          openLatencies.push(took);
          openingsIn20s++;
        }
      }
    }),
  );
  const loadOpenings = load();
  const tOpened = performance.now();
  for (const ref of opened) await settled(stack.caseHandle(ref), 120_000);
  const tQueried = performance.now();
  await settleWorker(stack);
  const after = stack.worker.rssMiB();
  const n = opened.length;
  const cachedHeld = n + bench.otherCases;
  const rssPerCase = (after - before) / n;
  const cacheNote = cachedHeld <= cacheSize ? `the cache holds all ${cachedHeld} cases` : `MORE CASES (${cachedHeld}) THAN THE CACHE HOLDS: evictions, so not per cached case`;
  add('5. worker RSS per cached case', n, `${rssPerCase.toFixed(3)} MiB`, '<= 0.35 MiB', `the worker process's (RSS after - before) / N; ${cacheNote}; RSS ${before.toFixed(0)} -> ${after.toFixed(0)} MiB`);
  return { opened, cachedHeld, rssPerCase, loadBefore, openings: { count: openingsIn20s, latencies: openLatencies, load: loadOpenings }, tOpen, tOpened, tQueried };
}

/** Figure 5 (floor): as many floor workflows, each past one update, held by the floor worker's cache; and the cache's size. */
async function floorMemoryFigure(bench: Bench, cases: CachedCases): Promise<void> {
  const { client } = bench.stack;
  const n = cases.opened.length;
  await collect();
  const floorBefore = process.memoryUsage().rss;
  let floorsStarted = 0;
  const floorIds: string[] = [];
  await Promise.all(
    Array.from({ length: OPEN_CONCURRENCY }, async () => {
      while (floorsStarted < n) {
        floorsStarted++;
        const held = await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { taskQueue: FLOOR_QUEUE, workflowId: `bench-floor-held-${randomBytes(6).toString('hex')}` });
        floorIds.push(held.workflowId);
        await held.executeUpdate(floorUpdate, { args: [{ actor: actorOf('business-unit'), payload: {} }] });
      }
    }),
  );
  await collect();
  const floorPerWorkflow = (process.memoryUsage().rss - floorBefore) / n / MiB;
  add('5. floor: RSS per cached floor workflow', n, `${floorPerWorkflow.toFixed(3)} MiB`, '', `what the SDK holds per cached workflow (one that only waits, past one update; this process, after global.gc); the case: ${(cases.rssPerCase - floorPerWorkflow).toFixed(3)} MiB more`);
  add('5. worker cache size (maxCachedWorkflows)', 1, String(DEFAULT_CAPACITY.maxCachedWorkflows), '', `DEFAULT_CAPACITY in workers/incident-worker.ts (WORKER_MAX_CACHED_WORKFLOWS); the SDK's own default would be from the ${(v8.getHeapStatistics().heap_size_limit / MiB).toFixed(0)} MiB heap limit`);
  // The floor's workflows end, so the floor worker's cache is empty again.
  await Promise.all(floorIds.map((id) => client.workflow.getHandle(id).terminate('benchmark: floor measured')));
}

/** Figure 6: more cases, until OPEN_CASES are open on this worker: RSS with the cache full. The cases opened. */
async function openCasesFigure(bench: Bench, cases: CachedCases): Promise<string[]> {
  const { stack } = bench;
  const cacheSize = DEFAULT_CAPACITY.maxCachedWorkflows;
  const tMore = performance.now();
  const more: string[] = [];
  await Promise.all(
    Array.from({ length: OPEN_CONCURRENCY }, async () => {
      while (cases.cachedHeld + more.length < OPEN_CASES) more.push(await stack.api.openCase());
    }),
  );
  // The last ones settled (the earlier ones have long since): their emails and rows are out.
  for (const ref of more.slice(-200)) await settled(stack.caseHandle(ref), 120_000);
  const tMoreDone = performance.now();
  await settleWorker(stack);
  const full = stack.worker.rssMiB();
  const held = cases.cachedHeld + more.length;
  add(
    '6. open cases held on one worker',
    held,
    `${held} cases, RSS ${full.toFixed(0)} MiB`,
    '>= 10000 in <= 1024 MiB',
    `measured: the worker process (dist/workers/main.js), ${Math.min(held, cacheSize)} of them cached; ${more.length} opened in ${ms((tMoreDone - tMore) / 1000)} s`,
  );
  return more;
}

/** Figure 6: what a cache miss costs: ssp-informed on a case long evicted against one still cached. */
async function cacheMissFigure(bench: Bench, cases: CachedCases, more: string[]): Promise<void> {
  const { bare, caseHandle } = bench.stack;
  const cacheSize = DEFAULT_CAPACITY.maxCachedWorkflows;
  const held = cases.cachedHeld + more.length;
  const evicted = cases.opened.slice(0, MISS_SAMPLES);
  const cached = [...cases.opened, ...more].slice(-MISS_SAMPLES);
  const miss = { evicted: [] as number[], cached: [] as number[] };
  // Read from the server's history, which does not bring the case back into the worker's cache.
  const evictedEvents = (await caseHandle(evicted[0]!).fetchHistory()).events?.length ?? 0;
  for (let i = 0; i < MISS_SAMPLES; i++) {
    const order: Array<keyof typeof miss> = i % 2 === 0 ? ['evicted', 'cached'] : ['cached', 'evicted'];
    for (const kind of order) {
      const ref = (kind === 'evicted' ? evicted : cached)[i]!;
      const [took] = await timed(() => bare(ref, 'ssp-informed', 'business-unit', {}));
      miss[kind].push(took);
    }
  }
  add(
    '6. cache miss: a decision on an evicted case',
    MISS_SAMPLES,
    `${ms(p(miss.evicted, 50) - p(miss.cached, 50))} ms more (${ms(p(miss.evicted, 50))} / ${ms(p(miss.cached, 50))} ms)`,
    '',
    held > cacheSize ? `bare ssp-informed, p50, evicted / cached, alternating; the evicted case replays its ${evictedEvents} events first` : `NONE EVICTED: ${held} cases, cache ${cacheSize}`,
  );
}

/** Figure 7: openings per second through the API, in figure 5's first OPEN_SECONDS (the load then). */
function openingsFigure({ count, latencies, load: loadOpenings }: CachedCases['openings']): void {
  const openSeconds = OPEN_SECONDS;
  add('7. openings per second (POST /referrals)', count, (count / openSeconds).toFixed(1), '>= 12', `${OPEN_CONCURRENCY} at a time for ${ms(openSeconds)} s; p50 ${ms(p(latencies, 50))} ms, p99 ${ms(p(latencies, 99))} ms`, loadOpenings);
}

/** When each part of the run started and ended (performance.now()). */
interface Times {
  start: number;
  setup: number;
  end: number;
}

/** The machine, the server and the code measured, the run's timings, the figures, and the events by type. */
async function printReport(stack: Stack, times: Times, cases: CachedCases, lcspr: LcsprCase, addedTypes: TypeCounts): Promise<void> {
  const { tOpen, tOpened, tQueried } = cases;
  const n = cases.opened.length;
  const { temporalCliVersion } = readServersRecord(PROJECT_ROOT);
  const system = await stack.connection.workflowService.getSystemInfo({});
  const cpus = os.cpus();
  console.log('');
  console.log(`Cost benchmark (issue 9): today's figures beside the goals, one run, on the dev server; numbers only.`);
  console.log(`Node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM;`);
  console.log(`Temporal CLI ${temporalCliVersion} (server ${system.serverVersion ?? 'unknown'}), SDK 1.24, register SQLite (better-sqlite3); the incident worker in its own process (dist/workers/main.js, pid ${stack.worker.pid}); the API, the floor's worker and the clients in this one.`);
  console.log(`Code measured: ${codeVersion()}.`);
  console.log(
    `Setup ${ms((times.setup - times.start) / 1000)} s; ${n} cases opened in ${ms((tOpened - tOpen) / 1000)} s, settled and queried in ${ms((tQueried - tOpened) / 1000)} s; total ${ms((times.end - times.start) / 1000)} s. Load before the openings: ${cases.loadBefore}.`,
  );
  console.log('');
  printTable(rows, { figure: 'figure', n: 'n', today: 'today', goal: 'goal', load: 'load 1/5/15 min', note: 'note' }, ['n']);

  console.log('');
  console.log(`One LCSPR case (${lcspr.ref}, ${lcspr.decisions} decisions): events by type`);
  const typeRows = (types: TypeCounts) => types.map((t) => ({ type: t.type, count: String(t.count), bytes: kib(t.bytes) }));
  const typeHeader = { type: 'event type', count: 'events', bytes: 'bytes' };
  printTable(typeRows(byType(lcspr.events)), typeHeader, ['count', 'bytes']);
  console.log('');
  console.log(`ssp-decision alone (the last case of figure 4): events added by type`);
  printTable(typeRows(addedTypes), typeHeader, ['count', 'bytes']);
}

// ---- main ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  checkSizes();
  // Worker state changes at INFO would drown the table; warnings and errors still show.
  const quiet = new DefaultLogger('WARN');
  Runtime.install({ logger: quiet });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-bench-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const tStart = performance.now();

  // The incident worker in a process of its own, as production runs it (its memory is figure 5's and 6's).
  const stack = await startStack({ dir });
  const bench: Bench = { stack, onFloor: await startFloor(stack, quiet), otherCases: 0 };
  const tSetup = performance.now();

  const rp = await reviewProgressFigure(bench);
  const sspInformedRefs = await sspInformedFigure(bench);
  apiRoundTripFigure(rp);
  const lcspr = await lcsprCaseFigure(bench);
  const addedTypes = await sspDecisionFigure(bench, sspInformedRefs);
  const cases = await cachedCasesFigure(bench);
  await floorMemoryFigure(bench, cases);
  const more = await openCasesFigure(bench, cases);
  await cacheMissFigure(bench, cases, more);
  openingsFigure(cases.openings);
  const tEnd = performance.now();

  await printReport(stack, { start: tStart, setup: tSetup, end: tEnd }, cases, lcspr, addedTypes);
}

runBenchmark(main);
