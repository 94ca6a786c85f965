// The words of every email, as templates (activities/email-layout.ts renders each as a plain-text
// and an HTML part). Bodies name the case by its reference only: the child's and family's details
// and the staff's reasons stay behind sign-in (DSP 1.5, "Who hears what"). Each email says the
// step in the rulebook's words, its deadline as the pages say it, how it was counted, and links to
// the page where its reader does what it asks: the decision's form, the case's page, or the action's.
import type { Deadline } from '../domain/case';
import { londonDateOf } from '../domain/calendar';
import { govukDate, govukDateTime } from '../domain/govuk-dates';
import { inRulebookWords } from '../domain/rulebook';
import { renderHtml, renderText, type EmailBlock } from './email-layout';
import { byDeadline, countedBlock, formOf, pageOf, recordItBlocks, type Page } from './email-words';
import type { Notice, ObligationNotice, OperationsAlert } from './types';

export { pageOf } from './email-words';

/** The name in the HTML part's header bar where the partnership's directory gives none. */
export const DEFAULT_PARTNERSHIP_NAME = 'Safeguarding Partnership';

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

interface Template {
  subject: string;
  blocks: EmailBlock[];
}

/** What an email about an improvement action says of it: its reference and agency, never its words. */
function aboutAction(notice: ObligationNotice): EmailBlock[] {
  if (!notice.action) return [];
  return [{ kind: 'paragraph', text: `Improvement action ${notice.action.actionId} of case ${notice.caseReference}, owned by ${notice.action.agency} (§9.2, §16.2).` }];
}

/** Why an email went to the L&D Chair or the Business Unit rather than to the person it is for. */
function unconfiguredNote(unconfigured: readonly string[]): EmailBlock[] {
  if (unconfigured.length === 0) return [];
  return [{ kind: 'inset', text: `No address is configured for: ${unconfigured.join('; ')}. Please add it to the partnership's directory.` }];
}

export function renderNotice(notice: Notice, now: Date, publicBaseUrl: string, unconfigured: readonly string[] = [], partnershipName = DEFAULT_PARTNERSHIP_NAME): RenderedNotice {
  const template = notice.kind === 'operations-alert' ? operationsAlert(notice, now, pageOf(publicBaseUrl, notice.caseReference)) : obligationTemplate(notice, now, publicBaseUrl);
  // A case under a rulebook with its own words (WT-2023's Delegated Safeguarding Partners) is written in them.
  const words = notice.kind === 'operations-alert' ? undefined : notice.deadline.rulebookWords;
  const say = (text: string) => inRulebookWords(words, text);
  const blocks = [...template.blocks, ...unconfiguredNote(unconfigured)].map((b) => inWords(b, say));
  const subject = say(template.subject);
  return { subject, text: renderText(blocks), html: renderHtml({ subject, blocks }, partnershipName) };
}

function inWords(block: EmailBlock, say: (text: string) => string): EmailBlock {
  switch (block.kind) {
    case 'list':
      return { ...block, items: block.items.map(say) };
    case 'link':
      return { ...block, lead: say(block.lead) };
    default:
      return { ...block, text: say(block.text) };
  }
}

function obligationTemplate(notice: ObligationNotice, now: Date, publicBaseUrl: string): Template {
  const { deadline } = notice;
  const page = pageOf(publicBaseUrl, notice.caseReference, notice.action?.actionId);
  // An action's step is done on the action's page; a case's step on its decision's form where the readers may use it.
  const form = notice.action ? undefined : formOf(publicBaseUrl, notice.caseReference, deadline.obligationId, notice.to);
  return BODIES[notice.kind]({
    notice,
    deadline,
    now,
    page,
    recordIt: recordItBlocks(page, form),
    // An action's emails carry its reference beside the case's: a case can have dozens of actions.
    ref: notice.action ? `${notice.caseReference} ${notice.action.actionId}` : notice.caseReference,
    intro: aboutAction(notice),
    by: byDeadline(deadline.dueAt),
    counted: countedBlock(deadline),
    // Limits the seed does not set are this partnership's local policy, and say so.
    overdueWord: deadline.statutory ? 'MISSED' : 'Overdue (local policy)',
  });
}

function operationsAlert(notice: OperationsAlert, now: Date, page: Page): Template {
  return {
    subject: `[${notice.caseReference}] Operations alert - the case's workflow needs attention`,
    blocks: [
      { kind: 'heading', text: "The case's workflow needs attention" },
      { kind: 'paragraph', text: `Case ${notice.caseReference}, at ${govukDateTime(now.toISOString())}: ${notice.reason}.` },
      { kind: 'paragraph', text: `Look at workflow incident-${notice.caseReference} in the Temporal UI (its pending updates and recent workflow tasks). The case keeps its deadlines meanwhile; nothing has been lost.` },
      { kind: 'link', lead: 'The case page:', url: page.url },
    ],
  };
}

