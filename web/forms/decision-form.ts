// A decision's form, generated from its payload schema: each field's meaning (domain/fields.ts)
// decides its GOV.UK pattern, its purpose is its label, and what is typed is read back into the
// payload the case service checks. A decision added to a table gets its form from this alone.
//   free text          → a textarea (a text input when short)
//   person's name, reference → a text input
//   date (done, planned, set) → a date input (day, month, year)
//   instant            → a date input and a time, in London; the server converts
//   a date or instant (a correction) → a date input and an optional time
//   choice             → radios with the values in words (domain/decision-words.ts CHOICE_WORDS);
//                        an agency → the directory's agencies
//   sign-in ID         → the people of the directory who review, or a text input without one
//   flag               → Yes / No radios
//   object             → a fieldset of its fields; list → rows, with "Add another" and "Remove"
// Form names are the payload's path joined by "-", list rows counted from 1: actions-2-agency.
import { z } from 'zod';
import { CHOICE_WORDS } from '../../domain/decision-words';
import { fieldMetaOf, type FieldMeaning } from '../../domain/fields';
import type { Problem } from '../../domain/errors';
import type { Role } from '../../domain/roles';
import { govukDate, govukDateTime } from '../format';
import { FormErrors } from './errors';
import { dateFromParts, londonInstantFrom, timeOfDay } from './inputs';

export type FieldKind = 'text' | 'textarea' | 'date' | 'instant' | 'date-or-instant' | 'radios' | 'flag' | 'select' | 'group' | 'list';

export interface FormField {
  /** The payload's key. */
  key: string;
  /** The form's name and the element's id. */
  name: string;
  label: string;
  optional: boolean;
  kind: FieldKind;
  meaning?: FieldMeaning | undefined;
  choices?: Array<{ value: string; text: string }>;
  /** A group's fields; a list's rows, each its fields. */
  fields?: FormField[];
  rows?: FormField[][];
  /** A list's fewest and most rows; the word for one row ("Action"). */
  minRows?: number;
  maxRows?: number;
  rowWord?: string;
}

/** What the form offers to choose from: the partnership's directory. */
export interface FormDirectory {
  agencies?: readonly string[] | undefined;
  people?: ReadonlyArray<{ id: string; role: Role; agency: string }> | undefined;
}

/** The rows a list shows (from its hidden count), at least its minimum. */
export type RowCounts = Record<string, number>;

const ROW_WORDS: Record<string, string> = { actions: 'Action' };
/** The longest text kept in a one-line input: anything longer is a textarea. */
const ONE_LINE_MAX = 500;

/** Through optional, nullable, default and pipe wrappers, saying whether any made it optional. */
function inner(schema: z.ZodType): { schema: z.ZodType; optional: boolean } {
  let current = schema;
  let optional = false;
  for (let depth = 0; depth < 8; depth++) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) optional = true;
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    const next = def.innerType ?? def.in;
    if (!next) break;
    current = next;
  }
  return { schema: current, optional };
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function choiceWords(value: string): string {
  return CHOICE_WORDS[value] ?? sentenceCase(value.replace(/-/g, ' '));
}

function maxLengthOf(schema: z.ZodType): number | undefined {
  const checks = (schema._zod.def as { checks?: Array<{ _zod: { def: { check?: string; maximum?: number } } }> }).checks ?? [];
  const max = checks.find((c) => c._zod.def.check === 'max_length');
  return max?._zod.def.maximum;
}

/** The form's fields for a payload schema (an object), with the rows each list shows. */
export function formFields(schema: z.ZodType, directory: FormDirectory, rows: RowCounts = {}, prefix = ''): FormField[] {
  const object = inner(schema).schema;
  if (!(object instanceof z.ZodObject)) return [];
  return Object.entries(object.shape as Record<string, z.ZodType>).map(([key, child]) => fieldOf(key, child, directory, rows, prefix));
}

