// The rulebooks side by side for docs/PROCEDURE.md: each difference the later rulebook lists with
// its source, then every obligation whose rule differs, field by field, as the data says.
import type { ObligationRule, Rulebook } from '../../domain/rulebook';
import { code, table } from './markdown';
import { limitInWords } from './sections';

/** The parts of a rule a reader compares, in words. */
function partsOf(rule: ObligationRule): Record<string, string> {
  return {
    obligation: rule.obligation,
    owner: code(rule.owner),
    clock: code(rule.clock) + (rule.orClock ? ` or ${code(rule.orClock)}` : ''),
    limit: limitInWords(rule.limit),
    target: rule.target ? limitInWords(rule.target) : '',
    kind: rule.statutory ? 'statutory' : 'local policy',
    '§': rule.section,
  };
}

function obligationDifferences(before: Rulebook, after: Rulebook): string[][] {
  const ids = [...new Set([...Object.keys(before.obligations), ...Object.keys(after.obligations)])];
  return ids.flatMap((id) => {
    const was = before.obligations[id];
    const now = after.obligations[id];
    if (!was) return [[code(id), 'the whole rule', '—', `added: ${now!.obligation}, ${limitInWords(now!.limit)} ${code(now!.clock)} (${now!.section})`]];
    if (!now) return [[code(id), 'the whole rule', was.obligation, '—']];
    const [a, b] = [partsOf(was), partsOf(now)];
    return Object.keys(a)
      .filter((part) => a[part] !== b[part])
      .map((part) => [code(id), part, a[part] || '—', b[part] || '—']);
  });
}

export function rulebooksSideBySide(before: Rulebook, after: Rulebook): string[] {
  return [
    '',
    `## The rulebooks side by side: ${code(before.version)} and ${code(after.version)}`,
    '',
    `A partnership chooses the rulebook new cases start under (\`rulebook\` in its \`PARTNERSHIP_FILE\`);`,
    'a case keeps the rulebook it started under for life, so changing the setting moves only the cases',
    `referred after the change. ${code(after.version)}: *${after.title}*.`,
    '',
    '### What changed, and the source',
    '',
    table([' ', code(before.version), code(after.version), 'source', 'in the system'], (after.differences ?? []).map((d) => [d.topic, d.before, d.now, d.source, d.inTheSystem])),
    '',
    '### The obligations that differ',
    '',
    `Every part of a rule that differs between the two, as the rulebooks' data says (\`domain/rulebook-dsp-1-5.ts\`, \`domain/rulebook-wt-2023.ts\`).`,
    '',
    table(['obligation', 'part', code(before.version), code(after.version)], obligationDifferences(before, after)),
    '',
    '### What a decision must carry',
    '',
    table(
      ['decision', code(before.version), code(after.version)],
      [...new Set([...Object.keys(before.contentRequired ?? {}), ...Object.keys(after.contentRequired ?? {})])].map((name) => [
        code(name),
        (before.contentRequired?.[name] ?? []).map(code).join(', ') || 'its schema only',
        (after.contentRequired?.[name] ?? []).map(code).join(', ') || 'its schema only',
      ]),
    ),
  ];
}
