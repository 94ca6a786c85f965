/**
 * Working-day calendar for the procedure's deadlines, as the procedure (DSP 1.5) "How to count" defines them:
 * Monday to Friday less England and Wales bank holidays (substitute days included, observances
 * not) less the partnership's configured closure days; "within N WD of X" counts from X as day 0;
 * "N months from X" clamps to the month's last day; "at least N WD before Y" counts back from Y.
 *
 * Dates are ISO calendar dates (YYYY-MM-DD) handled as UTC midnights, so the host time zone never
 * shifts a day; only the London helpers at the bottom turn a date into an instant, through Intl.
 * Holiday data comes from date-holidays at run time, which is why deadline arithmetic belongs in an
 * activity, not workflow code (ARCHITECTURE.md): a newer holiday list must not change replay.
 */
import Holidays from 'date-holidays';

export interface SkippedDay {
  date: string;
  reason: 'weekend' | 'bank holiday' | 'closure day';
  /** The holiday's name (e.g. 'Christmas Day') or the configured closure label. */
  name?: string;
}

export interface CalendarOptions {
  extraClosureDays?: ReadonlyArray<{ date: string; name: string }>;
}

export interface CountExplanation {
  /** The clock date (day 0). */
  from: string;
  /** The resulting date. */
  result: string;
  /** How it was counted, e.g. '5 working days after 2026-12-21'. */
  rule: string;
  /** Every non-working day passed over while counting, oldest first (empty for months). */
  skipped: SkippedDay[];
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Bank holidays are the 'public' entries (and 'bank', should the data ever use it); observances
// such as Mother's Day, and optional or school days, are not closures in England and Wales.
const CLOSING_HOLIDAY_TYPES: ReadonlySet<string> = new Set(['public', 'bank']);

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

// setUTCFullYear, unlike Date.UTC, does not map years 0-99 onto 1900-1999.
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/** Parses a strict ISO calendar date into its UTC-midnight epoch milliseconds. */
function parseDate(value: unknown, what = 'date'): number {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!match) {
    throw new RangeError(`Invalid ${what} ${describe(value)}: expected an ISO calendar date YYYY-MM-DD`);
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) {
    throw new RangeError(`Invalid ${what} ${describe(value)}: there is no month ${month}`);
  }
  const lastDay = daysInMonth(year, month);
  if (day < 1 || day > lastDay) {
    throw new RangeError(
      `Invalid ${what} ${describe(value)}: ${match[1]}-${match[2]} has days 01 to ${lastDay}, not ${match[3]}`,
    );
  }
  return utcMidnight(year, month, day);
}

function formatDate(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) {
    throw new RangeError(`Date out of range: year ${year} cannot be written as YYYY-MM-DD`);
  }
  return d.toISOString().slice(0, 10);
}

