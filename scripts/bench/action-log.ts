// `npm run bench:actions` (issue 8, item 6): how long the action log takes with 1,000 open
// improvement actions across 100 cases, and how many events a case's and an action's history hold.
// Numbers only: no pass or fail. Everything is real and throwaway: the provisioned Temporal CLI's
// dev server (in memory, on free ports, our search attributes registered), the real worker with the
// real activities, the real API listening on 127.0.0.1 and read over HTTP, a register in a
// temporary SQLite file, a key ring made for this run, and an SMTP listener that accepts and drops
// every email. Whatever started is stopped, and the temporary directory removed, on success,
// failure or Ctrl-C.
//
// The cases are driven through the API as staff would: POST /referrals, then ssp-informed,
// ssp-decision (not-met-learning), referrer-feedback-sent, ld-decision (multi-agency-audit),
// ssp-approval and actions-agreed with 10 actions, a few cases at a time; the referral is the
// fictitious learning-path form of test/fixtures/referral-form.ts (no real child or family).
process.env.TZ = 'UTC';

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { loadPartnership, PROJECT_ROOT } from '../../config';
import { dataConverterFor } from '../../config/data-converter';
import { KeyRing } from '../../config/key-ring';
import { WorkingDayCalendar } from '../../domain/calendar';
import type { Role } from '../../domain/roles';
import { mailTransportOptions } from '../../config/smtp';
import { migrateRegister, openRegister } from '../../register/database';
import { registerOf } from '../../register/register';
import { createApp } from '../../api/app';
import { tokenHash } from '../../api/auth';
import { createIncidentWorker } from '../../workers/incident-worker';
import { actionWorkflowId, workflowIdFor } from '../../workflows/contract';
import { learningReferralForm } from '../../test/fixtures/referral-form';
import { readServersRecord } from '../servers';
import { cleanups, listen, load, ms, percentile, runBenchmark, startSmtpSink, startTemporal } from './common';

const CASES = 100;
const ACTIONS_PER_CASE = 10;
const CALLS = 50;
const WARMUP = 3;
/** Cases driven at once. */
const CONCURRENCY = 4;
/** The reads are made as on this many days from now: deadlines run from +30 to +129 days, so about half are overdue. */
const READ_DAYS_AHEAD = 80;
const AGENCIES = ['Example Health Trust', 'Example Police', "Example Council Children's Services", 'Example Primary School'];

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: randomBytes(16).toString('hex') },
  { id: 'ssp-la', role: 'ssp', agency: 'Local Authority', token: randomBytes(16).toString('hex') },
  { id: 'ld-chair', role: 'ld-chair', agency: 'Learning and Development Group', token: randomBytes(16).toString('hex') },
  { id: 'referrer-1', role: 'referrer', agency: 'Example Health Trust', token: randomBytes(16).toString('hex') },
];
const tokenOf = (id: string) => PEOPLE.find((p) => p.id === id)!.token;

const DAY_MS = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

// ---- measuring -------------------------------------------------------------------------------------

interface Row {
  figure: string;
  n: string;
  p50: string;
  p95: string;
  max: string;
  load: string;
  note: string;
}
const rows: Row[] = [];

function addTimed(figure: string, samples: number[], note: string): void {
  const sorted = [...samples].sort((a, b) => a - b);
  rows.push({ figure, n: String(samples.length), p50: ms(percentile(sorted, 50)), p95: ms(percentile(sorted, 95)), max: ms(sorted.at(-1)!), load: load(), note });
}

function addOnce(figure: string, value: string, note = '', loadThen = load()): void {
  rows.push({ figure, n: '1', p50: value, p95: '', max: '', load: loadThen, note });
}

