// How late an obligation is, in working days, worked out inside the workflow (status query,
// register rows) without the holiday library: the deadline carries the bank holidays and closure
// days that follow it, and London's date comes from the UK's statutory clock-change rule. Both are
// plain data and arithmetic, so replay gives the same answer on any host.

const DAY_MS = 86_400_000;

/** The instant (ms) of 01:00 UTC on the last Sunday of a month: when UK clocks change. */
function lastSundayOneAm(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay(); // 0 is Sunday
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

/**
 * London's calendar date of an instant. British Summer Time runs from 01:00 UTC on the last Sunday
 * of March to 01:00 UTC on the last Sunday of October (Summer Time Order 2002).
 */
export function londonDateAt(ms: number): string {
  const year = new Date(ms).getUTCFullYear();
  const bst = ms >= lastSundayOneAm(year, 2) && ms < lastSundayOneAm(year, 9);
  return new Date(ms + (bst ? 3_600_000 : 0)).toISOString().slice(0, 10);
}

/** Non-working days after a deadline (bank holidays and closure days; weekends are implied). */
export interface DaysAfterDue {
  /** Dates that are not working days though they fall Monday to Friday, ascending. */
  nonWorking: string[];
  /** The last date the list covers. */
  horizon: string;
}

export interface Lateness {
  workingDays: number;
  /** True when the count ran past the horizon the deadline carries: at least this many. */
  atLeast?: true;
}

/**
 * Working days from a due date to a later London date: met on the Monday after a Friday deadline
 * is 1 working day late, and so is met on the Saturday (it ran into Monday). 0 when on time.
 */
export function workingDaysLate(dueDate: string, afterDue: DaysAfterDue | undefined, atDate: string): Lateness {
  if (atDate <= dueDate) return { workingDays: 0 };
  const holidays = new Set(afterDue?.nonWorking ?? []);
  const horizon = afterDue?.horizon ?? dueDate;
  let count = 0;
  let atLeast = false;
  for (let t = Date.parse(`${dueDate}T00:00:00Z`) + DAY_MS; ; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (date > atDate) break;
    if (date > horizon) {
      atLeast = true;
      break;
    }
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(date)) count++;
  }
  // Late over a weekend or holiday only is still late: it counts into the next working day.
  const workingDays = Math.max(count, 1);
  return atLeast ? { workingDays, atLeast: true } : { workingDays };
}
