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
  return `the end of ${londonDay.format(new Date(deadline.dueAt))}`;
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
        subject: `[${ref}] Referral received: inform the SSP by ${due}`,
        text: [
          `A serious child safeguarding incident referral has been received as case ${ref}.`,
          '',
          `${deadline.obligation} by ${due}.`,
          howCounted(deadline),
          '',
          'The referral itself is available to signed-in staff in the case system; it is not sent by email.',
          `When done, record it in the case system against ${ref} (decision: ${deadline.obligationId}).`,
        ].join('\n'),
      };
    case 'reminder':
      return {
        subject: `[${ref}] Reminder: ${deadline.obligation} - due by ${due}`,
        text: [
          `Reminder for case ${ref}, sent ${londonTime.format(now)}.`,
          '',
          `${deadline.obligation} is due by ${due} and has not yet been recorded.`,
          howCounted(deadline),
          '',
          `When done, record it in the case system against ${ref} (decision: ${deadline.obligationId}).`,
        ].join('\n'),
      };
    case 'escalation':
      return {
        subject: `[${ref}] MISSED: ${deadline.obligation} - was due by ${due}`,
        text: [
          `Escalation for case ${ref}: a deadline has been missed.`,
          '',
          `${deadline.obligation} was due by ${due} and had not been recorded by then.`,
          howCounted(deadline),
          '',
          'It is recorded as missed in the register. Please make sure it is done and recorded in the case system;',
          'it will then be recorded as met late.',
        ].join('\n'),
      };
  }
}
