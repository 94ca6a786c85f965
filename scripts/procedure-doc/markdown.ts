// Markdown for docs/PROCEDURE.md (scripts/procedure-doc.ts): code, links to a stage's section,
// lists of obligation IDs, and tables.
import type { Stage } from '../../domain/case';

export function code(s: string): string {
  return `\`${s}\``;
}

export function stageLink(stage: Stage): string {
  return `[${code(stage)}](#stage-${stage})`;
}

export function list(ids: readonly string[] | undefined): string {
  return ids && ids.length > 0 ? [...new Set(ids)].map(code).join(', ') : '';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
