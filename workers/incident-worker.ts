import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities';
import { TASK_QUEUE } from '../workflows/contract';

export interface IncidentWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: ActivityDependencies;
  /**
   * config/data-converter.ts's dataConverterFor(ring): payloads are encrypted. A pre-built
   * workflowBundle must have been built with its failureConverterPath.
   */
  dataConverter: DataConverter;
  /** A pre-built bundle (tests build it once per suite); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
}

export async function createIncidentWorker(options: IncidentWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(options.activities),
    dataConverter: options.dataConverter,
  });
}
