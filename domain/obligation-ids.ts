// The obligations the procedure knows, by ID: the rulebook's rules, the decisions that meet, open,
// withdraw or break them, and the case's opening all name them with this type, so a misspelt ID
// does not compile. A leaf of the domain: it imports nothing.

export const OBLIGATION_IDS = [
  'referral-submitted',
  'ssp-informed',
  'ssp-decision',
  'national-notification',
  'looked-after-death-notification',
  'ld-informed',
  'referrer-feedback',
  'csprp-acknowledgement',
  'rapid-review-meeting',
  'rapid-review-report',
  'lcspr-publication',
  'report-to-panel',
  'publication-kept',
  'csprp-response',
  'further-information',
  'reviewer-commissioned',
  'terms-of-reference',
  'publication-delay-explained',
  'non-publication-justified',
  'ld-decision',
  'ld-decision-approval',
  // An improvement action's own (§9.2, §16.2).
  'action-due',
  'action-escalation-head',
  'action-escalation-chief',
  // WT 2023 ch. 5: the LA notifies the Secretary of State and Ofsted of a care leaver's death (to 24).
  'care-leaver-death-notification',
  // §6.5, Appendix 2: each agency asked returns its information and chronology for the Rapid
  // Review; one instance per agency (see below).
  'rapid-review-return',
] as const;
export type ObligationId = (typeof OBLIGATION_IDS)[number];

// --- Obligations kept once per agency (§6.5: each agency asked returns its own information) --------
// An instance's key in the ledger is its rule's ID and the agency, `rapid-review-return:<agency>`.
// Agency names are organisations, not people: they may sit in keys, register rows and emails.

/** The obligations the ledger keeps once per agency. */
export const PER_AGENCY_OBLIGATIONS: readonly ObligationId[] = ['rapid-review-return'];

/** An instance of a per-agency obligation: `<obligation ID>:<agency>`. */
export type ObligationInstanceId = `${ObligationId}:${string}`;

/** The key of an agency's instance of a per-agency obligation. */
export function obligationInstance(id: ObligationId, agency: string): ObligationInstanceId {
  return `${id}:${agency}`;
}

/** The rule an obligation key names: the key itself, or an instance's rule (obligation IDs hold no colon). */
export function ruleIdOf(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

/** The agency an instance's key names, if it is an instance's. */
export function agencyOfInstance(key: string): string | undefined {
  const colon = key.indexOf(':');
  return colon < 0 ? undefined : key.slice(colon + 1);
}
