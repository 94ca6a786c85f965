// The owner of every step is told when it becomes theirs, not only reminded days later, and that
// email carries a calendar entry for the deadline day. When the deadline moves, the entry moves
// (the same UID, SEQUENCE one higher); when the step is done or no longer required, the entry is
// cancelled (METHOD:CANCEL). One pass over a ledger after each change: what was sent is kept in
// each obligation's `invite`, so a pass that finds nothing new queues nothing, and a replay queues
// the same emails in the same order.
import { keyPrefix, queueNotice, type CalendarInvite, type Ledger, type ObligationState } from './obligations';
import type { Recipient } from './roles';

export interface OwnerPolicy {
  /** Who is reminded of a step: its owner's mailbox (and any the rule adds). */
  remind(obligationId: string): Recipient[];
  /** A step somebody does: not one the system takes itself (sent, checked on arrival), nor a minimum period. */
  ownerTold(obligationId: string): boolean;
}

/** The same UID for an obligation's round every time, naming only the case (and the action). */
export function inviteUid(ledger: Ledger, o: Pick<ObligationState, 'id' | 'round'>): string {
  return `${keyPrefix(ledger)}.${o.id}.${o.round}@ssi-procedure`;
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
