// The owner of every step is told when it becomes theirs, not only reminded days later, and that
// email carries a calendar entry for the deadline day. When the deadline moves, the entry moves
// (the same UID, SEQUENCE one higher); when the step is done or no longer required, the entry is
// cancelled (METHOD:CANCEL). One pass over a ledger after each change: what was sent is kept in
// each obligation's `invite`, so a pass that finds nothing new queues nothing, and a replay queues
// the same emails in the same order.
import type { CalendarInvite, OwnerPolicy } from './invites';
import { keyPrefix, queueNotice, type Ledger, type ObligationState } from './obligations';

export type { OwnerPolicy } from './invites';
import type { CaseState } from './case';
import { personRecipient, type Recipient } from './roles';

/**
 * The same UID for an obligation's round every time, naming only the case (and the action). An
 * agency's instance (§6.5, `rapid-review-return:<agency>`) is percent-encoded, so that its UID keeps
 * to letters, digits and . - % (the obligation IDs themselves are unchanged by it).
 */
export function inviteUid(ledger: Ledger, o: Pick<ObligationState, 'id' | 'round'>): string {
  return `${keyPrefix(ledger)}.${encodeURIComponent(o.id)}.${o.round}@ssi-procedure`;
}

function inviteFor(ledger: Ledger, o: ObligationState, sequence: number, method: CalendarInvite['method']): CalendarInvite {
  const what = ledger.action ? `Action ${ledger.action.actionId} of ${ledger.caseReference}` : ledger.caseReference;
  return { uid: inviteUid(ledger, o), sequence, method, date: o.deadline.dueDate, title: `Due: ${o.deadline.obligation} (${what})` };
}

/**
 * The step's first email. At the referral the receipt is already queued for the step (§4.6, §5.2):
 * it carries the entry rather than a second email saying the same.
 */
function tellFirst(ledger: Ledger, o: ObligationState, to: Recipient[], now: string): void {
  const invite = inviteFor(ledger, o, 0, 'REQUEST');
  const receipt = ledger.outbox.notices.find((n) => n.kind === 'referral-received' && n.obligationId === o.id && n.round === o.round && !n.invite);
  if (receipt && receipt.kind === 'referral-received') {
    receipt.invite = invite;
    o.invite = { to: receipt.to, sequence: 0, dueAt: o.deadline.dueAt };
    return;
  }
  o.invite = { to, sequence: 0, dueAt: o.deadline.dueAt };
  queueNotice(ledger, 'step-opened', o, to, `${now}#0`, { invite });
}

/** A step already told: its entry moved with its deadline, or cancelled once it is settled. */
function follow(ledger: Ledger, o: ObligationState, now: string): void {
  const told = o.invite;
  if (!told || told.cancelled) return;
  const settled = o.status === 'met' || o.status === 'met-late' || o.status === 'withdrawn' || o.status === 'broken';
  if (settled) {
    told.sequence += 1;
    told.cancelled = true;
    queueNotice(ledger, 'step-closed', o, told.to, `${now}#${told.sequence}`, { invite: inviteFor(ledger, o, told.sequence, 'CANCEL'), outcome: o.status });
    return;
  }
  // Missed keeps its entry: the day it was due is still the day it was due.
  if (o.deadline.dueAt === told.dueAt) return;
  told.sequence += 1;
  told.dueAt = o.deadline.dueAt;
  queueNotice(ledger, 'deadline-moved', o, told.to, `${now}#${told.sequence}`, { invite: inviteFor(ledger, o, told.sequence, 'REQUEST') });
}

/** After a change: each step that became someone's is told, each told step's entry kept true. */
export function tellOwners(ledger: Ledger, policy: OwnerPolicy, now: string): void {
  // A round replaced by the next (a loop back, §6.9) is settled: its entry goes.
  for (const o of ledger.pastRounds) follow(ledger, o, now);
  for (const o of Object.values(ledger.obligations)) {
    if (o.invite) follow(ledger, o, now);
    else if (o.status === 'open' && policy.ownerTold(o.id)) tellFirst(ledger, o, policy.remind(o.id), now);
  }
}

/**
 * The people of a case who are not partnership mailboxes, told once each: the referrer, at the
 * address on the form, that the referral was received and under which reference (§4.6), and each
 * reviewer commissioned for the LCSPR, at the directory's address for their sign-in ID (§8).
 */
export function tellParticipants(state: CaseState, now: string): void {
  const informed = state.obligations['ssp-informed'];
  if (!state.referrerTold && informed) {
    state.referrerTold = true;
    queueNotice(state, 'referral-acknowledged', informed, ['referrer'], state.receivedAt);
  }
  const publication = state.obligations['lcspr-publication'];
  if (!publication) return;
  for (const id of state.facts.reviewerIds ?? []) {
    if (state.reviewersTold?.includes(id)) continue;
    (state.reviewersTold ??= []).push(id);
    queueNotice(state, 'reviewer-commissioned', publication, [personRecipient(id)], `${now}#${state.reviewersTold.length}`);
  }
}

/** The panel the Rapid Review meeting's entry goes to: its chair, the partners, the Business Unit that arranges it (§6.2). */
export const MEETING_PANEL: readonly Recipient[] = ['rapid-review-chair', 'ssp', 'business-unit'];

/** The date the Rapid Review meeting was last recorded as set for (rapid-review-scheduled, §6.2). */
function meetingDateOf(state: CaseState): string | undefined {
  const scheduled = state.timeline.filter((t) => t.kind === 'decision:rapid-review-scheduled').at(-1);
  const date = scheduled?.detail?.meetingDate;
  return typeof date === 'string' ? date : undefined;
}

/**
 * §6.2: the Rapid Review meeting recorded as scheduled sends the panel an entry for its day; set
 * again for another day, the entry moves; the meeting no longer required (the step withdrawn), it
 * is cancelled. A meeting held keeps its entry.
 */
export function tellMeetingPanel(state: CaseState, now: string): void {
  const o = state.obligations['rapid-review-meeting'];
  if (!o) return;
  const sent = state.meetingInvite?.round === o.round ? state.meetingInvite : undefined;
  const date = meetingDateOf(state);
  const invite = (sequence: number, method: CalendarInvite['method'], on: string): CalendarInvite => ({
    uid: `${state.caseReference}.rapid-review-meeting.${o.round}.meeting@ssi-procedure`,
    sequence,
    method,
    date: on,
    title: `Rapid Review meeting (${state.caseReference})`,
  });
  if (!sent) {
    if (o.status !== 'open' && o.status !== 'missed') return;
    if (!date) return;
    state.meetingInvite = { to: [...MEETING_PANEL], sequence: 0, dueAt: o.deadline.dueAt, date, round: o.round };
    queueNotice(state, 'meeting-scheduled', o, [...MEETING_PANEL], `${now}#0`, { invite: invite(0, 'REQUEST', date) });
    return;
  }
  if (sent.cancelled) return;
  if (o.status === 'withdrawn' || o.status === 'broken') {
    sent.sequence += 1;
    sent.cancelled = true;
    queueNotice(state, 'step-closed', o, sent.to, `${now}#meeting-${sent.sequence}`, { invite: invite(sent.sequence, 'CANCEL', sent.date), outcome: o.status });
    return;
  }
  if (o.status !== 'open' && o.status !== 'missed') return;
  if (date && date !== sent.date) {
    sent.sequence += 1;
    sent.date = date;
    queueNotice(state, 'meeting-scheduled', o, sent.to, `${now}#${sent.sequence}`, { invite: invite(sent.sequence, 'REQUEST', date) });
  }
}
