// Replays every recorded case history (test/fixtures/histories/<generation>, written by
// record-histories.ts) against the current workflow code. A change to workflows/ that alters the
// commands a running case has already produced fails here with a nondeterminism error: put it
// behind patched().
//
// Retired generations are kept, and shown to be refused: v1-before-atomic-decisions is the workflow
// before decisions were applied whole (its input carried the referral form and it awaited the
// register and SMTP inside handlers). No deployment ran cases of it (the system had not gone live),
// so no patched() branch keeps it alive; a case of it could not be continued by this code.
// v2 is the atomic workflow before the §5.2 receipt email (patched: notification-deadline-at-referral);
// v3 after it; v7 tells each step's owner with a calendar entry (patched: owners-told-with-calendar-entries).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { TEST_DATA_CONVERTER } from '../helpers/keys';
import { workflowBundle } from '../helpers/stack';

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');
const RETIRED = new Set(['v1-before-atomic-decisions']);

interface Fixture {
  name: string;
  generation: string;
  workflowId: string;
  json: unknown;
}

function fixtures(): Fixture[] {
  return readdirSync(HISTORIES)
    .sort()
    .flatMap((generation) =>
      readdirSync(path.join(HISTORIES, generation))
        .filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json'))
        .sort()
        .map((f) => {
          const dir = path.join(HISTORIES, generation);
          const name = f.slice(0, -'.json'.length);
          const meta = JSON.parse(readFileSync(path.join(dir, `${name}.meta.json`), 'utf8')) as { workflowId: string };
          return { name: `${generation}/${name}`, generation, workflowId: meta.workflowId, json: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown };
        }),
    );
}

const everything = fixtures();
const all = everything.filter((f) => !RETIRED.has(f.generation));
const retired = everything.filter((f) => RETIRED.has(f.generation));

test('the recorded paths are all there, each with its real workflow ID', () => {
  const paths = ['lcspr-published-closed', 'learning-approved-closed', 'no-further-action-closed'];
  for (const generation of ['v2-atomic-decisions', 'v3-notification-deadline-at-referral']) {
    expect(all.map((f) => f.name)).toEqual(expect.arrayContaining(paths.map((p) => `${generation}/${p}`)));
  }
  expect(retired.map((f) => f.name)).toEqual(paths.map((p) => `v1-before-atomic-decisions/${p}`).sort());
  for (const f of all) expect(f.workflowId).toMatch(/^incident-[A-Z]{2,8}-\d{4}-\d{3,6}$/);
});

test.each(all.map((f) => [f.name, f] as const))('%s replays without nondeterminism', async (_name, fixture) => {
  const history = historyFromJSON(fixture.json);
  const events = history.events ?? [];
  // A complete case: it ends with the workflow's completion, so the whole of it is replayed.
  expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
  await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: TEST_DATA_CONVERTER }, history, fixture.workflowId)).resolves.toBeUndefined();
});

test.each(retired.map((f) => [f.name, f] as const))('%s (retired) is refused by this code, as its note says', async (_name, fixture) => {
  const history = historyFromJSON(fixture.json);
  await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: TEST_DATA_CONVERTER }, history, fixture.workflowId)).rejects.toThrow();
});
