// Worker entry point (production and compose): configuration from the environment only.
import { NativeConnection } from '@temporalio/worker';
import { loadEnv } from '../config';
import { activityDependencies } from './dependencies';
import { createIncidentWorker } from './incident-worker';
import { temporalConnectionOptions } from './temporal-connection';

async function main(): Promise<void> {
  const env = loadEnv();
  const connection = await NativeConnection.connect(temporalConnectionOptions(env));
  const deps = await activityDependencies(env);
  const worker = await createIncidentWorker({ connection, namespace: env.TEMPORAL_NAMESPACE, activities: deps });
  await worker.run();
  await deps.register.destroy();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error('worker stopped:', err instanceof Error ? err.message : String(err));
  process.exit(1);
});
