// Worker entry point (production and compose): configuration from the environment only.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { smtpTransportOptions } from '../config/smtp';
import { loadEnv, type Env } from '../config';
import { dataConverterFor } from '../config/data-converter';
import { loadKeyRing, type KeyRing } from '../config/key-ring';
import { activityDependencies } from './dependencies';
import { createIncidentWorker, type WorkerCapacity } from './incident-worker';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../config/temporal-connection';
import { ensureDigestSchedule } from '../services/digest-schedule';

/** The capacity the environment sets; the rest from DEFAULT_CAPACITY. */
export function capacityFrom(env: Env): Partial<WorkerCapacity> {
  const set = {
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTasks: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentLocalActivities: env.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
  };
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
}

/**
 * The weekly digest's schedule, created or brought up to date (services/digest-schedule.ts). A
 * Temporal that does not answer in time does not stop the worker: the cases' deadlines matter more
 * than the digest, and the next start tries again; the error's name says which (no content).
 */
async function scheduleDigest(options: TemporalConnectionOptions, namespace: string, ring: KeyRing): Promise<void> {
  try {
    const connection = await Connection.connect(options);
    try {
      await ensureDigestSchedule(new Client({ connection, namespace, dataConverter: dataConverterFor(ring) }));
    } finally {
      await connection.close();
    }
  } catch (err) {
    console.error('worker: the weekly digest schedule could not be created or updated:', err instanceof Error ? err.name : 'unknown error');
  }
}

/** Connects, builds the real dependencies and runs the worker; close() drains and releases them. */
export async function startWorker(env: Env) {
  // Before connecting: a missing or malformed key, or TLS configuration, stops the worker at once,
  // naming the variable.
  const ring = loadKeyRing(env);
  const temporalOptions = temporalConnectionOptions(env);
  const mailOptions = smtpTransportOptions(env);
  const connection = await NativeConnection.connect(temporalOptions);
  try {
    const deps = await activityDependencies(env, ring, mailOptions);
    const worker = await createIncidentWorker({ connection, namespace: env.TEMPORAL_NAMESPACE, activities: deps, dataConverter: dataConverterFor(ring), capacity: capacityFrom(env) });
    await scheduleDigest(temporalOptions, env.TEMPORAL_NAMESPACE, ring);
    const running = worker.run().finally(async () => {
      await deps.register.close();
      await connection.close();
    });
    return {
      running,
      async close() {
        // On Ctrl-C the SDK's own signal handling may already be draining the worker.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

if (require.main === module) {
  startWorker(loadEnv())
    .then((w) => w.running)
    .catch((err: unknown) => {
      console.error('worker stopped:', err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
