// The weekly digest: for each role's mailbox and each agency's action lead, what is overdue and what
// falls due in the next 10 working days, soonest first, from the register's projection of the
// cases (the case summaries) and of the improvement actions (the action log), never by asking
// each case. Pure: the register reads the rows, the activity sends what this plans.
//
// A digest says references, the steps in the procedure's words, dates and links, nothing else: no
// child, family member or staff member, no referring agency (a school's name can point at a
// child), no free text of an action. Deadlines count in working days as the procedure's "How to
// count" does (DSP 1.5): the partnership's calendar, bank holidays and closure days left out.
import type { EscalationLevel } from './action-snapshot';
import { endOfLondonDay, londonDateOf, type WorkingDayCalendar } from './calendar';
import type { Stage } from './case';
import { whoDoes } from './my-work';
import { agencyOfInstance, ruleIdOf } from './obligation-ids';
import { DEFAULT_RULEBOOK, rulebook, type ObligationRule } from './rulebook';
import type { Role } from './roles';

/** How far ahead a digest looks: "what falls due in the next 10 working days". */
export const DIGEST_WORKING_DAYS = 10;

/**
 * The roles that receive a digest: those with a partnership mailbox and steps of their own. The
 * referrer, the reviewer and an agency's action lead have no role mailbox (an agency's action lead
 * has the agency's digest); operations decide nothing in a case.
 */
export const DIGEST_ROLES = ['business-unit', 'ssp', 'rapid-review-chair', 'ld-chair'] as const satisfies readonly Role[];
export type DigestRole = (typeof DIGEST_ROLES)[number];

/** The calendar a digest counts with: the partnership's (domain/calendar.ts). */
export type DigestCalendar = Pick<WorkingDayCalendar, 'isWorkingDay' | 'addWorkingDays'>;

/** An open case as its summary in the register keeps it: what is still to be done, and when. */
export interface DigestCase {
  caseReference: string;
  rulebookVersion: string;
  stage: Stage;
  obligations: ReadonlyArray<{ id: string; status: 'open' | 'missed'; dueAt: string }>;
  /** Sign-in IDs of the reviewers commissioned on the case (§8): the reviewer's steps go to each. */
  reviewerIds?: readonly string[];
}

/** An open improvement action as the action log keeps it: its references, agency and deadline only. */
export interface DigestAction {
  caseReference: string;
  actionId: string;
  agency: string;
  /** The deadline in force (YYYY-MM-DD, London). */
  deadline: string;
  /** How far it has been escalated: anything but 'none' means its deadline was missed (§9.2, §16.2). */
  escalation: EscalationLevel;
  /** The rulebook of the action's case, where the register knows it. */
  rulebookVersion: string | null;
}

/** A role's mailbox, an agency's action lead, or a commissioned reviewer by sign-in ID (the directory's `people`). */
export type DigestRecipient = { role: DigestRole } | { agency: string } | { reviewer: string };

/** One line of a digest. */
export interface DigestItem {
  caseReference: string;
  /** An improvement action's reference: the item links to the action's page rather than the case's. */
  actionId?: string;
  obligationId: string;
  /** The step in the procedure's words: the rulebook's obligation. */
  step: string;
  section: string;
  /** Statute, or the partnership's local policy (the seed sets no limit). */
  statutory: boolean;
  /** The deadline: the end of its London day, and that day. */
  dueAt: string;
  dueDate: string;
  /** Recorded as missed (escalated) by the case or the action. */
  missed: boolean;
}

export interface Digest {
  recipient: DigestRecipient;
  /** Missed, or past its deadline: soonest first. */
  overdue: DigestItem[];
  /** Due from the digest's day to the last of the next 10 working days: soonest first. */
  dueSoon: DigestItem[];
}

