/**
 * The Notifiable (Serious) Incident Referral Form (Appendix 1, sections 1–12) and the optional
 * multi-agency chronology (Appendix 2), as a zod schema.
 *
 * The form is special-category personal data about children (§13). So every error message names
 * the field and the rule it breaks, never the submitted value (messages end up in logs and API
 * responses), and unknown keys are rejected (strict objects) so a misspelt field is reported
 * instead of being silently dropped.
 *
 * Cross-field rules are `superRefine`s that run even when other parts of the form are invalid
 * (`when: isObject`), each rule checking only that the fields it reads parsed cleanly: a referrer
 * sees every problem in one response, not one per attempt.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// The form's option lists, spelled exactly as on the paper form.

/** Section 5: "What is the main cause of incident" (one choice). */
export const MAIN_CAUSES = [
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
] as const;
export type MainCause = (typeof MAIN_CAUSES)[number];

/**
 * Section 5: "What are the characteristics of the case (tick all that apply)". The seed's form
 * has these 18 boxes (rows of 5, 5, 5 and 3), whatever summaries of it say.
 */
export const CASE_CHARACTERISTICS = [
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
] as const;
export type CaseCharacteristic = (typeof CASE_CHARACTERISTICS)[number];

/** Section 2 "Gender: Choose an item." (the paper form's drop-down is not in the seed). */
export const GENDERS = ['female', 'male', 'other', 'not known'] as const;
export type Gender = (typeof GENDERS)[number];

/** Section 2: "Is a coroner involved?" */
export const CORONER_INVOLVED = ['yes', 'no', 'unsure'] as const;

/** Section 12: the kinds of other review the form lists, plus a coroner's inquest. */
export const OTHER_REVIEW_KINDS = [
  'internal agency review',
  'disciplinary',
  'professional body',
  'criminal investigation',
  'MAPPA',
  'MARAC',
  'domestic homicide review',
  'safeguarding adult review',
  'LeDeR',
  'regulatory body',
  'coroner inquest',
  'other',
] as const;
export type OtherReviewKind = (typeof OTHER_REVIEW_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Lengths. Generous, but bounded: the form travels in workflow payloads and emails.

const NAME_MAX = 200;
const SHORT_TEXT_MAX = 500;
const MEDIUM_TEXT_MAX = 5_000;
/** Sections 8–12 narratives. */
export const NARRATIVE_MAX = 20_000;

// ---------------------------------------------------------------------------------------------
// Field builders: every message names the field; none repeats the value.

export const isMissing = (iss: { input?: unknown }): boolean => iss.input === undefined;

export function text(label: string, max: number) {
  return z
    .string({ error: (iss) => (isMissing(iss) ? `${label} is required` : `${label} must be text`) })
    .trim()
    .min(1, `${label} must not be empty`)
    .max(max, `${label} must be at most ${max} characters`);
}

/** Free text that may be blank at the field level; a cross-field rule decides when it is needed. */
function narrative(label: string) {
  return z
    .string({ error: (iss) => (isMissing(iss) ? `${label} is required` : `${label} must be text`) })
    .trim()
    .max(NARRATIVE_MAX, `${label} must be at most ${NARRATIVE_MAX} characters`);
}

export function isoDate(label: string) {
  return z.iso.date({
    error: (iss) =>
      isMissing(iss) ? `${label} is required` : `${label} must be a real calendar date written YYYY-MM-DD`,
  });
}

export function yesNo(label: string) {
  return z.boolean({
    error: (iss) => (isMissing(iss) ? `${label} is required` : `${label} must be true (yes) or false (no)`),
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(label: string, options: T) {
  return z.enum(options, {
    error: (iss) => (isMissing(iss) ? `${label} is required` : `${label} must be one of the form's options`),
  });
}

function list<T extends z.ZodType>(label: string, item: T, max: number) {
  return z
    .array(item, { error: (iss) => (isMissing(iss) ? `${label} is required` : `${label} must be a list`) })
    .max(max, `${label} may have at most ${max} entries`);
}

/** A strict object whose errors say which part of the form they are in. */
function section<S extends z.core.$ZodLooseShape>(label: string, shape: S) {
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        // Key names are the caller's field names, not form values: naming them shows the typo.
        return `${label} has unknown field(s): ${iss.keys.join(', ')}`;
      }
      return isMissing(iss) ? `${label} is required` : `${label} must be an object`;
    },
  });
}