/** What every email about an obligation is written from. */
interface NoticeWords {
  notice: ObligationNotice;
  deadline: Deadline;
  now: Date;
  /** The page the email links to (pageOf): the case's, or the action's for an action's emails. */
  page: Page;
  /** What to do and where (recordItBlocks). */
  recordIt: EmailBlock[];
  /** The case's reference, and the action's beside it for an action's emails. */
  ref: string;
  /** What an action's email says of the action first (aboutAction). */
  intro: EmailBlock[];
  /** "by 11:59pm on Wednesday 30 December 2026" (byDeadline). */
  by: string;
  /** How the deadline was counted (countedBlock). */
  counted: EmailBlock;
  overdueWord: string;
}

const para = (text: string): EmailBlock => ({ kind: 'paragraph', text });
const heading = (text: string): EmailBlock => ({ kind: 'heading', text });
const step = (deadline: Deadline): EmailBlock => para(`Step: ${deadline.obligation} (${deadline.section}).`);

function referralReceived({ deadline, ref, by, counted, recordIt }: NoticeWords): Template {
  return {
    subject: `[${ref}] Referral received - ${deadline.obligation}: due ${deadline.dueDate}`,
    blocks: [
      heading(`Referral received: case ${ref}`),
      para(`A serious child safeguarding incident referral has been received as case ${ref}.`),
      step(deadline),
      ...(deadline.obligationId === 'national-notification'
        ? [para("This is required if the SSP find the criteria for notification met; its clock runs from the local authority's awareness, whatever the pace of the SSP decision (§5.2).")]
        : []),
      para(`Do it ${by}.`),
      counted,
      para("The referral itself is on the case page, for signed-in staff; it is not sent by email."),
      ...recordIt,
    ],
  };
}

function reminder({ deadline, now, ref, intro, by, counted, recordIt }: NoticeWords): Template {
  // On the deadline's own day the reminder says so first: it is due today.
  const today = londonDateOf(now) === deadline.dueDate;
  return {
    subject: `[${ref}] Reminder - ${deadline.obligation}: due ${deadline.dueDate}`,
    blocks: [
      heading(`${today ? 'Due today' : 'Reminder'}: ${deadline.obligation}`),
      para(`Reminder for case ${ref}, sent at ${govukDateTime(now.toISOString())}${today ? ': this step is due today' : ''}.`),
      ...intro,
      step(deadline),
      para(`Do it ${by}. It has not yet been recorded as done.`),
      counted,
      ...recordIt,
    ],
  };
}

function targetWarning({ deadline, ref, by, counted, recordIt }: NoticeWords): Template {
  const target = deadline.target;
  return {
    subject: `[${ref}] Target passed - ${deadline.obligation}: limit ${deadline.dueDate}`,
    blocks: [
      heading(`Target passed: ${deadline.obligation}`),
      para(`Case ${ref}: the target for this step has passed without it being recorded.`),
      step(deadline),
      para(target ? `The target was ${byDeadline(target.dueAt)} (${target.rule}).` : 'There was no target.'),
      para(`The limit: do it ${by}.`),
      counted,
      ...recordIt,
    ],
  };
}

function escalation({ notice, deadline, ref, intro, by, counted, overdueWord, recordIt }: NoticeWords): Template {
  return {
    subject: `[${ref}] ${overdueWord} - ${deadline.obligation}: was due ${deadline.dueDate}`,
    blocks: [
      heading(`${overdueWord}: ${deadline.obligation}`),
      para(`Escalation for case ${ref}: a deadline has passed.`),
      step(deadline),
      para(`It was due ${by} and had not been recorded as done by then.`),
      counted,
      ...(notice.action
        ? [
            ...intro,
            para(`The Chair of the L&D Group is told, and ${notice.action.agency} is asked for an explanation of the outstanding action and of what will be done to complete it (§16.2). Three calendar months past the deadline, the agency's Head of Service is told; six months past the original deadline, its Chief Officer.`),
          ]
        : []),
      para('It is recorded as missed in the register. Please make sure it is done and recorded; it will then be recorded as met late.'),
      ...recordIt,
    ],
  };
}

