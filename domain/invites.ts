// What a calendar entry about a step is (domain/owners-told.ts keeps them; activities/invites.ts
// writes them as ICS): types only, so that the rulebook and the ledger can name them without
// importing each other.
import type { Recipient } from './roles';

/** The emails that tell the people a change concerns, as domain/owners-told.ts queues them. */
export type TellingKind =
  /** A step has become its owner's: told at once, with a calendar entry for its deadline day. */
  | 'step-opened'
  /** A step's deadline has moved: its calendar entry is moved too (same UID, higher SEQUENCE). */
  | 'deadline-moved'
  /** A step was done or is no longer required: its calendar entry is cancelled. */
  | 'step-closed'
  /** §4.6: the referrer's receipt, at the address on the form, with the case's reference. */
  | 'referral-acknowledged'
  /** §8: the reviewer commissioned for the LCSPR is told, at the directory's address for them. */
  | 'reviewer-commissioned'
  /** §6.2: the Rapid Review meeting's date, with a calendar entry for the panel (moved, cancelled). */
  | 'meeting-scheduled';

/** A deadline's calendar entry as sent: to whom, how often changed (SEQUENCE), for which deadline. */
export interface InviteState {
  to: Recipient[];
  sequence: number;
  dueAt: string;
  cancelled?: true;
}

/**
 * The calendar entry an email carries (RFC 5545): the same UID every time, SEQUENCE counting its
 * changes, METHOD:REQUEST to add or move it, METHOD:CANCEL to take it away.
 */
export interface CalendarInvite {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  /** The day the entry is on (YYYY-MM-DD, London): the deadline's date. */
  date: string;
  /** What the entry is called: the step in the rulebook's words, never personal data. */
  title: string;
}

/** Who is told of a step when it opens (the rulebook's noticePolicy gives one). */
export interface OwnerPolicy {
  /** Who is reminded of a step: its owner's mailbox (and any the rule adds). */
  remind(obligationId: string): Recipient[];
  /** A step somebody does: not one the system takes itself (sent, checked on arrival), nor a minimum period. */
  ownerTold(obligationId: string): boolean;
}