const UK_POSTCODE = /^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$/;
export const TELEPHONE = /^\+?[0-9 ()-]{7,25}$/;
const TIME_24H = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

// ---------------------------------------------------------------------------------------------
// Cross-field rule plumbing.

/** Cross-field rules run whenever the value is an object at all, even if other fields failed. */
const isObject = (payload: z.core.ParsePayload): boolean =>
  typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value);

/** True when no issue (aborting or not) has been raised at or under any of these fields. */
function parsedCleanly(ctx: z.core.ParsePayload, ...fields: string[]): boolean {
  return !ctx.issues.some((iss) => {
    const first = iss.path?.[0];
    return first !== undefined && fields.includes(String(first));
  });
}

function addIssue(ctx: z.core.$RefinementCtx<unknown>, path: (string | number)[], message: string): void {
  // `input` is set explicitly so that nothing of the submitted value is attached to the issue.
  ctx.addIssue({ code: 'custom', path, message, input: undefined });
}

/** ISO YYYY-MM-DD dates order as strings. */
const before = (a: string, b: string): boolean => a < b;

/** "ended ≥ commenced" for any pair of optional dates on the same object. */
function checkDateOrder(
  ctx: z.core.$RefinementCtx<unknown>,
  value: Record<string, unknown>,
  startField: string,
  endField: string,
  message: string,
): void {
  const start = value[startField];
  const end = value[endField];
  if (
    parsedCleanly(ctx, startField, endField) &&
    typeof start === 'string' &&
    typeof end === 'string' &&
    before(end, start)
  ) {
    addIssue(ctx, [endField], message);
  }
}

// ---------------------------------------------------------------------------------------------
// Section 1: about the person completing the form (referring agency).

const referrerSchema = section('Referrer (section 1)', {
  fullName: text("Referrer's full name", NAME_MAX),
  jobTitle: text("Referrer's job title", NAME_MAX),
  organisation: text("Referrer's organisation", NAME_MAX),
  email: z
    .email({
      error: (iss) =>
        isMissing(iss) ? "Referrer's email is required" : "Referrer's email must be a valid email address",
    })
    .max(254, "Referrer's email must be at most 254 characters"),
  telephone: text("Referrer's telephone number", 30).regex(
    TELEPHONE,
    "Referrer's telephone number must contain only digits, spaces, brackets, hyphens and a leading +",
  ),
  dateSubmitted: isoDate('Date submitted'),
  authorisingOfficer: section('Authorising officer within agency', {
    fullName: text("Authorising officer's full name", NAME_MAX),
    jobTitle: text("Authorising officer's job title", NAME_MAX),
  }),
  organisationAgreementDate: isoDate('Organisation agreement date'),
  /**
   * Not on the paper form: the date the referring agency became aware of the incident, from which
   * the 1-working-day limit for the referral (§4.5) counts.
   */
  becameAwareDate: isoDate('Date the referring agency became aware of the incident'),
});

// The determination (exactly one box is ticked: checked on the whole form).
const determinationSchema = section('Determination', {
  meetsCriteriaForNotification: yesNo('Determination "meets the criteria for notification"'),
  learningToExplore: yesNo('Determination "does not meet the criteria, but there is learning to be explored"'),
});

// ---------------------------------------------------------------------------------------------
// Section 2: about the child(ren).

