// The referral form (Appendix 1) as the pages ask it: one page per section, in the order of the
// task list, each question with its label, its GOV.UK component, where its answer goes in the
// referral (domain/referral-form.ts referralFormSchema, unchanged: the JSON API's) and what to say
// when it is left empty. The pages read and show the form from this list alone.
import { CASE_CHARACTERISTICS, CORONER_INVOLVED, GENDERS, MAIN_CAUSES, OTHER_REVIEW_KINDS } from '../../domain/referral-form';

export type FieldKind = 'text' | 'email' | 'tel' | 'textarea' | 'date' | 'yesno' | 'radios' | 'checkboxes' | 'select' | 'tick';

export interface FieldOption {
  value: string;
  text: string;
  hint?: string;
  /** Questions shown only when this option is chosen (GOV.UK conditional reveal); read only then. */
  reveals?: Field[];
}

export interface Field {
  /** The field's name in the form (and its id, prefixed by its list item's). */
  name: string;
  kind: FieldKind;
  label: string;
  hint?: string;
  /** Where the answer goes, from the form's root (or from the list item's, in a list). */
  path: string[];
  options?: FieldOption[];
  /** What to do when it is left empty, in GOV.UK's words ("Enter the child's full name"). */
  missing?: string;
  optional?: boolean;
  /** A GOV.UK width class for a short input. */
  width?: string;
  /** A radios question whose answer writes elsewhere than its path (the determination). */
  write?: (value: string) => Array<[string[], unknown]>;
}

/** A GOV.UK "add another" list on a page: items of the same questions, added and removed by the server. */
export interface FieldList {
  /** Names the items' fields: `<prefix>-<index>-<name>`. */
  prefix: string;
  /** Where the list goes in the form. */
  root: string[];
  /** "sibling": for "Add another sibling", "Sibling 2". */
  noun: string;
  heading: string;
  /** The list's own heading: "Children", "Siblings on a Child Protection Plan". */
  plural: string;
  hint?: string;
  /**
   * The most items one page takes: the schema's own limit (domain/referral-form.ts). The pages'
   * form parser takes 2,000 fields a post (web/index.ts), more than the longest list needs.
   */
  max: number;
  /** At least this many items are shown (a form with no child is not a referral). */
  min?: number;
  fields: Field[];
}

export interface Section {
  /** Its address: /referrals/drafts/<id>/<slug>. */
  slug: string;
  /** The task list's name for it. */
  title: string;
  /** The form's own section number(s), as a caption. */
  caption: string;
  intro?: string;
  fields: Field[];
  lists: FieldList[];
  /** Needed only on one route (§4.7): sections 9 and 10. */
  onlyFor?: 'notification' | 'learning';
}

const yesNo = (name: string, label: string, path: string[], missing: string, reveals?: Field[]): Field => ({
  name,
  kind: 'yesno',
  label,
  path,
  missing,
  options: [
    { value: 'yes', text: 'Yes', ...(reveals ? { reveals } : {}) },
    { value: 'no', text: 'No' },
  ],
});

const text = (name: string, label: string, path: string[], missing?: string, more: Partial<Field> = {}): Field => ({
  name,
  kind: 'text',
  label,
  path,
  ...(missing ? { missing } : { optional: true }),
  ...more,
});

const date = (name: string, label: string, path: string[], missing?: string, hint = 'For example, 27 3 2026'): Field => ({
  name,
  kind: 'date',
  label,
  path,
  hint,
  ...(missing ? { missing } : { optional: true }),
});

const options = (values: readonly string[], words: (v: string) => string = (v) => v): FieldOption[] => values.map((value) => ({ value, text: words(value) }));
const capitalised = (v: string) => v.charAt(0).toUpperCase() + v.slice(1);

const criteria: Section = {
  slug: 'criteria',
  title: 'The criteria for notification',
  caption: 'Questions 1 to 3',
  intro:
    'A notification is considered by the Statutory Safeguarding Partners only if it is known or suspected that a child has been abused or neglected, and the child dies or is seriously harmed in the local authority area (or, while normally resident in it, outside England).',
  fields: [
    {
      name: 'determination',
      kind: 'radios',
      label: 'What do you determine?',
      path: ['determination'],
      missing: 'Select whether the case meets the criteria for notification or there is learning to be explored',
      options: [
        { value: 'notification', text: 'The case meets the criteria for notification', hint: 'It is referred to the Statutory Safeguarding Partners.' },
        { value: 'learning', text: 'The case does not meet the criteria for notification, but there is learning to be explored', hint: 'It is referred to the Learning and Development Group.' },
      ],
      write: (v) => [
        [['determination', 'meetsCriteriaForNotification'], v === 'notification'],
        [['determination', 'learningToExplore'], v === 'learning'],
      ],
    },
  ],
  lists: [],
};

