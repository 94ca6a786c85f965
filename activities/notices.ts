// The words of every email. Bodies name the case by its reference only: the child's and
// family's details stay behind sign-in (DSP 1.5, "Who hears what"). Each email links to the page
// where its reader does what it asks or reads what it withholds: the case's, or the action's.
import type { Deadline } from '../domain/case';
import type { Notice, ObligationNotice, OperationsAlert } from './types';

const londonDay = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const londonTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

export function describeDue(deadline: Deadline): string {
  return `the end of ${londonDay.format(new Date(deadline.dueAt))} (${deadline.dueDate}, 23:59 UK time)`;
}

export function howCounted(deadline: Deadline): string {
  const lines = [
    `How it was counted: ${deadline.rule}.`,
    `Clock: ${deadline.clock.event} on ${deadline.clock.date}.`,
    deadline.skipped.length > 0
      ? `Days not counted: ${deadline.skipped.map((d) => `${d.date} (${d.name ?? d.reason})`).join(', ')}.`
      : 'No days were skipped.',
    `Source: ${deadline.section}${deadline.statutory ? '' : ' - local policy, not a statutory limit'}.`,
  ];
  return lines.join('\n');
}

export interface RenderedNotice {
  subject: string;
  text: string;
}

/**
 * The page an email sends its reader to, under PUBLIC_BASE_URL: the case's, or for an email about
 * an improvement action the action's. Only the case reference and the action's ID go in the path,
 * never personal data. The link stands alone on its line, so no mail program takes the punctuation
 * after it for part of it.
 */
export function pageOf(publicBaseUrl: string, caseReference: string, actionId?: string): { name: string; url: string } {
  const casePage = `${publicBaseUrl}/cases/${encodeURIComponent(caseReference)}`;
  return actionId === undefined ? { name: "the case's page", url: casePage } : { name: "the action's page", url: `${casePage}/actions/${encodeURIComponent(actionId)}` };
}

const RECORD_IT = (page: NoticeWords['page'], obligationId: string) => [`When it is done, record it on ${page.name} (obligation: ${obligationId}):`, page.url];

/** What an email about an improvement action says of it: its reference and agency, never its words. */
function aboutAction(notice: Notice & { kind: Exclude<Notice['kind'], 'operations-alert'> }): string[] {
  if (!notice.action) return [];
  return [`Improvement action ${notice.action.actionId} of case ${notice.caseReference}, owned by ${notice.action.agency} (§9.2, §16.2).`, ''];
}

/** Why an email went to the L&D Chair rather than an agency's contact. */
function unconfiguredNote(unconfigured: readonly string[]): string[] {
  if (unconfigured.length === 0) return [];
  return ['', `No address is configured for: ${unconfigured.join('; ')}. This copy goes to the Chair of the L&D Group instead; please add the contact to the partnership's directory.`];
}

export function renderNotice(notice: Notice, now: Date, publicBaseUrl: string, unconfigured: readonly string[] = []): RenderedNotice {
  const rendered = renderBody(notice, now, publicBaseUrl);
  return unconfigured.length === 0 ? rendered : { ...rendered, text: [rendered.text, ...unconfiguredNote(unconfigured)].join('\n') };
}

function renderBody(notice: Notice, now: Date, publicBaseUrl: string): RenderedNotice {
  if (notice.kind === 'operations-alert') return operationsAlert(notice, now, pageOf(publicBaseUrl, notice.caseReference));
  const { deadline } = notice;
  return BODIES[notice.kind]({
    notice,
    deadline,
    now,
    page: pageOf(publicBaseUrl, notice.caseReference, notice.action?.actionId),
    // An action's emails carry its reference beside the case's: a case can have dozens of actions.
    ref: notice.action ? `${notice.caseReference} ${notice.action.actionId}` : notice.caseReference,
    intro: aboutAction(notice),
    due: describeDue(deadline),
    // Limits the seed does not set are this partnership's local policy, and say so.
    overdueWord: deadline.statutory ? 'MISSED' : 'Overdue (local policy)',
  });
}

function operationsAlert(notice: OperationsAlert, now: Date, page: NoticeWords['page']): RenderedNotice {
  return {
    subject: `[${notice.caseReference}] Operations alert - the case's workflow needs attention`,
    text: [
      `Case ${notice.caseReference}, ${londonTime.format(now)}: ${notice.reason}.`,
      '',
      `Look at workflow incident-${notice.caseReference} in the Temporal UI (its pending updates and`,
      'recent workflow tasks). The case keeps its deadlines meanwhile; nothing has been lost.',
      '',
      "The case's page:",
      page.url,
    ].join('\n'),
  };
}

/** What every email about an obligation is written from. */
interface NoticeWords {
  notice: ObligationNotice;
  deadline: Deadline;
  now: Date;
  /** The page the email links to (pageOf): the case's, or the action's for an action's emails. */
  page: { name: string; url: string };
  /** The case's reference, and the action's beside it for an action's emails. */
  ref: string;
  /** What an action's email says of the action first (aboutAction). */
  intro: string[];
  /** When it is due, in words (describeDue). */
  due: string;
  overdueWord: string;
}

function referralReceived({ deadline, page, ref, due }: NoticeWords): RenderedNotice {
  return {
    subject: `[${ref}] Referral received - ${deadline.obligation}: due ${deadline.dueDate}`,
    text: [
      `A serious child safeguarding incident referral has been received as case ${ref}.`,
      '',
      `To do: ${deadline.obligation}.`,
      ...(deadline.obligationId === 'national-notification'
        ? ['This is required if the SSP find the criteria for notification met; its clock runs from the', "local authority's awareness, whatever the pace of the SSP decision (§5.2)."]
        : []),
      `Due by: ${due}.`,
      howCounted(deadline),
      '',
      "The referral itself is on the case's page, for signed-in staff; it is not sent by email.",
      ...RECORD_IT(page, deadline.obligationId),
    ].join('\n'),
  };
}

