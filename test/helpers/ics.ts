// Calendar entries read back by an independent parser (ical.js, not the `ics` library that writes
// them): what a calendar program would see of an invite.
import ICAL from 'ical.js';

export interface ParsedInvite {
  method: string | undefined;
  uid: string;
  sequence: number;
  /** DTSTART as a date (YYYY-MM-DD); `allDay` says it was written as a DATE, not a time. */
  start: string;
  allDay: boolean;
  end: string;
  status: string | undefined;
  summary: string;
  description: string;
  url: string | undefined;
  attendees: string[];
  organizer: string | undefined;
}

export function parseInvite(ics: string): ParsedInvite {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = calendar.getAllSubcomponents('vevent');
  if (events.length !== 1) throw new Error(`expected one VEVENT, found ${events.length}`);
  const vevent = events[0]!;
  const event = new ICAL.Event(vevent);
  const text = (name: string): string | undefined => {
    const value = vevent.getFirstPropertyValue(name);
    return value === null || value === undefined ? undefined : String(value);
  };
  return {
    method: (calendar.getFirstPropertyValue('method') as string | null) ?? undefined,
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toString().slice(0, 10),
    allDay: event.startDate.isDate,
    end: event.endDate.toString().slice(0, 10),
    status: text('status'),
    summary: event.summary,
    description: event.description,
    url: text('url'),
    attendees: vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).replace(/^mailto:/i, '')),
    organizer: text('organizer')?.replace(/^mailto:/i, ''),
  };
}
