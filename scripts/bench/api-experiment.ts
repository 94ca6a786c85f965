// A focused experiment beside `npm run bench:api`: where the API's time goes. The same stack and
// rounds, with variants of the API and of the bare update as further sides, each timed by the wall
// clock, by this process's CPU and by the collector's pauses within the call, with the gRPC calls
// counted. Variants are made at run time from createApp's own dependencies and the app it returns;
// api/app.ts is not touched. apiStub is the API with a Temporal client that answers at once (a real
// review-progress answer), called between the real calls and then back to back.
//   EXP_SIDES=bare,api,apiStub  EXP_SAMPLES=300  node dist/scripts/bench/api-experiment.js
// EXP_PREHEAT=5000 makes that many stub requests back to back before the rounds (the JIT warm).
// EXP_PROFILE=file.cpuprofile profiles this process during the rounds only (not the set-up, which
// drives cases through the API), sampling every EXP_PROFILE_US (100) µs.
process.env.TZ = 'UTC';

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import { actorOf, apiClient, asTheApiSends, interleavedRounds, lcsprCases, reviewProgressSides, startStack, type RoundSamples, type Side, type Stack } from './api-round-trip';
import { cleanups, listen, load, ms, percentile, runBenchmark } from './common';
import { decisionUpdate } from '../../workflows/contract';

const SAMPLES = Number(process.env.EXP_SAMPLES ?? 300);
const WARMUP_ROUNDS = 20;
const ROUNDS_PER_CASE = 40;

