// What a person typed into the referral form's pages, read into the referral the JSON API takes
// (domain/referral-form.ts, unchanged), and the schema's problems put back on the page and the
// field they are about: `children.0.dateOfBirth` is the children page's `child-0-dateOfBirth`.
// What was typed is kept as typed (a draft keeps "31 2 2026" so the person can see and fix it).
import { referralFormSchema } from '../../domain/referral-form';
import { dateFromParts } from '../forms/inputs';
import { SECTIONS, type Field, type FieldList, type Section } from './referral-form-sections';

export type Typed = string | string[];
export type TypedValues = Record<string, Typed>;

/** One section as typed and saved. */
export interface TypedSection {
  savedAt: string;
  /** Whether the section's problems are shown when it is opened again (it was saved to continue). */
  shown: boolean;
  /** Its own questions' answers, by field name (a date as `<name>-day`, `-month`, `-year`). */
  v: TypedValues;
  /** Its lists' items, by list prefix, each item's answers by field name. */
  l: Record<string, TypedValues[]>;
}

/** A draft as the pages keep it (services/referral-drafts.ts keeps it sealed, unread). */
export interface DraftData {
  sections: Record<string, TypedSection>;
}

/** A problem with what was typed: the section page it is on, the field's key and the id to link to. */
export interface SectionProblem {
  section: string;
  key: string;
  href: string;
  text: string;
}

const str = (v: Typed | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '');
const list = (v: Typed | undefined): string[] => (Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : []);

/** Every question of a list of fields, the revealed ones included. */
export function allFields(fields: readonly Field[]): Field[] {
  return fields.flatMap((f) => [f, ...allFields((f.options ?? []).flatMap((o) => o.reveals ?? []))]);
}

/** The id a problem links to: a date input's day box; a radios' or checkboxes' first option. */
export function hrefOf(field: Field, key: string): string {
  return field.kind === 'date' ? `${key}-day` : key;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  path.slice(0, -1).forEach((p) => {
    if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
    at = at[p] as Record<string, unknown>;
  });
  at[path[path.length - 1]!] = value;
}

interface Reading {
  out: Record<string, unknown>;
  problems: SectionProblem[];
  /** Keys of questions left empty: the schema's "is required" becomes the question's own words. */
  empty: Set<string>;
  section: string;
}

/** Reads one question (and what it reveals, when chosen) from what was typed. */
function readField(field: Field, typed: TypedValues, key: (name: string) => string, r: Reading): void {
  const k = key(field.name);
  const value = str(typed[field.name]).trim();
  const revealsOf = (chosen: string[]) => (field.options ?? []).filter((o) => chosen.includes(o.value)).flatMap((o) => o.reveals ?? []);
  let chosen: string[] = [];
  switch (field.kind) {
    case 'date': {
      const parts = { day: typed[`${field.name}-day`], month: typed[`${field.name}-month`], year: typed[`${field.name}-year`] };
      const read = dateFromParts(field.label, parts);
      if (!read.ok) r.problems.push({ section: r.section, key: k, href: `${k}-day`, text: read.message });
      else if (read.value === undefined) r.empty.add(k);
      else setAt(r.out, field.path, read.value);
      break;
    }
    case 'yesno':
      if (value === 'yes' || value === 'no') setAt(r.out, field.path, value === 'yes');
      else r.empty.add(k);
      chosen = [value];
      break;
    case 'tick':
      setAt(r.out, field.path, value === 'yes');
      break;
    case 'checkboxes':
      chosen = list(typed[field.name]).filter((v) => field.options?.some((o) => o.value === v));
      if (chosen.length === 0) r.empty.add(k);
      setAt(r.out, field.path, chosen);
      break;
    case 'radios':
    case 'select':
      if (value && field.options?.some((o) => o.value === value)) {
        if (field.write) field.write(value).forEach(([path, v]) => setAt(r.out, path, v));
        else setAt(r.out, field.path, value);
        chosen = [value];
      } else r.empty.add(k);
      break;
    default:
      // Free text as typed: the schema trims it, and says when it is too long.
      if (value) setAt(r.out, field.path, str(typed[field.name]));
      else r.empty.add(k);
  }
  revealsOf(chosen).forEach((f) => readField(f, typed, key, r));
}

function readList(l: FieldList, items: TypedValues[], r: Reading): void {
  const values = items.map((item, i) => {
    const itemReading: Reading = { ...r, out: {} };
    l.fields.forEach((f) => readField(f, item, (name) => `${l.prefix}-${i}-${name}`, itemReading));
    return itemReading.out;
  });
  setAt(r.out, l.root, values);
}

/** The items a list shows: as saved, at least its minimum. */
export function itemsOf(l: FieldList, typed: TypedSection | undefined): TypedValues[] {
  const items = [...(typed?.l[l.prefix] ?? [])];
  while (items.length < (l.min ?? 0)) items.push({});
  return items;
}

/** The referral's route as the criteria page answered it, if it has been. */
export function routeOf(data: DraftData): 'notification' | 'learning' | undefined {
  const v = str(data.sections.criteria?.v.determination);
  return v === 'notification' || v === 'learning' ? v : undefined;
}

