// The notification of a care leaver's death (WT 2023 ch. 5) as the pages ask it: one page, in four
// parts, each question with its GOV.UK component, where its answer goes in the notification
// (domain/care-leaver-form.ts careLeaverFormSchema, the JSON API's) and what to say when it is left
// empty. Described with the referral form's own shapes (web/pages/referral-form-sections.ts), so
// its views and its check-your-answers summary are drawn the same way.
import { CORONER_INVOLVED, GENDERS } from '../../domain/referral-form';
import type { Field, Section } from './referral-form-sections';

const text = (name: string, label: string, path: string[], missing?: string, more: Partial<Field> = {}): Field => ({
  name,
  kind: 'text',
  label,
  path,
  ...(missing ? { missing } : { optional: true }),
  ...more,
});

const date = (name: string, label: string, path: string[], missing: string, hint = 'For example, 27 3 2026'): Field => ({ name, kind: 'date', label, path, hint, missing });

const yesNo = (name: string, label: string, path: string[], missing: string, hint?: string): Field => ({
  name,
  kind: 'yesno',
  label,
  path,
  missing,
  ...(hint ? { hint } : {}),
  options: [
    { value: 'yes', text: 'Yes' },
    { value: 'no', text: 'No' },
  ],
});

const capitalised = (v: string) => v.charAt(0).toUpperCase() + v.slice(1);

const notifier: Section = {
  slug: 'notifier',
  title: 'About you',
  caption: 'Part 1',
  fields: [
    text('notifierName', 'Your full name', ['notifier', 'fullName'], 'Enter your full name'),
    text('notifierJobTitle', 'Your job title', ['notifier', 'jobTitle'], 'Enter your job title'),
    text('notifierOrganisation', 'Your organisation', ['notifier', 'organisation'], 'Enter your organisation'),
    { ...text('notifierEmail', 'Your email address', ['notifier', 'email'], 'Enter your email address'), kind: 'email' },
    { ...text('notifierTelephone', 'Your telephone number', ['notifier', 'telephone'], 'Enter your telephone number', { width: 'govuk-input--width-20' }), kind: 'tel' },
    date('laBecameAwareDate', 'Date the local authority became aware of the death', ['laBecameAwareDate'], 'Enter the date the local authority became aware of the death', 'The notification is due within 5 working days of it. For example, 27 3 2026'),
  ],
  lists: [],
};

const careLeaver: Section = {
  slug: 'care-leaver',
  title: 'The care leaver',
  caption: 'Part 2',
  fields: [
    text('fullName', 'Full name', ['careLeaver', 'fullName'], 'Enter the care leaver’s full name'),
    date('dateOfBirth', 'Date of birth', ['careLeaver', 'dateOfBirth'], 'Enter the care leaver’s date of birth'),
    { name: 'gender', kind: 'radios', label: 'Gender', path: ['careLeaver', 'gender'], missing: 'Select the care leaver’s gender', options: GENDERS.map((g) => ({ value: g, text: capitalised(g) })) },
    text('ethnicity', 'Ethnicity', ['careLeaver', 'ethnicity'], 'Enter the care leaver’s ethnicity', { hint: 'As recorded. Enter “Not known” if it is not known.' }),
    { ...text('lastKnownAddress', 'Last known address', ['careLeaver', 'lastKnownAddress'], 'Enter the care leaver’s last known address'), kind: 'textarea' },
    date('dateOfDeath', 'Date of death', ['careLeaver', 'dateOfDeath'], 'Enter the date of death'),
    { ...text('placeAndCircumstances', 'Where and how they died, as far as is known', ['careLeaver', 'placeAndCircumstances'], 'Enter where and how they died, as far as is known'), kind: 'textarea' },
    { ...text('causeOfDeath', 'Cause of death (if known)', ['careLeaver', 'causeOfDeath']), kind: 'textarea' },
    {
      name: 'coronerInvolved',
      kind: 'radios',
      label: 'Is a coroner involved?',
      path: ['careLeaver', 'coronerInvolved'],
      missing: 'Select whether a coroner is involved',
      options: CORONER_INVOLVED.map((v) => ({ value: v, text: v === 'unsure' ? 'Not known' : capitalised(v) })),
    },
  ],
  lists: [],
};

const care: Section = {
  slug: 'care',
  title: 'Their care',
  caption: 'Part 3',
  fields: [
    text('lookedAfterBy', 'The local authority that looked after them', ['lookedAfterBy'], 'Enter the local authority that looked after them'),
    yesNo('hadPersonalAdviser', 'Did they have a personal adviser?', ['hadPersonalAdviser'], 'Select yes if they had a personal adviser'),
    yesNo('hadPathwayPlan', 'Did they have a pathway plan?', ['hadPathwayPlan'], 'Select yes if they had a pathway plan'),
  ],
  lists: [],
};

const concerns: Section = {
  slug: 'concerns',
  title: 'Abuse or neglect',
  caption: 'Part 4',
  fields: [
    yesNo(
      'abuseOrNeglectSuspected',
      'Is abuse or neglect suspected?',
      ['abuseOrNeglectSuspected'],
      'Select yes if abuse or neglect is suspected',
      'If it is, send a serious incident referral as well: this notification does not start a rapid review.',
    ),
  ],
  lists: [],
};

/** The page's parts, in order. */
export const CARE_LEAVER_PARTS: readonly Section[] = [notifier, careLeaver, care, concerns];

/** Every question on the page, as one section (what a post of the page is read with). */
export const CARE_LEAVER_PAGE: Section = { slug: 'notification', title: 'The notification', caption: '', fields: CARE_LEAVER_PARTS.flatMap((p) => p.fields), lists: [] };
