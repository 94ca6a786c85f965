// Real parts for workflow and end-to-end tests: a register in a temporary SQLite file, a
// nodemailer transport to the in-process SMTP listener, the partnership's example directory.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import nodemailer from 'nodemailer';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadPartnership, PROJECT_ROOT } from '../../config';
import { WorkingDayCalendar } from '../../domain/calendar';
import type { Actor } from '../../domain/roles';
import type { ActivityDependencies } from '../../activities';
import { mailTransportOptions } from '../../config/smtp';
import { migrateRegister, openRegister, type RegisterDb } from '../../register/database';
import { registerOf } from '../../register/register';
import { createIncidentWorker } from '../../workers/incident-worker';
import { bundleWorkflows, readRunBundle } from './workflow-bundle';
import { TEST_DATA_CONVERTER, TEST_KEY_RING } from './keys';

// Every line the runtime logs (worker, workflow and activity loggers, core's forwarded lines) also
// goes to whichever test captures it (captureRuntimeLog). The sinks live on globalThis because the
// runtime is installed once per process while jest gives each test file its own module registry.
type LogSink = (line: string) => void;
const SINKS = Symbol.for('ssi-procedure.test.runtime-log-sinks');
const globalSinks = globalThis as { [SINKS]?: Set<LogSink> };
const sinks = (globalSinks[SINKS] ??= new Set<LogSink>());
// Worker state changes at INFO drown test output; warnings and errors still show.
const printed = new DefaultLogger('WARN');
const PRINTED_LEVELS: ReadonlySet<string> = new Set(['WARN', 'ERROR']);
try {
  Runtime.install({
    logger: new DefaultLogger('TRACE', (entry) => {
      for (const sink of sinks) sink(`${entry.level} ${entry.message} ${inspect(entry.meta, { depth: 6, breakLength: Infinity })}`);
      if (PRINTED_LEVELS.has(entry.level)) printed.log(entry.level, entry.message, entry.meta);
    }),
  });
} catch {
  // already installed in this process
}

/** Collects every runtime log line, at every level, until stop(). */
export function captureRuntimeLog(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const sink: LogSink = (line) => lines.push(line);
  sinks.add(sink);
  return { lines, stop: () => sinks.delete(sink) };
}

export const partnership = loadPartnership(path.join(PROJECT_ROOT, 'config', 'partnership.example.json'));

export async function tempRegister(): Promise<{ register: RegisterDb; url: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-register-'));
  const url = `sqlite:${path.join(dir, 'register.sqlite')}`;
  const register = openRegister(url);
  await migrateRegister(register);
  return { register, url };
}

/** Where the tests' emails link to: not the default, so a link shows the configured address reached the emails. */
export const TEST_PUBLIC_BASE_URL = 'https://staff.partnership.example.org';

export function activityDeps(register: RegisterDb, smtpUrl: string): ActivityDependencies {
  return {
    calendar: new WorkingDayCalendar({ extraClosureDays: partnership.closureDays }),
    register: registerOf(register, TEST_KEY_RING),
    mailer: nodemailer.createTransport(mailTransportOptions(smtpUrl)),
    mailFrom: 'Case system <case-system@partnership.example.org>',
    mailboxes: partnership.mailboxes,
    publicBaseUrl: TEST_PUBLIC_BASE_URL,
    agencies: partnership.agencies,
    people: partnership.people,
    localPolicyWorkingDays: partnership.localPolicyWorkingDays,
  };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflows as the worker bundles them: this run's (global setup), else bundled once for this file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= Promise.resolve(readRunBundle() ?? bundleWorkflows());
  return bundle;
}

/**
 * A real incident worker on the test environment, with the real activities and the real data
 * converter (the test key ring), running until stopped.
 */
export async function runIncidentWorker(env: TestWorkflowEnvironment, register: RegisterDb, smtpUrl: string, options: { workflowCache?: boolean } = {}): Promise<{ stop(): Promise<void> }> {
  const worker = await createIncidentWorker({
    ...(options.workflowCache === false ? { capacity: { maxCachedWorkflows: 0 } } : {}),
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    activities: activityDeps(register, smtpUrl),
    workflowBundle: await workflowBundle(),
    dataConverter: TEST_DATA_CONVERTER,
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

export const actors = {
  businessUnit: { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' },
  ssp: { id: 'ssp-la', role: 'ssp', agency: 'Local Authority' },
  referrer: { id: 'referrer-1', role: 'referrer', agency: 'Example Health Trust' },
  rapidReviewChair: { id: 'rr-chair', role: 'rapid-review-chair', agency: 'Local Authority' },
  ldChair: { id: 'ld-chair', role: 'ld-chair', agency: 'Learning and Development Group' },
  reviewer: { id: 'reviewer-1', role: 'reviewer', agency: 'Independent reviewer' },
  operations: { id: 'ops-1', role: 'operations', agency: 'Partnership IT' },
} satisfies Record<string, Actor>;

let counter = 0;
/** Unique, opaque case references per test run. */
export function newCaseReference(): string {
  counter += 1;
  const n = (Date.now() % 100_000) * 10 + counter;
  return `TEST-2026-${String(n).padStart(6, '0').slice(-6)}`;
}

/** A worker that a test may stop (an outage) and start again. */
export function restartableWorker(start: () => Promise<{ stop(): Promise<void> }>, first: { stop(): Promise<void> }) {
  let running: { stop(): Promise<void> } | undefined = first;
  return {
    async stop() {
      await running?.stop();
      running = undefined;
    },
    async start() {
      running ??= await start();
    },
  };
}