/** Whether a section must be completed before sending: all but the other route's narrative. */
export function isNeeded(section: Section, data: DraftData): boolean {
  return !section.onlyFor || section.onlyFor === routeOf(data);
}

/** The referral the typed sections make, with the problems found reading them (dates) and by the schema. */
export function readReferral(data: DraftData): { referral: Record<string, unknown>; problems: SectionProblem[]; valid: boolean } {
  const out: Record<string, unknown> = {};
  const problems: SectionProblem[] = [];
  const empty = new Set<string>();
  const notStarted = new Set<string>();
  for (const section of SECTIONS) {
    const typed = data.sections[section.slug];
    if (!typed) {
      if (isNeeded(section, data)) notStarted.add(section.slug);
      // A section of the other route, never opened, is simply left out.
      if (section.onlyFor) continue;
    }
    const r: Reading = { out, problems, empty, section: section.slug };
    section.fields.forEach((f) => readField(f, typed?.v ?? {}, (name) => name, r));
    section.lists.forEach((l) => readList(l, itemsOf(l, typed), r));
  }
  const parsed = referralFormSchema.safeParse(out);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = locate(issue.path.map((p) => (typeof p === 'number' ? p : String(p))));
      const text = empty.has(at.key) && at.field?.missing ? at.field.missing : issue.message;
      problems.push({ section: at.section.slug, key: at.key, href: at.field ? hrefOf(at.field, at.key) : at.key, text });
    }
  }
  // A section not started yet has one problem: that it is not started.
  const started = problems.filter((p) => !notStarted.has(p.section));
  for (const slug of notStarted) {
    const section = SECTIONS.find((s) => s.slug === slug)!;
    started.push({ section: slug, key: `${slug}-not-started`, href: firstKey(section), text: `Complete the section “${section.title}”` });
  }
  return { referral: out, problems: started, valid: parsed.success && problems.length === 0 && notStarted.size === 0 };
}

function firstKey(section: Section): string {
  const f = section.fields[0];
  if (f) return hrefOf(f, f.name);
  const l = section.lists[0]!;
  return `${l.prefix}-list`;
}

const startsWith = (path: readonly (string | number)[], prefix: readonly (string | number)[]) => prefix.every((p, i) => path[i] === p);

/** The field of the longest path the issue's path starts with; else the first field under the issue's path. */
function fieldAt(fields: readonly Field[], path: readonly (string | number)[]): Field | undefined {
  const all = allFields(fields);
  const within = all.filter((f) => startsWith(path, f.path)).sort((a, b) => b.path.length - a.path.length)[0];
  return within ?? (path.length > 0 ? all.find((f) => startsWith(f.path, path)) : undefined);
}

/** Which section and field a schema issue's path is about. */
export function locate(path: readonly (string | number)[]): { section: Section; key: string; field?: Field } {
  for (const section of SECTIONS) {
    for (const l of section.lists) {
      if (!startsWith(path, l.root)) continue;
      const index = path[l.root.length];
      if (typeof index !== 'number') return { section, key: `${l.prefix}-list` };
      const field = fieldAt(l.fields, path.slice(l.root.length + 1)) ?? l.fields[0]!;
      return { section, key: `${l.prefix}-${index}-${field.name}`, field };
    }
  }
  for (const section of SECTIONS) {
    const field = fieldAt(section.fields, path);
    if (field) return { section, key: field.name, field };
  }
  // Not a question of the pages' (the chronology, say): shown on the first page.
  const section = SECTIONS[0]!;
  return { section, key: section.fields[0]!.name, field: section.fields[0]! };
}

/** A section as posted: its questions' answers and its lists' items, then the button's action applied. */
export function typedFromBody(section: Section, body: Record<string, unknown>, now: Date): TypedSection {
  const pick = (fields: readonly Field[], key: (name: string) => string): TypedValues => {
    const values: TypedValues = {};
    for (const f of allFields(fields)) {
      const names = f.kind === 'date' ? ['day', 'month', 'year'].map((p) => `${f.name}-${p}`) : [f.name];
      for (const name of names) {
        const v = body[key(name)];
        if (typeof v === 'string') values[name] = v.slice(0, 25_000);
        else if (Array.isArray(v)) values[name] = v.filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, 1_000));
      }
    }
    return values;
  };
  const typed: TypedSection = { savedAt: now.toISOString(), shown: false, v: pick(section.fields, (n) => n), l: {} };
  for (const l of section.lists) {
    const count = Math.min(Math.max(Number.parseInt(str(body[`${l.prefix}-count`] as Typed), 10) || 0, 0), l.max);
    typed.l[l.prefix] = Array.from({ length: count }, (_, i) => pick(l.fields, (n) => `${l.prefix}-${i}-${n}`));
  }
  const action = str(body.action as Typed);
  const [verb, prefix, index] = action.split(':');
  const items = prefix ? typed.l[prefix] : undefined;
  const l = section.lists.find((x) => x.prefix === prefix);
  if (verb === 'add' && items && l && items.length < l.max) items.push({});
  if (verb === 'remove' && items && /^\d+$/.test(index ?? '')) items.splice(Number(index), 1);
  typed.shown = verb === 'continue';
  return typed;
}
