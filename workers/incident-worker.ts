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
  /**
   * How many workflows the worker keeps in memory between their tasks; 0 replays every task from
   * its history (tests of a worker restart). Unset: the SDK's default, from the heap size.
   */
  maxCachedWorkflows?: number;
}

export async function createIncidentWorker(options: IncidentWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(options.activities),
    dataConverter: options.dataConverter,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