const childSchema = section('Child (section 2)', {
  fullName: text("Child's full name", NAME_MAX),
  dateOfBirth: isoDate("Child's date of birth"),
  /** As written on the form, e.g. "4 months" or "15 years". */
  ageAtIncident: text("Child's age at the time of the incident", 50),
  gender: oneOf("Child's gender", GENDERS),
  ethnicity: text("Child's ethnicity", 100).optional(),
  nationality: text("Child's nationality", 100).optional(),
  address: text("Child's address", SHORT_TEXT_MAX),
  postcode: text("Child's postcode", 10)
    .toUpperCase()
    .regex(UK_POSTCODE, "Child's postcode must be a UK postcode, e.g. AB1 2CD"),
  dateOfIncident: isoDate('Date of the serious incident'),
  incidentRelatesToDeath: yesNo('Does the incident relate to the death of the child'),
  dateOfDeath: isoDate('Date of death').optional(),
  causeOfDeath: text('Cause of death', 2_000).optional(),
  staffMemberConductInvolved: yesNo('Does the alleged incident involve the conduct of a staff member'),
  coronerInvolved: oneOf('Is a coroner involved', CORONER_INVOLVED),
  coronerDetails: text('Details of the coroner and local authority area', 2_000).optional(),
  /** Not on the paper form: a looked-after child's death must be notified to DfE and Ofsted (§5.3). */
  lookedAfter: yesNo('Was the child looked after by the local authority'),
}).superRefine(
  (child, ctx) => {
    if (parsedCleanly(ctx, 'incidentRelatesToDeath', 'dateOfDeath')) {
      if (child.incidentRelatesToDeath && child.dateOfDeath === undefined) {
        addIssue(ctx, ['dateOfDeath'], 'Date of death is required when the incident relates to the death of the child');
      }
      if (!child.incidentRelatesToDeath && child.dateOfDeath !== undefined) {
        addIssue(
          ctx,
          ['dateOfDeath'],
          'Date of death must be left out when the incident does not relate to the death of the child',
        );
      }
    }
    checkDateOrder(ctx, child, 'dateOfBirth', 'dateOfDeath', "Date of death must not be before the child's date of birth");
    checkDateOrder(
      ctx,
      child,
      'dateOfBirth',
      'dateOfIncident',
      "Date of the serious incident must not be before the child's date of birth",
    );
    if (
      parsedCleanly(ctx, 'coronerInvolved', 'coronerDetails') &&
      child.coronerInvolved === 'yes' &&
      child.coronerDetails === undefined
    ) {
      addIssue(
        ctx,
        ['coronerDetails'],
        'Details of the coroner and local authority area are required when a coroner is involved',
      );
    }
  },
  { when: isObject },
);

// Sections 3 and 4: parents/guardians and siblings.

const parentSchema = section('Parent/guardian (section 3)', {
  lastName: text("Parent's last name", NAME_MAX),
  firstName: text("Parent's first name", NAME_MAX),
  dateOfBirth: isoDate("Parent's date of birth").optional(),
  relationshipToChild: text("Parent's relationship to child", 100),
});

const siblingSchema = section('Sibling (section 4)', {
  lastName: text("Sibling's last name", NAME_MAX),
  firstName: text("Sibling's first name", NAME_MAX),
  dateOfBirth: isoDate("Sibling's date of birth").optional(),
  relationshipToChild: text("Sibling's relationship to child", 100),
  gender: oneOf("Sibling's gender", GENDERS).optional(),
  ethnicity: text("Sibling's ethnicity", 100).optional(),
  otherEthnicity: text("Sibling's other ethnicity", 100).optional(),
  nationality: text("Sibling's nationality", 100).optional(),
});

// ---------------------------------------------------------------------------------------------
// Section 5: case details.

const caseDetailsSchema = section('Case details (section 5)', {
  mainCause: oneOf('Main cause of incident', MAIN_CAUSES),
  mainCauseOther: text('Main cause of incident "if other, please state"', SHORT_TEXT_MAX).optional(),
  characteristics: list('Characteristics of the case', oneOf('Characteristic of the case', CASE_CHARACTERISTICS), CASE_CHARACTERISTICS.length)
    .min(1, 'Characteristics of the case: tick at least one ("Not Yet Known" if none is known yet)'),
  characteristicsOther: text('Characteristics of the case "if other, please state"', SHORT_TEXT_MAX).optional(),
}).superRefine(
  (details, ctx) => {
    if (parsedCleanly(ctx, 'mainCause', 'mainCauseOther') && details.mainCause === 'Other' && details.mainCauseOther === undefined) {
      addIssue(ctx, ['mainCauseOther'], 'Main cause of incident "if other, please state" is required when the main cause is Other');
    }
    if (parsedCleanly(ctx, 'characteristics')) {
      const seen = new Set<string>();
      details.characteristics.forEach((characteristic, index) => {
        if (seen.has(characteristic)) {
          addIssue(ctx, ['characteristics', index], 'Characteristics of the case must not list the same characteristic twice');
        }
        seen.add(characteristic);
      });
      if (
        parsedCleanly(ctx, 'characteristicsOther') &&
        details.characteristics.includes('Other') &&
        details.characteristicsOther === undefined
      ) {
        addIssue(
          ctx,
          ['characteristicsOther'],
          'Characteristics of the case "if other, please state" is required when Other is ticked',
        );
      }
    }
  },
  { when: isObject },
);

