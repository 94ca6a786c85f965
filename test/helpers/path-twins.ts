// What a case leaves behind, read so that two cases driven along the same path with the same
// values (one through the pages, one through the JSON API) can be compared: its register rows,
// its improvement actions' rows, and the emails the SMTP catcher received about it.
//
// Normalised, and only this, because it must differ between two cases:
//   - the case reference (each case has its own), written <ref>;
//   - the instants at which things were recorded during the run (a decision made "now", an email
//     or register row written by the worker), written <recorded>: any ISO instant between the
//     run's start and its end. Instants outside the run are kept exactly: the referral's receipt
//     (both cases are given the same), a time typed on the form (occurredAt), the deadlines;
//   - a register row's recordedAt, dropped (the moment the worker wrote it);
//   - a calendar entry's DTSTAMP, dropped (when it was written), its folded lines unfolded first
//     (RFC 5545 folds at 75 octets, so a reference may be split across two lines).
// Kept exactly: every date (both cases are driven on the same London day; a run across London
// midnight would differ), the action IDs (each case numbers its own from A01), who recorded what,
// every detail (rationales and other words, sealed in the register and opened here), every email's
// recipients, subject and text. A form that dropped or changed a value changes a row or an email.
import { actionLog } from '../../register/actions';
import type { DevStack } from './dev-stack';
import { TEST_KEY_RING } from './keys';

export interface RunWindow {
  from: number;
  to: number;
}

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})/g;

export function normalised(text: string, ref: string, run: RunWindow): string {
  return text.split(ref).join('<ref>').replace(ISO_INSTANT, (iso) => {
    const t = Date.parse(iso);
    return t >= run.from && t <= run.to ? '<recorded>' : iso;
  });
}

/** A calendar entry as text to compare: unfolded, without its DTSTAMP. */
function calendarTrace(calendar: { method: string | undefined; ics: string }): { method: string | undefined; ics: string } {
  const unfolded = calendar.ics.replace(/\r?\n[ \t]/g, '');
  return { method: calendar.method, ics: unfolded.split(/\r?\n/).filter((line) => !line.startsWith('DTSTAMP:')).join('\n') };
}

export interface CaseTrace {
  /** The decisions, in the order the register recorded them. */
  decisions: string[];
  /** Every register row, normalised, sorted (the worker's rows may interleave differently). */
  register: string[];
  /** The case's improvement actions as the action log holds them, free text opened. */
  actions: string[];
  /** Every email about the case, normalised, sorted. */
  emails: string[];
}

export async function traceOf(stack: DevStack, ref: string, run: RunWindow, today: string): Promise<CaseTrace> {
  const entries = await stack.cases.caseEntries(ref);
  const actions = await actionLog(stack.register, TEST_KEY_RING, { today, includeFreeText: true, status: 'all' });
  const about = (m: { subject: string; text: string }) => m.subject.includes(ref) || m.text.includes(ref);
  return {
    decisions: entries.filter((e) => e.kind.startsWith('decision:')).map((e) => e.kind),
    register: entries.map(({ recordedAt: _recordedAt, ...e }) => normalised(JSON.stringify(e), ref, run)).sort(),
    actions: actions.filter((a) => a.caseReference === ref).map((a) => normalised(JSON.stringify(a), ref, run)),
    emails: stack.smtp.messages
      .filter(about)
      .map(({ messageId: _messageId, calendar, ...m }) => normalised(JSON.stringify({ ...m, ...(calendar ? { calendar: calendarTrace(calendar) } : {}) }), ref, run))
      .sort(),
  };
}
