// What a person typed on the care leaver notification's page, read into the notification the JSON
// API takes (domain/care-leaver-form.ts), and every problem put back by the field it is about: a
// question left empty in its own words, a date that is not one in GOV.UK's, and the form's own
// checks (dates in the future, a death before the birth, the age on the date of death) by the dates
// they are about. What was typed is kept as typed, so it can be seen and fixed.
import { ageOn, checkCareLeaverForm, type CareLeaverForm } from '../../domain/care-leaver-form';
import { dateFromParts } from '../forms/inputs';
import { FormErrors } from '../forms/errors';
import { CARE_LEAVER_PAGE } from './care-leaver-sections';
import type { TypedValues } from './referral-form-read';
import { hrefOf } from './referral-form-read';
import type { Field } from './referral-form-sections';

const str = (v: string | string[] | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '');

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const p of path.slice(0, -1)) {
    if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
}

/** One answer as the notification takes it, or why it cannot be read. */
function readAnswer(field: Field, typed: TypedValues): { value?: unknown; problem?: string } {
  if (field.kind === 'date') {
    const read = dateFromParts(field.label, { day: typed[`${field.name}-day`], month: typed[`${field.name}-month`], year: typed[`${field.name}-year`] });
    if (!read.ok) return { problem: read.message };
    return read.value === undefined ? {} : { value: read.value };
  }
  const value = str(typed[field.name]).trim();
  if (!value) return {};
  if (field.kind === 'yesno') return value === 'yes' || value === 'no' ? { value: value === 'yes' } : { problem: field.missing ?? `Select ${field.label}` };
  if (field.options && !field.options.some((o) => o.value === value)) return { problem: field.missing ?? `Select ${field.label}` };
  return { value };
}

export interface CareLeaverReading {
  form?: CareLeaverForm;
  errors: FormErrors;
}

const byPath = new Map(CARE_LEAVER_PAGE.fields.map((f) => [f.path.join('.'), f]));
const fieldNamed = (name: string) => CARE_LEAVER_PAGE.fields.find((f) => f.name === name)!;

/** The notification from what was typed, checked whole against London's `today`; each problem by its field. */
export function readCareLeaver(typed: TypedValues, today: string): CareLeaverReading {
  const errors = new FormErrors();
  const out: Record<string, unknown> = {};
  for (const field of CARE_LEAVER_PAGE.fields) {
    const { value, problem } = readAnswer(field, typed);
    if (problem) errors.add(field.name, problem, hrefOf(field, field.name));
    else if (value !== undefined) setAt(out, field.path, value);
    else if (!field.optional) errors.add(field.name, field.missing ?? `Enter ${field.label.toLowerCase()}`, hrefOf(field, field.name));
  }
  if (errors.any) return { errors };
  const checked = checkCareLeaverForm(out, today);
  if (checked.ok) return { form: checked.form, errors };
  for (const p of checked.problems) {
    const field = byPath.get(p.path) ?? CARE_LEAVER_PAGE.fields[0]!;
    errors.add(field.name, p.message, hrefOf(field, field.name));
  }
  // The age is as much the date of birth's as the date of death's: the birth date says so too.
  const dob = out.careLeaver as { dateOfBirth?: string; dateOfDeath?: string } | undefined;
  if (checked.problems.some((p) => p.message.includes('up to and including the age')) && dob?.dateOfBirth && dob.dateOfDeath) {
    errors.add('dateOfBirth', `Check the date of birth: with it, they were ${ageOn(dob.dateOfBirth, dob.dateOfDeath)} on the date of death`, hrefOf(fieldNamed('dateOfBirth'), 'dateOfBirth'));
  }
  return { errors };
}
