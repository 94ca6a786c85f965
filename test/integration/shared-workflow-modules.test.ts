// The workflow bundle shares the domain's modules across cached workflows (issue 9: evaluated
// per workflow they cost each case about 0.4 MiB; workers/incident-worker.ts). Sharing is safe
// only for pure modules, and it saves memory only if every domain module the workflows load is
// shared: a new domain module imported by a workflow must be added to the list, or it is
// evaluated again for every case.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_WORKFLOW_MODULES } from '../../workers/incident-worker';
import { workflowBundle } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
const domainModule = (file: string) => path.basename(file).replace(/\.(ts|js)$/, '');

test('every domain module in the workflow bundle is one the workers share', async () => {
  const { code } = await workflowBundle();
  const inBundle = new Set([...code.matchAll(/"\.\/(?:dist\/)?domain\/([\w-]+)\.(?:ts|js)"/g)].map((m) => m[1]!));
  // The bundle has the domain (a regression to zero would make this test pass for nothing).
  expect(inBundle).toContain('decisions');
  const shared = new Set(SHARED_WORKFLOW_MODULES.filter((m) => m.includes(`${path.sep}domain${path.sep}`)).map(domainModule));
  expect([...inBundle].filter((m) => !shared.has(m))).toEqual([]);
  // And the bundle preloads them.
  const preload = code.slice(code.indexOf('exports.preloadModules'), code.indexOf('exports.importWorkflows'));
  for (const m of shared) expect({ m, preloaded: new RegExp(`domain/${m}\\.(ts|js)`).test(preload) }).toEqual({ m, preloaded: true });
});

test('the shared modules are pure: no workflow API, no state kept between calls', () => {
  for (const file of SHARED_WORKFLOW_MODULES.filter((m) => m.startsWith(ROOT))) {
    const source = readFileSync(file.replace(/\.js$/, '.ts'), 'utf8');
    expect({ file: domainModule(file), workflowApi: /from '@temporalio\/workflow'/.test(source) }).toEqual({ file: domainModule(file), workflowApi: false });
    // Module-level `let` is state a frozen module cannot keep, and would be shared by every case.
    expect({ file: domainModule(file), moduleLet: /^let /m.test(source) }).toEqual({ file: domainModule(file), moduleLet: false });
  }
});
