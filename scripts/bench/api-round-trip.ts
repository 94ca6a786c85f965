// What `npm run bench` (scripts/bench/cost.ts, figures 1 and 2) and `npm run bench:api`
// (scripts/bench/api.ts) share, so that figure 2 and bench:api are one measurement: the people
// who sign in, the stack (dev server, the incident worker in its own process, register, SMTP sink,
// the API over HTTP), a kept-alive API client, waiting for a case to settle, cases driven to the
// LCSPR stage, the same decision sent as the API sends it, and the interleaved rounds.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { PROJECT_ROOT } from '../../config';
import { dataConverterFor } from '../../config/data-converter';
import { KeyRing } from '../../config/key-ring';
import type { CaseStatus } from '../../domain/case';
import type { DecisionName } from '../../domain/decisions';
import type { Actor, Role } from '../../domain/roles';
import { mailTransportOptions } from '../../config/smtp';
import { migrateRegister, openRegister } from '../../register/database';
import { createApp, type AppDependencies } from '../../api/app';
import { tokenHash } from '../../api/auth';
import { decisionUpdate, statusQuery, workflowIdFor, type DecisionRequest } from '../../workflows/contract';
import { validReferralForm } from '../../test/fixtures/referral-form';
import { cleanups, listen, startSmtpSink, startTemporal, startWorkerProcess } from './common';

// ---- who signs in ----------------------------------------------------------------------------------

export const PEOPLE: Array<Actor & { token: string }> = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: randomBytes(16).toString('hex') },
  { id: 'ssp-la', role: 'ssp', agency: 'Local Authority', token: randomBytes(16).toString('hex') },
  { id: 'rr-chair', role: 'rapid-review-chair', agency: 'Rapid Review Panel', token: randomBytes(16).toString('hex') },
  { id: 'reviewer-1', role: 'reviewer', agency: 'Independent reviewer', token: randomBytes(16).toString('hex') },
];
export const person = (role: Role) => PEOPLE.find((p) => p.role === role)!;
export const actorOf = (role: Role): Actor => {
  const { id, agency } = person(role);
  return { id, role, agency };
};

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
export const londonToday = () => londonDate.format(new Date());
export const londonIn = (days: number) => londonDate.format(new Date(Date.now() + days * 86_400_000));

// ---- the decision as the API sends it --------------------------------------------------------------

/** The API's bound on its Temporal calls, as the benchmarks create it (createApp temporalCallTimeoutMs). */
export const API_CALL_TIMEOUT_MS = 30_000;
/** api/app.ts ACCEPT_MARGIN_MS: the API's acceptBy is this long before its own deadline. */
const ACCEPT_MARGIN_MS = 2_000;

/**
 * A decision's update options as api/app.ts decideThroughUpdate builds them for a request without
 * an Idempotency-Key: the same request shape (actor, payload, acceptBy) and the same kind of update
 * ID, so that a bare update and the API's carry the same bytes through the codec and the server.
 */
export function asTheApiSends(actor: Actor, payload: unknown): { args: [DecisionRequest]; updateId: string } {
  const acceptBy = new Date(Date.now() + API_CALL_TIMEOUT_MS - ACCEPT_MARGIN_MS).toISOString();
  return { args: [{ actor, payload, acceptBy }], updateId: `decision-${randomUUID()}` };
}

// ---- the API over HTTP -----------------------------------------------------------------------------

