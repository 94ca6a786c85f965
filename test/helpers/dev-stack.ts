// End-to-end stack on the real Temporal dev server (the CLI the project provisions), in real time:
// the case search attributes registered, a real worker with the real activities, a real SMTP
// listener, a register in a temporary SQLite file, and the real API app for the given people.
import { TestWorkflowEnvironment, type DevServerConfig } from '@temporalio/testing';
import type { Express } from 'express';
import nodemailer from 'nodemailer';
import request from 'supertest';
import type { Users } from '../../config';
import type { KeyRing } from '../../config/key-ring';
import { caseRegister, type CaseRegister } from '../../register/cases';
import type { RegisterDb } from '../../register/database';
import { createApp } from '../../api/app';
import { tokenHash } from '../../api/auth';
import type { Role } from '../../domain/roles';
import { devServerExecutableOption } from '../../scripts/servers';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT } from '../../workflows/contract';
import { TEST_DATA_CONVERTER, TEST_KEY_RING } from './keys';
import { startSmtpCatcher, type SmtpCatcher } from './smtp';
import { restartableWorker, runIncidentWorker, tempRegister } from './stack';

/** Someone the API knows, with the bearer token they sign in with (only its hash is configured). */
export interface SignedInPerson {
  id: string;
  role: Role;
  agency: string;
  token: string;
}

export interface DevStack {
  env: TestWorkflowEnvironment;
  smtp: SmtpCatcher;
  register: RegisterDb;
  /** The register read as the API reads it, with the test key ring. */
  cases: CaseRegister;
  /** What the API was built with (createApp), for a second app on the same stack. */
  appDependencies: Omit<Parameters<typeof createApp>[0], 'smtpReachable'> & { ring: KeyRing };
  /** The people, as the API's users configuration (token hashes only). */
  users: Users;
  /** The API, for supertest. */
  app: Express;
  /** The register's SQLite file (to read raw, or lock from another process). */
  registerFile: string;
  /** The worker, which a test may stop and start again (an outage). */
  worker: { stop(): Promise<void>; start(): Promise<void> };
  stop(): Promise<void>;
}

export interface DevStackOptions {
  people?: readonly SignedInPerson[];
  /** The dev server's database file (else in memory). */
  dbFilename?: string;
  /** More for the API: a shorter Temporal timeout, a logger, the codec server. */
  app?: Partial<Omit<Parameters<typeof createApp>[0], 'temporal' | 'register' | 'ring' | 'users' | 'smtpReachable'>>;
  /** More for the dev server: its Web UI (ui, uiPort) and CLI flags (extraArgs, e.g. --ui-codec-endpoint). */
  server?: Pick<DevServerConfig, 'ui' | 'uiPort' | 'extraArgs'>;
}

/** The Authorization header a signed-in person sends. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * GET /cases/:ref once the emails and register rows its decisions queued are carried out (they
 * follow a decision's answer). A 503 (a worker just started) is waited out; any other answer, or
 * the case still pending at the timeout, is returned for the caller's assertions.
 */
export async function settledCase(app: Express, ref: string, token: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app).get(`/cases/${ref}`).set(bearer(token));
    const pending = (res.body as { pending?: { notices: number; records: number } }).pending;
    const waiting = res.status === 503 || (res.status === 200 && pending !== undefined && pending.notices + pending.records > 0);
    if (!waiting || Date.now() > until) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const users: Users = {
    users: (options.people ?? []).map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })),
  };
  // Whatever started is stopped again, in reverse order, if a later part fails to start.
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: devServerExecutableOption(),
        searchAttributes: [CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT],
        ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
        ...options.server,
      },
      client: { dataConverter: TEST_DATA_CONVERTER },
    });
    stops.push(() => env.teardown());
    const smtp = await startSmtpCatcher();
    stops.push(() => smtp.close());
    const { register, url } = await tempRegister();
    stops.push(() => register.destroy());
    const start = () => runIncidentWorker(env, register, smtp.url);
    const worker = restartableWorker(start, await start());
    stops.push(() => worker.stop());
    const mailer = nodemailer.createTransport(smtp.url);
    const appDependencies = { temporal: env.client, register, ring: TEST_KEY_RING, users };
    const app = createApp({ ...appDependencies, ...options.app, smtpReachable: () => mailer.verify() });
    return { env, smtp, register, cases: caseRegister(register, TEST_KEY_RING), appDependencies, users, app, registerFile: url.replace(/^sqlite:/, ''), worker, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