/** Another app from the same dependencies, changed by `adjust`, over HTTP; its review-progress as a side. */
async function apiVariant(
  stack: Stack,
  options: { temporal?: Client; adjust?: (app: ReturnType<typeof createApp>) => void; served?: number[]; deps?: Partial<Parameters<typeof createApp>[0]> },
): Promise<Side> {
  const app = createApp({ ...stack.appDependencies, temporal: options.temporal ?? stack.client, ...options.deps });
  options.adjust?.(app);
  const api = apiClient(await listen(app, options.served ? (_p, took) => options.served!.push(took) : undefined));
  return async (ref, payload) => {
    const res = await api.decide(ref, 'review-progress', 'reviewer', payload);
    if (res.status !== 200) throw new Error(`review-progress on ${ref}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return undefined;
  };
}

/**
 * A Temporal client that answers every update at once with `answer` (a real review-progress
 * answer): what the API costs with no Temporal work of its own (issue 9's stub), here between the
 * real calls of the other sides, or back to back.
 */
function stubTemporal(answer: () => unknown): Client {
  return {
    options: { namespace: 'default' },
    withDeadline: (_d: unknown, fn: () => Promise<unknown>) => fn(),
    workflow: { getHandle: () => ({ executeUpdate: async () => structuredClone(answer()) }) },
  } as unknown as Client;
}

/** The stub's answer (a real review-progress answer, once a case is at lcspr) and the time inside the server of each stub request. */
interface Stub {
  answer?: unknown;
  served: number[];
}

/** Every side an experiment can name in EXP_SIDES: the bare update and the API, and their variants. */
function sideCatalogue(stack: Stack, stub: Stub): Record<string, () => Promise<Side>> {
  const base = reviewProgressSides(stack);
  const noDeadline = new Client({ connection: stack.connection, namespace: 'default', dataConverter: stack.dataConverter });
  // What the API's `bounded` would cost without a gRPC deadline (not a proposal: the bound is needed).
  (noDeadline as { withDeadline: unknown }).withDeadline = (_deadline: unknown, fn: () => Promise<unknown>) => fn();
  return {
    bare: async () => base.bare,
    bareDeadline: async () => async (ref, payload) => {
      await stack.client.withDeadline(new Date(Date.now() + 30_000), () => stack.caseHandle(ref).executeUpdate(decisionUpdate('review-progress'), asTheApiSends(actorOf('reviewer'), payload)));
      return undefined;
    },
    api: async () => base.api,
    apiPlain: () => apiVariant(stack, {}),
    apiNoEtag: () => apiVariant(stack, { adjust: (app) => app.set('etag', false) }),
    apiNoDeadline: () => apiVariant(stack, { temporal: noDeadline }),
    // As api/main.ts runs it: a request log line at info (to /dev/null here) and rate limits (high enough never to refuse).
    apiLogged: () =>
      apiVariant(stack, {
        deps: { logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })), rateLimits: { perClientPerMinute: 1e6, perPersonPerMinute: 1e6, failedSignInsPer15Minutes: 1e6 } },
      }),
    apiLogOnly: () => apiVariant(stack, { deps: { logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })) } }),
    apiLimitsOnly: () => apiVariant(stack, { deps: { rateLimits: { perClientPerMinute: 1e6, perPersonPerMinute: 1e6, failedSignInsPer15Minutes: 1e6 } } }),
    apiStub: () => apiVariant(stack, { temporal: stubTemporal(() => stub.answer), served: stub.served }),
  };
}

/** gRPC calls by method and by the side that was running (`current`; '' between the calls: the settling queries). */
interface RpcTally {
  rpcs: Record<string, Record<string, number>>;
  current: string;
}

function countRpcs(stack: Stack): RpcTally {
  const tally: RpcTally = { rpcs: {}, current: '' };
  const service = stack.connection.workflowService as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const method of ['updateWorkflowExecution', 'pollWorkflowExecutionUpdate', 'queryWorkflow', 'getSystemInfo', 'describeWorkflowExecution']) {
    const original = service[method]!.bind(service);
    service[method] = (...a: unknown[]) => {
      const counts = (tally.rpcs[tally.current] ??= {});
      counts[method] = (counts[method] ?? 0) + 1;
      return original(...a);
    };
  }
  return tally;
}

/** The collector's pauses, from now on. */
function observeGc(): PerformanceEntry[] {
  const gcs: PerformanceEntry[] = [];
  const gcObserver = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  gcObserver.observe({ entryTypes: ['gc'] });
  cleanups.push(async () => gcObserver.disconnect());
  return gcs;
}

/** The sides named, each noting its calls' [start, end] (to say how much of its time was GC) and counted as `current` in the tally. */
async function timedSides(names: string[], catalogue: Record<string, () => Promise<Side>>, tally: RpcTally): Promise<{ sides: Record<string, Side>; windows: Record<string, Array<[number, number]>> }> {
  const windows: Record<string, Array<[number, number]>> = {};
  const sides: Record<string, Side> = {};
  for (const name of names) {
    const make = catalogue[name];
    if (!make) throw new Error(`no side ${name}; one of ${Object.keys(catalogue).join(', ')}`);
    const side = await make();
    windows[name] = [];
    sides[name] = async (ref, payload) => {
      tally.current = name;
      const t0 = performance.now();
      const served = await side(ref, payload);
      windows[name]!.push([t0, performance.now()]);
      tally.current = '';
      return served;
    };
  }
  return { sides, windows };
}

/** EXP_PREHEAT: that many stub requests back to back first, so the API's code is hot (JIT) before the rounds. */
async function preheatStub(catalogue: Record<string, () => Promise<Side>>, stub: Stub, ref: string): Promise<void> {
  const preheat = Number(process.env.EXP_PREHEAT ?? 0);
  if (preheat > 0) {
    const side = await catalogue.apiStub!();
    for (let i = 0; i < preheat; i++) await side(ref, { summary: 'preheat' });
    stub.served.length = 0;
    console.log(`preheated: ${preheat} stub requests`);
  }
}

/** `run`, with this process profiled into EXP_PROFILE when it is set. */
async function profiled<T>(run: () => Promise<T>): Promise<T> {
  const session = new Session();
  if (process.env.EXP_PROFILE) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.EXP_PROFILE_US ?? 100) });
    await session.post('Profiler.start');
  }
  const result = await run();
  if (process.env.EXP_PROFILE) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.EXP_PROFILE, JSON.stringify(profile));
    session.disconnect();
  }
  return result;
}

/** The stub API inside the server in the rounds, then back to back. */
async function stubBackToBack(catalogue: Record<string, () => Promise<Side>>, stub: Stub, ref: string): Promise<void> {
  const inRounds = [...stub.served.slice(WARMUP_ROUNDS)].sort((a, b) => a - b);
  const hotSide = await catalogue.apiStub!();
  stub.served.length = 0;
  const hot: number[] = [];
  for (let i = 0; i < 20 + SAMPLES; i++) {
    const t0 = performance.now();
    await hotSide(ref, { summary: 'hot' });
    if (i >= 20) hot.push(performance.now() - t0);
  }
  const hotServed = stub.served.slice(20).sort((a, b) => a - b);
  hot.sort((a, b) => a - b);
  console.log(`stub API inside the server, p50/p90: in the rounds ${ms(percentile(inRounds, 50))}/${ms(percentile(inRounds, 90))} ms; back to back ${ms(percentile(hotServed, 50))}/${ms(percentile(hotServed, 90))} ms (round trip ${ms(percentile(hot, 50))}/${ms(percentile(hot, 90))} ms)`);
}

/** A line per side: wall time, CPU and the collector's share. */
function printSides(names: string[], rounds: Record<string, RoundSamples>, windows: Record<string, Array<[number, number]>>, gcs: PerformanceEntry[]): void {
  console.log(['side'.padEnd(14), 'p50', 'p90', 'p99', 'mean', 'cpu p50', 'cpu mean', 'gc mean', 'with gc'].map((c) => c.padStart(8)).join(''));
  for (const name of names) {
    const took = [...rounds[name]!.took].sort((a, b) => a - b);
    const used = rounds[name]!.cpu;
    const usedSorted = [...used].sort((a, b) => a - b);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const calls = windows[name]!.slice(WARMUP_ROUNDS);
    const gcIn = calls.map(([a, b]) => gcs.reduce((sum, g) => sum + Math.max(0, Math.min(b, g.startTime + g.duration) - Math.max(a, g.startTime)), 0));
    const withGc = gcIn.filter((g) => g > 0).length;
    console.log(
      [name.padEnd(14), ...[50, 90, 99].map((q) => ms(percentile(took, q))), ms(mean(took)), ms(percentile(usedSorted, 50)), ms(mean(used)), ms(mean(gcIn)), `${((100 * withGc) / calls.length).toFixed(0)}%`]
        .map((c) => c.padStart(8))
        .join(''),
    );
  }
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-bench-exp-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const stack = await startStack({ dir, probeUpdates: true });
  const stub: Stub = { served: [] };
  const catalogue = sideCatalogue(stack, stub);
  const names = (process.env.EXP_SIDES ?? 'bare,api').split(',');
  const tally = countRpcs(stack);
  const gcs = observeGc();
  const { sides, windows } = await timedSides(names, catalogue, tally);
  const refs = await lcsprCases(stack, Math.ceil((WARMUP_ROUNDS + SAMPLES) / ROUNDS_PER_CASE), 4);
  stub.answer = await stack.caseHandle(refs[0]!).executeUpdate(decisionUpdate('review-progress'), asTheApiSends(actorOf('reviewer'), { summary: 'The answer the stub gives.' }));
  console.log(`a review-progress answer: ${JSON.stringify(stub.answer).length} bytes of JSON`);
  await preheatStub(catalogue, stub, refs[0]!);
  const loadBefore = load();
  const rounds = await profiled(() => interleavedRounds(stack, { refs, rounds: SAMPLES, warmup: WARMUP_ROUNDS, sides }));
  console.log(JSON.stringify(tally.rpcs));
  if (names.includes('apiStub')) await stubBackToBack(catalogue, stub, refs[0]!);
  console.log(`load ${loadBefore} -> ${load()}; ${SAMPLES} rounds; cpu: this process's user + system during the call`);
  printSides(names, rounds, windows, gcs);
}

runBenchmark(main);
