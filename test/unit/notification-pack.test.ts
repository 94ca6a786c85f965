// The notification pack (domain/notification-pack.ts) from the example referral
// (config/example-referral.json). Every expected answer below was written by reading that file and
// the GOV.UK date style by hand, never by running the code: the pack says what the referral says,
// in the online form's order, marks what it does not say as missing, and invents nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { notificationPack, yearsBetween, type PackQuestion } from '../../domain/notification-pack';
import { referralFormSchema, type ReferralChild, type ReferralForm } from '../../domain/referral-form';

const example = (): ReferralForm =>
  referralFormSchema.parse((JSON.parse(readFileSync(path.join(__dirname, '../../config/example-referral.json'), 'utf8')) as { referral: unknown }).referral);

const CONTEXT = { partnershipName: 'Example Safeguarding Partnership', laBecameAware: '2026-03-03T09:15:00.000Z' };
const ASK = 'not on the referral: ask the referrer (Example Primary School) for';

/** Id → answer (or "MISSING: what to do"): the whole pack in one readable table. */
const table = (questions: PackQuestion[]) => questions.map((q) => [q.id, q.answer ?? `MISSING: ${q.missing}`]);

test('the example referral: every question in the form’s order, each answer as the referral gives it', () => {
  const pack = notificationPack(example(), CONTEXT);
  expect(table(pack.questions)).toEqual([
    ['notifier-contact', 'MISSING: not on the referral: your own work telephone number and email address, as the person submitting the notification (not the referrer’s)'],
    ['notifier-partnership', 'Example Safeguarding Partnership'],
    ['notifier-referred-by', 'Test Referrer, Designated Safeguarding Lead, Example Primary School (referrer@example.org, 01632 960001); referral dated 3 March 2026'],
    ['incident-date', '1 March 2026'],
    ['incident-location', `MISSING: ${ASK} where the incident happened and, if known, at what time`],
    ['incident-death-or-harm', 'Serious harm'],
    ['incident-main-cause', 'Non-Accidental Injury'],
    ['incident-characteristics', 'Physical Abuse; Domestic Violence'],
    ['incident-staff-conduct', 'No'],
    ['incident-la-aware', '3 March 2026'],
    ['child-1-name', 'Test Child'],
    ['child-1-date-of-birth', '14 May 2019'],
    ['child-1-age', '6 years'],
    ['child-1-gender', 'Not known'],
    ['child-1-ethnicity', 'Not recorded (test data)'],
    ['child-1-address', '1 Example Street, Testtown'],
    ['child-1-postcode', 'ZZ99 9ZZ'],
    ['child-1-health', `MISSING: ${ASK} Child 1’s health needs or disability, if any`],
    ['child-1-death-or-harm', 'Serious harm'],
    ['child-1-date-of-death', 'Not applicable: the incident does not relate to the child’s death'],
    ['child-1-coroner', 'No'],
    ['child-1-looked-after', 'No'],
    // Born 14 May 2019, harmed 1 March 2026: 6, so not a care leaver in law.
    ['child-1-care-leaver', 'Not applicable: under 16 at the time of the incident'],
    ['other-children', 'None: the referral names 1 child, all above'],
    ['known-to-social-care', 'Yes'],
    ['child-protection-plan', 'No'],
    ['child-in-need-plan', 'Past: 1 September 2025 to 15 January 2026'],
    ['siblings-child-protection-plan', 'None listed on the referral'],
    ['siblings-child-in-need-plan', 'Test Sibling: Past: 1 September 2025 to 15 January 2026'],
    ['agencies', 'Example Health Trust (contact: Test Health Visitor): since 20 May 2019\nExample Children’s Services (contact: Test Social Worker): since 1 August 2025'],
    ['summary-incident', 'Fictitious test narrative. On the morning of the incident the school noticed an injury and followed its safeguarding procedure.'],
    ['summary-criteria', 'Fictitious test rationale: abuse is suspected and the child has been seriously harmed in the area.'],
    ['other-reviews', 'Criminal investigation: Fictitious test police investigation, ongoing.'],
  ]);
  expect(pack.missing.map((q) => q.id)).toEqual(['notifier-contact', 'incident-location', 'child-1-health']);
  // Grouped as the online form asks, each group together.
  const groups = pack.questions.map((q) => q.group).filter((g, i, all) => all.indexOf(g) === i);
  expect(groups).toEqual(['Who is notifying', 'The incident', 'Child 1', 'Other children', 'Social care involvement', 'Agencies known to the family', 'Summary']);
  // The IDs are anchors on the page: no personal data in them.
  for (const q of pack.questions) expect(q.id).toMatch(/^[a-z0-9-]+$/);
});

function moreChildren(form: ReferralForm): ReferralChild[] {
  const first = form.children[0]!;
  return [
    first,
    // 17 at the incident: old enough to be a care leaver; the referral cannot say.
    { ...first, fullName: 'Second Child', dateOfBirth: '2008-06-01', ageAtIncident: '17 years', gender: 'male', lookedAfter: true },
    // Died; the referral gives no cause of death.
    { ...first, fullName: 'Third Child', dateOfBirth: '2020-01-10', ageAtIncident: '6 years', incidentRelatesToDeath: true, dateOfDeath: '2026-03-01', ethnicity: undefined },
    { ...first, fullName: 'Fourth Child', dateOfBirth: '2024-11-30', ageAtIncident: '15 months', staffMemberConductInvolved: true },
    { ...first, fullName: 'Fifth Child', dateOfBirth: '2015-02-02', ageAtIncident: '11 years', gender: 'female', postcode: 'ZZ99 9ZY' },
  ];
}

