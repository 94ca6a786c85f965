// docs/PROCEDURE.md is generated from domain/ (scripts/procedure-doc.ts): it must be up to date, and
// what it says must be what the code does. Expected outcomes are computed here by calling the
// decisions, never copied from the page.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { STAGES, type CaseState, type Stage } from '../../domain/case';
import { DECISION_NAMES, DECISIONS, SSP_OUTCOMES } from '../../domain/decisions';
import { DEFAULT_RULEBOOK, rulebook } from '../../domain/rulebook';
import { PROCEDURE_DOC, REGENERATE_COMMAND, renderProcedureDoc } from '../../scripts/procedure-doc';

const ROOT = path.resolve(__dirname, '../..');
const rendered = renderProcedureDoc();

/** The cells of a Markdown table row, trimmed; undefined for a line that is not a row. */
function cells(line: string): string[] | undefined {
  if (!line.startsWith('|')) return undefined;
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The lines of a section: from its heading to the next heading of the same or a higher level. */
function section(doc: string, heading: string): string[] {
  const lines = doc.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading "${heading}" in the page`);
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && (/^#+/.exec(l)?.[0].length ?? 0) <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function rowsOf(lines: string[]): string[][] {
  return lines.map(cells).filter((c): c is string[] => c !== undefined && !c.every((x) => /^-+$/.test(x)));
}

/** A minimal case for calling a decision's `then` (domain/case.ts CaseState). */
function minimalCase(stage: Stage): CaseState {
  const state: Partial<CaseState> = {
    caseReference: 'TEST-2026-000901',
    rulebookVersion: DEFAULT_RULEBOOK,
    stage,
    receivedAt: '2026-03-02T09:00:00.000Z',
    clocks: { 'referral-received': '2026-03-02T09:00:00.000Z' },
    clockCorrections: [],
    facts: {},
    obligations: {},
    pastRounds: [],
    timeline: [],
  };
  return state as CaseState;
}

test(`${PROCEDURE_DOC} is up to date with domain/`, () => {
  const onDisk = readFileSync(path.join(ROOT, PROCEDURE_DOC), 'utf8');
  if (onDisk !== rendered) {
    throw new Error(`${PROCEDURE_DOC} is out of date: run \`${REGENERATE_COMMAND}\` and commit the result`);
  }
});

test('rendering is deterministic', () => {
  expect(renderProcedureDoc()).toBe(rendered);
});

test('every obligation of the default rulebook has its row, with its section', () => {
  const rows = rowsOf(section(rendered, `## The obligations (rulebook \`${DEFAULT_RULEBOOK}\`)`));
  const obligations = Object.values(rulebook(DEFAULT_RULEBOOK).obligations);
  expect(rows.slice(1).map((r) => r[0])).toEqual(obligations.map((o) => `\`${o.id}\``));
  for (const o of obligations) {
    const row = rows.find((r) => r[0] === `\`${o.id}\``);
    expect(row?.at(-1)).toBe(o.section);
    expect(row?.at(-1)).toMatch(/§/);
  }
});

test('every decision appears in the stage map and in the decisions table', () => {
  const map = rowsOf(section(rendered, '## The stage map')).map((r) => r[0]);
  const payloads = rowsOf(section(rendered, '## The decisions and their payloads')).map((r) => r[0]);
  for (const name of DECISION_NAMES) {
    expect(map).toContain(`\`${name}\``);
    expect(payloads).toContain(`\`${name}\``);
  }
});

test('every stage has its section in the stage map', () => {
  for (const stage of STAGES) expect(rendered.split('\n')).toContain(`### Stage \`${stage}\``);
});

test('the awaiting-ssp-decision row lists ssp-decision with the stage each outcome leads to', () => {
  const rows = rowsOf(section(rendered, '### Stage `awaiting-ssp-decision`')).filter((r) => r[0] === '`ssp-decision`');
  expect(rows).toHaveLength(SSP_OUTCOMES.length);
  const then = DECISIONS['ssp-decision'].then;
  if (!then) throw new Error('ssp-decision has no effects');
  for (const outcome of SSP_OUTCOMES) {
    const effects = then({
      state: minimalCase('awaiting-ssp-decision'),
      payload: { outcome, rationale: 'test' },
      at: '2026-03-03T10:00:00.000Z',
    });
    const expected = effects.stage;
    if (!expected) throw new Error(`ssp-decision with ${outcome} moves the case nowhere`);
    const row = rows.find((r) => r[2]?.includes(`\`${outcome}\``));
    expect(row?.[3]).toContain(`\`${expected}\``);
    // Each row names only its own outcome.
    expect(SSP_OUTCOMES.filter((o) => row?.[2]?.includes(`\`${o}\``))).toEqual([outcome]);
  }
});

test('a decision that meets an obligation names it in the stage map', () => {
  const rows = rowsOf(section(rendered, '## The stage map'));
  for (const name of DECISION_NAMES) {
    const meets = (DECISIONS[name] as { meets?: string }).meets;
    if (!meets) continue;
    const own = rows.filter((r) => r[0] === `\`${name}\``);
    expect(own.length).toBeGreaterThan(0);
    for (const r of own) expect(r[4]).toContain(`\`${meets}\``);
  }
});
