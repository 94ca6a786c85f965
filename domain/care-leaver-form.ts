/**
 * The notification of a care leaver's death (Working Together 2023, chapter 5): the local
 * authority notifies the Secretary of State (DfE) and Ofsted of the death of a care leaver up to
 * and including the age of 24. No rapid review and no LCSPR follow from it; if abuse or neglect is
 * suspected, the serious incident referral is made as well (domain/referral-form.ts).
 *
 * Special-category personal data, as the referral form is: every message names the field and the
 * rule it breaks, never the value sent, and unknown keys are refused (strict objects).
 */
import { z } from 'zod';
import { field } from './fields';
import { CORONER_INVOLVED, GENDERS, isMissing, isoDate, TELEPHONE, text, yesNo } from './referral-form';

/** WT 2023 ch. 5: a care leaver's death is notified up to and including this age. */
export const CARE_LEAVER_OLDEST_AGE = 24;

const NAME_MAX = 200;
const TEXT_MAX = 2_000;
const NARRATIVE_MAX = 10_000;

// The field builders are the referral form's: every message names the field, none repeats the value.

function oneOf<const T extends readonly [string, ...string[]]>(label: string, options: T) {
  return z.enum(options, { error: (iss) => (isMissing(iss) ? `${label} is required` : `${label} must be one of: ${options.join(', ')}`) });
}

function part<S extends z.core.$ZodLooseShape>(label: string, shape: S) {
  return z.strictObject(shape, {
    error: (iss) => {
      // Key names are the caller's field names, never values: naming them shows the typo.
      if (iss.code === 'unrecognized_keys') return `${label} has unknown field(s): ${iss.keys.join(', ')}`;
      return isMissing(iss) ? `${label} is required` : `${label} must be an object`;
    },
  });
}

/** Who notifies: the person at the local authority completing the form. */
const notifierSchema = part('Who notifies', {
  fullName: field(text('Your full name', NAME_MAX), 'person-name', 'the name of the person notifying'),
  jobTitle: field(text('Your job title', NAME_MAX), 'free-text', 'their job title'),
  organisation: field(text('Your organisation', NAME_MAX), 'free-text', 'the organisation they notify for (the local authority)'),
  email: field(
    z.email({ error: (iss) => (isMissing(iss) ? 'Your email address is required' : 'Your email address must be a valid email address') }).max(254, 'Your email address must be at most 254 characters'),
    'free-text',
    'where the Business Unit can reach them',
  ),
  telephone: field(
    text('Your telephone number', 30).regex(TELEPHONE, 'Your telephone number must contain only digits, spaces, brackets, hyphens and a leading +'),
    'free-text',
    'a telephone number they can be reached on',
  ),
});

const careLeaverSchema = part('The care leaver', {
  fullName: field(text("The care leaver's full name", NAME_MAX), 'person-name', "the care leaver's full name"),
  dateOfBirth: field(isoDate("The care leaver's date of birth"), 'date-done', "the care leaver's date of birth"),
  gender: field(oneOf("The care leaver's gender", GENDERS), 'choice', "the care leaver's gender"),
  ethnicity: field(text("The care leaver's ethnicity", 100), 'free-text', "the care leaver's ethnicity, as recorded"),
  lastKnownAddress: field(text("The care leaver's last known address", 500), 'free-text', "the care leaver's last known address"),
  dateOfDeath: field(isoDate('The date of death'), 'date-done', 'the date the care leaver died'),
  placeAndCircumstances: field(text('Where and how they died, as far as is known', NARRATIVE_MAX), 'free-text', 'the place and circumstances of the death, as far as they are known'),
  causeOfDeath: field(text('The cause of death', TEXT_MAX), 'free-text', 'the cause of death, if it is known').optional(),
  coronerInvolved: field(oneOf('Is a coroner involved', CORONER_INVOLVED), 'choice', 'whether a coroner is involved'),
});

