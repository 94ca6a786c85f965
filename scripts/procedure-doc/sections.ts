// The sections of docs/PROCEDURE.md after its introduction (scripts/procedure-doc.ts): the stage
// map (a section per stage, and the decisions that fit any stage), the decisions and their
// payloads, the obligations of the rulebook, and how to count.
import { STAGES, type Stage } from '../../domain/case';
import { DECISION_NAMES, decisionRule, type DecisionName, type DecisionRule } from '../../domain/decisions';
import type { LimitRule, ObligationRule, ReminderRule, Rulebook } from '../../domain/rulebook';
import { describeVariants, type Refusal, type Row } from './effects';
import { code, list, stageLink, table } from './markdown';
import { factDomains, fieldsOf, isAnyStage, runDecision, stagesOf } from './runs';

const DECISION_HEADER = ['decision', 'who', 'when', 'then the stage is', 'meets', 'opens', 'withdraws (those open)', 'also'];

function decisionRows(rows: Row[]): string[][] {
  return rows.map((r) => [code(r.decision), r.roles, r.when, r.stage, r.meets, r.opens, r.withdraws, r.also]);
}

function stagesInWords(rule: DecisionRule): string {
  if (typeof rule.stages === 'string') return 'whenever its obligation is open';
  const stages = rule.stages;
  const missing = STAGES.filter((s) => !stages.includes(s));
  if (missing.length === 0) return 'every stage';
  if (missing.length <= 2 && stages.length > missing.length) return `every stage but ${missing.map(code).join(', ')}`;
  return stages.map(code).join(', ');
}

