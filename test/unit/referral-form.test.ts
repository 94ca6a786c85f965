import { z } from 'zod';
import {
  CASE_CHARACTERISTICS,
  MAIN_CAUSES,
  NARRATIVE_MAX,
  referralFormSchema,
  referralRoute,
  type ReferralChild,
} from '../../domain/referral-form';
import { learningReferralForm, validReferralForm } from '../fixtures/referral-form';

type Path = (string | number)[];

/** Parses, expecting failure, and returns the issues. */
function issuesOf(input: unknown): z.core.$ZodIssue[] {
  const result = referralFormSchema.safeParse(input);
  if (result.success) throw new Error('expected the form to be rejected');
  return result.error.issues;
}

function pathsOf(input: unknown): string[] {
  return issuesOf(input).map((issue) => issue.path.join('.'));
}

/** The one issue at this path (fails if there is none or several). */
function issueAt(input: unknown, path: Path): z.core.$ZodIssue {
  const matching = issuesOf(input).filter((issue) => issue.path.join('.') === path.join('.'));
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

/** The valid form with its first child changed. */
function withChild(changes: Partial<Record<keyof ReferralChild, unknown>>, form = validReferralForm()): unknown {
  return { ...form, children: [{ ...form.children[0]!, ...changes }] };
}

function withCaseDetails(changes: Record<string, unknown>): unknown {
  const form = validReferralForm();
  return { ...form, caseDetails: { ...form.caseDetails, ...changes } };
}

function withChildProtection(changes: Record<string, unknown>): unknown {
  const form = validReferralForm();
  return { ...form, childProtection: { ...form.childProtection, ...changes } };
}

describe('referral form fixtures', () => {
  it('the notification fixture parses, unchanged', () => {
    const form = validReferralForm();
    expect(referralFormSchema.parse(form)).toEqual(form);
  });

  it('the learning fixture parses, unchanged', () => {
    const form = learningReferralForm();
    expect(referralFormSchema.parse(form)).toEqual(form);
  });

  it('returns a fresh object on each call and applies overrides', () => {
    const first = validReferralForm();
    first.children[0]!.fullName = 'Changed';
    expect(validReferralForm().children[0]!.fullName).toBe('Test Child');
    expect(validReferralForm({ incidentDetails: 'Overridden' }).incidentDetails).toBe('Overridden');
  });
});

describe('referral form field rules', () => {
  it('trims text and upper-cases the postcode', () => {
    const form = validReferralForm();
    const parsed = referralFormSchema.parse(
      withChild({ fullName: '  Test Child  ', postcode: ' zz99 9zz ' }, form),
    );
    expect(parsed.children[0]!.fullName).toBe('Test Child');
    expect(parsed.children[0]!.postcode).toBe('ZZ99 9ZZ');
  });

  it('rejects text that is empty once trimmed', () => {
    expect(issueAt(validReferralForm({ incidentDetails: '   ' }), ['incidentDetails']).message).toMatch(
      /Details of the case\/incident/,
    );
  });

  it('accepts real calendar dates and rejects impossible or non-ISO ones', () => {
    expect(referralFormSchema.safeParse(withChild({ dateOfBirth: '2020-02-29' })).success).toBe(true);
    expect(issueAt(withChild({ dateOfBirth: '2019-02-29' }), ['children', 0, 'dateOfBirth']).message).toMatch(
      /date of birth must be a real calendar date/,
    );
    expect(pathsOf(withChild({ dateOfBirth: '14/05/2019' }))).toContain('children.0.dateOfBirth');
    expect(pathsOf(withChild({ dateOfIncident: '2026-13-01' }))).toContain('children.0.dateOfIncident');
  });

  it('validates the referrer email, telephone and the child postcode', () => {
    const form = validReferralForm();
    expect(
      pathsOf({ ...form, referrer: { ...form.referrer, email: 'not-an-email', telephone: 'call me' } }).sort(),
    ).toEqual(['referrer.email', 'referrer.telephone']);
    expect(pathsOf(withChild({ postcode: '12345' }))).toEqual(['children.0.postcode']);
  });

  it('requires at least one child', () => {
    expect(issueAt(validReferralForm({ children: [] }), ['children']).message).toMatch(/at least one child/);
  });

  it('bounds narratives at 20,000 characters', () => {
    expect(referralFormSchema.safeParse(validReferralForm({ incidentDetails: 'x'.repeat(NARRATIVE_MAX) })).success).toBe(
      true,
    );
    expect(issueAt(validReferralForm({ incidentDetails: 'x'.repeat(NARRATIVE_MAX + 1) }), ['incidentDetails']).code).toBe(
      'too_big',
    );
  });

  it('checks chronology times are 24-hour HH:MM', () => {
    const form = validReferralForm();
    const row = form.chronology![0]!;
    expect(referralFormSchema.safeParse({ ...form, chronology: [{ ...row, time: '23:59' }] }).success).toBe(true);
    for (const time of ['24:00', '9:30', '10:30pm']) {
      expect(pathsOf({ ...form, chronology: [{ ...row, time }] })).toEqual(['chronology.0.time']);
    }
  });

  it('accepts a form without a chronology', () => {
    const { chronology: _chronology, ...form } = validReferralForm();
    expect(referralFormSchema.safeParse(form).success).toBe(true);
  });

  it('reports a missing required field by name', () => {
    const { gender: _gender, ...child } = validReferralForm().children[0]!;
    const issue = issueAt({ ...validReferralForm(), children: [child] }, ['children', 0, 'gender']);
    expect(issue.message).toBe("Child's gender is required");
  });

  it('rejects an option that is not on the form', () => {
    expect(issueAt(withCaseDetails({ mainCause: 'Misadventure' }), ['caseDetails', 'mainCause']).message).toBe(
      "Main cause of incident must be one of the form's options",
    );
  });
});

describe('referral form cross-field rules', () => {
  it.each([
    [true, true],
    [false, false],
  ])('requires exactly one determination (notification %s, learning %s)', (meets, learning) => {
    const form = validReferralForm({
      determination: { meetsCriteriaForNotification: meets, learningToExplore: learning },
      whyLearningToExplore: 'Some text',
    });
    expect(issueAt(form, ['determination']).message).toMatch(/exactly one/);
  });

  it('requires a date of death when the incident relates to the death of the child', () => {
    const issue = issueAt(withChild({ incidentRelatesToDeath: true }), ['children', 0, 'dateOfDeath']);
    expect(issue.message).toBe('Date of death is required when the incident relates to the death of the child');
    expect(
      referralFormSchema.safeParse(withChild({ incidentRelatesToDeath: true, dateOfDeath: '2026-03-01' })).success,
    ).toBe(true);
  });

  it('refuses a date of death when the incident does not relate to a death', () => {
    expect(pathsOf(withChild({ dateOfDeath: '2026-03-01' }))).toEqual(['children.0.dateOfDeath']);
  });

  it('refuses a date of death before the date of birth', () => {
    const issue = issueAt(
      withChild({ incidentRelatesToDeath: true, dateOfDeath: '2019-05-13' }),
      ['children', 0, 'dateOfDeath'],
    );
    expect(issue.message).toMatch(/Date of death must not be before the child's date of birth/);
  });

  it('allows a death on the day of birth', () => {
    const form = withChild({ incidentRelatesToDeath: true, dateOfDeath: '2019-05-14', dateOfIncident: '2019-05-14' });
    expect(referralFormSchema.safeParse(form).success).toBe(true);
  });

  it('refuses a date of incident before the date of birth', () => {
    expect(issueAt(withChild({ dateOfIncident: '2019-05-13' }), ['children', 0, 'dateOfIncident']).message).toMatch(
      /Date of the serious incident must not be before/,
    );
  });

  it('reports a problem with the second child at its own index', () => {
    const form = validReferralForm();
    const second = { ...form.children[0]!, fullName: 'Test Child Two', dateOfIncident: '2000-01-01' };
    expect(pathsOf({ ...form, children: [form.children[0]!, second] })).toEqual(['children.1.dateOfIncident']);
  });

  it('requires coroner details when a coroner is involved', () => {
    expect(issueAt(withChild({ coronerInvolved: 'yes' }), ['children', 0, 'coronerDetails']).message).toMatch(
      /Details of the coroner/,
    );
    expect(referralFormSchema.safeParse(withChild({ coronerInvolved: 'unsure' })).success).toBe(true);
    expect(
      referralFormSchema.safeParse(withChild({ coronerInvolved: 'yes', coronerDetails: 'Example Coroner, Testshire' }))
        .success,
    ).toBe(true);
  });

  it('requires "if other, please state" when the main cause is Other', () => {
    expect(issueAt(withCaseDetails({ mainCause: 'Other' }), ['caseDetails', 'mainCauseOther']).message).toMatch(
      /Main cause of incident "if other, please state" is required/,
    );
  });

  it('requires "if other, please state" when Other is a characteristic', () => {
    const input = withCaseDetails({ characteristics: ['Physical Abuse', 'Other'] });
    expect(issueAt(input, ['caseDetails', 'characteristicsOther']).message).toMatch(/required when Other is ticked/);
  });

  it('refuses duplicate characteristics, at the repeated entry', () => {
    const input = withCaseDetails({ characteristics: ['Physical Abuse', 'Drug Abuse', 'Physical Abuse'] });
    expect(issueAt(input, ['caseDetails', 'characteristics', 2]).message).toMatch(/same characteristic twice/);
  });

  it('requires at least one characteristic', () => {
    expect(pathsOf(withCaseDetails({ characteristics: [] }))).toEqual(['caseDetails.characteristics']);
  });

  it.each(['childProtectionPlan', 'childInNeedPlan'])('%s: commenced is required when the child was on it', (plan) => {
    expect(pathsOf(withChildProtection({ [plan]: { was: true } }))).toEqual([`childProtection.${plan}.commenced`]);
  });

  it.each(['childProtectionPlan', 'childInNeedPlan'])('%s: ended must not be before commenced', (plan) => {
    const input = withChildProtection({ [plan]: { was: true, commenced: '2025-06-01', ended: '2025-05-31' } });
    expect(issueAt(input, ['childProtection', plan, 'ended']).message).toMatch(/ended must not be before/);
    expect(
      referralFormSchema.safeParse(
        withChildProtection({ [plan]: { was: true, commenced: '2025-06-01', ended: '2025-06-01' } }),
      ).success,
    ).toBe(true);
  });

  it("checks the order of a sibling's plan dates", () => {
    const input = withChildProtection({
      siblingsOnChildProtectionPlan: [{ name: 'Test Sibling', commenced: '2025-06-01', ended: '2025-01-01' }],
    });
    expect(pathsOf(input)).toEqual(['childProtection.siblingsOnChildProtectionPlan.0.ended']);
  });

  it("checks the order of another agency's dates", () => {
    const form = validReferralForm({
      otherAgencies: [{ fullName: 'Test Agency', organisation: 'Example', startDate: '2025-06-01', endDate: '2025-01-01' }],
    });
    expect(pathsOf(form)).toEqual(['otherAgencies.0.endDate']);
  });

  it('requires section 9 on the notification route', () => {
    for (const whyMeetsCriteria of [undefined, '', '   ']) {
      const issue = issueAt(validReferralForm({ whyMeetsCriteria }), ['whyMeetsCriteria']);
      expect(issue.message).toMatch(/Why the case meets the criteria for notification \(section 9\) is required/);
    }
  });

  it('requires section 10 on the learning route', () => {
    const issue = issueAt(learningReferralForm({ whyLearningToExplore: undefined }), ['whyLearningToExplore']);
    expect(issue.message).toMatch(/Why there is learning to be explored \(section 10\) is required/);
  });

  it('section 12 must not be left blank: a review, or unaware of any', () => {
    const blank = validReferralForm({ otherReviews: { reviews: [], unawareOfOtherReviews: false } });
    expect(issueAt(blank, ['otherReviews', 'unawareOfOtherReviews']).message).toMatch(/must not be left blank/);
    const unaware = validReferralForm({ otherReviews: { reviews: [], unawareOfOtherReviews: true } });
    expect(referralFormSchema.safeParse(unaware).success).toBe(true);
  });
});

describe('referral form error reporting', () => {
  it('reports several independent problems at once', () => {
    const form = validReferralForm();
    const { fullName: _fullName, ...childWithoutName } = form.children[0]!;
    const input = {
      ...form,
      referrer: { ...form.referrer, email: 'nope' },
      determination: { meetsCriteriaForNotification: true, learningToExplore: false },
      whyMeetsCriteria: '',
      // A missing name (a type error) must not hide the cross-field problem in the same child.
      children: [{ ...childWithoutName, incidentRelatesToDeath: true }],
      caseDetails: { ...form.caseDetails, mainCause: 'Other' },
      childProtection: { ...form.childProtection, childProtectionPlan: { was: true } },
      otherReviews: { reviews: [], unawareOfOtherReviews: false },
      chronology: [{ ...form.chronology![0]!, time: '25:00' }],
      unexpected: true,
    };
    expect(pathsOf(input).sort()).toEqual(
      [
        '',
        'caseDetails.mainCauseOther',
        'childProtection.childProtectionPlan.commenced',
        'children.0.dateOfDeath',
        'children.0.fullName',
        'chronology.0.time',
        'otherReviews.unawareOfOtherReviews',
        'referrer.email',
        'whyMeetsCriteria',
      ].sort(),
    );
  });

  it('reports unknown keys, at the object that has them, naming the key', () => {
    const form = validReferralForm();
    const input = { ...form, refferer: form.referrer, children: [{ ...form.children[0]!, dateofBirth: '2019-05-14' }] };
    const issues = issuesOf(input);
    const topLevel = issues.find((issue) => issue.path.length === 0);
    expect(topLevel).toMatchObject({ code: 'unrecognized_keys', keys: ['refferer'] });
    expect(topLevel!.message).toMatch(/refferer/);
    const inChild = issues.find((issue) => issue.path.join('.') === 'children.0');
    expect(inChild).toMatchObject({ code: 'unrecognized_keys', keys: ['dateofBirth'] });
  });

  it("never puts the child's name (or other submitted values) in error messages or issues", () => {
    const name = 'Zebedee Quinterly-Test';
    const form = validReferralForm();
    const input = {
      ...form,
      referrer: { ...form.referrer, email: name, telephone: name, dateSubmitted: name },
      children: [
        {
          ...form.children[0]!,
          fullName: name.repeat(20),
          dateOfBirth: name,
          gender: name,
          postcode: name,
          incidentRelatesToDeath: name,
          coronerInvolved: 'yes',
        },
      ],
      caseDetails: { mainCause: name, characteristics: [name, name] },
      childProtection: { ...form.childProtection, childProtectionPlan: name },
      chronology: [{ ...form.chronology![0]!, time: name, childSeen: name }],
      incidentDetails: 5,
    };
    const result = referralFormSchema.safeParse(input);
    expect(result.success).toBe(false);
    const error = result.error!;
    expect(error.issues.length).toBeGreaterThan(10);
    for (const issue of error.issues) expect(issue.message).not.toContain('Zebedee');
    expect(JSON.stringify(error.issues)).not.toContain('Zebedee');
    expect(error.message).not.toContain('Zebedee');
    expect(z.prettifyError(error)).not.toContain('Zebedee');
  });

  it('names the field in the message of a format issue', () => {
    const issue = issueAt(withChild({ postcode: 'nope' }), ['children', 0, 'postcode']);
    expect(issue.message).toMatch(/^Child's postcode/);
  });

  it('can be rendered as JSON Schema (for the OpenAPI document)', () => {
    const schema = z.toJSONSchema(referralFormSchema, { io: 'input' }) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['referrer', 'children', 'otherReviews']));
  });
});

describe('referral form options', () => {
  it('has the 13 main causes of section 5, spelled as on the form', () => {
    expect(MAIN_CAUSES).toHaveLength(13);
    expect(MAIN_CAUSES).toEqual([
      'Accidental Death',
      'Accidental Injury',
      'Drug/Solvent misuse',
      'Natural Causes',
      'Neglect',
      'Non-Accidental Death',
      'Non-Accidental Injury',
      'Road Traffic Accident',
      'Self Harm',
      'Sudden Infant Death Syndrome',
      'Suicide',
      'Not Yet Known',
      'Other',
    ]);
  });

  // The team's first reading said 19; the seed's form (Appendix 1, section 5) has these 18 tick boxes.
  it('has the characteristics of section 5, spelled as on the form', () => {
    expect(CASE_CHARACTERISTICS).toEqual([
      'Alcohol abuse',
      'Drug Abuse',
      'Emotional Abuse',
      'Physical Abuse',
      'Sexual Abuse',
      'Domestic Violence',
      'Shaken Baby Syndrome',
      'Recent Neglect',
      'Long Standing Neglect',
      'Fabricated Illness',
      'More than one child abused',
      'Parental Mental Health',
      'Parent is in Care',
      'Parent is Care Leaver',
      'Child of Teenage Pregnancy',
      'Serious Illness',
      'Not Yet Known',
      'Other',
    ]);
    expect(new Set(CASE_CHARACTERISTICS).size).toBe(CASE_CHARACTERISTICS.length);
  });

  it('accepts every characteristic together', () => {
    const input = withCaseDetails({ characteristics: [...CASE_CHARACTERISTICS], characteristicsOther: 'Test' });
    expect(referralFormSchema.safeParse(input).success).toBe(true);
  });
});

describe('referralRoute', () => {
  it('is notification when the case meets the criteria', () => {
    expect(referralRoute(validReferralForm())).toBe('notification');
  });

  it('is learning when it does not meet the criteria but has learning to explore', () => {
    expect(referralRoute(learningReferralForm())).toBe('learning');
  });

  it('refuses an unparsed form with both or neither option set', () => {
    const both = validReferralForm({ determination: { meetsCriteriaForNotification: true, learningToExplore: true } });
    expect(() => referralRoute(both)).toThrow(/exactly one/);
  });
});
