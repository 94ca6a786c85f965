// The calendar entry an email carries (RFC 5545, written by the `ics` library): an all-day event on
// the deadline's date, so the step sits in its owner's calendar on the day it is due. The same UID
// comes again with a higher SEQUENCE when the deadline moves, and with METHOD:CANCEL when the step is
// done or no longer required. Like the email, it names the case by its reference only: the step in
// the rulebook's words, the deadline, a link to the page behind sign-in.
import { createEvent, type DateArray, type EventAttributes } from 'ics';
import addressparser from 'nodemailer/lib/addressparser';
import type { CalendarInvite } from '../domain/obligations';

export interface InviteContext {
  /** The sender (MAIL_FROM): the entry's organiser. */
  mailFrom: string;
  /** Where the recipients are (the resolved addresses): the entry's attendees. */
  to: readonly string[];
  /** What the entry says besides its title: when and how, never personal data. */
  description: string;
  /** The page where the step is done. */
  url: string;
  /** When the entry was written (DTSTAMP). */
  now: Date;
}

function dateArray(date: string): DateArray {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

/** The day after `date` (an all-day event ends, exclusive, at the start of the next day). */
function nextDay(date: string): DateArray {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
}

function utcArray(at: Date): DateArray {
  return [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes()];
}

/** The ICS text of an invite, or an Error when the library refuses its attributes (a bug: refused loudly). */
export function inviteIcs(invite: CalendarInvite, context: InviteContext): string {
  const organizer = addressparser(context.mailFrom).find((a): a is { name: string; address: string } => 'address' in a && Boolean(a.address));
  const attributes: EventAttributes = {
    productId: 'ssi-procedure',
    method: invite.method,
    uid: invite.uid,
    sequence: invite.sequence,
    status: invite.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    start: dateArray(invite.date),
    end: nextDay(invite.date),
    title: invite.title,
    description: context.description,
    url: context.url,
    // A deadline is not a meeting: it does not block the day.
    busyStatus: 'FREE',
    transp: 'TRANSPARENT',
    ...(organizer ? { organizer: { name: organizer.name || organizer.address, email: organizer.address } } : {}),
    attendees: context.to.map((email) => ({ email, name: email, rsvp: false, role: 'REQ-PARTICIPANT' as const })),
  };
  // DTSTAMP from the activity's clock, so a test that pins the clock gets the same entry every time
  // (the library takes it, though its types do not say so).
  const { error, value } = createEvent({ ...attributes, timestamp: utcArray(context.now) } as EventAttributes);
  if (error || !value) throw new Error(`calendar entry ${invite.uid} could not be written: ${error?.message ?? 'no value'}`);
  return value;
}
