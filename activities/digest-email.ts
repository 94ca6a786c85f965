// The words of the weekly digest (domain/digest.ts plans it): one email per recipient, rendered as a
// plain-text and an HTML part (activities/email-layout.ts) like every other email. Each line is a
// case's reference (and an action's), the step in the rulebook's words with its §, the deadline
// as the pages say it, and the link to the page where it is done. Nothing else: the cases
// themselves stay behind sign-in (DSP 1.5, "Who hears what").
import type { Digest, DigestItem, DigestPlan, DigestRole } from '../domain/digest';
import { DIGEST_WORKING_DAYS } from '../domain/digest';
import { govukDate, govukDateTime } from '../domain/govuk-dates';
import { renderHtml, renderText, type EmailBlock } from './email-layout';
import { byDeadline, pageOf } from './email-words';

/** Who a digest is for, as its heading and subject say it. */
const ROLE_WORDS: Readonly<Record<DigestRole, string>> = {
  'business-unit': 'the Business Unit',
  ssp: 'the Statutory Safeguarding Partners (SSP)',
  'rapid-review-chair': 'the Rapid Review chair',
  'ld-chair': 'the Chair of the L&D Group',
};

export function recipientWords(digest: Pick<Digest, 'recipient'>): string {
  const r = digest.recipient;
  if ('role' in r) return ROLE_WORDS[r.role];
  return 'agency' in r ? `the action lead of ${r.agency}` : 'the commissioned reviewer';
}

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

/** "DSP-2026-0001: SSP meet and decide ... (§4.6, §5.1). MISSED: it was due by 11:59pm on ...". */
function itemLead(item: DigestItem, overdue: boolean): string {
  const ref = item.actionId === undefined ? item.caseReference : `${item.caseReference} ${item.actionId}`;
  const what = `${ref}: ${item.step} (${item.section}).`;
  if (!overdue) return `${what} Due ${byDeadline(item.dueAt)}.`;
  // Limits the seed does not set are this partnership's local policy, and say so (as the reminders do).
  const word = item.missed ? (item.statutory ? 'MISSED' : 'Overdue (local policy)') : 'Overdue';
  return `${what} ${word}: it was due ${byDeadline(item.dueAt)}.`;
}

function itemBlocks(items: readonly DigestItem[], overdue: boolean, publicBaseUrl: string): EmailBlock[] {
  return items.map((item) => ({ kind: 'link', lead: itemLead(item, overdue), url: pageOf(publicBaseUrl, item.caseReference, item.actionId).url }));
}

/** Why a copy went to the L&D Chair rather than the agency (as activities/notices.ts says it). */
function unconfiguredNote(unconfigured: readonly string[]): EmailBlock[] {
  if (unconfigured.length === 0) return [];
  return [{ kind: 'inset', text: `No address is configured for: ${unconfigured.join('; ')}. This copy goes to the Chair of the L&D Group instead; please add the contact to the partnership's directory.` }];
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The digest's email, with links under `publicBaseUrl`. */
export function renderDigest(plan: DigestPlan, digest: Digest, publicBaseUrl: string, partnershipName: string, unconfigured: readonly string[] = []): RenderedDigest {
  const who = recipientWords(digest);
  const week = govukDate(plan.week);
  const subject = `Weekly digest for ${who}, week of ${week}: ${digest.overdue.length} overdue, ${digest.dueSoon.length} due soon`;
  const blocks: EmailBlock[] = [
    { kind: 'heading', text: `Weekly digest: week of ${week}` },
    {
      kind: 'paragraph',
      text: `For ${who}: the steps that are overdue and those that fall due in the next ${DIGEST_WORKING_DAYS} working days, to ${govukDate(plan.until)}, as at ${govukDateTime(plan.asOf)}.`,
    },
    { kind: 'heading', text: `Overdue: ${count(digest.overdue.length, 'step', 'steps')}` },
    ...(digest.overdue.length ? itemBlocks(digest.overdue, true, publicBaseUrl) : [{ kind: 'paragraph' as const, text: 'Nothing is overdue.' }]),
    { kind: 'heading', text: `Due in the next ${DIGEST_WORKING_DAYS} working days: ${count(digest.dueSoon.length, 'step', 'steps')}` },
    ...(digest.dueSoon.length ? itemBlocks(digest.dueSoon, false, publicBaseUrl) : [{ kind: 'paragraph' as const, text: `Nothing falls due in the next ${DIGEST_WORKING_DAYS} working days.` }]),
    {
      kind: 'paragraph',
      text: 'Each link opens the page where the step is recorded. Working days leave out weekends, bank holidays in England and Wales and the days the partnership is closed. The cases themselves are on the pages, for signed-in staff; they are not sent by email.',
    },
    ...unconfiguredNote(unconfigured),
  ];
  return { subject, text: renderText(blocks), html: renderHtml({ subject, blocks }, partnershipName) };
}
