// Who a notice reaches: the partnership's directory (role mailboxes, each agency's contacts, people
// by sign-in ID) and, for the referrer, the address on the referral form, read from the register
// when the email is sent so that it is never carried in the workflow.
import { parseAgencyRecipient, parsePersonRecipient, type AgencyContact, type Mailbox, type Recipient } from '../domain/roles';
import type { Register } from '../register/register';

export interface Directory {
  mailboxes: Record<Mailbox, string>;
  agencies?: Record<string, Record<AgencyContact, string>>;
  people?: Record<string, { email: string }>;
  register: Register;
}

export interface Addresses {
  /** Where the email goes. */
  to: string[];
  /** The same, as the register's outbox row keeps them: the referrer's address stays in the sealed form. */
  recorded: string;
  /** Recipients the directory has no address for, each saying who has the copy instead. */
  unconfigured: string[];
}

/** What the outbox row says in place of the referrer's address (a form value, sealed in the register). */
export const REFERRER_RECORDED = 'the referrer (the address on the referral form)';

/**
 * The addresses of a notice's recipients. A recipient missing from the directory must not lose the
 * email: an agency's goes to the L&D Chair, who owns the action plan (§9.2), a person's or the
 * referrer's to the Business Unit, who runs the case; the email says so.
 */
export async function recipientAddresses(directory: Directory, caseReference: string, to: readonly Recipient[]): Promise<Addresses> {
  const unconfigured: string[] = [];
  const resolved = await Promise.all(
    to.map(async (recipient): Promise<{ address: string; recorded?: string }> => {
      const contact = parseAgencyRecipient(recipient);
      if (contact) {
        const address = directory.agencies?.[contact.agency]?.[contact.contact];
        if (address) return { address };
        unconfigured.push(`${contact.contact} of ${contact.agency} (this copy goes to the Chair of the L&D Group instead)`);
        return { address: directory.mailboxes['ld-chair'] };
      }
      const person = parsePersonRecipient(recipient);
      if (person !== undefined) {
        const address = directory.people?.[person]?.email;
        if (address) return { address };
        unconfigured.push('the person named in the case by sign-in ID (this copy goes to the Business Unit instead)');
        return { address: directory.mailboxes['business-unit'] };
      }
      if (recipient === 'referrer') {
        // The address the referrer gave on the form (Appendix 1), kept sealed in the register.
        const address = (await directory.register.cases.referralOf(caseReference))?.referrer.email;
        if (address) return { address, recorded: REFERRER_RECORDED };
        unconfigured.push("the referrer's address: no referral form is stored for the case (this copy goes to the Business Unit instead)");
        return { address: directory.mailboxes['business-unit'] };
      }
      return { address: directory.mailboxes[recipient as Mailbox] };
    }),
  );
  return {
    to: [...new Set(resolved.map((r) => r.address))],
    recorded: [...new Set(resolved.map((r) => r.recorded ?? r.address))].join(', '),
    unconfigured,
  };
}
