// Worker entry point (production and compose): configuration from the environment only.
import { NativeConnection } from '@temporalio/worker';
import { smtpTransportOptions } from '../config/smtp';
import { loadEnv, type Env } from '../config';
import { dataConverterFor } from '../config/data-converter';
import { loadKeyRing } from '../config/key-ring';
import { activityDependencies } from './dependencies';
import { createIncidentWorker, type WorkerCapacity } from './incident-worker';
import { temporalConnectionOptions } from '../config/temporal-connection';

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
