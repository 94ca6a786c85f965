// The house: one room for each thing (docs/ARCHITECTURE.md). Read from the source itself: which
// way the imports run, that the domain has no import circle, and that no file or function has
// grown past what a newcomer can hold. The TypeScript compiler reads the code; nothing is listed
// here but the rules and the two data tables allowed to be long.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const PRODUCTION = ['api', 'activities', 'config', 'domain', 'register', 'scripts', 'services', 'workers', 'workflows'];
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
});

test('the imports run one way: the API and the case service never reach into the worker or its activities; the domain stands alone', () => {
  const crossing = (from: string, banned: string[]) =>
    files.filter((f) => f.startsWith(`${from}/`)).flatMap((f) => importsOf(f).filter((i) => banned.some((b) => i === b || i.startsWith(`${b}/`))).map((i) => `${f} -> ${i}`));
  expect(crossing('api', ['activities', 'workers'])).toEqual([]);
  expect(crossing('services', ['api', 'activities', 'workers'])).toEqual([]);
  expect(crossing('domain', ['api', 'activities', 'config', 'register', 'scripts', 'services', 'workers', 'workflows'])).toEqual([]);
  expect(crossing('workflows', ['api', 'register', 'services', 'workers'])).toEqual([]);
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