function printTable(): void {
  const header: Row = { figure: 'figure', n: 'n', p50: 'p50 ms / value', p95: 'p95 ms', max: 'max ms', load: 'load 1/5/15 min', note: 'note' };
  const all = [header, ...rows];
  const keys = Object.keys(header) as Array<keyof Row>;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<keyof Row, number>;
  const line = (r: Row) => keys.map((k) => (k === 'figure' || k === 'note' ? r[k].padEnd(width[k]) : r[k].padStart(width[k]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(keys.map((k) => '-'.repeat(width[k])).join('  '));
  for (const r of rows) console.log(line(r));
}

// ---- driving through the API -----------------------------------------------------------------------

async function call(base: string, who: string, method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<{ status: number; json: () => Promise<unknown>; text: () => Promise<string> }> {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${tokenOf(who)}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: () => res.json() as Promise<unknown>, text: () => res.text() };
}

async function decide(base: string, ref: string, who: string, decision: string, payload: Record<string, unknown>): Promise<void> {
  const res = await call(base, who, 'POST', `/cases/${ref}/decisions/${decision}`, payload);
  if (res.status !== 200) throw new Error(`${decision} on ${ref}: HTTP ${res.status} ${await res.text()}`);
}

async function caseWithActions(base: string, n: number): Promise<string> {
  const created = await call(base, 'referrer-1', 'POST', '/referrals', { referral: learningReferralForm() });
  if (created.status !== 201) throw new Error(`POST /referrals: HTTP ${created.status} ${await created.text()}`);
  const ref = ((await created.json()) as { caseReference: string }).caseReference;
  await decide(base, ref, 'bu-1', 'ssp-informed', {});
  await decide(base, ref, 'ssp-la', 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning to explore (bench).' });
  await decide(base, ref, 'bu-1', 'referrer-feedback-sent', {});
  await decide(base, ref, 'ld-chair', 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'Audit of information sharing (bench).' });
  await decide(base, ref, 'ssp-la', 'ssp-approval', { approved: true, rationale: 'Agreed (bench).' });
  const actions = Array.from({ length: ACTIONS_PER_CASE }, (_, j) => ({
    agency: AGENCIES[(n + j) % AGENCIES.length]!,
    owner: `Safeguarding lead ${j + 1} (bench)`,
    description: `Improve information sharing, case ${n}, step ${j + 1} (bench data). `.repeat(3).trim(),
    finding: `Finding ${1 + (j % 5)}: records were not shared in time (bench data).`,
    deadline: dateIn(30 + ((n * ACTIONS_PER_CASE + j) % 100)),
  }));
  await decide(base, ref, 'ld-chair', 'actions-agreed', { actions });
  return ref;
}

async function timedGets(base: string, pathname: string, accept?: string): Promise<{ samples: number[]; bytes: number; status: number }> {
  let bytes = 0;
  let status = 0;
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const started = process.hrtime.bigint();
    const res = await fetch(`${base}${pathname}`, { headers: { Authorization: `Bearer ${tokenOf('ld-chair')}`, ...(accept ? { Accept: accept } : {}) } });
    const body = await res.arrayBuffer();
    const took = Number(process.hrtime.bigint() - started) / 1e6;
    status = res.status;
    bytes = body.byteLength;
    if (res.status !== 200) throw new Error(`GET ${pathname}: HTTP ${res.status}`);
    if (i >= WARMUP) samples.push(took);
  }
  return { samples, bytes, status };
}

// ---- the steps -------------------------------------------------------------------------------------

/** A moment of the set-up: when (performance.now()) and the load then. */
interface Moment {
  at: number;
  load: string;
}
const moment = (): Moment => ({ at: performance.now(), load: load() });

/** The dev server, the register, the SMTP listener and the real worker, with when the server and the worker were up. */
async function startServices(dir: string) {
  const ring = new KeyRing('bench', { bench: randomBytes(32) });
  const dataConverter = dataConverterFor(ring);
  const { address } = await startTemporal();
  const serverUp = moment();

  const register = openRegister(`sqlite:${path.join(dir, 'register.sqlite')}`);
  cleanups.push(() => register.destroy());
  await migrateRegister(register);
  const smtpUrl = await startSmtpSink();
  const partnership = loadPartnership(path.join(PROJECT_ROOT, 'config', 'partnership.example.json'));
  const mailer = nodemailer.createTransport(mailTransportOptions(smtpUrl));
  cleanups.push(async () => mailer.close());

  const nativeConnection = await NativeConnection.connect({ address });
  cleanups.push(() => nativeConnection.close());
  const worker = await createIncidentWorker({
    connection: nativeConnection,
    namespace: 'default',
    activities: {
      calendar: new WorkingDayCalendar({ extraClosureDays: partnership.closureDays }),
      register: registerOf(register, ring),
      mailer,
      mailFrom: 'Case system <case-system@partnership.example.org>',
      mailboxes: partnership.mailboxes,
      // The emails go to a sink that drops them: their links are never followed.
      publicBaseUrl: 'http://127.0.0.1:3000',
      agencies: partnership.agencies,
      localPolicyWorkingDays: partnership.localPolicyWorkingDays,
    },
    dataConverter,
  });
  const running = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  const workerUp = moment();
  return { address, ring, dataConverter, register, mailer, serverUp, workerUp };
}

type Services = Awaited<ReturnType<typeof startServices>>;

/** The API over HTTP, twice: as today, and reading the same register as on READ_DAYS_AHEAD days from now. */
async function startApis({ address, ring, dataConverter, register, mailer }: Services) {
  const connection = await Connection.connect({ address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: 'default', dataConverter });
  const users = { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };
  const common = { temporal: client, register, ring, users, smtpReachable: () => mailer.verify(), temporalCallTimeoutMs: 30_000 };
  const base = await listen(createApp(common));
  // The same register read as on a later day, so that the exception report has rows to report.
  const readOn = new Date(Date.now() + READ_DAYS_AHEAD * DAY_MS);
  const readBase = await listen(createApp({ ...common, now: () => readOn }));
  return { connection, client, base, readBase, readOn };
}

/** CASES cases through the API, CONCURRENCY at a time, each with its actions agreed. */
async function casesThroughTheApi(base: string): Promise<string[]> {
  const refs: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES) {
        const n = ++next;
        refs.push(await caseWithActions(base, n));
      }
    }),
  );
  return refs;
}