const referrer: Section = {
  slug: 'referrer',
  title: 'About you and your authorising officer',
  caption: 'Section 1',
  fields: [
    text('fullName', 'Your full name', ['referrer', 'fullName'], 'Enter your full name'),
    text('jobTitle', 'Your job title', ['referrer', 'jobTitle'], 'Enter your job title'),
    text('organisation', 'Your organisation', ['referrer', 'organisation'], 'Enter your organisation'),
    { ...text('email', 'Your email address', ['referrer', 'email'], 'Enter your email address'), kind: 'email' },
    { ...text('telephone', 'Your telephone number', ['referrer', 'telephone'], 'Enter your telephone number', { width: 'govuk-input--width-20' }), kind: 'tel' },
    date('dateSubmitted', 'Date submitted', ['referrer', 'dateSubmitted'], 'Enter the date submitted'),
    date('becameAwareDate', 'Date your agency became aware of the incident', ['referrer', 'becameAwareDate'], 'Enter the date your agency became aware of the incident', 'The referral is due within 1 working day of it. For example, 27 3 2026'),
    text('authorisingOfficerName', 'Authorising officer’s full name', ['referrer', 'authorisingOfficer', 'fullName'], 'Enter the authorising officer’s full name'),
    text('authorisingOfficerJobTitle', 'Authorising officer’s job title', ['referrer', 'authorisingOfficer', 'jobTitle'], 'Enter the authorising officer’s job title'),
    date('organisationAgreementDate', 'Date your organisation agreed the referral', ['referrer', 'organisationAgreementDate'], 'Enter the date your organisation agreed the referral'),
  ],
  lists: [],
};

const childFields: Field[] = [
  text('fullName', 'Full name', ['fullName'], 'Enter the child’s full name'),
  date('dateOfBirth', 'Date of birth', ['dateOfBirth'], 'Enter the child’s date of birth'),
  text('ageAtIncident', 'Age at the time of the incident', ['ageAtIncident'], 'Enter the child’s age at the time of the incident', { hint: 'For example, 4 months or 15 years', width: 'govuk-input--width-10' }),
  { name: 'gender', kind: 'radios', label: 'Gender', path: ['gender'], missing: 'Select the child’s gender', options: options(GENDERS, capitalised) },
  text('ethnicity', 'Ethnicity (if known)', ['ethnicity']),
  text('nationality', 'Nationality (if known)', ['nationality']),
  { ...text('address', 'Address', ['address'], 'Enter the child’s address'), kind: 'textarea' },
  text('postcode', 'Postcode', ['postcode'], 'Enter the child’s postcode', { width: 'govuk-input--width-10' }),
  date('dateOfIncident', 'Date of the serious incident', ['dateOfIncident'], 'Enter the date of the serious incident'),
  yesNo('incidentRelatesToDeath', 'Does the incident relate to the death of the child?', ['incidentRelatesToDeath'], 'Select yes if the incident relates to the death of the child', [
    date('dateOfDeath', 'Date of death', ['dateOfDeath'], 'Enter the date of death'),
    { ...text('causeOfDeath', 'Cause of death (if known)', ['causeOfDeath']), kind: 'textarea' },
  ]),
  yesNo('staffMemberConductInvolved', 'Does the alleged incident involve the conduct of a staff member?', ['staffMemberConductInvolved'], 'Select yes if the alleged incident involves the conduct of a staff member'),
  {
    name: 'coronerInvolved',
    kind: 'radios',
    label: 'Is a coroner involved?',
    path: ['coronerInvolved'],
    missing: 'Select whether a coroner is involved',
    options: CORONER_INVOLVED.map((value) => ({
      value,
      text: capitalised(value),
      ...(value === 'yes' ? { reveals: [{ ...text('coronerDetails', 'Details of the coroner and local authority area', ['coronerDetails'], 'Enter the details of the coroner and local authority area'), kind: 'textarea' as const }] } : {}),
    })),
  },
  yesNo('lookedAfter', 'Was the child looked after by the local authority?', ['lookedAfter'], 'Select yes if the child was looked after by the local authority'),
];

const children: Section = {
  slug: 'children',
  title: 'About the child or children',
  caption: 'Section 2',
  fields: [],
  lists: [{ prefix: 'child', root: ['children'], noun: 'child', heading: 'Child', plural: 'Children', max: 20, min: 1, fields: childFields }],
};