function escalationStep({ notice, deadline, ref, intro, counted, recordIt }: NoticeWords): Template {
  const chief = deadline.obligationId === 'action-escalation-chief';
  const agency = notice.action?.agency ?? 'the agency';
  const subject = `[${ref}] Outstanding action reported to ${agency}'s ${chief ? 'Chief Officer' : 'Head of Service'}`;
  return {
    subject,
    blocks: [
      heading(subject.slice(subject.indexOf('] ') + 2)),
      ...intro,
      para(chief
        ? `The action is still outstanding six calendar months beyond its original deadline, ${deadline.clock.date} (§9.2, §16.2).`
        : `The action is still outstanding three calendar months beyond its specified deadline, ${deadline.clock.date} (§9.2, §16.2).`),
      para(chief
        ? `The Chair of the L&D Group informs the Chief Officer of ${agency} and seeks information about what steps are being taken to complete the action.`
        : `The Chair of the L&D Group informs the Head of Service of ${agency} and requests confirmation of what action will be taken to rectify the matter.`),
      step(deadline),
      para(`This step fell due at ${govukDateTime(deadline.dueAt)} (the action's deadline was ${govukDate(deadline.clock.date)}).`),
      counted,
      ...(chief ? [para('The six months count from the original deadline even where the deadline was extended (§9.2: "six months beyond the original deadline").')] : []),
      ...recordIt,
    ],
  };
}

function sspInvolved({ deadline, page, ref, intro, by }: NoticeWords): Template {
  return {
    subject: `[${ref}] SSP asked to join the escalation of an outstanding action`,
    blocks: [
      heading('SSP asked to join the escalation of an outstanding action'),
      ...intro,
      para('The Chair of the L&D Group has asked the Statutory Safeguarding Partners to be involved in the escalation of this outstanding action (§9.2, exceptional circumstances).'),
      step(deadline),
      para(`Its deadline now in force: ${by}.`),
      { kind: 'link', lead: `The reasons are on ${page.name}, behind sign-in; they are not sent by email:`, url: page.url },
    ],
  };
}

function breach({ deadline, page, ref, counted }: NoticeWords): Template {
  return {
    subject: `[${ref}] Broken - ${deadline.obligation}: required until ${deadline.dueDate}`,
    blocks: [
      heading(`Broken: ${deadline.obligation}`),
      para(`Case ${ref}: a requirement has been broken.`),
      step(deadline),
      para(`It was required until ${govukDateTime(deadline.dueAt)}, and has ended early.`),
      counted,
      { kind: 'link', lead: `It is recorded as broken in the register, and shown on ${page.name}:`, url: page.url },
    ],
  };
}

function sspDecisionShared({ notice, deadline, page, ref }: NoticeWords): Template {
  return {
    subject: `[${ref}] SSP decision: ${notice.outcome ?? 'recorded'}`,
    blocks: [
      heading(`SSP decision: ${notice.outcome ?? 'recorded'}`),
      para(`Case ${ref}: the Statutory Safeguarding Partners have decided (${notice.outcome ?? 'see the case'}).`),
      step(deadline),
      para("The details of the referral and the decision's rationale are shared with the Chair of the Learning and Development Group (§5.6, §10.1)."),
      { kind: 'link', lead: `They are on ${page.name}, behind sign-in; they are not sent by email:`, url: page.url },
    ],
  };
}

/** Where a calendar entry is attached, the email says what it is for and what will follow it. */
const ENTRY_ATTACHED = para('A calendar entry for the deadline day is attached. If the deadline moves you will be sent the change; when the step is done or no longer required, its cancellation.');

function stepOpened({ deadline, ref, intro, by, counted, recordIt }: NoticeWords): Template {
  return {
    subject: `[${ref}] Now yours - ${deadline.obligation}: due ${deadline.dueDate}`,
    blocks: [
      heading(`A step is now yours: ${deadline.obligation}`),
      para(`Case ${ref} has reached a step for you to do.`),
      ...intro,
      step(deadline),
      para(`Do it ${by}.`),
      counted,
      ENTRY_ATTACHED,
      ...recordIt,
    ],
  };
}

function deadlineMoved({ deadline, ref, intro, by, counted, recordIt }: NoticeWords): Template {
  return {
    subject: `[${ref}] Deadline moved - ${deadline.obligation}: now due ${deadline.dueDate}`,
    blocks: [
      heading(`Deadline moved: ${deadline.obligation}`),
      para(`Case ${ref}: the deadline for this step has changed, because a date it is counted from was corrected or the deadline was extended.`),
      ...intro,
      step(deadline),
      para(`Do it ${by}.`),
      counted,
      para('The calendar entry attached replaces the one sent before.'),
      ...recordIt,
    ],
  };
}

