// What a person types into a GOV.UK form, read into what the case service takes: a date from its
// day, month and year boxes, a time of day in London, an instant from both. Each refusal is the
// GOV.UK Design System's wording for the pattern ("Date of birth must include a month", "must be a
// real date"), naming the field by its label and never repeating what was typed.
import { londonDateOf, londonInstant } from '../../domain/calendar';

export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

/** A field's label as the start of a sentence: "the date of birth" → "The date of birth". */
function sentence(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

const trimmed = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/**
 * A date from a GOV.UK date input's three boxes (YYYY-MM-DD), undefined when all three are empty.
 * Months may be typed as words ("jan", "January") as the pattern's guidance allows.
 */
export function dateFromParts(label: string, parts: { day?: unknown; month?: unknown; year?: unknown }): Read<string | undefined> {
  const day = trimmed(parts.day);
  const month = monthNumber(trimmed(parts.month));
  const year = trimmed(parts.year);
  if (!day && !trimmed(parts.month) && !year) return { ok: true, value: undefined };
  const missing = [!day && 'a day', !trimmed(parts.month) && 'a month', !year && 'a year'].filter(Boolean) as string[];
  if (missing.length > 0) return { ok: false, message: `${sentence(label)} must include ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(day) || month === undefined || !/^\d{4}$/.test(year)) {
    return { ok: false, message: `${sentence(label)} must be a real date, for example 27 3 2026` };
  }
  const d = Number(day);
  const last = new Date(Date.UTC(Number(year), month, 0)).getUTCDate();
  if (d < 1 || d > last) return { ok: false, message: `${sentence(label)} must be a real date, for example 27 3 2026` };
  return { ok: true, value: `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function monthNumber(text: string): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 12 ? n : undefined;
  }
  const word = text.toLowerCase();
  if (word.length < 3) return undefined;
  const index = MONTHS.findIndex((m) => m.startsWith(word));
  return index >= 0 ? index + 1 : undefined;
}

/**
 * A time of day as people write it (9:30, 09:30, 9.30am, 2pm, 14:00, midday, midnight), as HH:MM
 * on the 24-hour clock; undefined when empty.
 */
export function timeOfDay(label: string, value: unknown): Read<string | undefined> {
  const text = trimmed(value).toLowerCase().replace(/\s+/g, '');
  if (!text) return { ok: true, value: undefined };
  if (text === 'midday' || text === 'noon') return { ok: true, value: '12:00' };
  if (text === 'midnight') return { ok: true, value: '00:00' };
  const m = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(text);
  const wrong: Read<string | undefined> = { ok: false, message: `${sentence(label)} must be a real time, for example 9:30am or 14:30` };
  if (!m) return wrong;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? '0');
  if (minute > 59) return wrong;
  if (m[3]) {
    if (hour < 1 || hour > 12) return wrong;
    hour = (hour % 12) + (m[3] === 'pm' ? 12 : 0);
  } else if (hour > 23 || m[2] === undefined) {
    // "14" alone could be a day as easily as an hour: a 24-hour time has its minutes.
    return wrong;
  }
  return { ok: true, value: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

/**
 * An instant from a London date and time of day, ISO UTC. The server converts, whatever the
 * browser's zone: a time the clocks skipped (the spring change) is refused; a time the autumn
 * change repeats is read as its first occurrence (British Summer Time).
 */
export function londonInstantFrom(label: string, date: string, time: string): Read<string> {
  const instant = londonInstant(date, time);
  // The instant read back in London must be the date and time typed: if not, it never existed.
  const back = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(instant));
  if (londonDateOf(instant) !== date || back !== time) {
    return { ok: false, message: `${sentence(label)} did not happen in London: the clocks went forward an hour then. Enter the time as the clocks showed it` };
  }
  return { ok: true, value: instant };
}

/** The three boxes of a date input, filled from a YYYY-MM-DD date (to show a form again). */
export function partsOfDate(date: string | undefined): { day: string; month: string; year: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1]! } : { day: '', month: '', year: '' };
}