export interface DigestPlan {
  /** The Monday of the digest's week (YYYY-MM-DD): one digest per recipient per week. */
  week: string;
  /** The London day the digest is for. */
  day: string;
  /** The instant the digest reads the register as of. */
  asOf: string;
  /** The last of the next 10 working days: the digest lists what falls due up to its end. */
  until: string;
  /** Each role's digest (always, so that a quiet week is seen to be quiet), then each agency's with something in it. */
  digests: Digest[];
}

const DAY_MS = 86_400_000;
const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The Monday of the week (Monday to Sunday) a London date falls in. */
export function weekOf(date: string): string {
  const ms = dayMs(date);
  if (Number.isNaN(ms)) throw new RangeError('weekOf: expected a date YYYY-MM-DD');
  const sinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return isoDay(ms - sinceMonday * DAY_MS);
}

/**
 * The week's digest day: its first working day (the Monday, or the Tuesday after a bank holiday
 * Monday, ...). Undefined for a week without one (the partnership closed Monday to Friday).
 */
export function digestDayOf(dateInWeek: string, calendar: DigestCalendar): string | undefined {
  const monday = weekOf(dateInWeek);
  for (let i = 0; i < 5; i += 1) {
    const day = isoDay(dayMs(monday) + i * DAY_MS);
    if (calendar.isWorkingDay(day)) return day;
  }
  return undefined;
}

/** Whether a London date is its week's digest day. */
export function isDigestDay(date: string, calendar: DigestCalendar): boolean {
  return digestDayOf(date, calendar) === date;
}

/** The last of the next 10 working days after `day` (day 0, as the procedure counts): the digest's horizon. */
export function digestUntil(day: string, calendar: DigestCalendar): string {
  return calendar.addWorkingDays(day, DIGEST_WORKING_DAYS);
}

function ruleOf(rulebookVersion: string, obligationId: string): ObligationRule | undefined {
  try {
    return rulebook(rulebookVersion).obligations[ruleIdOf(obligationId)];
  } catch {
    // A rulebook this code does not know: nothing to say of its steps.
    return undefined;
  }
}

const isDigestRole = (role: string): role is DigestRole => (DIGEST_ROLES as readonly string[]).includes(role);

/**
 * The mailboxes a case's step goes to: the roles that do it (domain/my-work.ts whoDoes: the roles
 * that record it, its owner) that have one. A step only people without a mailbox do (the referral
 * reaching the Business Unit, §4.5) goes to the mailbox the rulebook reminds. A minimum period or a
 * step the system takes itself falls to nobody.
 */
export function digestRolesFor(rulebookVersion: string, obligationId: string, stage: Stage): DigestRole[] {
  const doers = whoDoes(rulebookVersion, obligationId, stage);
  if (doers.length === 0) return [];
  const roles = doers.map((d) => d.role).filter(isDigestRole);
  if (roles.length > 0) return roles;
  const remind = ruleOf(rulebookVersion, obligationId)?.remind;
  return remind !== undefined && isDigestRole(remind) ? [remind] : [];
}

/** An improvement action's own step (§9.2, §16.2): the action completed by its deadline. */
const ACTION_DUE = 'action-due';

function itemOf(rule: ObligationRule, at: { caseReference: string; actionId?: string; dueAt: string; missed: boolean }): DigestItem {
  return {
    caseReference: at.caseReference,
    ...(at.actionId !== undefined ? { actionId: at.actionId } : {}),
    obligationId: rule.id,
    step: rule.obligation,
    section: rule.section,
    statutory: rule.statutory,
    dueAt: new Date(at.dueAt).toISOString(),
    dueDate: londonDateOf(at.dueAt),
    missed: at.missed,
  };
}

/** Soonest first; then by case, action and step, so that the order is stable. */
function soonestFirst(a: DigestItem, b: DigestItem): number {
  return (
    a.dueAt.localeCompare(b.dueAt) ||
    a.caseReference.localeCompare(b.caseReference) ||
    (a.actionId ?? '').localeCompare(b.actionId ?? '') ||
    a.obligationId.localeCompare(b.obligationId)
  );
}

