// The notification pack (§5.2): every answer the DfE's online notification form asks for,
// prepared from the referral (Appendix 1) before anyone opens that form. The online form ("Report a
// serious child safeguarding incident", behind DfE Sign-in) has no API, saves no drafts and times
// out after 20 minutes of inactivity: the Business Unit copies each answer in the form's order, and
// knows beforehand what the referral does not say.
//
// What the online form asks, as far as public pages confirm it (GOV.UK "Report a serious child
// safeguarding incident" and the service's start page, childsafeguarding.education.gov.uk): ONE
// notification per incident; details of up to 4 children, other children in a further-information
// free text; the notifier's telephone number and email address; each child's name, age, health and
// geographical information; the incident's location and date (time if possible). Questions marked
// "from the referral, not confirmed against the live form" are kept because the referral holds
// them and the Panel's notification is where they belong, but no public page lists them.
//
// Pure: nothing here is logged, and nothing is made up. An answer the referral does not hold is
// `missing`, with what to do about it; it is never guessed.
import { govukDate } from './govuk-dates';
import type { ReferralChild, ReferralForm } from './referral-form';

/** The online form takes up to 4 children per notification; the others go in free text. */
export const CHILDREN_NAMED = 4;

/** One question of the online form, with its answer from the referral, or what to do to get it. */
export interface PackQuestion {
  /** Stable and free of personal data: the page's anchor ("child-2-date-of-birth"). */
  id: string;
  /** The part of the online form it belongs to ("The incident", "Child 1"). */
  group: string;
  question: string;
  /** The text to type or paste; null when the referral does not hold it. */
  answer: string | null;
  /** Why there is no answer and what to do ("not on the referral: ask the referrer for ..."). */
  missing?: string;
}

export interface NotificationPack {
  /** In the order the online form asks them, grouped. */
  questions: PackQuestion[];
  /** The questions with no answer, in the same order. */
  missing: PackQuestion[];
}

/** What the pack needs beyond the form: none of it is on the referral. */
export interface PackContext {
  /** The partnership's name (the partnership file's `name`). */
  partnershipName?: string | undefined;
  /** When the LA became aware (the case's `la-became-aware` clock, §5.2), an instant or a date. */
  laBecameAware?: string | undefined;
}

const date = (value: string) => govukDate(value).replace(/^[A-Za-z]+ /, '');
const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** Whole years from one calendar date (YYYY-MM-DD) to another, as a birthday counts them. */
export function yearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

class Questions {
  readonly list: PackQuestion[] = [];
  constructor(private readonly askWhom: string) {}

  answer(group: string, id: string, question: string, answer: string): void {
    this.list.push({ id, group, question, answer });
  }

  /** Not on the referral: ask the referring agency for `what`. */
  ask(group: string, id: string, question: string, what: string): void {
    this.missing(group, id, question, `not on the referral: ask the referrer (${this.askWhom}) for ${what}`);
  }

  missing(group: string, id: string, question: string, missing: string): void {
    this.list.push({ id, group, question, answer: null, missing });
  }
}

function notifier(q: Questions, form: ReferralForm, context: PackContext): void {
  const g = 'Who is notifying';
  // Confirmed: the start page asks for "your phone number and email address": the notifier's, the
  // local authority officer submitting the form, never the referrer's.
  q.missing(g, 'notifier-contact', 'Your telephone number and email address', 'not on the referral: your own work telephone number and email address, as the person submitting the notification (not the referrer’s)');
  // From the referral, not confirmed against the live form: DfE Sign-in ties the notifier to their
  // organisation; the partnership named is the one the notification is also reported to.
  if (context.partnershipName) q.answer(g, 'notifier-partnership', 'Safeguarding partnership', context.partnershipName);
  else q.missing(g, 'notifier-partnership', 'Safeguarding partnership', 'not configured: the partnership file has no name; give your safeguarding partnership’s name');
  // From the referral, not confirmed against the live form.
  const r = form.referrer;
  q.answer(g, 'notifier-referred-by', 'Referred by', `${r.fullName}, ${r.jobTitle}, ${r.organisation} (${r.email}, ${r.telephone}); referral dated ${date(r.dateSubmitted)}`);
}

