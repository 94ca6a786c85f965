// End-to-end stack on the real Temporal dev server (the CLI the project provisions), in real time:
// the case search attributes registered, a real worker with the real activities, a real SMTP
// listener, a register in a temporary SQLite file, and the real API app for the given people.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Express } from 'express';
import nodemailer from 'nodemailer';
import type { Users } from '../../config';
import type { KeyRing } from '../../config/key-ring';
import { caseRegister, type CaseRegister } from '../../activities/case-register';
import type { RegisterDb } from '../../activities/register';
import { createApp } from '../../api/app';
import { tokenHash } from '../../api/auth';
import type { Role } from '../../domain/roles';
import { devServerExecutableOption } from '../../scripts/servers';
import { CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT } from '../../workflows/contract';
import { TEST_DATA_CONVERTER, TEST_KEY_RING } from './keys';
import { startSmtpCatcher, type SmtpCatcher } from './smtp';
import { runIncidentWorker, tempRegister } from './stack';

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
  stop(): Promise<void>;
}

/** The Authorization header a signed-in person sends. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function startDevStack(options: { people?: readonly SignedInPerson[] } = {}): Promise<DevStack> {
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
      server: { executable: devServerExecutableOption(), searchAttributes: [CASE_STAGE, NEXT_DEADLINE, OVERDUE_COUNT] },
      client: { dataConverter: TEST_DATA_CONVERTER },
    });
    stops.push(() => env.teardown());
    const smtp = await startSmtpCatcher();
    stops.push(() => smtp.close());
    const { register } = await tempRegister();
    stops.push(() => register.destroy());
    const worker = await runIncidentWorker(env, register, smtp.url);
    stops.push(() => worker.stop());
    const mailer = nodemailer.createTransport(smtp.url);
    // The ring is for the register's free text; the app takes it once it builds caseRegister.
    const appDependencies = { temporal: env.client, register, ring: TEST_KEY_RING, users };
    const app = createApp({ ...appDependencies, smtpReachable: () => mailer.verify() });
    return { env, smtp, register, cases: caseRegister(register, TEST_KEY_RING), appDependencies, users, app, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
