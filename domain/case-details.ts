// What operations read of a case or an improvement action in the Temporal UI (SDK 1.24 user
// metadata): the workflow's static summary, its current details in Markdown, and a one-line summary
// of each timer and activity. The Temporal UI shows them to anyone who may open the namespace, and
// they are kept readable without the payload codec (README, "Operations: the Temporal UI"), so they
// say only what the search attributes already say: the case reference, the stage, obligation IDs
// and names from the rulebook, dates, counts and roles. Never a name, a rationale, the referral, an
// agency (an agency can point to a child: the referring school) nor any free text of a decision.
import type { ActionState } from './action';
import { escalationLevel } from './action';
import { STAGE_NAMES, type CaseState } from './case';
import { isOpen, type ObligationState } from './obligations';
import { ROLE_NAMES } from './roles';
import { ruleIdOf } from './obligation-ids';
import { obligationRule } from './rulebook';

/** The case workflow's static summary: its reference and kind. */
export function caseStaticSummary(caseReference: string): string {
  return `Serious incident case ${caseReference}`;
}

/** An improvement action's workflow's static summary. */
export function actionStaticSummary(caseReference: string, actionId: string): string {
  return `Improvement action ${actionId} of case ${caseReference}`;
}

/** The London date of an instant's obligation deadline is its `dueDate`; an instant alone is shown as its UTC date. */
function dateOf(instant: string | undefined): string {
  return instant ? instant.slice(0, 10) : 'none';
}

/** Open and missed obligations, soonest first (the order "my work" uses). */
function outstanding(obligations: Record<string, ObligationState>): ObligationState[] {
  return Object.values(obligations)
    .filter((o) => o.status === 'open' || o.status === 'missed')
    .sort((a, b) => a.deadline.dueAt.localeCompare(b.deadline.dueAt) || a.id.localeCompare(b.id));
}

/** One obligation as a Markdown list item: its ID, its name, who owes it, its due date, missed or not. */
function obligationLine(rulebookVersion: string, o: ObligationState): string {
  const rule = obligationRule(rulebookVersion, o.id);
  const missed = o.status === 'missed' ? ' — **missed**' : '';
  return `- \`${shownId(o.id)}\` ${rule.obligation}: from ${ROLE_NAMES[rule.owner]}, due ${o.deadline.dueDate}${missed}`;
}

/**
 * An obligation's ID as the Temporal UI shows it: an agency's instance (§6.5,
 * `rapid-review-return:<agency>`) by its rule's ID alone, as the agency is never shown there.
 */
export function shownId(key: string): string {
  return ruleIdOf(key);
}

/** The soonest open (not yet missed) obligation's due date. */
function nextDueDate(obligations: Record<string, ObligationState>): string | undefined {
  return outstanding(obligations).find((o) => o.status === 'open')?.deadline.dueDate;
}

function missedCount(obligations: Record<string, ObligationState>): number {
  return Object.values(obligations).filter((o) => o.status === 'missed').length;
}

/** The case's current details, in Markdown: the stage in words, what it waits for and from whom, the next deadline, the count missed. */
export function caseDetails(state: Pick<CaseState, 'caseReference' | 'rulebookVersion' | 'stage' | 'obligations'>): string {
  const waiting = outstanding(state.obligations);
  return [
    `**${caseStaticSummary(state.caseReference)}**`,
    '',
    `**Stage:** ${STAGE_NAMES[state.stage]} (\`${state.stage}\`)`,
    '',
    waiting.length ? '**Waiting for:**' : '**Waiting for:** nothing',
    ...waiting.map((o) => obligationLine(state.rulebookVersion, o)),
    '',
    `**Next deadline:** ${nextDueDate(state.obligations) ?? 'none'}`,
    '',
    `**Missed:** ${missedCount(state.obligations)}`,
  ].join('\n');
}