/** "1 March 2026", or each child's when they differ. */
function perChild(children: readonly ReferralChild[], words: (c: ReferralChild) => string): string {
  const all = children.map(words);
  if (all.every((w) => w === all[0])) return all[0] ?? '';
  return all.map((w, i) => `Child ${i + 1}: ${w}`).join('; ');
}

const harm = (c: ReferralChild) => (c.incidentRelatesToDeath ? 'Death' : 'Serious harm');

function incident(q: Questions, form: ReferralForm, context: PackContext): void {
  const g = 'The incident';
  // Confirmed: "details of the incident, including location and date (time if possible)".
  q.answer(g, 'incident-date', 'Date of the incident', perChild(form.children, (c) => date(c.dateOfIncident)));
  q.ask(g, 'incident-location', 'Where the incident happened (and the time, if known)', 'where the incident happened and, if known, at what time');
  // Confirmed by the guidance (a child dies or is seriously harmed); the wording of the question is not.
  q.answer(g, 'incident-death-or-harm', 'Death or serious harm', perChild(form.children, harm));
  // From the referral, not confirmed against the live form: section 5's main cause and characteristics.
  const d = form.caseDetails;
  q.answer(g, 'incident-main-cause', 'Nature of the incident: main cause', d.mainCause === 'Other' && d.mainCauseOther ? `Other: ${d.mainCauseOther}` : d.mainCause);
  const characteristics = d.characteristics.map((c) => (c === 'Other' && d.characteristicsOther ? `Other: ${d.characteristicsOther}` : c));
  q.answer(g, 'incident-characteristics', 'Nature of the incident: characteristics of the case', characteristics.join('; '));
  const staff = form.children.flatMap((c, i) => (c.staffMemberConductInvolved ? [`Child ${i + 1}`] : []));
  q.answer(g, 'incident-staff-conduct', 'Does the incident involve the conduct of a member of staff', staff.length ? `Yes (${staff.join(', ')})` : 'No');
  // The 5 working days run from the LA's awareness (§3, §5.2): the case's clock, not the form's.
  if (context.laBecameAware) q.answer(g, 'incident-la-aware', 'Date the local authority became aware', date(context.laBecameAware));
  else q.missing(g, 'incident-la-aware', 'Date the local authority became aware', 'the case did not answer: read when the local authority became aware on the case page, or try again');
}

