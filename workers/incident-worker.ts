import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type BundleOptions, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities';
import { FAILURE_CONVERTER_PATH } from '../config/data-converter';
import { TASK_QUEUE } from '../workflows/contract';

/**
 * The modules of the workflow bundle that every cached workflow shares. The SDK evaluates a
 * workflow's modules once per workflow (each has its own module cache, so that no state leaks
 * between workflows), except those preloaded when the worker's V8 context starts: those are
 * evaluated once and deep-frozen. So only pure, stateless modules go here: zod and the domain's
 * rules and arithmetic (no module state, no workflow API). The workflows themselves (their
 * activity proxies, their handlers, their state) stay per workflow. Evaluated per workflow, these
 * cost each cached case about 0.4 MiB (issue 9, `npm run bench`).
 */
export const SHARED_WORKFLOW_MODULES: readonly string[] = [
  // First: zod's defaults set before zod is frozen.
  require.resolve('../domain/zod-defaults'),
  ...['access', 'action', 'action-snapshot', 'case', 'case-details', 'clocks', 'decision-table', 'decisions', 'errors', 'fields', 'incident', 'instants', 'obligation-ids', 'obligations', 'rapid-review-returns', 'owners-told', 'roles', 'rulebook', 'rulebook-dsp-1-5', 'rulebook-rules', 'rulebook-wt-2023', 'working-days-late'].map((m) =>
    require.resolve(`../domain/${m}`),
  ),
];

/**
 * The worker's capacity, set here rather than left to the SDK's defaults (which size the cache
 * from the heap: 2,310 on a 4 GiB heap). Figures from `npm run bench` on the 2-core development
 * machine; docs/DEVELOPMENT.md ("Benchmarks") has the run.
 */
export interface WorkerCapacity {
  /**
   * Cases kept in memory between their tasks, about 0.17 MiB each (the same as a workflow that
   * does nothing): 2,000 is about 340 MiB. A case that is not cached is not lost or stopped: its
   * next task (a decision, a timer) first replays its history, a few milliseconds for a case of
   * 300 events (the bench's "cache miss" figure). Cases wait months between decisions, so most
   * open cases need not be cached.
   */
  maxCachedWorkflows: number;
  /** Workflow tasks at once: short and CPU-bound, run one at a time by the workflow thread. */
  maxConcurrentWorkflowTasks: number;
  /** Activities at once: emails and register writes, bounded by SMTP and the database pool. */
  maxConcurrentActivities: number;
  /** Deadline computations at once (local activities: pure arithmetic). */
  maxConcurrentLocalActivities: number;
}

export const DEFAULT_CAPACITY: WorkerCapacity = { maxCachedWorkflows: 2_000, maxConcurrentWorkflowTasks: 40, maxConcurrentActivities: 20, maxConcurrentLocalActivities: 20 };

/** How the incident workflows are bundled: by the worker at start, and by tests that build the bundle once. */
export function workflowBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'failureConverterPath' | 'preloadModules'> {
  return { workflowsPath: require.resolve('../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH, preloadModules: [...SHARED_WORKFLOW_MODULES] };
}

export interface IncidentWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: ActivityDependencies;
  /**
   * config/data-converter.ts's dataConverterFor(ring): payloads are encrypted. A pre-built
   * workflowBundle must have been built with workflowBundleOptions().
   */
  dataConverter: DataConverter;
  /** A pre-built bundle (tests build it once per suite); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  /** Unset parts: DEFAULT_CAPACITY. `maxCachedWorkflows: 0` replays every task from its history (tests of a worker restart). */
  capacity?: Partial<WorkerCapacity>;
}

export async function createIncidentWorker(options: IncidentWorkerOptions): Promise<Worker> {
  const capacity = { ...DEFAULT_CAPACITY, ...options.capacity };
  // The worker bundles as a pre-built bundle is built (its failure converter comes with the data converter).
  const bundling = workflowBundleOptions();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: bundling.workflowsPath, bundlerOptions: { preloadModules: bundling.preloadModules } }),
    activities: createActivities(options.activities),
    dataConverter: options.dataConverter,
    maxCachedWorkflows: capacity.maxCachedWorkflows,
    // Without a cache the SDK allows any concurrency; with one, no more tasks than cached workflows.
    maxConcurrentWorkflowTaskExecutions: capacity.maxCachedWorkflows === 0 ? capacity.maxConcurrentWorkflowTasks : Math.min(capacity.maxConcurrentWorkflowTasks, capacity.maxCachedWorkflows),
    maxConcurrentActivityTaskExecutions: capacity.maxConcurrentActivities,
    maxConcurrentLocalActivityExecutions: capacity.maxConcurrentLocalActivities,
  });
}
