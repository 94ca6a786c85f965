// ---- Expected dates, worked out here from the procedure (DSP 1.5) "How to count" and the gov.uk list of
// England and Wales bank holidays: independent of domain/calendar.ts and date-holidays.
// Deliberately so: the tests hold the code's deadlines up against these, and a mistake in the
// code's calendar (or in the holiday package) would be copied into the expectation if this file
// imported it. Do not import domain/calendar.ts or date-holidays here.

/** England and Wales bank holidays (gov.uk), substitute days included. */
export const BANK_HOLIDAYS: ReadonlySet<string> = new Set([
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
  '2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26',
  '2029-01-01', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-08-27', '2029-12-25', '2029-12-26',
  '2030-01-01', '2030-04-19', '2030-04-22', '2030-05-06', '2030-05-27', '2030-08-26', '2030-12-25', '2030-12-26',
]);
/** The years the list above covers: outside them a date cannot be said to be a working day. */
const FIRST_YEAR = 2026;
const LAST_YEAR = 2030;

const DAY_MS = 86_400_000;
const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The calendar date `days` days after (or, negative, before) `date`. */
export function shiftDays(date: string, days: number): string {
  return isoDay(dayMs(date) + days * DAY_MS);
}

/** Why a date is not a working day, or undefined if it is one. */
export function notWorking(date: string): 'weekend' | 'bank holiday' | undefined {
  const year = Number(date.slice(0, 4));
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new Error(`the expected-date helper has no bank holidays for ${date}`);
  const weekday = new Date(dayMs(date)).getUTCDay();
  if (weekday === 0 || weekday === 6) return 'weekend';
  return BANK_HOLIDAYS.has(date) ? 'bank holiday' : undefined;
}

export type Limit = { workingDaysAfter: number } | { workingDaysBefore: number } | { monthsAfter: number };
export interface Counted {
  dueDate: string;
  /** Days passed over while counting, in calendar order, as [date, reason]. */
  skipped: Array<[string, string]>;
}

/** "Within N WD of X": X is day 0; "at least N WD before Y": back from Y; "N months from X". */
export function count(from: string, limit: Limit): Counted {
  if ('monthsAfter' in limit) {
    // Same day N months on, or that month's last day.
    const [y, m, d] = from.split('-').map(Number) as [number, number, number];
    const index = m - 1 + limit.monthsAfter;
    const year = y + Math.floor(index / 12);
    const month = ((index % 12) + 12) % 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return { dueDate: isoDay(Date.UTC(year, month, Math.min(d, lastDay))), skipped: [] };
  }
  const step = 'workingDaysAfter' in limit ? DAY_MS : -DAY_MS;
  const n = 'workingDaysAfter' in limit ? limit.workingDaysAfter : limit.workingDaysBefore;
  const skipped: Array<[string, string]> = [];
  let t = dayMs(from);
  for (let counted = 0; counted < n; ) {
    t += step;
    const why = notWorking(isoDay(t));
    if (why) skipped.push([isoDay(t), why]);
    else counted += 1;
  }
  skipped.sort((a, b) => a[0].localeCompare(b[0]));
  return { dueDate: isoDay(t), skipped };
}

/** The date N working days after `from` (day 0). */
export const workingDaysAfter = (from: string, n: number): string => count(from, { workingDaysAfter: n }).dueDate;
/** The date N working days before `from`. */
export const workingDaysBefore = (from: string, n: number): string => count(from, { workingDaysBefore: n }).dueDate;
/** The same day N calendar months after `from` (negative: before), or that month's last day. */
export const monthsAfter = (from: string, n: number): string => count(from, { monthsAfter: n }).dueDate;

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
/** London wall-clock time of an instant, 'YYYY-MM-DDTHH:MM:SS'. */
function londonWall(ms: number): string {
  const p = Object.fromEntries(LONDON.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}
/** London's date at an instant (ISO string or epoch milliseconds). */
export function londonDate(instant: string | number): string {
  return londonWall(typeof instant === 'string' ? Date.parse(instant) : instant).slice(0, 10);
}
/** The instant London's clocks (GMT or BST) show `time` ('HH:MM:SS[.mmm]') on `date`. */
export function londonInstant(date: string, time: string): string {
  const wall = Date.parse(`${date}T${time}Z`);
  for (const offset of [0, 3_600_000]) {
    if (londonWall(wall - offset) === `${date}T${time.slice(0, 8)}`) return new Date(wall - offset).toISOString();
  }
  throw new Error(`no London instant for ${date} ${time}`);
}
/** The last millisecond of a London day (23:59:59.999 GMT or BST), as an ISO instant: when a deadline falls due. */
export const endOfDay = (date: string): string => londonInstant(date, '23:59:59.999');
