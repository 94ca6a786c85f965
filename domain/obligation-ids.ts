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
] as const;
export type ObligationId = (typeof OBLIGATION_IDS)[number];
