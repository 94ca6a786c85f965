// What every email about a step says the same way: the deadline in GOV.UK words, how it was
// counted as the case page says it, and where to go to do it (DSP 1.5, "How to count", "Who hears
// what"). Only references go into addresses, never personal data.
import { DECISIONS } from '../domain/decision-table';
import { countedWords, govukDateTime } from '../domain/govuk-dates';
import type { Deadline } from '../domain/obligations';
import { agencyOfInstance, ruleIdOf } from '../domain/obligation-ids';
import { parseAgencyRecipient, ROLES, type Recipient, type Role } from '../domain/roles';
import type { EmailBlock } from './email-layout';

/** "by 11:59pm on Wednesday 30 December 2026": the words the pages use. */
export function byDeadline(dueAt: string): string {
  return `by ${govukDateTime(dueAt)}`;
}

/** "How the deadline was counted: 5 working days after ..., from Monday 21 December 2026. ... §3, §5.2, statutory." */
export function countedBlock(deadline: Deadline): EmailBlock {
  return { kind: 'paragraph', text: `How the deadline was counted: ${countedWords(deadline)}` };
}

export interface Page {
  name: string;
  url: string;
  /** The reader may open this page and nothing else of the case (§6.5: an agency's own form). */
  only?: true;
}

/**
 * The page an email sends its reader to, under PUBLIC_BASE_URL: the case's, or for an email about
 * an improvement action the action's. Only the case reference and the action's ID go in the path,
 * never personal data. In the text part the link stands alone on its line, so no mail program
 * takes the punctuation after it for part of it.
 */
export function pageOf(publicBaseUrl: string, caseReference: string, actionId?: string): Page {
  const casePage = `${publicBaseUrl}/cases/${encodeURIComponent(caseReference)}`;
  return actionId === undefined ? { name: 'the case page', url: casePage } : { name: 'the action page', url: `${casePage}/actions/${encodeURIComponent(actionId)}` };
}

/** The role a partnership mailbox belongs to, where the mailbox is a role's own (the Business Unit's, the SSP's...). */
function roleOf(recipient: Recipient): Role | undefined {
  return (ROLES as readonly string[]).includes(recipient) ? (recipient as Role) : undefined;
}

/**
 * The decision form that records a step, where there is exactly one decision that meets it and
 * every recipient's role may record it: they can then go straight to the form. Otherwise (two
 * decisions meet it, or a recipient could not use the form) the email sends them to the case page.
 */
export function formOf(publicBaseUrl: string, caseReference: string, obligationId: string, to: readonly Recipient[]): Page | undefined {
  // An agency's own step (§6.5: its return for the Rapid Review), to that agency's contacts only: its form.
  const agency = agencyOfInstance(obligationId);
  if (agency !== undefined) {
    if (to.length === 0 || !to.every((r) => parseAgencyRecipient(r)?.agency === agency)) return undefined;
    return { name: "your agency's form", url: `${publicBaseUrl}/cases/${encodeURIComponent(caseReference)}/decisions/${ruleIdOf(obligationId)}`, only: true };
  }
  const meeting = Object.entries(DECISIONS).filter(([, rule]) => (rule as { meets?: string }).meets === obligationId);
  if (meeting.length !== 1 || to.length === 0) return undefined;
  const [name, rule] = meeting[0]!;
  const roles = rule.roles as readonly Role[];
  if (!to.every((recipient) => { const role = roleOf(recipient); return role !== undefined && roles.includes(role); })) return undefined;
  return { name: 'its form', url: `${publicBaseUrl}/cases/${encodeURIComponent(caseReference)}/decisions/${encodeURIComponent(name)}` };
}

/**
 * What to do, with the link: "Record it on the case page:", the action page, or the decision's
 * form. Where the form is the place, the case page follows, for the rest of the case.
 */
export function recordItBlocks(page: Page, form: Page | undefined): EmailBlock[] {
  if (!form) return [{ kind: 'link', lead: `Record it on ${page.name}:`, url: page.url }];
  // An agency reads only its own return: the case page would refuse it.
  if (form.only) return [{ kind: 'link', lead: `Record it on ${form.name}:`, url: form.url }];
  return [
    { kind: 'link', lead: `Record it on ${form.name}:`, url: form.url },
    { kind: 'link', lead: 'The case page shows the case and its other steps:', url: page.url },
  ];
}
