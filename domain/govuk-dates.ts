// Dates and times as the GOV.UK style guide writes them, in the partnership's time zone:
// "Wednesday 30 December 2026", "11:59pm on Wednesday 30 December 2026", "9am", "midday".
// Every deadline ends at 23:59:59.999 London time (domain/calendar.ts endOfLondonDay), which reads
// as 11:59pm: the style guide's "midnight" would leave a reader unsure which day is meant.
// Pure, so the pages (web/format.ts re-exports it) and the emails (activities/) say a deadline in
// the same words.

const LONDON = 'Europe/London';

const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const timeParts = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' });

/** "Wednesday 30 December 2026" for a calendar date (YYYY-MM-DD) or an instant. */
export function govukDate(value: string | undefined | null): string {
  if (!value) return '';
  // A calendar date is read at London's midday, so the zone can never move it to another day.
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return '';
  return dateFormat.format(ms).replace(',', '');
}

/** "11:59pm", "9am", "midday", "12:30am" for an instant, in London. */
export function govukTime(value: string | undefined | null): string {
  if (!value) return '';
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return '';
  const parts = Object.fromEntries(timeParts.formatToParts(ms).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour);
  const minute = parts.minute ?? '00';
  if (hour === 12 && minute === '00') return 'midday';
  const suffix = hour < 12 ? 'am' : 'pm';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return minute === '00' ? `${h12}${suffix}` : `${h12}:${minute}${suffix}`;
}

/** "11:59pm on Wednesday 30 December 2026". */
export function govukDateTime(value: string | undefined | null): string {
  if (!value) return '';
  return `${govukTime(value)} on ${govukDate(value)}`;
}

/** "1 working day", "3 working days". */
export function workingDays(n: number): string {
  return `${n} working day${n === 1 ? '' : 's'}`;
}

/** What a deadline was counted from, as the rulebook and the calendar gave it. */
export interface DeadlineCounting {
  rule: string;
  clock: { date: string };
  skipped: ReadonlyArray<{ date: string; reason: string; name?: string | undefined }>;
  section: string;
  statutory: boolean;
}

/**
 * How a deadline was counted, in the words of the case page: the rule, the clock's day, the days
 * not counted (DSP 1.5, "How to count"), the § and whether it is statute or local policy.
 */
export function countedWords(e: DeadlineCounting): string {
  const skipped = e.skipped.length ? ` Days not counted: ${e.skipped.map((d) => `${govukDate(d.date)} (${d.name ?? d.reason})`).join(', ')}.` : '';
  return `${e.rule}, from ${govukDate(e.clock.date)}.${skipped} ${e.section}, ${e.statutory ? 'statutory' : 'local policy'}.`;
}
