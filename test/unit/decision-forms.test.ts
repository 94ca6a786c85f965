// Every decision of both tables gets its form from the table alone: for each valid payload the
// tables accept (built from the schemas, test/helpers/payloads.ts), the values a person would type
// (an oracle below, written from the GOV.UK patterns, not from the form code) are inputs the
// rendered form really has, and the form reads them back into that payload. The GOV.UK date and
// time readings are checked against values worked out by hand.
import express from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import { ACTION_DECISIONS } from '../../domain/action';
import { DECISION_NAMES, decisionRule } from '../../domain/decisions';
import { ACTION_DECISION_WORDS, DECISION_WORDS } from '../../domain/decision-words';
import { FormErrors } from '../../web/forms/errors';
import { formFields, readForm } from '../../web/forms/decision-form';
import { dateFromParts, londonInstantFrom, timeOfDay } from '../../web/forms/inputs';
import { nunjucksSetup } from '../../web/nunjucks';
import { payloadsFor } from '../helpers/payloads';

const AGENCY = 'Example Health Trust';
const REVIEWER = 'reviewer-1';
const DIRECTORY = { agencies: [AGENCY, 'Example Police'], people: [{ id: REVIEWER, role: 'reviewer' as const, agency: 'Independent' }] };
const CANDIDATES = { text: ['Example text (test)', REVIEWER, '2026-12-07', '2026-07-01T08:30:00.000Z'] };

let env: nunjucks.Environment;
beforeAll(() => {
  env = nunjucksSetup(express(), { partnershipName: 'Example Safeguarding Partnership', serviceName: 'Serious child safeguarding incidents' });
});

/** What a person types for a payload: the oracle (GOV.UK date boxes without leading zeros, London times). */
function typed(value: unknown, name: string, out: Record<string, string>): void {
  if (value === undefined) return;
  if (typeof value === 'boolean') out[name] = value ? 'yes' : 'no';
  else if (Array.isArray(value)) {
    out[`${name}-rows`] = String(value.length);
    value.forEach((row, i) => typed(row, `${name}-${i + 1}`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) typed(v, name ? `${name}-${k}` : k, out);
  } else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    Object.assign(out, { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y });
  } else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    // 1 July 2026 is in British Summer Time: 08:30 UTC is 9:30am in London.
    expect(value).toBe('2026-07-01T08:30:00.000Z');
    Object.assign(out, { [`${name}-day`]: '1', [`${name}-month`]: '7', [`${name}-year`]: '2026', [`${name}-time`]: '9:30am' });
  } else out[name] = String(value);
}

/** The candidate text an agency field or a free field takes: the directory's agency where one is asked for. */
function withAgencies(payload: unknown): unknown {
  if (Array.isArray(payload)) return payload.map(withAgencies);
  if (typeof payload !== 'object' || payload === null) return payload;
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, k === 'agency' ? AGENCY : withAgencies(v)]));
}

/** The first payload with every optional field of the decision given too (the first candidate it takes). */
function withOptionals(schema: z.ZodType, payload: Record<string, unknown>): Record<string, unknown> {
  const full = { ...payload };
  for (const [key, field] of Object.entries((schema as z.ZodObject).shape as Record<string, z.ZodType>)) {
    if (key in full) continue;
    const value = CANDIDATES.text.find((c) => c !== undefined && field.safeParse(c).success && field.safeParse(c).data !== undefined);
    if (value !== undefined) full[key] = value;
  }
  return full;
}

const tables: Array<[string, () => z.ZodType, { title: string; section: string }]> = [
  ...DECISION_NAMES.map((n) => [n, () => decisionRule(n).schema(), DECISION_WORDS[n]] as [string, () => z.ZodType, { title: string; section: string }]),
  ...Object.entries(ACTION_DECISIONS).map(([n, r]) => [n, r.schema, ACTION_DECISION_WORDS[n as keyof typeof ACTION_DECISION_WORDS]] as [string, () => z.ZodType, { title: string; section: string }]),
];