const personFields = (who: 'parent' | 'sibling'): Field[] => [
  text('lastName', 'Last name', ['lastName'], `Enter the ${who}’s last name`),
  text('firstName', 'First name', ['firstName'], `Enter the ${who}’s first name`),
  date('dateOfBirth', 'Date of birth (if known)', ['dateOfBirth']),
  text('relationshipToChild', 'Relationship to the child', ['relationshipToChild'], `Enter the ${who}’s relationship to the child`),
];

const parents: Section = {
  slug: 'parents',
  title: 'Parents and guardians',
  caption: 'Section 3',
  fields: [],
  lists: [{ prefix: 'parent', root: ['parents'], noun: 'parent or guardian', heading: 'Parent or guardian', plural: 'Parents and guardians', max: 10, fields: personFields('parent') }],
};

const siblings: Section = {
  slug: 'siblings',
  title: 'Siblings',
  caption: 'Section 4',
  fields: [],
  lists: [
    {
      prefix: 'sibling',
      root: ['siblings'],
      noun: 'sibling',
      heading: 'Sibling',
      plural: 'Siblings',
      max: 30,
      fields: [
        ...personFields('sibling'),
        { name: 'gender', kind: 'radios', label: 'Gender (if known)', path: ['gender'], optional: true, options: options(GENDERS, capitalised) },
        text('ethnicity', 'Ethnicity (if known)', ['ethnicity']),
        text('otherEthnicity', 'Other ethnicity (if known)', ['otherEthnicity']),
        text('nationality', 'Nationality (if known)', ['nationality']),
      ],
    },
  ],
};

const other = (name: string, path: string[], missing: string): Field[] => [{ ...text(name, 'If other, please state', path, missing), kind: 'textarea' }];

const caseDetails: Section = {
  slug: 'case-details',
  title: 'Case details',
  caption: 'Section 5',
  fields: [
    {
      name: 'mainCause',
      kind: 'radios',
      label: 'What is the main cause of the incident?',
      path: ['caseDetails', 'mainCause'],
      missing: 'Select the main cause of the incident',
      options: MAIN_CAUSES.map((value) => ({ value, text: value, ...(value === 'Other' ? { reveals: other('mainCauseOther', ['caseDetails', 'mainCauseOther'], 'Enter the main cause of the incident') } : {}) })),
    },
    {
      name: 'characteristics',
      kind: 'checkboxes',
      label: 'What are the characteristics of the case?',
      hint: 'Select all that apply. Select “Not Yet Known” if none is known yet.',
      path: ['caseDetails', 'characteristics'],
      missing: 'Select the characteristics of the case, or “Not Yet Known”',
      options: CASE_CHARACTERISTICS.map((value) => ({ value, text: value, ...(value === 'Other' ? { reveals: other('characteristicsOther', ['caseDetails', 'characteristicsOther'], 'Enter the other characteristics of the case') } : {}) })),
    },
  ],
  lists: [],
};

function plan(name: string, words: string, root: string): Field {
  return yesNo(name, `Was the child on a ${words} at the time of or before the incident?`, ['childProtection', root, 'was'], `Select yes if the child was on a ${words}`, [
    date(`${name}Commenced`, `Date the ${words} commenced`, ['childProtection', root, 'commenced'], `Enter the date the ${words} commenced`),
    date(`${name}Ended`, `Date the ${words} ended (if it has)`, ['childProtection', root, 'ended']),
  ]);
}

function siblingsOnPlan(prefix: string, words: string, root: string): FieldList {
  return {
    prefix,
    root: ['childProtection', root],
    noun: `sibling on a ${words}`,
    heading: `Sibling on a ${words}`,
    plural: `Siblings on a ${words}`,
    hint: `List any siblings on a ${words} at the time of or before the incident. Leave the list empty if there were none.`,
    max: 30,
    fields: [
      text('name', 'Name of the sibling', ['name'], 'Enter the sibling’s name'),
      date('commenced', `Date the sibling’s ${words} commenced`, ['commenced']),
      date('ended', `Date the sibling’s ${words} ended`, ['ended']),
    ],
  };
}

const childProtection: Section = {
  slug: 'child-protection',
  title: 'Child protection',
  caption: 'Section 6',
  fields: [
    yesNo('knownToSocialCare', 'Was the child known to Social Care before the incident?', ['childProtection', 'knownToSocialCare'], 'Select yes if the child was known to Social Care before the incident'),
    plan('childProtectionPlan', 'Child Protection Plan', 'childProtectionPlan'),
    plan('childInNeedPlan', 'Child In Need Plan', 'childInNeedPlan'),
  ],
  lists: [siblingsOnPlan('cppSibling', 'Child Protection Plan', 'siblingsOnChildProtectionPlan'), siblingsOnPlan('cinSibling', 'Child In Need Plan', 'siblingsOnChildInNeedPlan')],
};

