// Activities, built by a factory that receives its dependencies (transport, register,
// directory, calendar): tests hand in their own SMTP transport and database, production code
// has no test flags.
import type { Transporter } from 'nodemailer';
import type { Deadline } from '../domain/case';
import { endOfLondonDay, londonDateOf, londonInstant, type CountExplanation, type WorkingDayCalendar } from '../domain/calendar';
import { obligationRule, type ObligationRule, type ReminderRule } from '../domain/rulebook';
import type { Mailbox } from '../domain/roles';
import { renderNotice } from './notices';
import { sendThroughOutbox, type NoticeTiming } from './outbox';
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
  /** The outbox's lease and send deadline (activities/outbox.ts); tests shorten them. */
  noticeTiming?: Partial<NoticeTiming>;
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

    // At most once per notice key: the outbox row is claimed before sending (activities/outbox.ts).
    async sendNotice(notice: Notice): Promise<NoticeResult> {
      const rendered = renderNotice(notice, now());
      return sendThroughOutbox(
        { register, mailer: deps.mailer, now, ...(deps.noticeTiming ? { timing: deps.noticeTiming } : {}) },
        {
          key: notice.key,
          caseReference: notice.caseReference,
          kind: notice.kind,
          obligationId: notice.deadline.obligationId,
          from: deps.mailFrom,
          to: notice.to.map((m) => deps.mailboxes[m]),
          subject: rendered.subject,
          text: rendered.text,
        },
      );
    },
  };
}