/** What became of a step, as its cancellation says it (the notice's outcome is the obligation's status). */
const SETTLED_WORDS: Record<string, { subject: string; text: string }> = {
  met: { subject: 'Done', text: 'has been recorded as done' },
  'met-late': { subject: 'Done', text: 'has been recorded as done, after its deadline' },
  withdrawn: { subject: 'No longer required', text: 'is no longer required on the path the case has taken' },
  broken: { subject: 'Ended', text: 'has ended' },
};

function stepClosed({ notice, deadline, page, ref, intro }: NoticeWords): Template {
  const words = SETTLED_WORDS[notice.outcome ?? ''] ?? { subject: 'Closed', text: 'is closed' };
  return {
    subject: `[${ref}] ${words.subject} - ${deadline.obligation}`,
    blocks: [
      heading(`${words.subject}: ${deadline.obligation}`),
      para(`Case ${ref}: this step ${words.text}.`),
      ...intro,
      step(deadline),
      para(`Its calendar entry (for ${govukDate(notice.invite?.date ?? deadline.dueDate)}) is cancelled by the one attached.`),
      { kind: 'link', lead: `The case and its other steps are on ${page.name}:`, url: page.url },
    ],
  };
}

/** §4.6: to the referrer, at the address on the form: the reference to quote, and what happens next. */
function referralAcknowledged({ deadline, page, ref, by }: NoticeWords): Template {
  return {
    subject: `[${ref}] Your referral: received`,
    blocks: [
      heading('Your referral has been received'),
      para(`Thank you. Your serious child safeguarding incident referral has been received by the Business Unit as case ${ref}. Please quote this reference whenever you write about it.`),
      para(`Next, the Business Unit informs the Statutory Safeguarding Partners ${by} (${deadline.section}), and the partners decide whether the criteria for notification are met. You will be told the outcome.`),
      para("Please do not send details of the child or family by email: the Business Unit will tell you how to send anything further securely."),
      { kind: 'link', lead: 'If you can sign in, the case is on its page:', url: page.url },
    ],
  };
}

/** §8: to the reviewer the SSP commissioned, at the directory's address for their sign-in ID. */
function reviewerCommissioned({ deadline, page, ref, by, counted }: NoticeWords): Template {
  return {
    subject: `[${ref}] You are commissioned as the reviewer`,
    blocks: [
      heading('You are commissioned to review this case'),
      para(`The Statutory Safeguarding Partners have commissioned you as the reviewer for the Local Child Safeguarding Practice Review of case ${ref} (§8).`),
      step(deadline),
      para(`It is due ${by}.`),
      counted,
      { kind: 'link', lead: 'The case is on its page, behind sign-in; its details are not sent by email:', url: page.url },
    ],
  };
}

/** §6.2: the panel's entry for the Rapid Review meeting's day, as set, or set again for another day. */
function meetingScheduled({ notice, deadline, page, ref, by }: NoticeWords): Template {
  const date = govukDate(notice.invite?.date);
  const moved = (notice.invite?.sequence ?? 0) > 0;
  return {
    subject: `[${ref}] Rapid Review meeting ${moved ? 'moved to' : 'on'} ${date}`,
    blocks: [
      heading(`Rapid Review meeting ${moved ? 'moved to' : 'on'} ${date}`),
      para(`Case ${ref}: the Rapid Review chair has ${moved ? 'set the meeting for another day' : 'set the date of the Rapid Review meeting'}: ${date} (§6.2).`),
      para(`The meeting is to be held ${by} (${deadline.section}).`),
      para(moved ? 'The calendar entry attached replaces the one sent before.' : 'A calendar entry for the day is attached; the time and place come from the Business Unit.'),
      { kind: 'link', lead: 'The case is on its page, behind sign-in:', url: page.url },
    ],
  };
}

const BODIES: Record<ObligationNotice['kind'], (words: NoticeWords) => Template> = {
  'meeting-scheduled': meetingScheduled,
  'referral-acknowledged': referralAcknowledged,
  'reviewer-commissioned': reviewerCommissioned,
  'step-opened': stepOpened,
  'deadline-moved': deadlineMoved,
  'step-closed': stepClosed,
  'referral-received': referralReceived,
  'reminder': reminder,
  'target-warning': targetWarning,
  'escalation': escalation,
  'escalation-step': escalationStep,
  'ssp-involved': sspInvolved,
  'breach': breach,
  'ssp-decision-shared': sspDecisionShared,
};
