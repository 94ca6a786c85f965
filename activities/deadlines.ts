// Deadline arithmetic, in an activity rather than the workflow because it depends on holiday
// data: a newer holiday list never changes the history of a running case on replay.
import { ApplicationFailure } from '@temporalio/activity';
import type { Deadline } from '../domain/case';
import { endOfLondonDay, londonDateOf, londonInstant, type CountExplanation, type WorkingDayCalendar } from '../domain/calendar';
import { obligationRule, rulebook, type LimitRule, type ObligationRule, type ReminderRule } from '../domain/rulebook';
import type { DaysAfterDue } from '../domain/working-days-late';
import { agencyOfInstance } from '../domain/obligation-ids';
import type { DeadlineRequest, DeadlinesRequest } from './types';

/** How far past a deadline its lateness is counted in working days (beyond: "at least"). */
const LATENESS_HORIZON_MONTHS = 24;

export interface DeadlineCalculator {
  computeDeadlines(request: DeadlinesRequest): Deadline[];
}

export function deadlineCalculator(
  calendar: WorkingDayCalendar,
  localPolicyWorkingDays: Record<string, number> | undefined,
  now: () => Date,
): DeadlineCalculator {
  return {
    computeDeadlines: (request) =>
      guarded(request.caseReference, () =>
        request.requests.map((r) => ({
          ...deadlineOf(calendar, localPolicy(localPolicyWorkingDays, obligationRule(request.rulebookVersion, r.obligationId)), r, now),
          // The emails about it speak the rulebook's words, where it has its own (WT-2023's partners).
          ...(rulebook(request.rulebookVersion).words ? { rulebookWords: request.rulebookVersion } : {}),
        })),
      ),
  };
}

// A reminder falls on a working day, in working hours: one counted in months that lands on a
// weekend or holiday moves back to the working day before.
function reminderInstant(calendar: WorkingDayCalendar, dueDate: string, rule: ReminderRule): string {
  let day =
    'workingDaysBefore' in rule ? calendar.subtractWorkingDays(dueDate, rule.workingDaysBefore) : calendar.addCalendarMonths(dueDate, -rule.calendarMonthsBefore);
  if (!calendar.isWorkingDay(day)) day = calendar.subtractWorkingDays(day, 1);
  return londonInstant(day, rule.at);
}

// Only rows the seed gives no limit may be changed by configuration: statute is not configurable.
function localPolicy(localPolicyWorkingDays: Record<string, number> | undefined, rule: ObligationRule): ObligationRule {
  const days = localPolicyWorkingDays?.[rule.id];
  if (rule.statutory || days === undefined || rule.limit.kind !== 'working-days-after') return rule;
  return { ...rule, limit: { kind: 'working-days-after', days } };
}

function clockDateOf(clock: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(clock) ? clock : londonDateOf(clock);
}

function count(calendar: WorkingDayCalendar, limit: LimitRule, clockDate: string): CountExplanation {
  switch (limit.kind) {
    case 'working-days-after':
      return calendar.explainAddWorkingDays(clockDate, limit.days);
    case 'working-days-before':
      return calendar.explainSubtractWorkingDays(clockDate, limit.days);
    case 'calendar-months-after':
      return calendar.explainAddCalendarMonths(clockDate, limit.months);
    case 'on-the-date':
      return { from: clockDate, result: clockDate, rule: `on the date set, ${clockDate}`, skipped: [] };
  }
}

function afterDue(calendar: WorkingDayCalendar, dueDate: string): DaysAfterDue {
  const horizon = calendar.addCalendarMonths(dueDate, LATENESS_HORIZON_MONTHS);
  const nonWorking: string[] = [];
  for (let t = Date.parse(`${dueDate}T00:00:00Z`) + 86_400_000; ; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (date > horizon) break;
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !calendar.isWorkingDay(date)) nonWorking.push(date);
  }
  return { nonWorking, horizon };
}

interface Counted {
  clockEvent: ObligationRule['clock'];
  clockDate: string;
  counted: CountExplanation;
  /** Which of two clocks governs, for the explanation ('' with one clock). */
  governs: string;
}

/** The count from the rule's clock, or the earlier of two counts (§4.6 / §5.1): the explanation says which rule governs. */
function countFromClocks(calendar: WorkingDayCalendar, rule: ObligationRule, request: DeadlineRequest): Counted {
  const clockDate = clockDateOf(request.clock);
  const counted = count(calendar, rule.limit, clockDate);
  if (!rule.orClock || request.orClock === undefined) return { clockEvent: rule.clock, clockDate, counted, governs: '' };
  const otherDate = clockDateOf(request.orClock);
  const other = count(calendar, rule.limit, otherDate);
  if (other.result < counted.result) {
    return { clockEvent: rule.orClock, clockDate: otherDate, counted: other, governs: `; earlier than the count from ${rule.clock} (${counted.result})` };
  }
  const governs = other.result === counted.result ? `; the same as the count from ${rule.orClock}` : `; earlier than the count from ${rule.orClock} (${other.result})`;
  return { clockEvent: rule.clock, clockDate, counted, governs };
}

function deadlineOf(calendar: WorkingDayCalendar, rule: ObligationRule, request: DeadlineRequest, now: () => Date): Deadline {
  const { clockEvent, clockDate, counted, governs } = countFromClocks(calendar, rule, request);
  const dueAt = endOfLondonDay(counted.result);
  const target = rule.target?.kind === 'working-days-after' ? calendar.explainAddWorkingDays(clockDate, rule.target.days) : undefined;
  const targetFrom = rule.targetFrom?.kind === 'working-days-after' ? calendar.explainAddWorkingDays(clockDate, rule.targetFrom.days) : undefined;
  const reminders = [...new Set(rule.reminders.map((r) => reminderInstant(calendar, counted.result, r)))].filter((r) => r < dueAt).sort();
  // An agency's instance of a per-agency obligation (§6.5) keeps its own key, and says whose it is.
  const agency = agencyOfInstance(request.obligationId);
  return {
    obligationId: request.obligationId,
    obligation: agency === undefined ? rule.obligation : `${rule.obligation}: ${agency}`,
    clock: { event: clockEvent, date: clockDate },
    rule: `${counted.rule} (${clockEvent}${governs})`,
    dueDate: counted.result,
    dueAt,
    skipped: counted.skipped,
    section: rule.section,
    statutory: rule.statutory,
    ...(target
      ? {
          target: {
            rule: `${target.rule} (${clockEvent}, target)`,
            dueDate: target.result,
            dueAt: endOfLondonDay(target.result),
            ...(targetFrom ? { window: { fromDate: targetFrom.result, toDate: target.result, rule: `${targetFrom.rule} to ${target.rule} (${clockEvent}, target window)` } } : {}),
          },
        }
      : {}),
    reminders,
    afterDue: afterDue(calendar, counted.result),
    computedAt: now().toISOString(),
  };
}

/** Bad data can never become good by retrying: it fails the activity for good. */
function guarded<T>(caseReference: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    // The calendar's RangeError quotes the value it could not read: say only that it was a date.
    // Other errors (an unknown obligation or rulebook) name rulebook ids, which are not case data.
    const why = err instanceof RangeError ? 'a date or instant given is not usable' : err instanceof Error ? err.message : 'unknown error';
    throw ApplicationFailure.nonRetryable(`Deadline cannot be computed for case ${caseReference}: ${why}`, 'InvalidDeadlineInput');
  }
}