/** An improvement action's current details, in Markdown: its status, its deadline, its escalation level, its steps still to come. */
export function actionDetails(state: ActionState): string {
  const waiting = outstanding(state.obligations);
  const extended = state.deadline !== state.terms.deadline ? ` (extended from ${state.terms.deadline})` : '';
  return [
    `**${actionStaticSummary(state.caseReference, state.actionId)}**`,
    '',
    `**Status:** ${state.status}`,
    '',
    `**Deadline:** ${state.deadline}${extended}`,
    '',
    `**Escalation:** ${escalationLevel(state)}`,
    '',
    waiting.length ? '**Waiting for:**' : '**Waiting for:** nothing',
    ...waiting.map((o) => obligationLine(state.rulebookVersion, o)),
    '',
    `**Missed:** ${missedCount(state.obligations)}`,
  ].join('\n');
}

/**
 * What the workflow's wake-up timer for `at` waits for (as nextWakeAt in domain/obligations.ts
 * finds it): "reminder: ssp-decision due 2026-12-14", "target: …", "deadline: …". An instant that
 * is none of an obligation's (operations' alert when continue-as-new waits) is said so.
 */
export function wakeSummary(obligations: Record<string, ObligationState>, at: number): string {
  for (const o of Object.values(obligations)) {
    if (!isOpen(o)) continue;
    const due = `${shownId(o.id)} due ${o.deadline.dueDate}`;
    if (o.deadline.reminders.some((r) => !o.remindersDone.includes(r) && Date.parse(r) === at)) return `reminder: ${due}`;
    if (o.deadline.target && !o.targetWarnedAt && !o.escalatedAt && Date.parse(o.deadline.target.dueAt) + 1 === at) return `target: ${shownId(o.id)} target ${o.deadline.target.dueDate}`;
    if (!o.escalatedAt && Date.parse(o.deadline.dueAt) + 1 === at) return `deadline: ${due}`;
  }
  return `wake-up: ${dateOf(new Date(at).toISOString())} (operations alert)`;
}

/** An email's activity: "email: escalation rapid-review-report", "email: operations-alert". */
export function noticeSummary(notice: { kind: string; obligationId?: string }): string {
  return notice.obligationId ? `email: ${notice.kind} ${shownId(notice.obligationId)}` : `email: ${notice.kind}`;
}

/** A batch of emails: one like noticeSummary, or "email: 3 notices (step-opened ssp-decision and 2 more)". */
export function noticesSummary(notices: ReadonlyArray<{ kind: string; obligationId?: string }>): string {
  const first = notices[0];
  if (!first) return 'email: nothing';
  if (notices.length === 1) return noticeSummary(first);
  return `email: ${notices.length} notices (${noticeSummary(first).slice('email: '.length)} and ${notices.length - 1} more)`;
}

/** A register write: "register: record ssp-decision (3 rows)"; the case's summary alone: "register: case summary". */
export function registerSummary(records: ReadonlyArray<{ kind: string }>, withCaseSummary = false): string {
  if (records.length === 0) return withCaseSummary ? 'register: case summary' : 'register: nothing';
  const kinds = [...new Set(records.map((r) => r.kind))];
  const named = kinds.length === 1 ? kinds[0]! : `${kinds[0]!} and ${kinds.length - 1} more`;
  const rows = `${records.length} row${records.length === 1 ? '' : 's'}`;
  return `register: record ${named} (${rows}${withCaseSummary ? ', case summary' : ''})`;
}

/** The deadline computation's local activity: "deadlines: ssp-decision, rapid-review-meeting". */
export function deadlinesSummary(requests: ReadonlyArray<{ obligationId: string }>): string {
  return `deadlines: ${requests.map((r) => shownId(r.obligationId)).join(', ') || 'none'}`;
}

/** The opening's wait before it tries its deadlines again. */
export const OPENING_RETRY_SUMMARY = 'retry: opening deadlines not computed';

/**
 * Whether a text is one of the summaries above, by its opening words: the payload codec leaves
 * these in clear for the Temporal UI (config/payload-codec.ts) and encrypts every other string, so
 * a string that is not ours (whatever it holds) never leaves encrypted by mistake.
 */
export function isUserMetadataText(text: string): boolean {
  return /^(?:Serious incident case DSP-\d{4}-\d{4}$|Improvement action [A-Za-z0-9-]{1,16} of case DSP-\d{4}-\d{4}$|(?:reminder|target|deadline|wake-up|email|register|deadlines|retry): )/.test(text);
}
