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

/** Each role as a person reads it in a refusal ("recorded by the Business Unit"). */
export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  referrer: 'the referring agency',
  'business-unit': 'the Business Unit (business-unit)',
  ssp: 'the SSP (ssp)',
  'rapid-review-chair': 'the Rapid Review chair (rapid-review-chair)',
  'ld-chair': 'the L&D Chair (ld-chair)',
  reviewer: 'the commissioned reviewer (reviewer)',
  'action-owner': "the agency's action lead (action-owner)",
  operations: 'operations',
};

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

/**
 * Contacts each agency names in the partnership's directory (config: `agencies`): who is reminded
 * of the agency's improvement actions, and who hears of them when they are outstanding (§9.2,
 * §16.2: the Head of Service at three months, the Chief Officer at six).
 */
export const AGENCY_CONTACTS = ['action-lead', 'head-of-service', 'chief-officer'] as const;
export type AgencyContact = (typeof AGENCY_CONTACTS)[number];

/** A contact of a named agency, as a notice addresses it. Agency names are organisations, not people. */
export type AgencyRecipient = `agency:${string}:${AgencyContact}`;

/**
 * A person named in a case by their sign-in ID (§8: the commissioned reviewer), reached at the
 * address the partnership's directory gives for that ID (config: `people`).
 */
export type PersonRecipient = `person:${string}`;

/**
 * Who a notice goes to: a partnership mailbox, a contact of an agency, a person by sign-in ID, or
 * the case's referrer (at the address the referral form gives, read from the register when sent).
 */
export type Recipient = Mailbox | AgencyRecipient | PersonRecipient | 'referrer';

export function personRecipient(signInId: string): PersonRecipient {
  return `person:${signInId}`;
}

/** The sign-in ID a recipient names, if it is a person's. */
export function parsePersonRecipient(recipient: Recipient): string | undefined {
  return recipient.startsWith('person:') ? recipient.slice('person:'.length) : undefined;
}

export function agencyRecipient(agency: string, contact: AgencyContact): AgencyRecipient {
  return `agency:${agency}:${contact}`;
}

/** The agency and contact a recipient names, if it is an agency's. */
export function parseAgencyRecipient(recipient: Recipient): { agency: string; contact: AgencyContact } | undefined {
  const match = /^agency:(.+):(action-lead|head-of-service|chief-officer)$/.exec(recipient);
  return match ? { agency: match[1]!, contact: match[2] as AgencyContact } : undefined;
}