test('five children: one notification, four named, the fifth in the further-information free text', () => {
  const form = example();
  const pack = notificationPack(referralFormSchema.parse({ ...form, children: moreChildren(form) }), CONTEXT);
  const groups = pack.questions.map((q) => q.group).filter((g, i, all) => all.indexOf(g) === i);
  expect(groups).toEqual(['Who is notifying', 'The incident', 'Child 1', 'Child 2', 'Child 3', 'Child 4', 'Other children', 'Social care involvement', 'Agencies known to the family', 'Summary']);
  expect(pack.questions.some((q) => q.id.startsWith('child-5'))).toBe(false);
  const answer = (id: string) => pack.questions.find((q) => q.id === id);
  expect(answer('other-children')!.answer).toBe('Child 5: Fifth Child, born 2 February 2015, aged 11 years, female, ZZ99 9ZY; serious harm; looked after: no');
  expect(answer('child-2-name')!.answer).toBe('Second Child');
  expect(answer('child-2-looked-after')!.answer).toBe('Yes');
  expect(answer('child-2-care-leaver')!.missing).toBe(`${ASK} whether Child 2 is a care leaver (the referral does not ask)`);
  expect(answer('child-3-death-or-harm')!.answer).toBe('Death');
  expect(answer('child-3-date-of-death')!.answer).toBe('1 March 2026');
  expect(answer('child-3-cause-of-death')!.missing).toBe(`${ASK} Child 3’s cause of death (or that it is not yet known)`);
  expect(answer('child-3-ethnicity')!.missing).toBe(`${ASK} Child 3’s ethnicity`);
  expect(answer('child-4-care-leaver')!.answer).toBe('Not applicable: under 16 at the time of the incident');
  // The incident as a whole: the children differ, so each is said.
  expect(answer('incident-death-or-harm')!.answer).toBe('Child 1: Serious harm; Child 2: Serious harm; Child 3: Death; Child 4: Serious harm; Child 5: Serious harm');
  expect(answer('incident-date')!.answer).toBe('1 March 2026');
  expect(answer('incident-staff-conduct')!.answer).toBe('Yes (Child 4)');
  expect(pack.missing.map((q) => q.id)).toEqual([
    'notifier-contact',
    'incident-location',
    'child-1-health',
    'child-2-health',
    'child-2-care-leaver',
    'child-3-ethnicity',
    'child-3-health',
    'child-3-cause-of-death',
    'child-4-health',
  ]);
});

test('what the referral or the case does not give is missing, with what to do; nothing is made up', () => {
  const form = example();
  const learning = referralFormSchema.parse({
    ...form,
    determination: { meetsCriteriaForNotification: false, learningToExplore: true },
    whyMeetsCriteria: undefined,
    whyLearningToExplore: 'Fictitious test learning.',
    otherAgencies: [],
    otherReviews: { reviews: [], unawareOfOtherReviews: true },
  });
  const pack = notificationPack(learning);
  const answer = (id: string) => pack.questions.find((q) => q.id === id)!;
  expect(answer('summary-criteria')).toMatchObject({ answer: null, missing: `${ASK} why the incident meets the criteria for notification (section 9 is blank: the referral came as a learning request)` });
  // No partnership name, no answer from the case: missing, never a guess.
  expect(answer('notifier-partnership')).toMatchObject({ answer: null, missing: expect.stringMatching(/^not configured/) });
  expect(answer('incident-la-aware')).toMatchObject({ answer: null, missing: expect.stringMatching(/^the case did not answer/) });
  // An empty list is what the referral says, not a gap.
  expect(answer('agencies').answer).toBe('None listed on the referral');
  expect(answer('other-reviews').answer).toBe('None known: the referrer is unaware of any other reviews');
  expect(pack.missing.map((q) => q.id)).toEqual(['notifier-contact', 'notifier-partnership', 'incident-location', 'incident-la-aware', 'child-1-health', 'summary-criteria']);
  // Every missing answer says why and what to do.
  for (const q of pack.missing) expect(q.missing).toMatch(/^(not on the referral|not configured|the case did not answer)/);
});

test('"Other" main causes and characteristics carry the words the referrer wrote; a current plan has no end date', () => {
  const form = example();
  const pack = notificationPack(
    referralFormSchema.parse({
      ...form,
      caseDetails: { mainCause: 'Other', mainCauseOther: 'Fictitious other cause', characteristics: ['Other', 'Recent Neglect'], characteristicsOther: 'Fictitious other characteristic' },
      childProtection: { ...form.childProtection, childProtectionPlan: { was: true, commenced: '2026-01-05' } },
    }),
    CONTEXT,
  );
  const answer = (id: string) => pack.questions.find((q) => q.id === id)!.answer;
  expect(answer('incident-main-cause')).toBe('Other: Fictitious other cause');
  expect(answer('incident-characteristics')).toBe('Other: Fictitious other characteristic; Recent Neglect');
  expect(answer('child-protection-plan')).toBe('Current: since 5 January 2026');
});

test('age in whole years, as a birthday counts it', () => {
  expect(yearsBetween('2010-03-02', '2026-03-01')).toBe(15);
  expect(yearsBetween('2010-03-01', '2026-03-01')).toBe(16);
  expect(yearsBetween('2010-02-28', '2026-03-01')).toBe(16);
});
