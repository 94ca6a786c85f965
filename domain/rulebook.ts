import type { ClockEvent } from './clocks';
import type { ObligationId } from './obligation-ids';
import type { NoticePolicy } from './obligations';
import type { OwnerPolicy } from './invites';
import { agencyRecipient, type AgencyContact, type Mailbox, type Recipient, type Role } from './roles';

/**
 * Who a rule names: a partnership mailbox, or a contact of the agency that owns the improvement
 * action (`agency-<contact>`, resolved per action from the partnership's directory).
 */
export type RuleRecipient = Mailbox | `agency-${AgencyContact}`;

/** The recipients a rule names, an agency's contacts resolved for the agency that owns the action. */
export function recipientsFor(names: readonly RuleRecipient[], agency: string | undefined): Recipient[] {
  return names.map((name) => {
    if (!name.startsWith('agency-')) return name as Mailbox;
    // Only an improvement action's rules name an agency's contacts: anywhere else it is a rulebook error.
    if (agency === undefined) throw new Error(`${name} is named outside an improvement action`);
    return agencyRecipient(agency, name.slice('agency-'.length) as AgencyContact);
  });
}

export { CLOCK_EVENTS, type ClockEvent } from './clocks';

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
}

// Reminder rhythms: a 1 WD limit needs same-day nudges, a 6-month limit needs weeks of notice.
const SAME_DAY: ReminderRule[] = [
  { workingDaysBefore: 0, at: '09:00' },
  { workingDaysBefore: 0, at: '14:00' },
];
const SHORT: ReminderRule[] = [
  { workingDaysBefore: 2, at: '09:00' },
  { workingDaysBefore: 0, at: '09:00' },
];
const MEDIUM: ReminderRule[] = [
  { workingDaysBefore: 5, at: '09:00' },
  { workingDaysBefore: 2, at: '09:00' },
  { workingDaysBefore: 0, at: '09:00' },
];
const LONG: ReminderRule[] = [
  { calendarMonthsBefore: 1, at: '09:00' },
  { workingDaysBefore: 10, at: '09:00' },
  { workingDaysBefore: 2, at: '09:00' },
];
const LOCAL_POLICY: ReminderRule[] = [{ workingDaysBefore: 0, at: '09:00' }];

function rules(list: ObligationRule[]): Record<string, ObligationRule> {
  return Object.fromEntries(list.map((rule) => [rule.id, rule]));
}

/**
 * The seed procedure: DSP 1.5 (July 2023), written under Working Together 2018. Ids are
 * the procedure's. The three action-* rows are watched by each improvement action's own workflow.
 */
