// The one parser for the instants and dates people send. Whatever passes it can be counted from
// by every later step (deadline arithmetic, London dates, the register) without throwing: an
// input that a later step could not read would stall the case instead of being refused here.
import { z } from 'zod';

/** An ISO date-time with Z or an explicit offset; at most millisecond precision is kept. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The span a case's dates can sensibly fall in: nothing before the procedure, nothing far ahead. */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2099-12-31';

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= last;
}

/** A normalised instant (ISO UTC, milliseconds), or why the text is not one. */
export function parseInstant(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const m = ISO_INSTANT.exec(text);
  if (!m) return { ok: false, message: 'must be a date and time with its time zone, like 2026-07-01T09:30:00+01:00 or 2026-07-01T08:30:00Z (a T between date and time; Z for UTC)' };
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return { ok: false, message: 'is not a real calendar date: check the day and month, like 2026-07-01T08:30:00Z' };
  // Date.parse reads at most millisecond precision reliably: cut the fraction to 3 digits first.
  const fraction = m[7] ? `.${m[7].slice(0, 3).padEnd(3, '0')}` : '';
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${fraction}${m[8]}`);
  if (!Number.isFinite(ms)) return { ok: false, message: 'is not a real date and time, like 2026-07-01T08:30:00Z' };
  const value = new Date(ms).toISOString();
  if (value.slice(0, 10) < EARLIEST_DATE || value.slice(0, 10) > LATEST_DATE) {
    return { ok: false, message: `must lie between ${EARLIEST_DATE} and ${LATEST_DATE}` };
  }
  return { ok: true, value };
}

/** A calendar date (YYYY-MM-DD) in the sane range, or why not. */
export function parseDate(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const m = ISO_DATE.exec(text);
  if (!m) return { ok: false, message: 'must be a date written YYYY-MM-DD, like 2026-07-01' };
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return { ok: false, message: 'is not a real calendar date: check the day and month, like 2026-07-01' };
  if (text < EARLIEST_DATE || text > LATEST_DATE) return { ok: false, message: `must lie between ${EARLIEST_DATE} and ${LATEST_DATE}` };
  return { ok: true, value: text };
}

// Built where they are used, never kept: a workflow's modules are shared and frozen (workers/incident-worker.ts).
function fromParser(parse: (text: string) => { ok: true; value: string } | { ok: false; message: string }) {
  return z.string().transform((text, ctx) => {
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });
}

/** An instant, normalised to ISO UTC with milliseconds. */
export const instantSchema = () => fromParser(parseInstant);
/** A calendar date YYYY-MM-DD. */
export const dateSchema = () => fromParser(parseDate);
/** A date, or an instant (normalised): a corrected clock may be either. */
export const dateOrInstantSchema = () =>
  fromParser((text) => (ISO_DATE.test(text) ? parseDate(text) : parseInstant(text)));
