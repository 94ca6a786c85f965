// The words of every email. Bodies name the case by its reference only: the child's and
// family's details stay behind sign-in (DSP 1.5, "Who hears what").
import type { Deadline } from '../domain/case';
import type { Notice } from './types';

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

const RECORD_IT = (ref: string, obligationId: string) =>
  `When done, record it in the case system against ${ref} (obligation: ${obligationId}).`;

export function renderNotice(notice: Notice, now: Date): RenderedNotice {
  if (notice.kind === 'operations-alert') {
    return {
      subject: `[${notice.caseReference}] Operations alert - the case's workflow needs attention`,
      text: [
        `Case ${notice.caseReference}, ${londonTime.format(now)}: ${notice.reason}.`,
        '',
        `Look at workflow incident-${notice.caseReference} in the Temporal UI (its pending updates and`,
        'recent workflow tasks). The case keeps its deadlines meanwhile; nothing has been lost.',
      ].join('\n'),
    };
  }
  const { caseReference: ref, deadline } = notice;
  const due = describeDue(deadline);
  // Limits the seed does not set are this partnership's local policy, and say so.
  const overdueWord = deadline.statutory ? 'MISSED' : 'Overdue (local policy)';
  switch (notice.kind) {
    case 'referral-received':
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
          'The referral itself is available to signed-in staff in the case system; it is not sent by email.',
          RECORD_IT(ref, deadline.obligationId),
        ].join('\n'),
      };
    case 'reminder':
      return {
        subject: `[${ref}] Reminder - ${deadline.obligation}: due ${deadline.dueDate}`,
        text: [
          `Reminder for case ${ref}, sent ${londonTime.format(now)}.`,
          '',
          `To do: ${deadline.obligation}.`,
          `Due by: ${due}. It has not yet been recorded as done.`,
          howCounted(deadline),
          '',
          RECORD_IT(ref, deadline.obligationId),
        ].join('\n'),
      };
    case 'target-warning':
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
          RECORD_IT(ref, deadline.obligationId),
        ].join('\n'),
      };
    case 'escalation':
      return {
        subject: `[${ref}] ${overdueWord} - ${deadline.obligation}: was due ${deadline.dueDate}`,
        text: [
          `Escalation for case ${ref}: a deadline has passed.`,
          '',
          `${overdueWord}: ${deadline.obligation}.`,
          `It was due by ${due} and had not been recorded as done by then.`,
          howCounted(deadline),
          '',
          'It is recorded as missed in the register. Please make sure it is done and recorded in the case system;',
          'it will then be recorded as met late.',
        ].join('\n'),
      };
    case 'breach':
      return {
        subject: `[${ref}] Broken - ${deadline.obligation}: required until ${deadline.dueDate}`,
        text: [
          `Case ${ref}: a requirement has been broken.`,
          '',
          `${deadline.obligation} was required until ${due}, and has ended early.`,
          howCounted(deadline),
          '',
          'It is recorded as broken in the register.',
        ].join('\n'),
      };
    case 'ssp-decision-shared':
      return {
        subject: `[${ref}] SSP decision: ${notice.outcome ?? 'recorded'}`,
        text: [
          `Case ${ref}: the Statutory Safeguarding Partners have decided (${notice.outcome ?? 'see the case'}).`,
          '',
          "The details of the referral and the decision's rationale are shared with the Chair of the",
          'Learning and Development Group (§5.6, §10.1). They are in the case system, behind sign-in;',
          'they are not sent by email.',
        ].join('\n'),
      };
  }
}