/** Section 2 of the referral, as the online form asks about each child it names. */
function child(q: Questions, c: ReferralChild, n: number): void {
  const g = `Child ${n}`;
  const id = (what: string) => `child-${n}-${what}`;
  q.answer(g, id('name'), 'Full name', c.fullName);
  // The online form takes an unborn child or an unknown date of birth; the referral requires a date,
  // so "unborn" can only come from the age the referrer wrote.
  if (!c.dateOfBirth) q.ask(g, id('date-of-birth'), 'Date of birth', `${g}’s date of birth (or that it is unknown, or the child is unborn)`);
  else q.answer(g, id('date-of-birth'), 'Date of birth', /^\s*unborn/i.test(c.ageAtIncident) ? `Unborn (the referral gives ${date(c.dateOfBirth)})` : date(c.dateOfBirth));
  q.answer(g, id('age'), 'Age at the time of the incident', c.ageAtIncident);
  q.answer(g, id('gender'), 'Gender', c.gender.charAt(0).toUpperCase() + c.gender.slice(1));
  if (c.ethnicity) q.answer(g, id('ethnicity'), 'Ethnicity', c.ethnicity);
  else q.ask(g, id('ethnicity'), 'Ethnicity', `${g}’s ethnicity`);
  // Confirmed: "geographical information" of each child.
  q.answer(g, id('address'), 'Home address', c.address);
  q.answer(g, id('postcode'), 'Postcode', c.postcode);
  // Confirmed: "health ... information" of each child. The referral has no such question.
  q.ask(g, id('health'), 'Health information', `${g}’s health needs or disability, if any`);
  q.answer(g, id('death-or-harm'), 'Did the child die or was the child seriously harmed', harm(c));
  if (!c.incidentRelatesToDeath) q.answer(g, id('date-of-death'), 'Date of death', 'Not applicable: the incident does not relate to the child’s death');
  else if (c.dateOfDeath) q.answer(g, id('date-of-death'), 'Date of death', date(c.dateOfDeath));
  else q.ask(g, id('date-of-death'), 'Date of death', `${g}’s date of death`);
  if (c.incidentRelatesToDeath) {
    if (c.causeOfDeath) q.answer(g, id('cause-of-death'), 'Cause of death', c.causeOfDeath);
    else q.ask(g, id('cause-of-death'), 'Cause of death', `${g}’s cause of death (or that it is not yet known)`);
  }
  // From the referral, not confirmed against the live form.
  q.answer(g, id('coroner'), 'Is a coroner involved', c.coronerInvolved === 'yes' && c.coronerDetails ? `Yes: ${c.coronerDetails}` : c.coronerInvolved.charAt(0).toUpperCase() + c.coronerInvolved.slice(1));
  // The issue asks for "looked-after or care leaver status" (Working Together 2023, chapter 5).
  q.answer(g, id('looked-after'), 'Was the child looked after by the local authority', yesNo(c.lookedAfter));
  careLeaver(q, c, g, id('care-leaver'));
}

/**
 * The referral has no care-leaver question. A care leaver is a young person of 16 or over who was
 * looked after (Children Act 1989, s23A-s24: eligible and relevant children are 16 or 17, former
 * relevant children 18 to 25), so a child under 16 at the incident cannot be one: "not applicable"
 * is then a fact of law, not a guess. From 16 the referral cannot say, and the pack asks.
 */
function careLeaver(q: Questions, c: ReferralChild, g: string, id: string): void {
  const question = 'Is the child a care leaver';
  if (c.dateOfBirth && c.dateOfIncident && yearsBetween(c.dateOfBirth, c.dateOfIncident) < 16) {
    q.answer(g, id, question, 'Not applicable: under 16 at the time of the incident');
  } else {
    q.ask(g, id, question, `whether ${g} is a care leaver (the referral does not ask)`);
  }
}

/** Children after the fourth: one line each, for the online form's further-information free text. */
function otherChildren(q: Questions, children: readonly ReferralChild[]): void {
  const g = 'Other children';
  const others = children.slice(CHILDREN_NAMED);
  const line = (c: ReferralChild, i: number) =>
    `Child ${CHILDREN_NAMED + i + 1}: ${c.fullName}, born ${c.dateOfBirth ? date(c.dateOfBirth) : 'date not given'}, aged ${c.ageAtIncident}, ${c.gender}, ${c.postcode}; ${harm(c).toLowerCase()}${c.dateOfDeath ? ` on ${date(c.dateOfDeath)}` : ''}; looked after: ${yesNo(c.lookedAfter).toLowerCase()}`;
  // Confirmed: "further information, including details of other children involved".
  q.answer(g, 'other-children', 'Further information: other children involved', others.length ? others.map(line).join('\n') : `None: the referral names ${children.length} ${children.length === 1 ? 'child' : 'children'}, all above`);
}

/** "Current, since 1 September 2025", "Past: 1 September 2025 to 15 January 2026", "No". */
function planWords(plan: { was: boolean; commenced?: string | undefined; ended?: string | undefined }): string {
  if (!plan.was) return 'No';
  if (!plan.commenced) return 'Yes (dates not given)';
  return plan.ended ? `Past: ${date(plan.commenced)} to ${date(plan.ended)}` : `Current: since ${date(plan.commenced)}`;
}