// ---------------------------------------------------------------------------------------------
// Section 6: child protection.

function planSchema(plan: string) {
  return section(plan, {
    was: yesNo(`Was the child on a ${plan} at the time or prior to the incident`),
    commenced: isoDate(`Date ${plan} commenced`).optional(),
    ended: isoDate(`Date ${plan} ended`).optional(),
  }).superRefine(
    (value, ctx) => {
      if (parsedCleanly(ctx, 'was', 'commenced') && value.was && value.commenced === undefined) {
        addIssue(ctx, ['commenced'], `Date ${plan} commenced is required when the child was on a ${plan}`);
      }
      checkDateOrder(ctx, value, 'commenced', 'ended', `Date ${plan} ended must not be before the date it commenced`);
    },
    { when: isObject },
  );
}

function siblingPlanSchema(plan: string) {
  return section(`Sibling on a ${plan}`, {
    name: text('Name of sibling', NAME_MAX),
    commenced: isoDate(`Date sibling's ${plan} commenced`).optional(),
    ended: isoDate(`Date sibling's ${plan} ended`).optional(),
  }).superRefine(
    (value, ctx) =>
      checkDateOrder(ctx, value, 'commenced', 'ended', `Date sibling's ${plan} ended must not be before the date it commenced`),
    { when: isObject },
  );
}

const childProtectionSchema = section('Child protection (section 6)', {
  knownToSocialCare: yesNo('Was the child known to Social Care prior to the incident'),
  childProtectionPlan: planSchema('Child Protection Plan'),
  siblingsOnChildProtectionPlan: list('Siblings on a Child Protection Plan', siblingPlanSchema('Child Protection Plan'), 30),
  childInNeedPlan: planSchema('Child In Need Plan'),
  siblingsOnChildInNeedPlan: list('Siblings on a Child In Need Plan', siblingPlanSchema('Child In Need Plan'), 30),
});

// Section 7: other agencies involved.

const otherAgencySchema = section('Other agency involved (section 7)', {
  fullName: text("Agency contact's full name", NAME_MAX),
  organisation: text('Agency organisation', NAME_MAX),
  startDate: isoDate('Agency involvement start date').optional(),
  endDate: isoDate('Agency involvement end date').optional(),
}).superRefine(
  (value, ctx) =>
    checkDateOrder(ctx, value, 'startDate', 'endDate', 'Agency involvement end date must not be before its start date'),
  { when: isObject },
);

// Section 12: any other review pending or complete.

const otherReviewSchema = section('Other review (section 12)', {
  kind: oneOf('Kind of other review', OTHER_REVIEW_KINDS),
  details: text('Details of the other review', MEDIUM_TEXT_MAX),
});

const otherReviewsSchema = section('Other reviews (section 12)', {
  reviews: list('Other reviews pending or complete', otherReviewSchema, 50),
  unawareOfOtherReviews: yesNo('Unaware of any other reviews ongoing'),
  earlyLearning: narrative('Early learning or changes to practice').optional(),
}).superRefine(
  (value, ctx) => {
    if (parsedCleanly(ctx, 'reviews', 'unawareOfOtherReviews') && value.reviews.length === 0 && !value.unawareOfOtherReviews) {
      addIssue(
        ctx,
        ['unawareOfOtherReviews'],
        'Other reviews must not be left blank: list at least one review, or indicate you are unaware of any other reviews',
      );
    }
  },
  { when: isObject },
);

// Appendix 2: chronology rows.