export const DSP_1_5: Rulebook = {
  version: 'DSP-1.5',
  title: 'Serious Child Safeguarding Incident Notification and LCSPR Procedures, DSP 1.5 (July 2023)',
  obligations: rules([
    {
      id: 'referral-submitted',
      obligation: 'Referral form reaches the Business Unit',
      owner: 'referrer',
      remind: 'business-unit',
      clock: 'referrer-became-aware',
      limit: { kind: 'working-days-after', days: 1 },
      statutory: true,
      section: '§4.5',
      // Checked on arrival: by the time the case exists the referral has been submitted.
      reminders: [],
      escalateTo: ['business-manager'],
    },
    {
      id: 'ssp-informed',
      obligation: 'Business Unit informs the Statutory Safeguarding Partners',
      owner: 'business-unit',
      remind: 'business-unit',
      // §5.1: 1 WD from the LA becoming aware; §4.6: 1 WD from the referral's receipt. The earlier.
      clock: 'la-became-aware',
      orClock: 'referral-received',
      limit: { kind: 'working-days-after', days: 1 },
      statutory: true,
      section: '§4.6, §5.1',
      reminders: SAME_DAY,
      escalateTo: ['business-manager', 'director-childrens-services'],
    },
    {
      id: 'ssp-decision',
      obligation: 'SSP meet and decide whether the criteria for notification are met',
      owner: 'ssp',
      remind: 'ssp',
      clock: 'referral-received',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: true,
      section: '§4.6',
      reminders: SHORT,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'national-notification',
      obligation: 'LA notifies the Child Safeguarding Practice Review Panel (shared with Ofsted and DfE)',
      owner: 'business-unit',
      remind: 'business-unit',
      // §5.2: the clock runs from the LA's awareness whatever the SSP's pace, so the SSP are told
      // from the referral by when it must be made if they find the criteria met.
      alsoRemind: ['ssp'],
      clock: 'la-became-aware',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: true,
      section: '§3, §5.2',
      reminders: SHORT,
      escalateTo: ['director-childrens-services', 'business-manager'],
    },
    {
      id: 'looked-after-death-notification',
      obligation: 'LA notifies the Secretary of State (DfE) and Ofsted of the death of a looked-after child',
      owner: 'business-unit',
      remind: 'business-unit',
      clock: 'la-became-aware',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: true,
      section: '§5.3',
      reminders: SHORT,
      escalateTo: ['director-childrens-services', 'business-manager'],
    },
    {
      id: 'ld-informed',
      obligation: "Details of the referral and the decision's rationale shared with the L&D Chair",
      owner: 'business-unit',
      remind: 'business-unit',
      clock: 'ssp-decision',
      // Sent automatically at the decision; the limit only matters if sending keeps failing.
      limit: { kind: 'working-days-after', days: 1 },
      statutory: true,
      section: '§5.6, §10.1',
      reminders: [],
      escalateTo: ['business-manager'],
    },
    {
      id: 'referrer-feedback',
      obligation: 'Outcome fed back to the referrer',
      owner: 'business-unit',
      remind: 'business-unit',
      clock: 'ssp-decision',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: true,
      section: '§5.7',
      reminders: SHORT,
      escalateTo: ['business-manager'],
    },
    {
      id: 'csprp-acknowledgement',
      obligation: "The Panel's acknowledgement of the notification is received",
      owner: 'business-unit',
      remind: 'business-unit',
      clock: 'national-notification-sent',
      limit: { kind: 'working-days-after', days: 3 },
      statutory: false,
      section: '§6.2 (local policy: the seed sets no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['business-manager'],
    },
    {
      id: 'rapid-review-meeting',
      obligation: 'Rapid Review Panel meets',
      // The SSP convene it (§6.2); its chair records it and hears the reminders.
      owner: 'ssp',
      remind: 'rapid-review-chair',
      clock: 'csprp-acknowledgement',
      limit: { kind: 'working-days-after', days: 15 },
      target: { kind: 'working-days-after', days: 10 },
      targetFrom: { kind: 'working-days-after', days: 7 },
      statutory: true,
      section: '§6.2',
      reminders: MEDIUM,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'rapid-review-report',
      obligation: "SSP/Scrutineer's decision on the review reported to the Panel",
      owner: 'ssp',
      remind: 'ssp',
      clock: 'csprp-acknowledgement',
      limit: { kind: 'working-days-after', days: 15 },
      statutory: true,
      section: '§3, §6.10',
      reminders: MEDIUM,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'lcspr-publication',
      obligation: 'LCSPR completed and published',
      owner: 'ssp',
      remind: 'ssp',
      clock: 'lcspr-decision',
      limit: { kind: 'calendar-months-after', months: 6 },
      statutory: true,
      section: '§3, §15.5',
      reminders: LONG,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'report-to-panel',
      obligation: 'Full report (or learning and recommendations) sent to the Panel, the Secretary of State and Ofsted',
      owner: 'ssp',
      remind: 'ssp',
      clock: 'planned-publication',
      limit: { kind: 'working-days-before', days: 7 },
      statutory: true,
      section: '§14.7',
      reminders: SHORT,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'publication-kept',
      obligation: 'Published report stays publicly available',
      owner: 'ssp',
      remind: 'ssp',
      clock: 'publication',
      limit: { kind: 'calendar-months-after', months: 12 },
      statutory: true,
      minimumPeriod: true,
      section: '§14.4',
      reminders: [],
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    // Steps the seed gives no limit: reminders after a configurable number of working days,
    // this partnership's local policy (DSP 1.5, "Deadlines", last paragraph).
    {
      id: 'csprp-response',
      obligation: "The Panel's response to the Rapid Review is received",
      owner: 'business-unit',
      remind: 'business-unit',
      clock: 'rapid-review-reported',
      limit: { kind: 'working-days-after', days: 20 },
      statutory: false,
      section: '§6.11 (local policy: the seed sets no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['business-manager'],
    },
    {
      id: 'further-information',
      obligation: 'Further information the Panel asked for is sent to it',
      owner: 'business-unit',
      remind: 'business-unit',
      clock: 'csprp-response',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: false,
      section: '§6.11 (local policy: the seed sets no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['business-manager', 'independent-scrutineer'],
    },
    {
      id: 'reviewer-commissioned',
      obligation: 'Reviewer for the LCSPR commissioned',
      owner: 'ssp',
      remind: 'ssp',
      clock: 'lcspr-decision',
      limit: { kind: 'working-days-after', days: 20 },
      statutory: false,
      section: '§8.1, §8.7 (local policy: the seed sets no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'terms-of-reference',
      obligation: 'Governance Group agrees the LCSPR terms of reference',
      owner: 'rapid-review-chair',
      remind: 'rapid-review-chair',
      clock: 'lcspr-decision',
      limit: { kind: 'working-days-after', days: 30 },
      statutory: false,
      section: '§9.1 (local policy: the seed sets no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'publication-delay-explained',
      obligation: 'The Panel and the Secretary of State told the reason for the delayed publication',
      owner: 'ssp',
      remind: 'ssp',
      clock: 'publication-delayed',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: false,
      section: '§15.5 (local policy: the seed sets a duty but no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'non-publication-justified',
      obligation: 'Justification for not publishing sent to the Panel and the Secretary of State',
      owner: 'ssp',
      remind: 'ssp',
      clock: 'decision-not-to-publish',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: false,
      section: '§15.3 (local policy: the seed sets a duty but no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'ld-decision',
      obligation: 'L&D Group decides how the learning is explored (§10.6 outcome)',
      owner: 'ld-chair',
      remind: 'ld-chair',
      clock: 'learning-referred',
      limit: { kind: 'working-days-after', days: 20 },
      statutory: false,
      section: '§5.5, §10.6 (local policy: the seed sets no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['business-manager'],
    },
    {
      id: 'ld-decision-approval',
      obligation: "SSP approve the L&D Group's decision",
      owner: 'ssp',
      remind: 'ssp',
      clock: 'ld-decision',
      limit: { kind: 'working-days-after', days: 10 },
      statutory: false,
      section: '§10.7 (local policy: the seed sets no limit)',
      reminders: LOCAL_POLICY,
      escalateTo: ['independent-scrutineer', 'business-manager'],
    },
    {
      id: 'action-due',
      obligation: 'Improvement action completed',
      owner: 'action-owner',
      remind: 'agency-action-lead',
      clock: 'action-deadline',
      limit: { kind: 'on-the-date' },
      statutory: true,
      section: '§9.2, §16.2',
      reminders: LONG,
      // §16.2: the Chair of the L&D Group seeks an explanation from the agency.
      escalateTo: ['ld-chair', 'agency-action-lead'],
    },
    {
      id: 'action-escalation-head',
      obligation: "Outstanding action reported to the agency's Head of Service",
      owner: 'ld-chair',
      remind: 'ld-chair',
      // §9.2, §16.2: "three months beyond the specified deadline" (an extended one, once extended).
      clock: 'action-deadline',
      limit: { kind: 'calendar-months-after', months: 3 },
      statutory: true,
      trigger: true,
      section: '§9.2, §16.2',
      reminders: [],
      escalateTo: ['agency-head-of-service', 'ld-chair'],
    },
    {
      id: 'action-escalation-chief',
      obligation: "Outstanding action reported to the agency's Chief Officer",
      owner: 'ld-chair',
      remind: 'ld-chair',
      // §9.2, §16.2: "six months beyond the original deadline": an extension does not move it.
      clock: 'action-original-deadline',
      limit: { kind: 'calendar-months-after', months: 6 },
      statutory: true,
      trigger: true,
      section: '§9.2, §16.2',
      reminders: [],
      escalateTo: ['agency-chief-officer', 'ld-chair'],
    },
  ]),
};

export const RULEBOOKS: Readonly<Record<string, Rulebook>> = { [DSP_1_5.version]: DSP_1_5 };
export const DEFAULT_RULEBOOK = DSP_1_5.version;

export function rulebook(version: string): Rulebook {
  const found = RULEBOOKS[version];
  if (!found) throw new Error(`Unknown rulebook version ${version}`);
  return found;
}

export function obligationRule(version: string, id: string): ObligationRule {
  const found = rulebook(version).obligations[id];
  if (!found) throw new Error(`Rulebook ${version} has no obligation ${id}`);
  return found;
}

/** Who hears of each obligation; `agency`: the agency owning the improvement action, for an action's rules. */
export function noticePolicy(rulebookVersion: string, agency?: string): NoticePolicy & OwnerPolicy {
  return {
    // A step whose owner is reminded is somebody's to do: they are told when it opens. Steps the
    // system takes (checked on arrival, sent at the decision, the §9.2 escalation steps) and
    // minimum periods (§14.4) have no reminders.
    ownerTold: (id) => {
      const rule = obligationRule(rulebookVersion, id);
      return rule.reminders.length > 0 && rule.minimumPeriod !== true && rule.trigger !== true;
    },
    remind: (id) => {
      const rule = obligationRule(rulebookVersion, id);
      return recipientsFor([rule.remind, ...(rule.alsoRemind ?? [])], agency);
    },
    escalateTo: (id) => recipientsFor(obligationRule(rulebookVersion, id).escalateTo, agency),
    minimumPeriod: (id) => obligationRule(rulebookVersion, id).minimumPeriod === true,
    trigger: (id) => obligationRule(rulebookVersion, id).trigger === true,
  };
}