function fieldOf(key: string, schema: z.ZodType, directory: FormDirectory, rows: RowCounts, prefix: string): FormField {
  const name = prefix ? `${prefix}-${key}` : key;
  const meta = fieldMetaOf(schema);
  const { schema: held, optional } = inner(schema);
  const label = sentenceCase(meta?.purpose ?? key);
  const base = { key, name, label, optional, meaning: meta?.meaning };
  if (held instanceof z.ZodArray) {
    const item = held.element as z.ZodType;
    const def = held._zod.def as { checks?: Array<{ _zod: { def: { check?: string; minimum?: number; maximum?: number } } }> };
    const minRows = def.checks?.find((c) => c._zod.def.check === 'min_length')?._zod.def.minimum ?? 0;
    const maxRows = def.checks?.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum ?? 100;
    const count = Math.min(maxRows, Math.max(rows[name] ?? 1, minRows, 1));
    const rowFields = Array.from({ length: count }, (_, i) => formFields(item, directory, rows, `${name}-${i + 1}`));
    return { ...base, kind: 'list', rows: rowFields, minRows, maxRows, rowWord: ROW_WORDS[key] ?? 'Item' };
  }
  if (held instanceof z.ZodObject) return { ...base, kind: 'group', fields: formFields(held, directory, rows, name) };
  if (held instanceof z.ZodBoolean) return { ...base, kind: 'flag' };
  if (held instanceof z.ZodEnum) {
    return { ...base, kind: 'radios', choices: (held.options as string[]).map((value) => ({ value, text: choiceWords(value) })) };
  }
  switch (meta?.meaning) {
    case 'date-done':
    case 'date-planned':
    case 'date-set':
      return { ...base, kind: 'date' };
    case 'instant-past':
      return { ...base, kind: 'instant' };
    case 'date-corrected':
      return { ...base, kind: 'date-or-instant' };
    case 'choice':
      // A choice held as text is an agency of the partnership's directory (§16.2).
      if (directory.agencies?.length) return { ...base, kind: 'select', choices: directory.agencies.map((a) => ({ value: a, text: a })) };
      return { ...base, kind: 'text' };
    case 'sign-in-id': {
      const reviewers = (directory.people ?? []).filter((p) => p.role === 'reviewer');
      if (reviewers.length) return { ...base, kind: 'select', choices: reviewers.map((p) => ({ value: p.id, text: `${p.id} (${p.agency})` })) };
      return { ...base, kind: 'text' };
    }
    default: {
      const max = maxLengthOf(held);
      return { ...base, kind: meta?.meaning === 'free-text' && (max === undefined || max > ONE_LINE_MAX) ? 'textarea' : 'text' };
    }
  }
}

/** The form as posted: every value a string (urlencoded, one value per name). */
export type Posted = Record<string, string>;

/** The posted body's string values (anything else a browser would not send is dropped). */
export function postedOf(body: unknown): Posted {
  const out: Posted = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The rows each list of the form shows, from the hidden counts the form posts (`<list>-rows`). */
export function rowCountsOf(posted: Posted): RowCounts {
  const rows: RowCounts = {};
  for (const [k, v] of Object.entries(posted)) {
    const m = /^(.+)-rows$/.exec(k);
    if (m && /^\d{1,3}$/.test(v)) rows[m[1]!] = Number(v);
  }
  return rows;
}

const lower = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);

/** The payload the form's values make, with a GOV.UK message for every field that cannot be read. */
export function readForm(fields: FormField[], posted: Posted, errors: FormErrors): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const f of fields) {
    const value = readField(f, posted, errors);
    if (value !== undefined) payload[f.key] = value;
  }
  return payload;
}

function readField(f: FormField, posted: Posted, errors: FormErrors): unknown {
  const text = (posted[f.name] ?? '').trim();
  const required = (message: string, href = f.name) => {
    if (!f.optional) errors.add(f.name, message, href);
    return undefined;
  };
  switch (f.kind) {
    case 'group':
      return readForm(f.fields ?? [], posted, errors);
    case 'list':
      return (f.rows ?? []).map((row) => readForm(row, posted, errors));
    case 'flag':
      if (text === 'yes') return true;
      if (text === 'no') return false;
      return required(`Select yes or no: ${lower(f.label)}`);
    case 'radios':
    case 'select':
      if (!text) return required(`Select ${lower(f.label)}`);
      if (!f.choices?.some((c) => c.value === text)) {
        errors.add(f.name, `Select one of the choices given: ${lower(f.label)}`);
        return undefined;
      }
      return text;
    case 'date': {
      const read = dateFromParts(f.label, { day: posted[`${f.name}-day`], month: posted[`${f.name}-month`], year: posted[`${f.name}-year`] });
      if (!read.ok) return errors.add(f.name, read.message, `${f.name}-day`);
      return read.value ?? required(`Enter ${lower(f.label)}`, `${f.name}-day`);
    }
    case 'instant':
    case 'date-or-instant':
      return readInstant(f, posted, errors);
    default:
      return text || required(`Enter ${lower(f.label)}`);
  }
}

