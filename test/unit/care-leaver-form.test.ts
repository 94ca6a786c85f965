// The care leaver's death notification (WT 2023 ch. 5): the age on the date of death, the form's
// checks, the rule in the WT-2023 rulebook only, and the case it opens (its own stage, the one
// obligation, closed by the decision that meets it).
import { exampleCareLeaverForm } from '../../config/example-care-leaver';
import { ageOn, careLeaverFormSchema, checkCareLeaverForm, type CareLeaverForm } from '../../domain/care-leaver-form';
import { checkDecision } from '../../domain/decisions';
import { applyDecision, applyOpening, careLeaverOpeningOf, caseOpeningOf, newCase, openingObligations, planDecision } from '../../domain/incident';
import type { Deadline } from '../../domain/case';
import type { Actor } from '../../domain/roles';
import { DSP_1_5, obligationRule, WT_2023 } from '../../domain/rulebook';
import { validReferralForm } from '../fixtures/referral-form';

const TODAY = '2026-12-07';
const BU: Actor = { id: 'bu-1', role: 'business-unit', agency: 'Business Unit' };

function withCareLeaver(changes: Partial<CareLeaverForm['careLeaver']>, form = exampleCareLeaverForm(TODAY)): CareLeaverForm {
  return { ...form, careLeaver: { ...form.careLeaver, ...changes } };
}

function problemsOf(form: unknown): Array<{ path: string; message: string }> {
  const checked = checkCareLeaverForm(form, TODAY);
  return checked.ok ? [] : checked.problems;
}

describe('the age on the date of death', () => {
  test('a birthday is reached on its day, not the day before', () => {
    expect(ageOn('2001-12-05', '2026-12-04')).toBe(24);
    expect(ageOn('2001-12-05', '2026-12-05')).toBe(25);
    expect(ageOn('2001-01-01', '2001-01-01')).toBe(0);
  });
  test('29 February birthdays are reached on 1 March in other years', () => {
    expect(ageOn('2004-02-29', '2029-02-28')).toBe(24);
    expect(ageOn('2004-02-29', '2029-03-01')).toBe(25);
    expect(ageOn('2004-02-29', '2028-02-29')).toBe(24);
  });
});

