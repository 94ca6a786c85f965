// `npm run bench:api` (issue 10, item 7): a decision's round trip through the API against a bare
// executeUpdate of the same update on the same server, p50 and p99, interleaved, with the ratio,
// beside issue 9's goals. Numbers only: no pass or fail. Figure 2 of `npm run bench` on its own, in
// a few minutes, with enough samples for a p99 (the same code: scripts/bench/api-round-trip.ts).
//
// Everything is real and throwaway: the provisioned Temporal CLI's dev server, the incident worker
// in its own process as production runs it, a register in a temporary SQLite file, an SMTP listener
// that drops every email, and in this process the API over HTTP on 127.0.0.1 (kept-alive
// connections) and the benchmark's client. The decision is review-progress, recorded again and
// again on cases at the LCSPR stage, each settled first; both sides send the same request (the
// bare one built as api/app.ts builds it). The API's client times its executeUpdate, so the time
// inside the server is split into before, during and after the update call; this process's CPU
// over each call says how much of the difference is work done here rather than waiting.
process.env.TZ = 'UTC';

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../config';
import { readServersRecord } from '../servers';
import { interleavedRounds, lcsprCases, reviewProgressSides, startStack, type Served } from './api-round-trip';
import { cleanups, codeVersion, load, ms, percentile, runBenchmark } from './common';

/** Samples on each side (after the warm-up); 1,000 make the p99 the 10th slowest. */
const SAMPLES = Number(process.env.BENCH_API_SAMPLES ?? 1000);
const WARMUP_ROUNDS = 20;
/**
 * Rounds per case (two decisions each). A review-progress adds about 11 events to the history (and
 * an update record to the server's mutable state), so a case ends near 1,100 events, well under the
 * server's continue-as-new suggestion (4,096 by default); more cases cost set-up time (well under a
 * second each, four at a time).
 */
const ROUNDS_PER_CASE = 40;
const SETUP_CONCURRENCY = 4;
/** issue 9's goals for figure 2 (API round trip / bare update). */
const GOAL_P50 = 1.1;
const GOAL_P99 = 1.2;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function main(): Promise<void> {
  if (!Number.isInteger(SAMPLES) || SAMPLES < 100) throw new Error(`BENCH_API_SAMPLES must be a whole number of at least 100, not ${process.env.BENCH_API_SAMPLES}`);
  const loadStart = load();
  const tStart = performance.now();
  // Worker state changes at INFO would drown the figures; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-bench-api-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));

  const stack = await startStack({ dir, probeUpdates: true });
  const tStack = performance.now();
  const caseCount = Math.ceil((WARMUP_ROUNDS + SAMPLES) / ROUNDS_PER_CASE);
  const refs = await lcsprCases(stack, caseCount, SETUP_CONCURRENCY);
  const tCases = performance.now();
  const loadRounds = load();

  const rounds = await interleavedRounds(stack, { refs, rounds: SAMPLES, warmup: WARMUP_ROUNDS, sides: reviewProgressSides(stack) });
  const tRounds = performance.now();
  const loadEnd = load();

  const lengths = await Promise.all(refs.map(async (ref) => Number((await stack.caseHandle(ref).describe()).historyLength)));
  const { temporalCliVersion } = readServersRecord(PROJECT_ROOT);
  const system = await stack.connection.workflowService.getSystemInfo({});

  const api = sorted(rounds.api.took);
  const bare = sorted(rounds.bare.took);
  const served = rounds.api.served;
  const part = (f: (s: Served) => number) => sorted(served.map(f));
  const inside = part((s) => s.finished - s.arrived);
  const before = part((s) => s.updateCalled! - s.arrived);
  const during = part((s) => s.updateAnswered! - s.updateCalled!);
  const after = part((s) => s.finished - s.updateAnswered!);
  const outside = sorted(served.map((s, i) => rounds.api.took[i]! - (s.finished - s.arrived)));
  if (served.length !== api.length || served.some((s) => s.updateCalled === undefined || s.updateAnswered === undefined)) {
    throw new Error(`the API's requests were not all timed: ${served.length} of ${api.length}`);
  }

  const cpus = os.cpus();
  console.log('');
  console.log(`API round trip benchmark (issue 10, item 7): a decision through the API against the same bare update, interleaved; one run, on the dev server; numbers only.`);
  console.log(`Node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}; Temporal CLI ${temporalCliVersion} (server ${system.serverVersion ?? 'unknown'}), SDK 1.24.`);
  console.log(`The incident worker in its own process (dist/workers/main.js, pid ${stack.worker.pid}); the API and the benchmark's client in this one (pid ${process.pid}).`);
  console.log(`Code measured: ${codeVersion()}.`);
  console.log(
    `Start-up ${ms((tStack - tStart) / 1000)} s; ${caseCount} cases to lcspr in ${ms((tCases - tStack) / 1000)} s; ${WARMUP_ROUNDS} + ${SAMPLES} rounds in ${ms((tRounds - tCases) / 1000)} s; total ${ms((performance.now() - tStart) / 1000)} s.`,
  );
  console.log(`Load 1/5/15 min: at start ${loadStart}; before the rounds ${loadRounds}; at end ${loadEnd}.`);
  console.log(
    `Decision: POST /cases/:ref/decisions/review-progress (reviewer) against executeUpdate(decisionUpdate('review-progress'), { args: [{ actor, payload, acceptBy }], updateId }); ` +
      `${ROUNDS_PER_CASE} rounds per case, round r on case r mod ${caseCount}, order rotating, settled before each; histories ${Math.min(...lengths)}-${Math.max(...lengths)} events at the end.`,
  );
  const cpuApi = sorted(rounds.api.cpu);
  const cpuBare = sorted(rounds.bare.cpu);
  console.log(
    `This process's CPU over each call (user + system; the API server and its client are both here), p50: API ${ms(percentile(cpuApi, 50))} ms, bare ${ms(percentile(cpuBare, 50))} ms; ` +
      `the difference, ${ms(percentile(cpuApi, 50) - percentile(cpuBare, 50))} ms, is the HTTP server, Express and the HTTP client.`,
  );
  console.log('');

  const rows: string[][] = [['', 'n', 'p50', 'p90', 'p99', 'max']];
  const row = (label: string, xs: number[]) => rows.push([label, String(xs.length), ...[50, 90, 99].map((q) => ms(percentile(xs, q))), ms(xs.at(-1)!)]);
  row('API round trip (HTTP)', api);
  row('bare executeUpdate', bare);
  row('inside the API server', inside);
  row('  before executeUpdate', before);
  row('  executeUpdate in the API', during);
  row('  after executeUpdate', after);
  row('outside the server', outside);
  const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(width[c]!) : cell.padStart(width[c]!))).join('  ');
  console.log(`${line(rows[0]!)}   (ms)`);
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('');
  const ratio = (q: number) => percentile(api, q) / percentile(bare, q);
  console.log(`API / bare, p50: ${ratio(50).toFixed(2)}x (${ms(percentile(api, 50))} / ${ms(percentile(bare, 50))} ms), goal <= ${GOAL_P50}x`);
  console.log(`API / bare, p99: ${ratio(99).toFixed(2)}x (${ms(percentile(api, 99))} / ${ms(percentile(bare, 99))} ms), goal <= ${GOAL_P99}x`);
  console.log(`(issue 9 recorded 1.22x at p50 and 1.35-1.73x at p99. Each line's percentiles are its own: the parts do not add up to the whole at p90 and p99.)`);
}

runBenchmark(main);
