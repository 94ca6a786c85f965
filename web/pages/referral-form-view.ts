// The referral form's pages as GOV.UK Frontend's components take them: each question of a section
// (web/pages/referral-form-sections.ts) with what was typed and its problem, the "add another"
// lists, and the check-your-answers summary. The templates only lay them out.
import type { FormErrors } from '../forms/errors';
import { dateFromParts } from '../forms/inputs';
import { govukDate } from '../format';
import { allFields, itemsOf, type TypedSection, type TypedValues } from './referral-form-read';
import type { Field, FieldList, Section } from './referral-form-sections';

const str = (v: string | string[] | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '');
const chosenOf = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : []);

export interface FieldView {
  kind: string;
  id: string;
  /** The component's parameters (an input, a textarea, a date input, a select). */
  params?: Record<string, unknown>;
  /** Radios and checkboxes: the group's parameters, and each option with what it reveals. */
  group?: Record<string, unknown>;
  options?: Array<{ value: string; text: string; hint?: { text: string }; checked: boolean; reveals: FieldView[] }>;
}

function fieldView(field: Field, typed: TypedValues, key: (name: string) => string, errors: FormErrors): FieldView {
  const id = key(field.name);
  const errorMessage = errors.messageFor(id);
  const label = field.label;
  const hint = field.hint ? { text: field.hint } : undefined;
  const legend = { text: label, classes: 'govuk-fieldset__legend--s' };
  if (field.kind === 'date') {
    const part = (p: string, width: string) => ({
      name: p,
      classes: `${width}${errorMessage ? ' govuk-input--error' : ''}`,
      value: str(typed[`${field.name}-${p}`]),
    });
    return { kind: 'date', id, params: { id, namePrefix: id, fieldset: { legend }, hint, errorMessage, items: [part('day', 'govuk-input--width-2'), part('month', 'govuk-input--width-2'), part('year', 'govuk-input--width-4')] } };
  }
  if (field.kind === 'select') {
    const value = str(typed[field.name]);
    return { kind: 'select', id, params: { id, name: id, label: { text: label }, hint, errorMessage, items: (field.options ?? []).map((o) => ({ value: o.value, text: o.text, selected: o.value === value })) } };
  }
  if (field.options) {
    const chosen = chosenOf(typed[field.name]);
    return {
      kind: field.kind === 'checkboxes' || field.kind === 'tick' ? 'checkboxes' : 'radios',
      id,
      group: { idPrefix: id, name: id, fieldset: { legend }, hint, errorMessage, classes: field.kind === 'yesno' ? 'govuk-radios--inline' : undefined },
      options: field.options.map((o) => ({
        value: o.value,
        text: o.text,
        ...(o.hint ? { hint: { text: o.hint } } : {}),
        checked: chosen.includes(o.value),
        reveals: (o.reveals ?? []).map((r) => fieldView(r, typed, key, errors)),
      })),
    };
  }
  const value = str(typed[field.name]);
  if (field.kind === 'textarea') return { kind: 'textarea', id, params: { id, name: id, label: { text: label, classes: 'govuk-label--s' }, hint, errorMessage, value, rows: field.name === 'address' ? 3 : 6 } };
  return {
    kind: 'input',
    id,
    params: {
      id,
      name: id,
      type: field.kind === 'email' ? 'email' : field.kind === 'tel' ? 'tel' : 'text',
      label: { text: label, classes: 'govuk-label--s' },
      hint,
      errorMessage,
      value,
      classes: field.width,
      spellcheck: field.kind === 'email' ? false : undefined,
      autocomplete: 'off',
    },
  };
}

function listView(l: FieldList, typed: TypedSection | undefined, errors: FormErrors) {
  const items = itemsOf(l, typed);
  return {
    prefix: l.prefix,
    heading: l.heading,
    plural: l.plural,
    hint: l.hint,
    noun: l.noun,
    count: items.length,
    canAdd: items.length < l.max,
    max: l.max,
    errorMessage: errors.messageFor(`${l.prefix}-list`),
    items: items.map((item, i) => ({
      index: i,
      title: `${l.heading} ${i + 1}`,
      removable: items.length > (l.min ?? 0),
      fields: l.fields.map((f) => fieldView(f, item, (name) => `${l.prefix}-${i}-${name}`, errors)),
    })),
  };
}

/** A section page's questions and lists, with what was typed and the problems to show. */
export function sectionView(section: Section, typed: TypedSection | undefined, errors: FormErrors) {
  return {
    fields: section.fields.map((f) => fieldView(f, typed?.v ?? {}, (name) => name, errors)),
    lists: section.lists.map((l) => listView(l, typed, errors)),
  };
}

// --- Check your answers --------------------------------------------------------------------------

/** An answer as the summary shows it: a date in words, a choice by its words, "Not given" when empty. */
function answerWords(field: Field, typed: TypedValues): string {
  if (field.kind === 'date') {
    const read = dateFromParts(field.label, { day: typed[`${field.name}-day`], month: typed[`${field.name}-month`], year: typed[`${field.name}-year`] });
    if (read.ok) return read.value ? govukDate(read.value) : 'Not given';
    return ['day', 'month', 'year'].map((p) => str(typed[`${field.name}-${p}`])).join(' ');
  }
  if (field.kind === 'tick') return chosenOf(typed[field.name]).includes('yes') ? field.options![0]!.text : 'Not ticked';
  if (field.options) {
    const words = chosenOf(typed[field.name]).map((v) => field.options!.find((o) => o.value === v)?.text ?? v).filter((w) => w && !w.startsWith('Choose'));
    return words.length ? words.join(', ') : 'Not given';
  }
  return str(typed[field.name]).trim() || 'Not given';
}

/** The questions answered on a section, those revealed by an option not chosen left out. */
function rowsOf(fields: readonly Field[], typed: TypedValues, prefix = ''): Array<{ key: { text: string }; value: { text: string } }> {
  return fields.flatMap((f) => {
    const chosen = chosenOf(typed[f.name]);
    const revealed = (f.options ?? []).filter((o) => chosen.includes(o.value)).flatMap((o) => o.reveals ?? []);
    return [{ key: { text: `${prefix}${f.label}` }, value: { text: answerWords(f, typed) } }, ...rowsOf(revealed, typed, prefix)];
  });
}

/** A summary card per section, its answers and a "Change" link back to its page. */
export function answersOf(sections: readonly Section[], sectionsTyped: Record<string, TypedSection>, base: string) {
  return sections.map((section) => {
    const typed = sectionsTyped[section.slug];
    const rows = [...rowsOf(section.fields, typed?.v ?? {})];
    for (const l of section.lists) {
      const items = itemsOf(l, typed);
      if (items.length === 0) rows.push({ key: { text: l.plural }, value: { text: 'None listed' } });
      items.forEach((item, i) => rows.push(...rowsOf(l.fields, item, `${l.heading} ${i + 1}: `)));
    }
    return {
      card: {
        title: { text: `${section.caption}: ${section.title}` },
        actions: { items: [{ href: `${base}/${section.slug}`, text: 'Change', visuallyHiddenText: section.title }] },
      },
      rows: typed ? rows : [{ key: { text: 'Not started' }, value: { text: 'You have not completed this section yet' } }],
    };
  });
}

export { allFields };