/** What the notification says: the form's fields and what each is for. */
export const careLeaverFormSchema = z.strictObject({
  notifier: notifierSchema,
  /** WT 2023 ch. 5: the 5 working days count from the day the local authority became aware. */
  laBecameAwareDate: field(isoDate('The date the local authority became aware of the death'), 'date-done', 'the date the local authority became aware of the death: the 5 working days count from it'),
  careLeaver: careLeaverSchema,
  lookedAfterBy: field(text('The local authority that looked after them', NAME_MAX), 'free-text', 'the local authority that looked after the care leaver'),
  hadPersonalAdviser: field(yesNo('Did they have a personal adviser'), 'flag', 'whether the care leaver had a personal adviser'),
  hadPathwayPlan: field(yesNo('Did they have a pathway plan'), 'flag', 'whether the care leaver had a pathway plan'),
  /** If yes, the serious incident referral is made as well (WT 2023 ch. 5). */
  abuseOrNeglectSuspected: field(yesNo('Is abuse or neglect suspected'), 'flag', 'whether abuse or neglect is suspected: if so, a serious incident referral is also needed'),
});
export type CareLeaverForm = z.infer<typeof careLeaverFormSchema>;

/** Whole years from a date of birth to a date, both YYYY-MM-DD: a birthday is reached on its day (29 February's on 1 March). */
export function ageOn(dateOfBirth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return date.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

export interface FormProblem {
  /** The field, as a dotted path: `careLeaver.dateOfDeath`. */
  path: string;
  message: string;
}

/** What the form's dates say about each other and about today (London's date): nothing in the future, no death before birth, the age. */
export function careLeaverDateProblems(form: CareLeaverForm, today: string): FormProblem[] {
  const problems: FormProblem[] = [];
  const { dateOfBirth, dateOfDeath } = form.careLeaver;
  if (dateOfBirth > today) problems.push({ path: 'careLeaver.dateOfBirth', message: 'The date of birth must be today or in the past' });
  if (dateOfDeath > today) problems.push({ path: 'careLeaver.dateOfDeath', message: 'The date of death must be today or in the past' });
  if (form.laBecameAwareDate > today) problems.push({ path: 'laBecameAwareDate', message: 'The date the local authority became aware must be today or in the past' });
  if (problems.length > 0) return problems;
  if (dateOfDeath < dateOfBirth) return [{ path: 'careLeaver.dateOfDeath', message: 'The date of death must not be before the date of birth' }];
  if (form.laBecameAwareDate < dateOfDeath) problems.push({ path: 'laBecameAwareDate', message: 'The date the local authority became aware must not be before the date of death' });
  const age = ageOn(dateOfBirth, dateOfDeath);
  if (age > CARE_LEAVER_OLDEST_AGE) problems.push({ path: 'careLeaver.dateOfDeath', message: tooOldMessage(age) });
  return problems;
}

/** The age refusal in plain words, with what to do instead. */
export function tooOldMessage(age: number): string {
  return (
    `The death of a care leaver is notified to the Secretary of State and Ofsted up to and including the age of ${CARE_LEAVER_OLDEST_AGE} ` +
    `(Working Together 2023, chapter 5); on the date of death they were ${age}. Check the dates of birth and death. If they are right, ` +
    'this notification does not apply: follow your local authority’s own procedure for the death of a former care leaver, and if abuse ' +
    'or neglect is suspected, tell the Safeguarding Adults Board so that it can consider a Safeguarding Adult Review.'
  );
}

export type CareLeaverCheck = { ok: true; form: CareLeaverForm } | { ok: false; problems: FormProblem[] };

/** The form as sent, checked whole: its fields, then its dates against each other and today. */
export function checkCareLeaverForm(raw: unknown, today: string): CareLeaverCheck {
  const parsed = careLeaverFormSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  const problems = careLeaverDateProblems(parsed.data, today);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, form: parsed.data };
}
