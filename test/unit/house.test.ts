// The house: one room for each thing (docs/ARCHITECTURE.md). Read from the source itself: which
// way the imports run, that the domain has no import circle, and that no file or function has
// grown past what a newcomer can hold. The TypeScript compiler reads the code; nothing is listed
// here but the rules and the two data tables allowed to be long.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const PRODUCTION = ['api', 'activities', 'config', 'domain', 'register', 'scripts', 'services', 'web', 'workers', 'workflows'];
/** Data, not logic: the decision table and the referral form's fields. */
const DATA_TABLES = ['domain/decision-table.ts', 'domain/referral-form.ts'];
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 100;

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) return tsFiles(rel);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [rel] : [];
  });
}
const files = PRODUCTION.flatMap(tsFiles);
const source = (file: string) => ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);

/** The relative modules a file imports or re-exports, as paths from the root (without .ts). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true).importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.posix.normalize(path.posix.join(path.posix.dirname(file), name)));
}

test('the walk reads the code (a walk that found nothing would pass everything below)', () => {
  expect(files.length).toBeGreaterThan(80);
  expect(importsOf('api/app.ts')).toContain('services');
  expect(files).toContain('web/pages/case-pages.ts');
});

/** Where `from`'s files import any of `banned` (a room, or one module in it), but the `allowed` modules. */
const crossing = (from: string, banned: string[], allowed: string[] = []) =>
  files
    .filter((f) => f.startsWith(`${from}/`))
    .flatMap((f) => importsOf(f).filter((i) => !allowed.includes(i) && banned.some((b) => i === b || i.startsWith(`${b}/`))).map((i) => `${f} -> ${i}`));

test('the imports run one way: the API and the case service never reach into the worker or its activities; the domain stands alone', () => {
  expect(crossing('api', ['activities', 'workers'])).toEqual([]);
  expect(crossing('services', ['api', 'activities', 'web', 'workers'])).toEqual([]);
  expect(crossing('domain', ['api', 'activities', 'config', 'register', 'scripts', 'services', 'web', 'workers', 'workflows'])).toEqual([]);
  expect(crossing('workflows', ['api', 'register', 'services', 'web', 'workers'])).toEqual([]);
  expect(crossing('activities', ['web'])).toEqual([]);
  expect(crossing('register', ['web'])).toEqual([]);
  expect(crossing('config', ['web'])).toEqual([]);
});

test('the staff pages are an adapter like the API: over the case service, never the worker, its activities or the workflows (but their contract)', () => {
  expect(crossing('web', ['activities', 'scripts', 'workers', 'workflows'], ['workflows/contract'])).toEqual([]);
  // The API mounts the pages (api/app.ts, api/main.ts); the pages may use the API's small helpers
  // (api/oidc.ts's claims, api/request-context.ts), never a module of the API that imports them.
  const mounting = files.filter((f) => f.startsWith('api/') && importsOf(f).some((i) => i === 'web' || i.startsWith('web/'))).map((f) => f.replace(/\.ts$/, ''));
  expect(mounting).toEqual(expect.arrayContaining(['api/app']));
  expect(crossing('web', mounting)).toEqual([]);
});

test('the domain has no import circle', () => {
  const domain = files.filter((f) => f.startsWith('domain/')).map((f) => f.replace(/\.ts$/, ''));
  const edges = new Map(domain.map((m) => [m, importsOf(`${m}.ts`).filter((i) => i.startsWith('domain/'))]));
  const circles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: string, trail: string[]) => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'visiting') {
      circles.push([...trail.slice(trail.indexOf(m)), m].join(' -> '));
      return;
    }
    state.set(m, 'visiting');
    for (const next of edges.get(m) ?? []) visit(next, [...trail, m]);
    state.set(m, 'done');
  };
  for (const m of domain) visit(m, []);
  expect(circles).toEqual([]);
});

test(`no file over ${MAX_FILE_LINES} lines but the data tables`, () => {
  const long = files
    .filter((f) => !DATA_TABLES.includes(f))
    .map((f) => ({ f, lines: readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
    .map(({ f, lines }) => `${f}: ${lines}`);
  expect(long).toEqual([]);
});

test(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
  const long: string[] = [];
  for (const file of files) {
    const sf = source(file);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`${file}:${start + 1} (${end - start + 1} lines)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  expect(long).toEqual([]);
});