function checkWorkingDayCount(n: unknown): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Invalid number of working days ${describe(n)}: expected a whole number, 0 or more`);
  }
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export class WorkingDayCalendar {
  // One instance per calendar: building it parses the whole country's rule set.
  private readonly holidays = new Holidays('GB', 'ENG', { languages: 'en', timezone: 'Europe/London' });
  // Thousands of cases count over the same few years, and getHolidays recomputes every rule.
  private readonly holidaysByYear = new Map<number, ReadonlyMap<string, string>>();
  private readonly closures: ReadonlyMap<string, string>;

  constructor(options: CalendarOptions = {}) {
    const closures = new Map<string, string>();
    for (const [i, closure] of (options.extraClosureDays ?? []).entries()) {
      const date = formatDate(parseDate(closure.date, `extraClosureDays[${i}].date`));
      const name = closure.name;
      if (typeof name !== 'string' || name.trim() === '') {
        throw new RangeError(`Invalid extraClosureDays[${i}].name for ${date}: a label is needed to explain deadlines`);
      }
      // A duplicate is a configuration mistake: which label would a deadline show?
      if (closures.has(date)) {
        throw new RangeError(`Invalid extraClosureDays: ${date} is configured more than once`);
      }
      closures.set(date, name);
    }
    this.closures = closures;
  }

  isWorkingDay(date: string): boolean {
    const ms = parseDate(date);
    return this.reasonAt(ms, formatDate(ms)) === undefined;
  }

  nonWorkingReason(date: string): SkippedDay | undefined {
    const ms = parseDate(date);
    return this.reasonAt(ms, formatDate(ms));
  }

  addWorkingDays(from: string, n: number): string {
    return this.explainAddWorkingDays(from, n).result;
  }

  subtractWorkingDays(from: string, n: number): string {
    return this.explainSubtractWorkingDays(from, n).result;
  }

  addCalendarMonths(from: string, n: number): string {
    return this.explainAddCalendarMonths(from, n).result;
  }

  explainAddWorkingDays(from: string, n: number): CountExplanation {
    const start = parseDate(from);
    checkWorkingDayCount(n);
    // Day 0 is the clock date itself, working or not, so counting starts on the day after it.
    const skipped: SkippedDay[] = [];
    let day = start;
    for (let counted = 0; counted < n; ) {
      day += DAY_MS;
      const reason = this.reasonAt(day, formatDate(day));
      if (reason) skipped.push(reason);
      else counted += 1;
    }
    return { from, result: formatDate(day), rule: `${plural(n, 'working day')} after ${from}`, skipped };
  }

  explainSubtractWorkingDays(from: string, n: number): CountExplanation {
    const start = parseDate(from);
    checkWorkingDayCount(n);
    const skipped: SkippedDay[] = [];
    let day = start;
    for (let counted = 0; counted < n; ) {
      day -= DAY_MS;
      const reason = this.reasonAt(day, formatDate(day));
      if (reason) skipped.push(reason);
      else counted += 1;
    }
    // Shown to people beside forward counts, so in the same (calendar) order.
    skipped.reverse();
    return { from, result: formatDate(day), rule: `${plural(n, 'working day')} before ${from}`, skipped };
  }

  explainAddCalendarMonths(from: string, n: number): CountExplanation {
    const start = new Date(parseDate(from));
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
      throw new RangeError(`Invalid number of months ${describe(n)}: expected a whole number`);
    }
    const monthIndex = start.getUTCMonth() + n;
    const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
    const month = (((monthIndex % 12) + 12) % 12) + 1;
    // Where the day does not exist in the target month, the procedure takes that month's last day.
    const day = Math.min(start.getUTCDate(), daysInMonth(year, month));
    const result = formatDate(utcMidnight(year, month, day));
    const direction = n < 0 ? 'before' : 'after';
    return { from, result, rule: `${plural(Math.abs(n), 'calendar month')} ${direction} ${from}`, skipped: [] };
  }

  // A weekend explains itself first (Boxing Day 2026 falls on a Saturday: its substitute Monday is
  // the bank holiday that matters); then statute; a local closure only where nothing else applies.
  private reasonAt(ms: number, date: string): SkippedDay | undefined {
    const weekday = new Date(ms).getUTCDay();
    if (weekday === 0 || weekday === 6) return { date, reason: 'weekend' };
    const holiday = this.holidaysIn(new Date(ms).getUTCFullYear()).get(date);
    if (holiday !== undefined) return { date, reason: 'bank holiday', name: holiday };
    const closure = this.closures.get(date);
    if (closure !== undefined) return { date, reason: 'closure day', name: closure };
    return undefined;
  }

  private holidaysIn(year: number): ReadonlyMap<string, string> {
    let byDate = this.holidaysByYear.get(year);
    if (!byDate) {
      const map = new Map<string, string>();
      for (const holiday of this.holidays.getHolidays(year)) {
        if (!CLOSING_HOLIDAY_TYPES.has(holiday.type)) continue;
        // holiday.date is London wall-clock text ('2026-12-28 00:00:00'); its Date fields are
        // instants, whose UTC date is the day before for holidays in BST.
        const date = holiday.date.slice(0, 10);
        const existing = map.get(date);
        map.set(date, existing === undefined ? holiday.name : `${existing} and ${holiday.name}`);
      }
      byDate = map;
      this.holidaysByYear.set(year, byDate);
    }
    return byDate;
  }
}

let defaultCalendar: WorkingDayCalendar | undefined;

function englandAndWales(): WorkingDayCalendar {
  defaultCalendar ??= new WorkingDayCalendar();
  return defaultCalendar;
}

/** Within n working days of `from` (England and Wales, no extra closures). */
export function addWorkingDays(from: string, n: number): string {
  return englandAndWales().addWorkingDays(from, n);
}

/** At least n working days before `from` (England and Wales, no extra closures). */
export function subtractWorkingDays(from: string, n: number): string {
  return englandAndWales().subtractWorkingDays(from, n);
}

/** n calendar months from `from`; negative n counts backwards. */
export function addCalendarMonths(from: string, n: number): string {
  return englandAndWales().addCalendarMonths(from, n);
}

// --- London time ---------------------------------------------------------------------------------

const LONDON = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** London wall-clock time of an instant, as if it were UTC, to whole seconds. */
function londonWallClock(instantMs: number): number {
  const fields: Record<string, number> = {};
  for (const part of LONDON.formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = fields;
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    throw new Error('Intl.DateTimeFormat gave no full date and time for Europe/London');
  }
  return utcMidnight(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000;
}

/** London's offset from UTC at an instant, in milliseconds (0 in GMT, 3,600,000 in BST). */
function londonOffset(instantMs: number): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return londonWallClock(wholeSecond) - wholeSecond;
}

/**
 * The instant of a London wall-clock time. Like Temporal's 'compatible' disambiguation: a time
 * repeated when the clocks go back is the earlier (BST) one; a time skipped when they go forward
 * is read with the GMT offset, i.e. moved an hour later.
 */
function londonWallToInstant(wallMs: number): number {
  // Offsets a day either side bracket any single clock change around this time.
  const offsetBefore = londonOffset(wallMs - DAY_MS);
  const offsetAfter = londonOffset(wallMs + DAY_MS);
  const candidates = [wallMs - offsetBefore, wallMs - offsetAfter].sort((a, b) => a - b);
  const exact = candidates.find((instant) => instant + londonOffset(instant) === wallMs);
  return exact ?? wallMs - offsetBefore;
}

/** The instant at which a London calendar day ends (23:59:59.999 Europe/London), ISO UTC. */
export function endOfLondonDay(date: string): string {
  return new Date(londonWallToInstant(parseDate(date) + DAY_MS - 1)).toISOString();
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The London calendar date of an instant. */
export function londonDateOf(instant: string | Date): string {
  let ms: number;
  if (instant instanceof Date) {
    ms = instant.getTime();
  } else {
    // Without an explicit offset, Date would read the string in the host's zone.
    const match = typeof instant === 'string' ? ISO_INSTANT.exec(instant) : null;
    if (!match) {
      throw new RangeError(
        `Invalid instant ${describe(instant)}: expected ISO date-time with Z or an offset, e.g. 2026-07-01T08:00:00Z`,
      );
    }
    parseDate(match[1], 'instant date');
    ms = Date.parse(instant as string);
  }
  if (Number.isNaN(ms)) throw new RangeError(`Invalid instant ${describe(instant)}`);
  return formatDate(Math.floor(londonWallClock(ms) / DAY_MS) * DAY_MS);
}

/** The instant of a London wall-clock time (HH:MM, 24-hour) on a date, ISO UTC. */
export function londonInstant(date: string, hhmm: string): string {
  const day = parseDate(date);
  const match = typeof hhmm === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm) : null;
  if (!match) throw new RangeError(`Invalid time ${describe(hhmm)}: expected HH:MM from 00:00 to 23:59`);
  const wallMs = day + (Number(match[1]) * 60 + Number(match[2])) * 60_000;
  return new Date(londonWallToInstant(wallMs)).toISOString();
}