export interface ApiClient {
  post(role: Role, pathname: string, body: unknown): Promise<{ status: number; body: unknown }>;
  /** POST /referrals with the fictitious form of test/fixtures; the new case's reference. */
  openCase(): Promise<string>;
  decide(ref: string, decision: DecisionName, role: Role, payload: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
}

export function apiClient(base: string): ApiClient {
  /** Kept-alive connections to the API, as a client in production would hold them. */
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });
  cleanups.push(async () => keepAlive.destroy());
  const post: ApiClient['post'] = (role, pathname, body) => {
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${base}${pathname}`,
        { method: 'POST', agent: keepAlive, headers: { Authorization: `Bearer ${person(role).token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  };
  return {
    post,
    async openCase() {
      const res = await post('business-unit', '/referrals', { referral: validReferralForm() });
      if (res.status !== 201) throw new Error(`POST /referrals: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { caseReference: string }).caseReference;
    },
    decide: (ref, decision, role, payload) => post(role, `/cases/${ref}/decisions/${decision}`, payload),
  };
}

// ---- the stack -------------------------------------------------------------------------------------

/**
 * What one API request did, timestamps from performance.now(): its arrival and its answer's last
 * byte handed over (common.ts listen), and, when the stack was started with `probeUpdates`, when
 * the API's executeUpdate was called and when it resolved. Requests are timed one at a time.
 */
export interface Served {
  arrived: number;
  finished: number;
  updateCalled?: number;
  updateAnswered?: number;
}

export interface Stack {
  address: string;
  benchKey: Buffer;
  ring: KeyRing;
  dataConverter: ReturnType<typeof dataConverterFor>;
  /** The incident worker's process. */
  worker: Awaited<ReturnType<typeof startWorkerProcess>>;
  connection: Connection;
  /** What the API was created with: an experiment may listen with another app made from them. */
  appDependencies: AppDependencies;
  /** The benchmark's own client (bare updates, queries); the API's is this one unless probing. */
  client: Client;
  api: ApiClient;
  /** The API requests answered since the last reset, in order of their answer. */
  served: { reset(): void; all(): Served[] };
  caseHandle(ref: string): WorkflowHandle;
  /** The decision as a bare update from the benchmark's client, sent as the API sends it. */
  bare(ref: string, decision: DecisionName, role: Role, payload: Record<string, unknown>): Promise<unknown>;
}

/**
 * The real parts, throwaway: the provisioned dev server, a register in a SQLite file in `dir`, an
 * SMTP listener that drops every email, the incident worker as production runs it (its own
 * process, configured by the environment), a key ring made for this run, and the API in this
 * process over HTTP on 127.0.0.1. With `probeUpdates` the API gets a client of its own on the same
 * connection whose case handles time executeUpdate (a wrapper: two performance.now() calls).
 */
export async function startStack(options: { dir: string; probeUpdates?: boolean }): Promise<Stack> {
  const benchKey = randomBytes(32);
  const ring = new KeyRing('bench', { bench: benchKey });
  const dataConverter = dataConverterFor(ring);
  const { address } = await startTemporal();

  const registerFile = path.join(options.dir, 'register.sqlite');
  const register = openRegister(`sqlite:${registerFile}`);
  cleanups.push(() => register.destroy());
  await migrateRegister(register);
  const smtpUrl = await startSmtpSink();
  const mailer = nodemailer.createTransport(mailTransportOptions(smtpUrl));
  cleanups.push(async () => mailer.close());

  const worker = await startWorkerProcess({
    address,
    logFile: path.join(options.dir, 'worker.log'),
    env: {
      DATABASE_URL: `sqlite:${registerFile}`,
      SMTP_URL: smtpUrl,
      PAYLOAD_KEYS: JSON.stringify({ current: 'bench', keys: { bench: benchKey.toString('base64') } }),
      PARTNERSHIP_FILE: path.join(PROJECT_ROOT, 'config', 'partnership.example.json'),
    },
  });

  const connection = await Connection.connect({ address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: 'default', dataConverter });
  let served: Served[] = [];
  const probe: Partial<Served> = {};
  const apiTemporal = options.probeUpdates ? probedClient(new Client({ connection, namespace: 'default', dataConverter }), probe) : client;
  const users = { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };
  const appDependencies: AppDependencies = { temporal: apiTemporal, register, ring, users, smtpReachable: () => mailer.verify(), temporalCallTimeoutMs: API_CALL_TIMEOUT_MS };
  const base = await listen(createApp(appDependencies), (_path, took, arrived) => {
    served.push({ arrived, finished: arrived + took, ...probe });
    resetInPlace(probe);
  });
  const caseHandle = (ref: string) => client.workflow.getHandle(workflowIdFor(ref));
  return {
    address,
    benchKey,
    ring,
    dataConverter,
    worker,
    connection,
    appDependencies,
    client,
    api: apiClient(base),
    served: {
      reset() {
        served = [];
        resetInPlace(probe);
      },
      all: () => served,
    },
    caseHandle,
    bare: (ref, decision, role, payload) => caseHandle(ref).executeUpdate(decisionUpdate(decision), asTheApiSends(actorOf(role), payload)),
  };
}

/** Empties the probe the API's client writes into: the same object, which the wrapper holds. */
function resetInPlace(o: Partial<Served>): void {
  for (const k of Object.keys(o)) delete o[k as keyof Served];
}

/** The client with its case handles' executeUpdate timed into `probe`. */
function probedClient(client: Client, probe: Partial<Served>): Client {
  const getHandle = client.workflow.getHandle.bind(client.workflow);
  client.workflow.getHandle = ((...args: Parameters<typeof getHandle>) => {
    const handle = getHandle(...args);
    const executeUpdate = handle.executeUpdate.bind(handle) as (...a: unknown[]) => Promise<unknown>;
    (handle as { executeUpdate: unknown }).executeUpdate = async (...a: unknown[]) => {
      probe.updateCalled = performance.now();
      try {
        return await executeUpdate(...a);
      } finally {
        probe.updateAnswered = performance.now();
      }
    };
    return handle;
  }) as typeof client.workflow.getHandle;
  return client;
}

// ---- cases -----------------------------------------------------------------------------------------

/** Waits until the case has no email or register row pending; returns its status. */
export async function settled(handle: WorkflowHandle, timeoutMs = 60_000): Promise<CaseStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await handle.query(statusQuery);
    if (status.pending.notices + status.pending.records === 0) return status;
    if (Date.now() > until) throw new Error(`${handle.workflowId} still has ${status.pending.notices} emails and ${status.pending.records} rows pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Step {
  decision: DecisionName;
  role: Role;
  payload: () => Record<string, unknown>;
}

/** The LCSPR path of test/e2e/lcspr-path.test.ts and test/replay/record-histories.ts, in real time, to terms-of-reference-agreed. */
export const TO_LCSPR: Step[] = [
  { decision: 'ssp-informed', role: 'business-unit', payload: () => ({}) },
  { decision: 'ssp-decision', role: 'ssp', payload: () => ({ outcome: 'criteria-met', rationale: 'Abuse suspected, serious harm (bench).' }) },
  { decision: 'referrer-feedback-sent', role: 'business-unit', payload: () => ({}) },
  { decision: 'national-notification', role: 'business-unit', payload: () => ({ panelReference: 'CSPRP-BENCH-0001' }) },
  { decision: 'panel-acknowledgement', role: 'business-unit', payload: () => ({}) },
  { decision: 'rapid-review-scheduled', role: 'rapid-review-chair', payload: () => ({ meetingDate: londonIn(7) }) },
  { decision: 'rapid-review-held', role: 'rapid-review-chair', payload: () => ({ recommendation: 'lcspr', rationale: 'Learning for the partnership (bench).' }) },
  { decision: 'rapid-review-report', role: 'ssp', payload: () => ({ levelOfReview: 'lcspr', rationale: 'An LCSPR (bench).' }) },
  { decision: 'panel-response', role: 'business-unit', payload: () => ({ response: 'local-review' }) },
  { decision: 'reviewer-commissioned', role: 'ssp', payload: () => ({ reviewer: 'Independent reviewer (bench)', reviewerId: person('reviewer').id }) },
  { decision: 'terms-of-reference-agreed', role: 'rapid-review-chair', payload: () => ({}) },
];

/**
 * `count` cases opened through the API and driven to the LCSPR stage (where review-progress may
 * be recorded again and again), `concurrency` at a time, each settled; in the order opened.
 */
export async function lcsprCases(stack: Stack, count: number, concurrency = 1): Promise<string[]> {
  const refs: string[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (started < count) {
        started++;
        const ref = await stack.api.openCase();
        for (const step of TO_LCSPR) {
          const res = await stack.api.decide(ref, step.decision, step.role, step.payload());
          if (res.status !== 200) throw new Error(`${step.decision} on ${ref}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        }
        await settled(stack.caseHandle(ref));
        refs.push(ref);
      }
    }),
  );
  return refs;
}

// ---- the rounds ------------------------------------------------------------------------------------

/** One way of recording a decision: resolves once answered; may return the API request it made. */
export type Side = (ref: string, payload: Record<string, unknown>) => Promise<Served | undefined>;

/** review-progress (the reviewer's progress note), the decision figure 2 and bench:api time, both ways. */
export function reviewProgressSides(stack: Stack): { bare: Side; api: Side } {
  return {
    async bare(ref, payload) {
      if (!(await stack.bare(ref, 'review-progress', 'reviewer', payload))) throw new Error(`review-progress as a bare update on ${ref}: no answer`);
      return undefined;
    },
    async api(ref, payload) {
      stack.served.reset();
      const res = await stack.api.decide(ref, 'review-progress', 'reviewer', payload);
      if (res.status !== 200) throw new Error(`review-progress through the API on ${ref}: HTTP ${res.status}`);
      return stack.served.all()[0];
    },
  };
}

export interface RoundSamples {
  /** Wall time of each counted round's call, from the benchmark's side, ms. */
  took: number[];
  /** This process's CPU (user + system, all its threads) over each counted call, ms. */
  cpu: number[];
  /** The API request each made, where it made one. */
  served: Served[];
}

/**
 * `warmup + rounds` rounds over `refs` (round r on refs[r % refs.length]); in each, every side
 * records the same payload in turn, the order rotating by one each round, the case settled before
 * each call (as a person's next decision usually finds it). Warm-up rounds are not kept.
 */
export async function interleavedRounds<K extends string>(
  stack: Stack,
  options: { refs: string[]; rounds: number; warmup: number; sides: Record<K, Side>; onRound?: (round: number) => void },
): Promise<Record<K, RoundSamples>> {
  const kinds = Object.keys(options.sides) as K[];
  const samples = Object.fromEntries(kinds.map((k) => [k, { took: [], cpu: [], served: [] }])) as unknown as Record<K, RoundSamples>;
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    const ref = options.refs[round % options.refs.length]!;
    const payload = { summary: `Practitioner event held (bench, round ${round + 1}).` };
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(round + k) % kinds.length]!;
      await settled(stack.caseHandle(ref));
      // Read outside the timed span, so that reading it costs the wall time nothing.
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const served = await options.sides[kind](ref, payload);
      const took = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      if (round < options.warmup) continue;
      samples[kind].took.push(took);
      samples[kind].cpu.push((cpu.user + cpu.system) / 1000);
      if (served) samples[kind].served.push(served);
    }
    options.onRound?.(round);
  }
  return samples;
}