/** A decision's `requires`: the refusals that depend on the payload, found by calling it. */
function conditionsInWords(rule: DecisionRule, name: DecisionName, refusals: Refusal[], stateDependent: boolean): string {
  if (!rule.requires) return '';
  const byReason = new Map<string, { when: string; reason: string; stages: Stage[] }>();
  for (const r of refusals.filter((x) => x.decision === name)) {
    const key = JSON.stringify([r.when, r.reason]);
    const entry = byReason.get(key) ?? { when: r.when, reason: r.reason, stages: [] };
    if (r.stage) entry.stages.push(r.stage);
    byReason.set(key, entry);
  }
  const allowed = stagesOf(rule);
  const parts = [...byReason.values()].map(({ when, reason, stages }) => {
    const where = stages.length === 0 || allowed.every((s) => stages.includes(s)) ? '' : ` at ${stages.map(code).join(', ')}`;
    return `refused${where}${when ? ` ${when.replace(/^(?!with)/, 'when ')}` : ''}: "${reason}"`;
  });
  return [...parts, ...(stateDependent ? ["checks on the case's open obligations or started clocks"] : [])].join('; ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function limitInWords(limit: LimitRule): string {
  switch (limit.kind) {
    case 'working-days-after':
      return `${plural(limit.days, 'working day')} after`;
    case 'working-days-before':
      return `at least ${plural(limit.days, 'working day')} before`;
    case 'calendar-months-after':
      return `${plural(limit.months, 'calendar month')} after`;
    case 'on-the-date':
      return 'on';
    default: {
      const unknown: never = limit;
      return JSON.stringify(unknown);
    }
  }
}

function reminderInWords(r: ReminderRule): string {
  if ('workingDaysBefore' in r) {
    return r.workingDaysBefore === 0 ? `on the day, ${r.at}` : `${plural(r.workingDaysBefore, 'working day')} before, ${r.at}`;
  }
  return `${plural(r.calendarMonthsBefore, 'calendar month')} before, ${r.at}`;
}

function obligationRow(o: ObligationRule): string[] {
  const limit = o.minimumPeriod
    ? `at least ${limitInWords(o.limit)} (a minimum period: met when it has run, broken if ended early)`
    : limitInWords(o.limit);
  const reminders = o.reminders.length > 0 ? `to ${code(o.remind)}: ${o.reminders.map(reminderInWords).join('; ')}` : 'none';
  return [
    code(o.id),
    o.obligation,
    code(o.owner),
    code(o.clock),
    limit,
    o.target ? limitInWords(o.target) : '',
    o.statutory ? 'statutory' : 'local policy',
    reminders,
    list(o.escalateTo),
    o.section,
  ];
}

/** Every decision's rows, stage by stage and for any stage, with the refusals found on the way. */
export interface DecisionsByStage {
  rowsAt: Map<Stage, Row[]>;
  anyRows: Row[];
  refusals: Refusal[];
  stateDependent: Set<DecisionName>;
}

export function decisionsByStage(): DecisionsByStage {
  const domains = factDomains();
  const anyStage = DECISION_NAMES.filter((n) => isAnyStage(decisionRule(n)));
  const refusals: Refusal[] = [];
  const stateDependent = new Set<DecisionName>();

  const rowsAt = new Map<Stage, Row[]>();
  for (const stage of STAGES) {
    const rows: Row[] = [];
    for (const name of DECISION_NAMES) {
      const rule = decisionRule(name);
      if (isAnyStage(rule) || !stagesOf(rule).includes(stage)) continue;
      const described = describeVariants(name, stage, runDecision(name, stage, domains));
      rows.push(...described.rows);
      refusals.push(...described.refused);
      if (described.stateDependent) stateDependent.add(name);
    }
    rowsAt.set(stage, rows);
  }
  const anyRows = anyStage.flatMap((name) => {
    const described = describeVariants(name, undefined, runDecision(name, undefined, domains));
    refusals.push(...described.refused);
    if (described.stateDependent) stateDependent.add(name);
    return described.rows;
  });
  return { rowsAt, anyRows, refusals, stateDependent };
}

/** A section per stage: what reaches it, and the decisions that may be recorded there. */
export function stageSections({ rowsAt, anyRows }: DecisionsByStage): string[] {
  const out: string[] = [];
  for (const stage of STAGES) {
    const rows = rowsAt.get(stage) ?? [];
    const reachedBy = [...STAGES.flatMap((from) => (rowsAt.get(from) ?? []).map((r) => ({ from, r }))), ...anyRows.map((r) => ({ from: undefined, r }))]
      .filter(({ r, from }) => r.to === stage && from !== stage)
      .map(({ r, from }) => `${code(r.decision)}${r.when ? ` (${r.when})` : ''}${from ? ` from ${stageLink(from)}` : ''}`);
    out.push('', `### Stage ${code(stage)}`, '');
    out.push(`Reached by: ${reachedBy.length > 0 ? [...new Set(reachedBy)].join('; ') : 'no decision'}.`, '');
    out.push(rows.length > 0 ? table(DECISION_HEADER, decisionRows(rows)) : 'No decision names this stage.');
  }
  return out;
}

/** The decisions that fit any stage, then every decision's payload and further conditions. */
export function decisionSections({ anyRows, refusals, stateDependent }: DecisionsByStage): string[] {
  return [
    '',
    '### Whenever their obligation is open',
    '',
    'These decisions fit any stage, as long as the obligation they meet is open.',
    '',
    table(DECISION_HEADER, decisionRows(anyRows)),
    '',
    '## The decisions and their payloads',
    '',
    'Every decision records who made it and when (`occurredAt`, if given, else now). A field marked',
    '"optional" may be left out. "Further conditions" are the checks of `requires` in',
    '`domain/decisions.ts`, found by calling it: the refusals that depend on the payload are spelt out;',
    'those that depend on which obligations are open or which clocks have started are only flagged.',
    '',
    table(
      ['decision', 'payload', 'who', 'at stage', 'meets', 'further conditions'],
      DECISION_NAMES.map((name) => {
        const rule = decisionRule(name);
        const payload = fieldsOf(rule)
          .map((f) => `${code(f.name)}: ${f.type}${f.optional ? ' (optional)' : ''}`)
          .join('; ');
        return [code(name), payload, rule.roles.join(', '), stagesInWords(rule), rule.meets ? code(rule.meets) : '', conditionsInWords(rule, name, refusals, stateDependent.has(name))];
      }),
    ),
  ];
}

/** The obligations of the rulebook, one row each, and how deadlines are counted. */
export function obligationSections(book: Rulebook): string[] {
  return [
    '',
    `## The obligations (rulebook ${code(book.version)})`,
    '',
    'One row per obligation the workflow tracks, in the rulebook\'s order. "Clock" is the event the',
    'count starts from. Reminders go to the mailbox named, at London wall-clock times; a missed',
    'deadline is escalated to the mailboxes listed. "Local policy" marks a limit the procedure document',
    'does not set: the rulebook gives a default, and a partnership may set its own number of working',
    'days (`localPolicyWorkingDays` in its `PARTNERSHIP_FILE`); statutory limits cannot be changed.',
    '',
    table(
      ['id', 'obligation', 'owner', 'clock', 'limit', 'target', 'statutory', 'reminders', 'escalation to', '§'],
      Object.values(book.obligations).map(obligationRow),
    ),
  ];
}

/** How deadlines are counted, the same in every rulebook. */
export function countingSection(): string[] {
  return [
    '',
    '## How to count',
    '',
    'A working day is a Monday to Friday that is not a bank holiday in England and Wales (substitute',
    'days count as holidays; observances such as Mother\'s Day do not) and not one of the closure days',
    'the partnership configures. Days are dates in Europe/London, whatever the season (GMT or BST).',
    '"Within N working days of X": the date of X is day 0, and the deadline is the end of the Nth',
    'working day after it; if X falls on a non-working day, the next working day is day 1. "N calendar',
    'months after X": the same day of the month N months later, or that month\'s last day where the',
    'day does not exist (31 August + 6 months is 28 February, or the 29th in a leap year). "At least',
    'N working days before Y": count N working days back from the date of Y. Every deadline ends at',
    'the end of its day, London time, and each one shown to a person says how it was counted: its',
    'clock, its rule, the days skipped, and its §. A corrected clock date recomputes every deadline',
    'counted from it and keeps the old one in the history.',
    '',
  ];
}
