// The floor for scripts/bench/cost.ts: the least a Temporal update costs on this server, worker and
// data converter. A workflow that does nothing but wait, with one update whose handler does
// nothing. Bundled on its own (bundleWorkflowCode) and run on its own task queue, in the same
// process as the incident worker. Workflow code: no Node built-ins, nothing from the project.
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** Takes the same argument as a decision (so the same bytes go through the codec) and answers null. */
export const floorUpdate = defineUpdate<null, [unknown]>('floor');

export async function floorWorkflow(): Promise<void> {
  setHandler(floorUpdate, () => null);
  await condition(() => false);
}
