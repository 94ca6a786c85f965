// The shape of a rulebook (docs/PROCEDURE.md): an obligation's clock, limit, owner, reminders
// and escalation as data, and the reminder rhythms the rulebooks share. A leaf beside the
// rulebooks themselves (domain/rulebook-dsp-1-5.ts, domain/rulebook-wt-2023.ts), so that they and
// the registry (domain/rulebook.ts) import it without a circle.
import type { ClockEvent } from './clocks';
import type { ObligationId } from './obligation-ids';
import type { AgencyContact, Mailbox, Role } from './roles';

/**
 * Who a rule names: a partnership mailbox, or a contact of the agency that owns the improvement
 * action (`agency-<contact>`, resolved per action from the partnership's directory).
 */
export type RuleRecipient = Mailbox | `agency-${AgencyContact}`;

export type LimitRule =
  /** "Within N WD of X": X is day 0, the deadline is the end of the Nth working day after it. */
  | { kind: 'working-days-after'; days: number }
  /** "At least N WD before Y": N working days back from Y's date, end of that day. */
  | { kind: 'working-days-before'; days: number }
  /** "N months from X": same day N months later (or the month's last day), end of that day. */
  | { kind: 'calendar-months-after'; months: number }
  /** The clock is itself the deadline: the date an action plan set for an action (§16.2). */
  | { kind: 'on-the-date' };

/** When to remind the owner, relative to the deadline's date, at a London wall-clock time. */
export type ReminderRule =
  | { workingDaysBefore: number; at: string }
  | { calendarMonthsBefore: number; at: string };

export interface ObligationRule {
  id: ObligationId;
  obligation: string;
  owner: Role;
  /** Mailbox that receives the reminders. */
  remind: RuleRecipient;
  /** Further mailboxes reminded (§5.2: the SSP hear of the notification's deadline too). */
  alsoRemind?: RuleRecipient[];
  clock: ClockEvent;
  /**
   * A second clock: the deadline is the earlier of the two counts (§4.6 and §5.1 count the same
   * 1 WD from the referral's receipt and from the LA becoming aware).
   */
  orClock?: ClockEvent;
  limit: LimitRule;
  /** An earlier target the procedure aims for (e.g. the Rapid Review's 7–10 WD): passing it warns. */
  target?: LimitRule;
  /** Where the target is a window (§6.2: 7–10 WD), its first day. */
  targetFrom?: LimitRule;
  /** false: the seed sets no limit; the reminder is this partnership's local policy, never statute. */
  statutory: boolean;
  /**
   * A minimum period rather than a deadline (§14.4: public for at least a year): reaching the
   * date meets it; ending it early (a decision) breaks it.
   */
  minimumPeriod?: boolean;
  /**
   * A step the system takes itself when its date has passed (§9.2: an action still outstanding
   * three months past its deadline is reported to the agency's Head of Service): the escalation
   * goes to the people named, and the step is recorded as taken.
   */
  trigger?: boolean;
  section: string;
  reminders: ReminderRule[];
  escalateTo: RuleRecipient[];
}

export interface Rulebook {
  version: string;
  title: string;
  obligations: Readonly<Record<string, ObligationRule>>;
  /**
   * Fields a decision must carry under this rulebook though its schema lets them out, by decision
   * (WT-2023: what a rapid review report covers). A decision without them is refused, naming each.
   */
  contentRequired?: Readonly<Record<string, readonly string[]>>;
  /**
   * What this rulebook changes from the one it was built from, in words, each with its source and
   * what the system does about it (docs/PROCEDURE.md shows them side by side).
   */
  differences?: readonly RulebookDifference[];
  /**
   * The rulebook's own words for the seed's, applied in order to what the system writes about a
   * case under it (emails, refusals, the pages' descriptions of decisions): never to what people typed.
   * Each is a regular expression (matched case-sensitively, whole words) and its replacement.
   */
  words?: ReadonlyArray<readonly [string, string]>;
}

export interface RulebookDifference {
  topic: string;
  /** What the earlier rulebook says (with its §), or "—" where it says nothing. */
  before: string;
  now: string;
  source: string;
  /** Where the system does it: the obligation, decision, page or setting. */
  inTheSystem: string;
}

// Reminder rhythms: a 1 WD limit needs same-day nudges, a 6-month limit needs weeks of notice.
export const SAME_DAY: ReminderRule[] = [
  { workingDaysBefore: 0, at: '09:00' },
  { workingDaysBefore: 0, at: '14:00' },
];
export const SHORT: ReminderRule[] = [
  { workingDaysBefore: 2, at: '09:00' },
  { workingDaysBefore: 0, at: '09:00' },
];
export const MEDIUM: ReminderRule[] = [
  { workingDaysBefore: 5, at: '09:00' },
  { workingDaysBefore: 2, at: '09:00' },
  { workingDaysBefore: 0, at: '09:00' },
];
export const LONG: ReminderRule[] = [
  { calendarMonthsBefore: 1, at: '09:00' },
  { workingDaysBefore: 10, at: '09:00' },
  { workingDaysBefore: 2, at: '09:00' },
];
export const LOCAL_POLICY: ReminderRule[] = [{ workingDaysBefore: 0, at: '09:00' }];

export function rules(list: ObligationRule[]): Record<string, ObligationRule> {
  return Object.fromEntries(list.map((rule) => [rule.id, rule]));
}

