// The people of the procedure (DSP 1.5) "People and what they may decide". Operations staff watch the
// Temporal UI and run the system; they decide nothing in a case.
export const ROLES = [
  'referrer',
  'business-unit',
  'ssp',
  'rapid-review-chair',
  'ld-chair',
  'reviewer',
  'action-owner',
  'operations',
] as const;
export type Role = (typeof ROLES)[number];

/** Someone acting through the API, as established by sign-in (never by what a request claims). */
export interface Actor {
  id: string;
  role: Role;
  agency: string;
}

/**
 * Mailboxes the partnership configures (config/partnership.*.json). Reminders go to the owner's
 * mailbox, escalations to the contacts the rulebook names for the obligation.
 */
export const MAILBOXES = [
  'business-unit',
  'business-manager',
  'ssp',
  'independent-scrutineer',
  'director-childrens-services',
  'rapid-review-chair',
  'ld-chair',
  // Operations staff: alerts about the system itself (a case that cannot continue as new).
  'operations',
] as const;
export type Mailbox = (typeof MAILBOXES)[number];
