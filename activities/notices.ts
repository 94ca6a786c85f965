// The words of every email. Bodies name the case by its reference only: the child's and
// family's details stay behind sign-in (PROCESS.md "Who hears what").
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

export function renderNotice(notice: Notice, now: Date): RenderedNotice {
  const { caseReference: ref, deadline } = notice;
  const due = describeDue(deadline);
  switch (notice.kind) {
    case 'referral-received':
      return {
        subject: `[${ref}] Referral received - ${deadline.obligation}: due ${deadline.dueDate}`,
        text: [
          `A serious child safeguarding incident referral has been received as case ${ref}.`,
          '',
          `To do: ${deadline.obligation}.`,
          `Due by: ${due}.`,
          howCounted(deadline),
          '',
          'The referral itself is available to signed-in staff in the case system; it is not sent by email.',
          `When done, record it in the case system against ${ref} (decision: ${deadline.obligationId}).`,
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
          `When done, record it in the case system against ${ref} (decision: ${deadline.obligationId}).`,
        ].join('\n'),
      };
    case 'escalation':
      return {
        subject: `[${ref}] MISSED - ${deadline.obligation}: was due ${deadline.dueDate}`,
        text: [
          `Escalation for case ${ref}: a deadline has been missed.`,
          '',
          `Missed: ${deadline.obligation}.`,
          `It was due by ${due} and had not been recorded as done by then.`,
          howCounted(deadline),
          '',
          'It is recorded as missed in the register. Please make sure it is done and recorded in the case system;',
          'it will then be recorded as met late.',
        ].join('\n'),
      };
  }
}