const chronologyRowSchema = section('Chronology row (Appendix 2)', {
  /** When the event is said to have taken place, not when it was recorded. */
  date: isoDate('Chronology date'),
  time: z
    .string({ error: 'Chronology time must be text' })
    .regex(TIME_24H, 'Chronology time must be a 24-hour time written HH:MM')
    .optional(),
  significantEvent: text('Significant event', MEDIUM_TEXT_MAX),
  agency: text('Chronology agency', NAME_MAX),
  /** "Whose professional/agency records (source)?" */
  source: text('Whose professional/agency records (source)', SHORT_TEXT_MAX),
  whoWasInvolved: text('Who was involved', MEDIUM_TEXT_MAX),
  decisionsOutcome: text('Decisions/outcome including any actions taken', MEDIUM_TEXT_MAX),
  childSeen: yesNo('Child seen'),
  childViews: text("Child's views", MEDIUM_TEXT_MAX).optional(),
  authorComments: text('Author comments', MEDIUM_TEXT_MAX).optional(),
});

// ---------------------------------------------------------------------------------------------
// The whole form.

export const referralFormSchema = section('Referral form', {
  referrer: referrerSchema,
  determination: determinationSchema,
  children: list('Children (section 2)', childSchema, 20).min(1, 'Children (section 2): at least one child is required'),
  parents: list('Parents/guardians (section 3)', parentSchema, 10),
  siblings: list('Siblings (section 4)', siblingSchema, 30),
  caseDetails: caseDetailsSchema,
  childProtection: childProtectionSchema,
  otherAgencies: list('Other agencies involved (section 7)', otherAgencySchema, 100),
  /** Section 8: details of the case/incident. */
  incidentDetails: text('Details of the case/incident (section 8)', NARRATIVE_MAX),
  /** Section 9; required on the notification route ("not applicable" on a learning request). */
  whyMeetsCriteria: narrative('Why the case meets the criteria for notification (section 9)').optional(),
  /** Section 10; required on the learning route. */
  whyLearningToExplore: narrative('Why there is learning to be explored (section 10)').optional(),
  /** Section 11. */
  authorisingOfficerComment: text('Agency authorising officer comment and recommendation (section 11)', NARRATIVE_MAX),
  otherReviews: otherReviewsSchema,
  chronology: list('Chronology (Appendix 2)', chronologyRowSchema, 2_000).optional(),
}).superRefine(
  (form, ctx) => {
    if (!parsedCleanly(ctx, 'determination')) return;
    const { meetsCriteriaForNotification, learningToExplore } = form.determination;
    if (meetsCriteriaForNotification === learningToExplore) {
      addIssue(
        ctx,
        ['determination'],
        'Determination: exactly one of "meets the criteria for notification" and "does not meet the criteria, but there is learning to be explored" must be yes',
      );
      return;
    }
    if (meetsCriteriaForNotification && parsedCleanly(ctx, 'whyMeetsCriteria') && !form.whyMeetsCriteria) {
      addIssue(
        ctx,
        ['whyMeetsCriteria'],
        'Why the case meets the criteria for notification (section 9) is required when the case meets the criteria',
      );
    }
    if (learningToExplore && parsedCleanly(ctx, 'whyLearningToExplore') && !form.whyLearningToExplore) {
      addIssue(
        ctx,
        ['whyLearningToExplore'],
        'Why there is learning to be explored (section 10) is required for a learning referral',
      );
    }
  },
  { when: isObject },
);

export type ReferralForm = z.infer<typeof referralFormSchema>;
export type ReferralChild = ReferralForm['children'][number];

/**
 * Which route the referral takes, from the section-1 determination: to the Statutory Safeguarding
 * Partners for a notification decision, or to the Learning and Development Group (§4.7, §10).
 */
export function referralRoute(form: ReferralForm): 'notification' | 'learning' {
  const { meetsCriteriaForNotification, learningToExplore } = form.determination;
  if (meetsCriteriaForNotification && !learningToExplore) return 'notification';
  if (learningToExplore && !meetsCriteriaForNotification) return 'learning';
  // Unreachable for a parsed form; refuse rather than guess the route of a child's case.
  throw new Error('Referral form determination must have exactly one of its two options set');
}
