// Replays every recorded case history (test/fixtures/histories, written by record-histories.ts)
// against the current workflow code. A change to workflows/ that alters the commands a running
// case has already produced fails here with a nondeterminism error: put it behind patched().
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/stack';

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');

interface Fixture {
  name: string;
  workflowId: string;
  json: unknown;
}

function fixtures(): Fixture[] {
  return readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.json'.length);
      const meta = JSON.parse(readFileSync(path.join(HISTORIES, `${name}.meta.json`), 'utf8')) as { workflowId: string };
      return { name, workflowId: meta.workflowId, json: JSON.parse(readFileSync(path.join(HISTORIES, f), 'utf8')) as unknown };
    });
}

const all = fixtures();

test('the recorded paths are all there, each with its real workflow ID', () => {
  expect(all.map((f) => f.name)).toEqual(expect.arrayContaining(['lcspr-published-closed', 'learning-approved-closed', 'no-further-action-closed']));
  for (const f of all) expect(f.workflowId).toMatch(/^incident-[A-Z]{2,8}-\d{4}-\d{3,6}$/);
});

test.each(all.map((f) => [f.name, f] as const))('%s replays without nondeterminism', async (_name, fixture) => {
  const history = historyFromJSON(fixture.json);
  const events = history.events ?? [];
  // A complete case: it ends with the workflow's completion, so the whole of it is replayed.
  expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
  await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, fixture.workflowId)).resolves.toBeUndefined();
});
