// The workflow bundle the tests' workers run: built once per jest run (test/global-setup.js, about
// 2 s on two cores) and read by every test file, instead of once per file (35 files). The bundle
// is the real one (workflowBundleOptions(), as the worker builds it), written to a directory of
// this run only, so it can never be stale.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions } from '../../workers/incident-worker';

/** Where global setup put this run's bundle. */
export const WORKFLOW_BUNDLE_DIR_ENV = 'SSI_TEST_WORKFLOW_BUNDLE_DIR';

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietLogger });
}

/** Bundles once, for the whole run; returns the directory (for the environment of the test files). */
export async function writeRunBundle(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-workflow-bundle-'));
  const { code, sourceMap } = await bundleWorkflows();
  writeFileSync(path.join(dir, 'bundle.js'), code);
  writeFileSync(path.join(dir, 'bundle.js.map'), sourceMap);
  return dir;
}

/** This run's bundle, when global setup made one (a single file run by another runner has none). */
export function readRunBundle(): WorkflowBundleWithSourceMap | undefined {
  const dir = process.env[WORKFLOW_BUNDLE_DIR_ENV];
  if (!dir) return undefined;
  return { code: readFileSync(path.join(dir, 'bundle.js'), 'utf8'), sourceMap: readFileSync(path.join(dir, 'bundle.js.map'), 'utf8') };
}