function reminder({ deadline, now, page, ref, intro, due }: NoticeWords): RenderedNotice {
  return {
    subject: `[${ref}] Reminder - ${deadline.obligation}: due ${deadline.dueDate}`,
    text: [
      `Reminder for case ${ref}, sent ${londonTime.format(now)}.`,
      '',
      ...intro,
      `To do: ${deadline.obligation}.`,
      `Due by: ${due}. It has not yet been recorded as done.`,
      howCounted(deadline),
      '',
      ...RECORD_IT(page, deadline.obligationId),
    ].join('\n'),
  };
}

function targetWarning({ deadline, page, ref, due }: NoticeWords): RenderedNotice {
  return {
    subject: `[${ref}] Target passed - ${deadline.obligation}: limit ${deadline.dueDate}`,
    text: [
      `Case ${ref}: the target for this step has passed without it being recorded.`,
      '',
      `To do: ${deadline.obligation}.`,
      `Target: ${deadline.target ? `${deadline.target.dueDate} (${deadline.target.rule})` : 'none'}.`,
      `Limit: ${due}.`,
      howCounted(deadline),
      '',
      ...RECORD_IT(page, deadline.obligationId),
    ].join('\n'),
  };
}

function escalation({ notice, deadline, page, ref, intro, due, overdueWord }: NoticeWords): RenderedNotice {
  return {
    subject: `[${ref}] ${overdueWord} - ${deadline.obligation}: was due ${deadline.dueDate}`,
    text: [
      `Escalation for case ${ref}: a deadline has passed.`,
      '',
      `${overdueWord}: ${deadline.obligation}.`,
      `It was due by ${due} and had not been recorded as done by then.`,
      howCounted(deadline),
      '',
      ...(notice.action
        ? [
            '',
            ...intro,
            `The Chair of the L&D Group is told, and ${notice.action.agency} is asked for an explanation of the`,
            'outstanding action and of what will be done to complete it (§16.2). Three calendar months past the',
            "deadline, the agency's Head of Service is told; six months past the original deadline, its Chief Officer.",
          ]
        : []),
      '',
      `It is recorded as missed in the register. Please make sure it is done and recorded on ${page.name};`,
      'it will then be recorded as met late:',
      page.url,
    ].join('\n'),
  };
}

function escalationStep({ notice, deadline, page, ref, intro, due }: NoticeWords): RenderedNotice {
  const chief = deadline.obligationId === 'action-escalation-chief';
  const agency = notice.action?.agency ?? 'the agency';
  return {
    subject: `[${ref}] Outstanding action reported to ${agency}'s ${chief ? 'Chief Officer' : 'Head of Service'}`,
    text: [
      ...intro,
      chief
        ? `The action is still outstanding six calendar months beyond its original deadline, ${deadline.clock.date} (§9.2, §16.2).`
        : `The action is still outstanding three calendar months beyond its specified deadline, ${deadline.clock.date} (§9.2, §16.2).`,
      chief
        ? `The Chair of the L&D Group informs the Chief Officer of ${agency} and seeks information about what steps are being taken to complete the action.`
        : `The Chair of the L&D Group informs the Head of Service of ${agency} and requests confirmation of what action will be taken to rectify the matter.`,
      `This step fell due at ${due}.`,
      howCounted(deadline),
      ...(chief ? ['The six months count from the original deadline even where the deadline was extended (§9.2: "six months beyond the original deadline").'] : []),
      '',
      ...RECORD_IT(page, 'action-due'),
    ].join('\n'),
  };
}

function sspInvolved({ page, ref, intro, due }: NoticeWords): RenderedNotice {
  return {
    subject: `[${ref}] SSP asked to join the escalation of an outstanding action`,
    text: [
      ...intro,
      'The Chair of the L&D Group has asked the Statutory Safeguarding Partners to be involved in the',
      'escalation of this outstanding action (§9.2, exceptional circumstances).',
      `Its deadline now in force: ${due}.`,
      '',
      `The reasons are on ${page.name}, behind sign-in; they are not sent by email:`,
      page.url,
    ].join('\n'),
  };
}

function breach({ deadline, page, ref, due }: NoticeWords): RenderedNotice {
  return {
    subject: `[${ref}] Broken - ${deadline.obligation}: required until ${deadline.dueDate}`,
    text: [
      `Case ${ref}: a requirement has been broken.`,
      '',
      `${deadline.obligation} was required until ${due}, and has ended early.`,
      howCounted(deadline),
      '',
      `It is recorded as broken in the register, and shown on ${page.name}:`,
      page.url,
    ].join('\n'),
  };
}

function sspDecisionShared({ notice, page, ref }: NoticeWords): RenderedNotice {
  return {
    subject: `[${ref}] SSP decision: ${notice.outcome ?? 'recorded'}`,
    text: [
      `Case ${ref}: the Statutory Safeguarding Partners have decided (${notice.outcome ?? 'see the case'}).`,
      '',
      "The details of the referral and the decision's rationale are shared with the Chair of the",
      `Learning and Development Group (§5.6, §10.1). They are on ${page.name}, behind sign-in;`,
      'they are not sent by email:',
      page.url,
    ].join('\n'),
  };
}

const BODIES: Record<ObligationNotice['kind'], (words: NoticeWords) => RenderedNotice> = {
  'referral-received': referralReceived,
  'reminder': reminder,
  'target-warning': targetWarning,
  'escalation': escalation,
  'escalation-step': escalationStep,
  'ssp-involved': sspInvolved,
  'breach': breach,
  'ssp-decision-shared': sspDecisionShared,
};
