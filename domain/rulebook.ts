// The rulebooks a case may run under, by version, and what the engine asks of them. A case
// records the rulebook it started under and keeps it for life; the partnership file chooses the
// one new cases start under (config: `rulebook`).
import type { NoticePolicy } from './obligations';
import type { OwnerPolicy } from './invites';
import { agencyOfInstance, ruleIdOf } from './obligation-ids';
import { agencyRecipient, type AgencyContact, type Mailbox, type Recipient } from './roles';
import { DSP_1_5 } from './rulebook-dsp-1-5';
import type { ObligationRule, Rulebook, RuleRecipient } from './rulebook-rules';
import { WT_2023 } from './rulebook-wt-2023';

export type { LimitRule, ObligationRule, ReminderRule, Rulebook, RuleRecipient } from './rulebook-rules';
export { DSP_1_5 } from './rulebook-dsp-1-5';
export { WT_2023 } from './rulebook-wt-2023';

/**
 * The recipients a rule names, an agency's contacts resolved for the agency that owns the action
 * (or whose instance of a per-agency obligation it is, §6.5).
 */
export function recipientsFor(names: readonly RuleRecipient[], agency: string | undefined): Recipient[] {
  return names.map((name) => {
    if (!name.startsWith('agency-')) return name as Mailbox;
    // Only an improvement action's rules and per-agency obligations name an agency's contacts: anywhere else it is a rulebook error.
    if (agency === undefined) throw new Error(`${name} is named outside an improvement action or an agency's obligation`);
    return agencyRecipient(agency, name.slice('agency-'.length) as AgencyContact);
  });
}

export { CLOCK_EVENTS, type ClockEvent } from './clocks';

export const RULEBOOKS: Readonly<Record<string, Rulebook>> = { [DSP_1_5.version]: DSP_1_5, [WT_2023.version]: WT_2023 };
export const DEFAULT_RULEBOOK = DSP_1_5.version;

export function rulebook(version: string): Rulebook {
  const found = RULEBOOKS[version];
  if (!found) throw new Error(`Unknown rulebook version ${version}`);
  return found;
}

/** The rule of an obligation, or of an agency's instance of one (`rapid-review-return:<agency>`, §6.5). */
export function obligationRule(version: string, id: string): ObligationRule {
  const found = rulebook(version).obligations[ruleIdOf(id)];
  if (!found) throw new Error(`Rulebook ${version} has no obligation ${ruleIdOf(id)}`);
  return found;
}

/** The same, undefined for an unknown rulebook or obligation (readers that must not fail on one). */
export function findObligationRule(version: string, id: string): ObligationRule | undefined {
  return RULEBOOKS[version]?.obligations[ruleIdOf(id)];
}

/**
 * Who hears of each obligation; `agency`: the agency owning the improvement action, for an action's
 * rules. An agency's instance of a per-agency obligation (§6.5) names its own agency.
 */
export function noticePolicy(rulebookVersion: string, actionAgency?: string): NoticePolicy & OwnerPolicy {
  const agencyOf = (id: string) => actionAgency ?? agencyOfInstance(id);
  return {
    // A step whose owner is reminded is somebody's to do: they are told when it opens. Steps the
    // system takes (checked on arrival, sent at the decision, the §9.2 escalation steps) and
    // minimum periods (§14.4) have no reminders.
    ownerTold: (id) => {
      const rule = obligationRule(rulebookVersion, id);
      return rule.reminders.length > 0 && rule.minimumPeriod !== true && rule.trigger !== true;
    },
    remind: (id) => {
      const rule = obligationRule(rulebookVersion, id);
      return recipientsFor([rule.remind, ...(rule.alsoRemind ?? [])], agencyOf(id));
    },
    escalateTo: (id) => recipientsFor(obligationRule(rulebookVersion, id).escalateTo, agencyOf(id)),
    minimumPeriod: (id) => obligationRule(rulebookVersion, id).minimumPeriod === true,
    trigger: (id) => obligationRule(rulebookVersion, id).trigger === true,
  };
}

/**
 * Text the system writes about a case, in the words of the case's rulebook (WT-2023: the Delegated
 * Safeguarding Partners for the seed's SSP). Unchanged for a rulebook without words of its own.
 * Compiled on each call, not cached: this module is shared by every workflow and keeps no state.
 */
export function inRulebookWords(version: string | undefined, text: string): string {
  const book = version === undefined ? undefined : RULEBOOKS[version];
  if (!book?.words) return text;
  return book.words.reduce((out, [pattern, replacement]) => out.replace(new RegExp(pattern, 'g'), replacement), text);
}