/** A London date and time as an instant (or, for a correction, a date alone). */
function readInstant(f: FormField, posted: Posted, errors: FormErrors): string | undefined {
  const date = dateFromParts(f.label, { day: posted[`${f.name}-day`], month: posted[`${f.name}-month`], year: posted[`${f.name}-year`] });
  const time = timeOfDay(`the time of ${lower(f.label)}`, posted[`${f.name}-time`]);
  if (!date.ok) return void errors.add(f.name, date.message, `${f.name}-day`);
  if (!time.ok) return void errors.add(f.name, time.message, `${f.name}-time`);
  if (date.value === undefined) {
    if (time.value !== undefined) return void errors.add(f.name, `Enter the date as well as the time: ${lower(f.label)}`, `${f.name}-day`);
    if (!f.optional) errors.add(f.name, `Enter ${lower(f.label)}`, `${f.name}-day`);
    return undefined;
  }
  if (time.value === undefined) {
    if (f.kind === 'date-or-instant') return date.value;
    return void errors.add(f.name, `Enter the time as well as the date (London time): ${lower(f.label)}`, `${f.name}-time`);
  }
  const instant = londonInstantFrom(lower(f.label), date.value, time.value);
  if (!instant.ok) return void errors.add(f.name, instant.message, `${f.name}-time`);
  return instant.value;
}

/** Every field of the form, lists' rows and groups' fields included, by name. */
export function allFields(fields: FormField[]): FormField[] {
  return fields.flatMap((f) => [f, ...allFields(f.fields ?? []), ...(f.rows ?? []).flatMap(allFields)]);
}

/** Where the element of a field is, for the error summary's link. */
function hrefOf(f: FormField): string {
  if (f.kind === 'date' || f.kind === 'instant' || f.kind === 'date-or-instant') return `${f.name}-day`;
  if (f.kind === 'group') return f.fields?.[0] ? hrefOf(f.fields[0]) : f.name;
  if (f.kind === 'list') return f.rows?.[0]?.[0] ? hrefOf(f.rows[0][0]) : f.name;
  return f.name;
}

/**
 * The case service's problems with the payload (paths like actions.0.deadline) on the form's
 * fields: each message starts with the field's label rather than its payload name.
 */
export function problemsOnForm(fields: FormField[], problems: readonly Problem[], errors: FormErrors): void {
  const byName = new Map(allFields(fields).map((f) => [f.name, f]));
  for (const p of problems) {
    const segments = p.path.split('.');
    const named = segments.map((s) => (/^\d+$/.test(s) ? String(Number(s) + 1) : s));
    // The nearest field the path reaches (an unknown key's problem lands on its object).
    let field: FormField | undefined;
    for (let n = named.length; n > 0 && !field; n--) field = byName.get(named.slice(0, n).join('-'));
    const key = segments[segments.length - 1] ?? '';
    const words = p.message.replace(new RegExp(`^${key.replace(/[^A-Za-z0-9]/g, '')}( \\([^)]*\\))? `), '');
    if (field) errors.add(field.name, words === p.message ? p.message : `${field.label} ${words}`, hrefOf(field));
    else errors.add('form', p.message, 'main-content');
  }
}

/** What was typed, in words, for the check-your-answers step: label and value, row by row. */
export function answersOf(fields: FormField[], payload: Record<string, unknown>): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (const f of fields) {
    const v = payload[f.key];
    if (v === undefined) continue;
    if (f.kind === 'group') out.push(...answersOf(f.fields ?? [], v as Record<string, unknown>));
    else if (f.kind === 'list') (v as Array<Record<string, unknown>>).forEach((row, i) => out.push(...answersOf(f.rows?.[i] ?? [], row).map((a) => ({ key: `${f.rowWord} ${i + 1}: ${a.key}`, value: a.value }))));
    else out.push({ key: f.label, value: displayOf(f, v) });
  }
  return out;
}

function displayOf(f: FormField, v: unknown): string {
  if (f.kind === 'flag') return v ? 'Yes' : 'No';
  if (f.kind === 'radios' || f.kind === 'select') return f.choices?.find((c) => c.value === v)?.text ?? String(v);
  if (f.kind === 'date') return govukDate(String(v));
  if (f.kind === 'instant' || f.kind === 'date-or-instant') return String(v).length === 10 ? govukDate(String(v)) : govukDateTime(String(v));
  return String(v);
}