const recipientKey = (r: DigestRecipient): string => ('role' in r ? `role:${r.role}` : 'agency' in r ? `agency:${r.agency}` : `reviewer:${r.reviewer}`);

export interface DigestInput {
  cases: readonly DigestCase[];
  actions: readonly DigestAction[];
  calendar: DigestCalendar;
  /** The instant the digest is as of (the schedule's time). */
  asOf: Date;
}

/**
 * Each recipient's digest as of `asOf`: the steps of open cases by the roles that do them, and
 * each agency's open improvement actions for its action lead. An item is overdue when missed or
 * past its deadline; otherwise it is listed when due by the end of the 10th working day after the
 * digest's day (that day being day 0, as the procedure counts), and left out when later.
 */
export function planDigests(input: DigestInput): DigestPlan {
  const asOf = input.asOf.toISOString();
  const day = londonDateOf(input.asOf);
  const until = digestUntil(day, input.calendar);
  const horizon = endOfLondonDay(until);
  const digests = new Map<string, Digest>(DIGEST_ROLES.map((role) => [recipientKey({ role }), { recipient: { role }, overdue: [], dueSoon: [] }]));

  const add = (recipient: DigestRecipient, item: DigestItem) => {
    const key = recipientKey(recipient);
    let digest = digests.get(key);
    if (!digest) digests.set(key, (digest = { recipient, overdue: [], dueSoon: [] }));
    if (item.missed || item.dueAt < asOf) digest.overdue.push(item);
    else if (item.dueAt <= horizon) digest.dueSoon.push(item);
  };
  // An item that is neither overdue nor due within the window goes nowhere, and makes no agency's digest.
  const listed = (item: DigestItem) => item.missed || item.dueAt <= horizon;

  for (const c of input.cases) {
    if (c.stage === 'closed') continue;
    for (const o of c.obligations) {
      const rule = ruleOf(c.rulebookVersion, o.id);
      if (!rule) continue;
      const item = itemOf(rule, { caseReference: c.caseReference, dueAt: o.dueAt, missed: o.status === 'missed' });
      if (!listed(item)) continue;
      // An agency's own step (§6.5: its return for the Rapid Review) goes to that agency, saying whose it is.
      const agency = agencyOfInstance(o.id);
      if (agency !== undefined) {
        add({ agency }, { ...item, obligationId: o.id, step: `${rule.obligation}: ${agency}` });
        continue;
      }
      for (const role of digestRolesFor(c.rulebookVersion, o.id, c.stage)) add({ role }, item);
      // §8: the reviewer's own steps (the draft report) go to each reviewer commissioned on the case.
      if (whoDoes(c.rulebookVersion, o.id, c.stage).some((d) => d.role === 'reviewer')) for (const reviewer of c.reviewerIds ?? []) add({ reviewer }, item);
    }
  }
  for (const a of input.actions) {
    const rule = ruleOf(a.rulebookVersion ?? DEFAULT_RULEBOOK, ACTION_DUE);
    if (!rule) continue;
    const item = itemOf(rule, { caseReference: a.caseReference, actionId: a.actionId, dueAt: endOfLondonDay(a.deadline), missed: a.escalation !== 'none' });
    if (listed(item)) add({ agency: a.agency }, item);
  }

  const ordered = [...digests.values()];
  for (const d of ordered) {
    d.overdue.sort(soonestFirst);
    d.dueSoon.sort(soonestFirst);
  }
  // Roles first, in their order; then agencies and reviewers by name.
  const others = ordered.filter((d) => !('role' in d.recipient)).sort((a, b) => recipientKey(a.recipient).localeCompare(recipientKey(b.recipient)));
  return { week: weekOf(day), day, asOf, until, digests: [...ordered.filter((d) => 'role' in d.recipient), ...others] };
}

/** The digest's once-only identity: one per recipient per week, however often the schedule fires. */
export function digestKey(week: string, recipient: DigestRecipient): string {
  return `digest:${week}:${recipientKey(recipient)}`;
}