const otherAgencies: Section = {
  slug: 'other-agencies',
  title: 'Other agencies involved',
  caption: 'Section 7',
  intro: 'List every agency you know is involved with this child or family: the Business Unit will contact them for more information.',
  fields: [],
  lists: [
    {
      prefix: 'agency',
      root: ['otherAgencies'],
      noun: 'agency',
      heading: 'Agency',
      plural: 'Agencies',
      max: 100,
      fields: [
        text('fullName', 'Contact’s full name', ['fullName'], 'Enter the agency contact’s full name'),
        text('organisation', 'Organisation', ['organisation'], 'Enter the agency’s organisation'),
        date('startDate', 'Start date of the agency’s involvement (if known)', ['startDate']),
        date('endDate', 'End date of the agency’s involvement (if it has ended)', ['endDate']),
      ],
    },
  ],
};

const narrative = (slug: string, title: string, caption: string, name: string, label: string, hint: string, missing: string, onlyFor?: 'notification' | 'learning'): Section => ({
  slug,
  title,
  caption,
  fields: [{ name, kind: 'textarea', label, ...(hint ? { hint } : {}), path: [name], missing }],
  lists: [],
  ...(onlyFor ? { onlyFor } : {}),
});

const incidentDetails = narrative(
  'incident-details',
  'Details of the case or incident',
  'Section 8',
  'incidentDetails',
  'Details of the case or incident',
  'A clear factual outline of the serious incident: times, dates and where it took place, events leading up to it, people and places, why it happened; a little history of the case; any action taken afterwards to safeguard the child or siblings.',
  'Enter the details of the case or incident',
);
const whyMeetsCriteria = narrative(
  'why-meets-criteria',
  'Why the case meets the criteria for notification',
  'Section 9',
  'whyMeetsCriteria',
  'Why do you believe the case meets the criteria for notification?',
  'A brief overview and your professional judgement. Needed only when the case meets the criteria.',
  'Enter why you believe the case meets the criteria for notification',
  'notification',
);
const whyLearning = narrative(
  'why-learning',
  'Why there is learning to be explored',
  'Section 10',
  'whyLearningToExplore',
  'Why do you believe there is learning to be explored?',
  'Why the case should be referred to the Learning and Development Group. Needed only when it does not meet the criteria for notification.',
  'Enter why you believe there is learning to be explored',
  'learning',
);
const authorisingComment = narrative(
  'authorising-officer-comment',
  'Authorising officer’s comment and recommendation',
  'Section 11',
  'authorisingOfficerComment',
  'Your agency’s authorising officer’s comment and recommendation',
  '',
  'Enter the authorising officer’s comment and recommendation',
);

const otherReviews: Section = {
  slug: 'other-reviews',
  title: 'Other reviews pending or complete',
  caption: 'Section 12',
  intro: 'For example an internal agency review, a disciplinary process, a criminal investigation, MAPPA, MARAC, a domestic homicide review, a safeguarding adult review, a LeDeR review or a regulatory body’s.',
  fields: [
    {
      name: 'unawareOfOtherReviews',
      kind: 'tick',
      label: 'Other reviews',
      path: ['otherReviews', 'unawareOfOtherReviews'],
      options: [{ value: 'yes', text: 'I am unaware of any other reviews ongoing' }],
    },
    { name: 'earlyLearning', kind: 'textarea', label: 'Early learning or changes to practice (optional)', hint: 'Any early learning or changes to practice you have made from what you know of this case, to improve or safeguard individuals going forward.', path: ['otherReviews', 'earlyLearning'], optional: true },
  ],
  lists: [
    {
      prefix: 'review',
      root: ['otherReviews', 'reviews'],
      noun: 'review',
      heading: 'Other review',
      plural: 'Other reviews pending or complete',
      hint: 'List each review pending or complete, or tick that you are unaware of any below. Do not leave both blank.',
      max: 50,
      fields: [
        { name: 'kind', kind: 'select', label: 'Kind of review', path: ['kind'], missing: 'Select the kind of review', options: [{ value: '', text: 'Choose a kind of review' }, ...options(OTHER_REVIEW_KINDS, capitalised)] },
        { ...text('details', 'Details of the review', ['details'], 'Enter the details of the review'), kind: 'textarea' },
      ],
    },
  ],
};

/** The task list, in the form's order: the criteria questions first. */
export const SECTIONS: readonly Section[] = [
  criteria,
  referrer,
  children,
  parents,
  siblings,
  caseDetails,
  childProtection,
  otherAgencies,
  incidentDetails,
  whyMeetsCriteria,
  whyLearning,
  authorisingComment,
  otherReviews,
];

export function sectionOf(slug: string): Section | undefined {
  return SECTIONS.find((s) => s.slug === slug);
}
