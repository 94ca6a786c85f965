// The example referral (fictitious test data: no real person), dated relative to a day: the day it
// is sent, so a case started from it on any day begins as a real one would, the referral made the
// day the referring agency became aware (§4.5), nothing late that is not explained. The form is
// config/example-referral.json (the tests' fixed one, dated March 2026) with every date moved by
// the same number of days, so that the referring agency became aware on the day given; a date
// that would then lie after that day (the form's submission, the agreement) is that day.
//
// `npm run -s example:referral` prints today's (London's day); the OpenAPI document's example is
// the same, built for the day it is served (api/openapi.ts).
import template from './example-referral.json';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** London's date now (YYYY-MM-DD). */
export function londonToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A date `days` after (before, if negative) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function moved(value: unknown, days: number, today: string): unknown {
  if (typeof value === 'string' && ISO_DATE.test(value)) {
    const date = addDays(value, days);
    return date > today ? today : date;
  }
  if (Array.isArray(value)) return value.map((v) => moved(v, days, today));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, moved(v, days, today)]));
  return value;
}

export type ExampleReferral = typeof template;

/** The example referral, the referring agency having become aware on `today` (default: London's date now). */
export function exampleReferral(today: string = londonToday()): ExampleReferral {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${template.referral.referrer.becameAwareDate}T00:00:00Z`)) / DAY_MS);
  return moved(template, days, today) as ExampleReferral;
}