function siblingPlans(list: ReadonlyArray<{ name: string; commenced?: string | undefined; ended?: string | undefined }>): string {
  if (list.length === 0) return 'None listed on the referral';
  return list.map((s) => `${s.name}: ${planWords({ was: true, commenced: s.commenced, ended: s.ended })}`).join('\n');
}

// From the referral (section 6), not confirmed against the live form. Section 6 speaks of "the
// child": where the referral names several children it does not say which.
function socialCare(q: Questions, form: ReferralForm): void {
  const g = 'Social care involvement';
  const cp = form.childProtection;
  q.answer(g, 'known-to-social-care', 'Was the child known to children’s social care before the incident', yesNo(cp.knownToSocialCare));
  q.answer(g, 'child-protection-plan', 'Child protection plan (current or past, with dates)', planWords(cp.childProtectionPlan));
  q.answer(g, 'child-in-need-plan', 'Child in need plan (current or past, with dates)', planWords(cp.childInNeedPlan));
  q.answer(g, 'siblings-child-protection-plan', 'Siblings on a child protection plan', siblingPlans(cp.siblingsOnChildProtectionPlan));
  q.answer(g, 'siblings-child-in-need-plan', 'Siblings on a child in need plan', siblingPlans(cp.siblingsOnChildInNeedPlan));
}

// From the referral (section 7), not confirmed against the live form.
function agencies(q: Questions, form: ReferralForm): void {
  const when = (a: ReferralForm['otherAgencies'][number]) => {
    if (a.startDate && a.endDate) return `${date(a.startDate)} to ${date(a.endDate)}`;
    if (a.startDate) return `since ${date(a.startDate)}`;
    if (a.endDate) return `until ${date(a.endDate)}`;
    return 'dates not given';
  };
  const lines = form.otherAgencies.map((a) => `${a.organisation} (contact: ${a.fullName}): ${when(a)}`);
  q.answer('Agencies known to the family', 'agencies', 'Agencies involved with the child and family, with dates', lines.length ? lines.join('\n') : 'None listed on the referral');
}

function summary(q: Questions, form: ReferralForm): void {
  const g = 'Summary';
  // Confirmed: the guidance's "case outline free text box".
  q.answer(g, 'summary-incident', 'Case outline: summary of the incident', form.incidentDetails);
  // From the referral (section 9), not confirmed against the live form.
  if (form.whyMeetsCriteria) q.answer(g, 'summary-criteria', 'Why the incident meets the criteria for notification', form.whyMeetsCriteria);
  else q.ask(g, 'summary-criteria', 'Why the incident meets the criteria for notification', 'why the incident meets the criteria for notification (section 9 is blank: the referral came as a learning request)');
  // From the referral (section 12), not confirmed against the live form.
  const o = form.otherReviews;
  const reviews = o.reviews.map((r) => `${r.kind.charAt(0).toUpperCase() + r.kind.slice(1)}: ${r.details}`);
  q.answer(g, 'other-reviews', 'Other reviews or investigations pending or complete', reviews.length ? reviews.join('\n') : 'None known: the referrer is unaware of any other reviews');
}

/** The pack: every question in the online form's order, each with its answer or what to do. */
export function notificationPack(form: ReferralForm, context: PackContext = {}): NotificationPack {
  const q = new Questions(form.referrer.organisation);
  notifier(q, form, context);
  incident(q, form, context);
  form.children.slice(0, CHILDREN_NAMED).forEach((c, i) => child(q, c, i + 1));
  otherChildren(q, form.children);
  socialCare(q, form);
  agencies(q, form);
  summary(q, form);
  return { questions: q.list, missing: q.list.filter((x) => x.answer === null) };
}