/** Until every action's snapshot is in the register's action log (at most 10 minutes). */
async function allSnapshotsIn(register: Services['register']): Promise<void> {
  const total = CASES * ACTIONS_PER_CASE;
  const until = Date.now() + 10 * 60_000;
  for (;;) {
    const { n } = (await register.selectFrom('action_record').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()) as { n: number };
    if (Number(n) >= total) break;
    if (Date.now() > until) throw new Error(`only ${n} of ${total} action snapshots in the register after 10 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Each listing, JSON and CSV, timed as the L&D Chair; and this process's memory. */
async function listingFigures(readBase: string): Promise<void> {
  const listed = ((await (await call(readBase, 'ld-chair', 'GET', '/actions')).json()) as { actions: Array<{ overdue: boolean }> }).actions;
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  const logJson = await timedGets(readBase, '/actions');
  addTimed('GET /actions', logJson.samples, `${listed.length} rows, ${kb(logJson.bytes)} JSON, free text`);
  const exceptions = await timedGets(readBase, '/actions/exceptions');
  addTimed('GET /actions/exceptions', exceptions.samples, `${listed.filter((a) => a.overdue).length} overdue rows, ${kb(exceptions.bytes)} JSON`);
  const logCsv = await timedGets(readBase, '/actions?format=csv');
  addTimed('GET /actions?format=csv', logCsv.samples, `${kb(logCsv.bytes)} CSV`);
  const exceptionsCsv = await timedGets(readBase, '/actions/exceptions?format=csv');
  addTimed('GET /actions/exceptions?format=csv', exceptionsCsv.samples, `${kb(exceptionsCsv.bytes)} CSV`);
  addOnce('memory: this process RSS (MiB)', (process.memoryUsage().rss / 2 ** 20).toFixed(0), 'worker, API and register client together');
}

/** The events of the first case's history and of its first action's. */
async function historyFigures(client: Client, sampleRef: string): Promise<void> {
  const caseHistory = await client.workflow.getHandle(workflowIdFor(sampleRef)).fetchHistory();
  const actionHistory = await client.workflow.getHandle(actionWorkflowId(sampleRef, 'A01')).fetchHistory();
  addOnce('events: one case history', String(caseHistory.events?.length ?? 0), `${sampleRef}, ${ACTIONS_PER_CASE} actions started`);
  addOnce('events: one action history', String(actionHistory.events?.length ?? 0), `${sampleRef}/A01, open`);
}

/** What was measured, on what, and the table. */
async function printReport(connection: Connection, readOn: Date): Promise<void> {
  const total = CASES * ACTIONS_PER_CASE;
  const { temporalCliVersion } = readServersRecord(PROJECT_ROOT);
  const system = await connection.workflowService.getSystemInfo({});
  const cpus = os.cpus();
  console.log('');
  console.log(`Action log benchmark: ${CASES} cases x ${ACTIONS_PER_CASE} actions = ${total} open actions; reads as the L&D Chair (free text), over HTTP on 127.0.0.1,`);
  console.log(`as on ${readOn.toISOString().slice(0, 10)} (+${READ_DAYS_AHEAD} days, so about half are overdue); ${CALLS} timed calls each after ${WARMUP} warm-up calls, one at a time.`);
  console.log(`Node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM;`);
  console.log(`Temporal CLI ${temporalCliVersion} (server ${system.serverVersion ?? 'unknown'}), register SQLite (better-sqlite3), worker and API in this process.`);
  console.log('');
  printTable();
}

// ---- main ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // Worker state changes at INFO would drown the table; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-bench-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));

  const t0 = performance.now();
  const services = await startServices(dir);
  const { serverUp, workerUp } = services;
  const { connection, client, base, readBase, readOn } = await startApis(services);
  const refs = await casesThroughTheApi(base);
  const casesIn = moment();
  await allSnapshotsIn(services.register);
  const snapshotsIn = moment();

  const total = CASES * ACTIONS_PER_CASE;
  addOnce('setup: dev server up', ms(serverUp.at - t0), 'Temporal CLI start-dev, in memory', serverUp.load);
  addOnce('setup: worker up', ms(workerUp.at - serverUp.at), 'register migrated, workflows bundled', workerUp.load);
  addOnce(`setup: ${CASES} cases through the API`, ms(casesIn.at - workerUp.at), `7 calls each, ${CONCURRENCY} cases at a time, ${ACTIONS_PER_CASE} actions agreed each`, casesIn.load);
  addOnce(`setup: all ${total} snapshots in register`, ms(snapshotsIn.at - casesIn.at), 'after the last actions-agreed answered', snapshotsIn.load);
  addOnce('setup: total', ms(snapshotsIn.at - t0), '', snapshotsIn.load);

  await listingFigures(readBase);
  await historyFigures(client, refs[0]!);
  await printReport(connection, readOn);
}

runBenchmark(main);
