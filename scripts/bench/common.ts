// What the benchmarks share (scripts/bench/action-log.ts, cost.ts, api.ts): the load average,
// percentiles, timing a call, a plain table, a throwaway Temporal dev server from the provisioned
// CLI, the incident worker in its own process, an SMTP listener that drops every email, the API on
// a free port, the code version measured, and cleaning up whatever started on success, failure or
// Ctrl-C.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SMTPServer } from 'smtp-server';
import { PROJECT_ROOT } from '../../config';
import type { createApp } from '../../api/app';
import { SEARCH_ATTRIBUTE_FLAGS, TASK_QUEUE } from '../../workflows/contract';
import { readServersRecord } from '../servers';

// ---- measuring -------------------------------------------------------------------------------------

/** The machine's load average over 1, 5 and 15 minutes. */
export const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export const ms = (v: number) => v.toFixed(1);

/** The nearest-rank percentile of sorted samples. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** How long `fn` took, ms, and what it gave. */
export async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await fn();
  return [performance.now() - started, value];
}

/** A plain table: the first column left-aligned, numbers right-aligned where `right` says. */
export function printTable<R extends Record<string, string>>(table: R[], header: R, right: ReadonlyArray<keyof R> = []): void {
  const all = [header, ...table];
  const keys = Object.keys(header) as Array<keyof R>;
  const width = new Map(keys.map((k) => [k, Math.max(...all.map((r) => r[k]!.length))]));
  const line = (cells: (k: keyof R) => string) => keys.map((k) => (right.includes(k) ? cells(k).padStart(width.get(k)!) : cells(k).padEnd(width.get(k)!))).join('  ').trimEnd();
  console.log(line((k) => header[k]!));
  console.log(line((k) => '-'.repeat(width.get(k)!)));
  for (const r of table) console.log(line((k) => r[k]!));
}

// ---- cleaning up -----------------------------------------------------------------------------------

/** Run in reverse order by cleanUp(). */
export const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
export function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => console.error('while cleaning up:', err instanceof Error ? err.message : String(err)));
    }
  })();
  return cleaning;
}

/** Runs a benchmark's main, cleans up on success, failure or Ctrl-C, and exits 0 or 1 (130 when interrupted). */
export function runBenchmark(main: () => Promise<void>): void {
  let failed = false;
  const interrupted = () => {
    failed = true;
    console.error('interrupted: cleaning up');
    void cleanUp().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  main()
    .catch((err: unknown) => {
      failed = true;
      console.error('benchmark failed:', err instanceof Error ? err.message : String(err));
    })
    .finally(async () => {
      await cleanUp();
      process.exit(failed ? 1 : 0);
    });
}

// ---- the stack -------------------------------------------------------------------------------------

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The provisioned CLI's dev server: in memory, on a free port, headless, our search attributes registered. */
export async function startTemporal(): Promise<{ address: string; child: ChildProcess }> {
  const { temporalCli } = readServersRecord(PROJECT_ROOT);
  if (!temporalCli) throw new Error('No Temporal CLI: run `npm run provision` first');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const child = spawn(
    temporalCli,
    ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'error', ...SEARCH_ATTRIBUTE_FLAGS.flatMap((f) => ['--search-attribute', f])],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return { address, child };
    } catch {
      if (Date.now() > until) throw new Error('the Temporal dev server did not answer within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * The incident worker as production runs it: its own process, the production entry point
 * (dist/workers/main.js) configured by the environment only, its capacity the defaults. Its
 * output goes to `logFile`. Resolves once it polls the task queue; `rssMiB()` reads its resident
 * memory from /proc.
 */
export async function startWorkerProcess(options: { address: string; env: Record<string, string>; logFile: string }): Promise<{ pid: number; rssMiB(): number; collect(): Promise<void> }> {
  const out = openSync(options.logFile, 'a');
  // --expose-gc and the preload let the benchmark collect the worker's garbage before it reads RSS.
  const child = spawn(process.execPath, ['--expose-gc', '-r', path.join(__dirname, 'gc-on-signal.js'), path.join(PROJECT_ROOT, 'dist', 'workers', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', TEMPORAL_ADDRESS: options.address, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  const connection = await Connection.connect({ address: options.address });
  try {
    const until = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the worker exited with code ${child.exitCode}; see ${options.logFile}`);
      const queue = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: TASK_QUEUE },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      if ((queue.pollers?.length ?? 0) > 0) break;
      if (Date.now() > until) throw new Error(`the worker did not poll within 120 s; see ${options.logFile}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await connection.close();
  }
  const pid = child.pid!;
  return {
    pid,
    async collect() {
      for (let i = 0; i < 3; i++) {
        process.kill(pid, 'SIGWINCH');
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    rssMiB() {
      const kB = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kB === undefined) throw new Error(`no VmRSS for the worker (pid ${pid})`);
      return Number(kB) / 1024;
    },
  };
}

/** An SMTP listener that accepts every email and keeps none. */
export async function startSmtpSink(): Promise<string> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
}

/**
 * The API listening on 127.0.0.1, on a free port; returns its base URL. `served` hears how long
 * each request took inside the server, from its arrival (`arrivedAt`, performance.now()) to its
 * answer's last byte handed over.
 */
export async function listen(app: ReturnType<typeof createApp>, served?: (path: string, ms: number, arrivedAt: number) => void): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  if (served) {
    server.prependListener('request', (req, res) => {
      const started = performance.now();
      res.once('finish', () => served(req.url ?? '', performance.now() - started, started));
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The commit built, and whether the production code differs from it (the build takes the working tree). */
export function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const production = ['domain', 'workflows', 'activities', 'api', 'workers', 'config'];
    const changed = [git('diff', '--name-only', 'HEAD', '--', ...production), git('ls-files', '--others', '--exclude-standard', '--', ...production)].join('\n').split('\n').filter(Boolean);
    return `commit ${git('rev-parse', '--short', 'HEAD')}, ${changed.length ? `with uncommitted changes to ${changed.join(', ')}` : 'no uncommitted changes to production code'}`;
  } catch {
    return 'unknown (no git)';
  }
}