describe('the form', () => {
  test('the example is valid', () => {
    expect(checkCareLeaverForm(exampleCareLeaverForm(TODAY), TODAY)).toEqual({ ok: true, form: exampleCareLeaverForm(TODAY) });
  });

  test('24, the day before the 25th birthday, is accepted', () => {
    expect(problemsOf(withCareLeaver({ dateOfBirth: '2001-12-06', dateOfDeath: '2026-12-05' }))).toEqual([]);
  });

  test('25 on the date of death is refused, in plain words, with what to do instead', () => {
    const problems = problemsOf(withCareLeaver({ dateOfBirth: '2001-12-05', dateOfDeath: '2026-12-05' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('careLeaver.dateOfDeath');
    expect(problems[0]!.message).toContain('up to and including the age of 24 (Working Together 2023, chapter 5); on the date of death they were 25.');
    expect(problems[0]!.message).toContain('this notification does not apply');
  });

  test('dates in the future and a death before the birth are refused', () => {
    expect(problemsOf(withCareLeaver({ dateOfDeath: '2026-12-08' })).map((p) => p.path)).toEqual(['careLeaver.dateOfDeath']);
    expect(problemsOf(withCareLeaver({ dateOfBirth: '2026-12-08' })).map((p) => p.path)).toEqual(['careLeaver.dateOfBirth']);
    expect(problemsOf({ ...exampleCareLeaverForm(TODAY), laBecameAwareDate: '2027-01-01' }).map((p) => p.path)).toEqual(['laBecameAwareDate']);
    const before = problemsOf(withCareLeaver({ dateOfBirth: '2005-06-01', dateOfDeath: '2005-05-31' }));
    expect(before).toEqual([{ path: 'careLeaver.dateOfDeath', message: 'The date of death must not be before the date of birth' }]);
  });

  test('awareness before the death is refused', () => {
    expect(problemsOf({ ...exampleCareLeaverForm(TODAY), laBecameAwareDate: '2026-12-01' }).map((p) => p.path)).toEqual(['laBecameAwareDate']);
  });

  test('missing and unknown fields are named, never the values sent', () => {
    const { dateOfBirth: _dob, ...careLeaver } = exampleCareLeaverForm(TODAY).careLeaver;
    const problems = problemsOf({ ...exampleCareLeaverForm(TODAY), careLeaver: { ...careLeaver, nickname: 'Secret Name' } });
    expect(problems.map((p) => p.path).sort()).toEqual(['careLeaver', 'careLeaver.dateOfBirth']);
    expect(JSON.stringify(problems)).not.toContain('Secret Name');
    expect(careLeaverFormSchema.safeParse({ ...exampleCareLeaverForm(TODAY), hadPathwayPlan: 'yes' }).success).toBe(false);
  });
});

describe('the rule and the case', () => {
  test('WT-2023 has the rule, DSP-1.5 has not; the seed rules are unchanged by it', () => {
    expect(obligationRule(WT_2023.version, 'care-leaver-death-notification')).toMatchObject({
      owner: 'business-unit',
      remind: 'business-unit',
      clock: 'la-became-aware',
      limit: { kind: 'working-days-after', days: 5 },
      statutory: true,
      section: 'WT 2023 ch. 5',
      escalateTo: ['director-childrens-services', 'business-manager'],
    });
    expect(DSP_1_5.obligations['care-leaver-death-notification']).toBeUndefined();
  });

  test('a care leaver case opens its notification only, at its own stage, and closes when notified', () => {
    const form = exampleCareLeaverForm(TODAY);
    const state = newCase(careLeaverOpeningOf('DSP-2026-0001', `${TODAY}T10:00:00.000Z`, WT_2023.version, BU, form));
    expect(state.stage).toBe('awaiting-care-leaver-notification');
    expect(state.facts).toEqual({ caseKind: 'care-leaver-death', referringAgency: form.notifier.organisation });
    expect(state.clocks['la-became-aware']).toBe(TODAY);
    expect(openingObligations(state)).toEqual(['care-leaver-death-notification']);
    const due: Deadline = {
      obligationId: 'care-leaver-death-notification',
      obligation: 'LA notifies the Secretary of State and Ofsted of the death of a care leaver',
      clock: { event: 'la-became-aware', date: TODAY },
      rule: '5 working days after',
      dueDate: '2026-12-14',
      dueAt: '2026-12-14T23:59:59.999Z',
      skipped: [],
      section: 'WT 2023 ch. 5',
      statutory: true,
      reminders: [],
      computedAt: `${TODAY}T10:00:00.000Z`,
    };
    applyOpening(state, BU, [due], `${TODAY}T10:00:00.000Z`);
    expect(Object.keys(state.obligations)).toEqual(['care-leaver-death-notification']);
    const now = Date.parse(`${TODAY}T12:00:00.000Z`);
    expect(checkDecision(state, 'ssp-informed', BU, {}, now)).toMatchObject({ ok: false, type: 'WrongStage' });
    const check = checkDecision(state, 'care-leaver-death-notified', BU, { note: 'sent to the DfE and Ofsted' }, now);
    expect(check.ok).toBe(true);
    const plan = planDecision(state, 'care-leaver-death-notified', { note: 'sent' }, now);
    applyDecision(state, 'care-leaver-death-notified', BU, { note: 'sent' }, plan, [], new Date(now).toISOString());
    expect(state.stage).toBe('closed');
    expect(state.obligations['care-leaver-death-notification']!.status).toBe('met');
  });

  test('a referral opens as it always did: no kind, the same obligations', () => {
    const state = newCase(caseOpeningOf('DSP-2026-0002', `${TODAY}T10:00:00.000Z`, WT_2023.version, BU, validReferralForm()));
    expect(state.facts.caseKind).toBeUndefined();
    expect(state.stage).toBe('referral-received');
    expect(openingObligations(state)).toEqual(['referral-submitted', 'ssp-informed', 'ssp-decision', 'national-notification']);
  });
});