test.each(tables)('%s: its form has an input for every value, and reads them back into the payload', (name, schema, words) => {
  const required = payloadsFor(schema(), CANDIDATES).map(withAgencies) as Array<Record<string, unknown>>;
  expect(required.length).toBeGreaterThan(0);
  const payloads = [...required, withOptionals(schema(), required[0]!)];
  for (const payload of payloads) {
    const posted: Record<string, string> = {};
    typed(payload, '', posted);
    const fields = formFields(schema(), DIRECTORY, Object.fromEntries(Object.entries(posted).filter(([k]) => k.endsWith('-rows')).map(([k, v]) => [k.slice(0, -5), Number(v)])));
    const html = env.render('pages/decision-form.njk', { pageTitle: 't', heading: 'h', caption: 'c', words, back: '/', fields, values: posted, errors: {}, formKey: 'k' });
    for (const key of Object.keys(posted)) expect({ name, key, present: html.includes(`name="${key}"`) }).toEqual({ name, key, present: true });
    const errors = new FormErrors();
    expect(readForm(fields, posted, errors)).toEqual(payload);
    expect(errors.list).toEqual([]);
  }
});

test('an empty form: a GOV.UK message for each required field, none for the optional ones', () => {
  const fields = formFields(decisionRule('ssp-decision').schema(), DIRECTORY);
  const errors = new FormErrors();
  readForm(fields, {}, errors);
  expect(errors.list.map((e) => [e.key, e.href])).toEqual([
    ['outcome', 'outcome'],
    ['rationale', 'rationale'],
  ]);
  expect(errors.list[0]!.text).toBe('Select the outcome decided');
  expect(errors.list[1]!.text).toBe('Enter the reasons for the decision, as the record will keep them');
});

test('dates from the three boxes, as the GOV.UK date input pattern words its errors', () => {
  expect(dateFromParts('the date of death', { day: '7', month: '12', year: '2026' })).toEqual({ ok: true, value: '2026-12-07' });
  expect(dateFromParts('the date of death', { day: '07', month: 'Dec', year: '2026' })).toEqual({ ok: true, value: '2026-12-07' });
  expect(dateFromParts('the date of death', { day: '', month: '', year: '' })).toEqual({ ok: true, value: undefined });
  expect(dateFromParts('the date of death', { day: '7', month: '', year: '2026' })).toEqual({ ok: false, message: 'The date of death must include a month' });
  expect(dateFromParts('the date of death', { day: '', month: '', year: '2026' })).toEqual({ ok: false, message: 'The date of death must include a day and a month' });
  expect(dateFromParts('the date of death', { day: '29', month: '2', year: '2026' })).toEqual({ ok: false, message: 'The date of death must be a real date, for example 27 3 2026' });
  expect(dateFromParts('the date of death', { day: '29', month: '2', year: '2028' })).toEqual({ ok: true, value: '2028-02-29' });
  expect(dateFromParts('the date of death', { day: '1', month: '13', year: '2026' }).ok).toBe(false);
  expect(dateFromParts('the date of death', { day: '1', month: '1', year: '26' }).ok).toBe(false);
});

test('times as people write them, and London times to instants across both clock changes', () => {
  expect(['9:30am', '09:30', '9.30am', '9:30 AM'].map((t) => timeOfDay('the time', t))).toEqual(Array(4).fill({ ok: true, value: '09:30' }));
  expect(timeOfDay('the time', '2pm')).toEqual({ ok: true, value: '14:00' });
  expect(timeOfDay('the time', '12am')).toEqual({ ok: true, value: '00:00' });
  expect(timeOfDay('the time', 'midday')).toEqual({ ok: true, value: '12:00' });
  expect(timeOfDay('the time', '14')).toEqual({ ok: false, message: 'The time must be a real time, for example 9:30am or 14:30' });
  expect(timeOfDay('the time', '13pm').ok).toBe(false);
  expect(timeOfDay('the time', '9:75').ok).toBe(false);
  // Winter: London is on UTC. Summer: an hour ahead.
  expect(londonInstantFrom('it', '2026-01-15', '09:30')).toEqual({ ok: true, value: '2026-01-15T09:30:00.000Z' });
  expect(londonInstantFrom('it', '2026-07-15', '09:30')).toEqual({ ok: true, value: '2026-07-15T08:30:00.000Z' });
  // 29 March 2026: the clocks go forward at 1am; 1:30am never happened.
  expect(londonInstantFrom('it', '2026-03-29', '01:30').ok).toBe(false);
  expect(londonInstantFrom('it', '2026-03-29', '02:30')).toEqual({ ok: true, value: '2026-03-29T01:30:00.000Z' });
  // 25 October 2026: the clocks go back at 2am; 1:30am happens twice, read as the first (BST).
  expect(londonInstantFrom('it', '2026-10-25', '01:30')).toEqual({ ok: true, value: '2026-10-25T00:30:00.000Z' });
});
