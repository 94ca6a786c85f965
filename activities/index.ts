// Activities, built by a factory that receives its dependencies (transport, register,
// directory, calendar): tests hand in their own SMTP transport and database, production code
// has no test flags.
import { createHash } from 'node:crypto';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { Deadline } from '../domain/case';
import { endOfLondonDay, londonDateOf, londonInstant, type CountExplanation, type WorkingDayCalendar } from '../domain/calendar';
import { obligationRule, type ObligationRule, type ReminderRule } from '../domain/rulebook';
import type { Mailbox } from '../domain/roles';
import { renderNotice } from './notices';
import { recordEntry, type RegisterDb } from './register';
import type { DeadlineRequest, IncidentActivities, Notice, NoticeResult, OutcomeRecord } from './types';

export interface ActivityDependencies {
  calendar: WorkingDayCalendar;
  register: RegisterDb;
  mailer: Transporter;
  mailFrom: string;
  mailboxes: Record<Mailbox, string>;
  /** The partnership's own working days for steps the seed gives no limit (local policy). */
  localPolicyWorkingDays?: Record<string, number>;
  /** Injected so tests can pin it; defaults to the wall clock. */
  now?: () => Date;
}

/** SMTP replies in the 5xx range are permanent: retrying will not deliver the message. */
function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export function createActivities(deps: ActivityDependencies): IncidentActivities {
  const now = deps.now ?? (() => new Date());
  const { calendar, register } = deps;

  function reminderInstant(dueDate: string, rule: ReminderRule): string {
    const day =
      'workingDaysBefore' in rule
        ? calendar.subtractWorkingDays(dueDate, rule.workingDaysBefore)
        : calendar.addCalendarMonths(dueDate, -rule.calendarMonthsBefore);
    return londonInstant(day, rule.at);
  }

  // Only rows the seed gives no limit may be changed by configuration: statute is not configurable.
  function localPolicy(rule: ObligationRule): ObligationRule {
    const days = deps.localPolicyWorkingDays?.[rule.id];
    if (rule.statutory || days === undefined || rule.limit.kind !== 'working-days-after') return rule;
    return { ...rule, limit: { kind: 'working-days-after', days } };
  }

  return {
    // Deadline arithmetic depends on holiday data, so it runs here and not in the workflow: a
    // newer holiday list never changes the history of a running case on replay.
    async computeDeadline(request: DeadlineRequest): Promise<Deadline> {
      const rule = localPolicy(obligationRule(request.rulebookVersion, request.obligationId));
      const clockDate = /^\d{4}-\d{2}-\d{2}$/.test(request.clock) ? request.clock : londonDateOf(request.clock);
      let counted: CountExplanation;
      switch (rule.limit.kind) {
        case 'working-days-after':
          counted = calendar.explainAddWorkingDays(clockDate, rule.limit.days);
          break;
        case 'working-days-before':
          counted = calendar.explainSubtractWorkingDays(clockDate, rule.limit.days);
          break;
        case 'calendar-months-after':
          counted = calendar.explainAddCalendarMonths(clockDate, rule.limit.months);
          break;
      }
      const dueAt = endOfLondonDay(counted.result);
      const target = rule.target?.kind === 'working-days-after' ? calendar.explainAddWorkingDays(clockDate, rule.target.days) : undefined;
      const reminders = [...new Set(rule.reminders.map((r) => reminderInstant(counted.result, r)))]
        .filter((r) => r < dueAt)
        .sort();
      return {
        obligationId: rule.id,
        obligation: rule.obligation,
        clock: { event: rule.clock, date: clockDate },
        rule: `${counted.rule} (${rule.clock})`,
        dueDate: counted.result,
        dueAt,
        skipped: counted.skipped,
        section: rule.section,
        statutory: rule.statutory,
        ...(target ? { target: { rule: `${target.rule} (${rule.clock}, target)`, dueDate: target.result, dueAt: endOfLondonDay(target.result) } } : {}),
        reminders,
        computedAt: now().toISOString(),
      };
    },

    async recordOutcome(record: OutcomeRecord): Promise<void> {
      await recordEntry(register, record, now());
    },

    async sendNotice(notice: Notice): Promise<NoticeResult> {
      const rendered = renderNotice(notice, now());
      const recipients = notice.to.map((m) => deps.mailboxes[m]);
      const messageId = `<${createHash('sha256').update(notice.key).digest('hex').slice(0, 32)}@ssi-procedure>`;
      // The outbox row is the send's identity: a retry after a crash finds it sent and stops.
      await register
        .insertInto('outbox')
        .values({
          notice_key: notice.key,
          case_reference: notice.caseReference,
          kind: notice.kind,
          obligation_id: notice.deadline.obligationId,
          recipients: recipients.join(', '),
          subject: rendered.subject,
          status: 'pending',
          message_id: messageId,
          created_at: now().toISOString(),
          sent_at: null,
          last_error: null,
        })
        .onConflict((oc) => oc.column('notice_key').doNothing())
        .execute();
      const row = await register.selectFrom('outbox').select(['status']).where('notice_key', '=', notice.key).executeTakeFirstOrThrow();
      if (row.status === 'sent') return { messageId, duplicate: true };
      let refused = 0;
      let refusedCodes = '';
      try {
        const info = (await deps.mailer.sendMail({ from: deps.mailFrom, to: recipients, subject: rendered.subject, text: rendered.text, messageId })) as {
          rejected?: unknown[];
          rejectedErrors?: Array<{ responseCode?: number }>;
        };
        refused = info.rejected?.length ?? 0;
        refusedCodes = [...new Set((info.rejectedErrors ?? []).map((e) => e.responseCode).filter((c) => c !== undefined))].join(', ');
      } catch (err) {
        const permanent = isPermanentSmtpFailure(err);
        const reason = permanent ? `SMTP refused the message (${(err as { responseCode?: number }).responseCode})` : 'SMTP unavailable';
        await register
          .updateTable('outbox')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: reason, status: permanent ? 'failed' : 'pending' }))
          .where('notice_key', '=', notice.key)
          .execute();
        log.warn('notice not sent', { caseReference: notice.caseReference, kind: notice.kind, permanent });
        if (permanent) throw ApplicationFailure.nonRetryable(reason, 'NoticeRefused');
        throw ApplicationFailure.retryable(reason, 'NoticeNotSent');
      }
      await register
        .updateTable('outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          status: 'sent',
          sent_at: now().toISOString(),
          // Sent to the others: not a failure to retry, but nobody may stay unaware of the refusal.
          last_error: refused > 0 ? `SMTP refused ${refused} recipient(s)${refusedCodes ? ` (${refusedCodes})` : ''}` : null,
        }))
        .where('notice_key', '=', notice.key)
        .execute();
      return { messageId, duplicate: false, ...(refused > 0 ? { refused } : {}) };
    },
  };
}
