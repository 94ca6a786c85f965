// A decision of a path of the procedure, said once and recorded two ways: through the pages in a
// real browser (the case page's link, the form filled by id and by its labels' words, the button
// pressed) and through the JSON API (the payload those same values make). The two must leave the
// same register rows and emails, so the form is checked against the API by what it records.
import type { Express } from 'express';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { ACTION_DECISION_WORDS, DECISION_WORDS } from '../../domain/decision-words';
import { axeViolations, screenshot } from './browser';
import { bearer } from './dev-stack';

/** One answer on a form, and the payload value it stands for. */
export type Fill =
  /** A text input or textarea, by id. */
  | { kind: 'text'; name: string; value: string }
  /** A radio, by the words of its label; `value` is what the API takes. */
  | { kind: 'choice'; name: string; words: string; value: string }
  /** Yes or No. */
  | { kind: 'flag'; name: string; value: boolean }
  /** A select, by the option's words. */
  | { kind: 'select'; name: string; option: string; value: string }
  /** A GOV.UK date input: day, month and year boxes. */
  | { kind: 'date'; name: string; value: string }
  /** A date input and a London time; `value` is the instant, worked out by the test on its own. */
  | { kind: 'instant'; name: string; date: string; time: string; value: string }
  /** A list: its rows (the first shown, "Add another" pressed for each further one). */
  | { kind: 'rows'; name: string; button: string; rows: Fill[][] }
  /** A box typed into as it is (a mistake): no payload value. */
  | { kind: 'raw'; id: string; value: string };

export const text = (name: string, value: string): Fill => ({ kind: 'text', name, value });
export const choice = (name: string, words: string, value: string): Fill => ({ kind: 'choice', name, words, value });
export const flag = (name: string, value: boolean): Fill => ({ kind: 'flag', name, value });
export const select = (name: string, option: string, value: string): Fill => ({ kind: 'select', name, option, value });
export const date = (name: string, value: string): Fill => ({ kind: 'date', name, value });

export interface Step {
  /** Who records it (their sign-in ID). */
  by: string;
  decision: string;
  /** An improvement action's decision: its ID. */
  action?: string;
  fills?: Fill[];
  /** Sent first, to meet the error summary (an empty array: the form sent empty). */
  mistake?: Fill[];
}

/**
 * The decisions the procedure makes irreversible, said here on their own (not read from the
 * app's words): each must ask for confirmation before it is recorded.
 */
export const IRREVERSIBLE = new Set(['ssp-decision', 'not-to-publish', 'close-case', 'action-withdrawn']);

/** The payload the fills make, as a person sending JSON would write it. */
export function payloadOf(fills: readonly Fill[]): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const f of fills) {
    if (f.kind === 'raw') continue;
    payload[f.name] = f.kind === 'rows' ? f.rows.map(payloadOf) : f.value;
  }
  return payload;
}

/** The fills of a list's row, named as the form names them: actions-2-agency. */
function inRow(list: string, n: number, fills: readonly Fill[]): Fill[] {
  return fills.map((f) => (f.kind === 'raw' ? { ...f, id: `${list}-${n}-${f.id}` } : { ...f, name: `${list}-${n}-${f.name}` }) as Fill);
}

export async function fillForm(page: Page, fills: readonly Fill[]): Promise<void> {
  for (const f of fills) {
    switch (f.kind) {
      case 'text':
        await page.locator(`#${f.name}`).fill(f.value);
        break;
      case 'raw':
        await page.locator(`#${f.id}`).fill(f.value);
        break;
      case 'choice':
        await page.getByLabel(f.words, { exact: true }).and(page.locator(`[name="${f.name}"]`)).check();
        break;
      case 'flag':
        await page.getByLabel(f.value ? 'Yes' : 'No', { exact: true }).and(page.locator(`[name="${f.name}"]`)).check();
        break;
      case 'select':
        await page.locator(`#${f.name}`).selectOption({ label: f.option });
        break;
      case 'date':
      case 'instant': {
        const [y, m, d] = (f.kind === 'date' ? f.value : f.date).split('-');
        // As a person types them: no leading zeros.
        await page.locator(`#${f.name}-day`).fill(String(Number(d)));
        await page.locator(`#${f.name}-month`).fill(String(Number(m)));
        await page.locator(`#${f.name}-year`).fill(y!);
        if (f.kind === 'instant') await page.locator(`#${f.name}-time`).fill(f.time);
        break;
      }
      case 'rows':
        for (const [i, row] of f.rows.entries()) {
          if (i > 0) {
            await page.getByRole('button', { name: f.button, exact: true }).click();
            await page.locator(`[name^="${f.name}-${i + 1}-"]`).first().waitFor();
          }
          await fillForm(page, inRow(f.name, i + 1, row));
        }
        break;
    }
  }
}

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const wordsOf = (step: Step) => (step.action ? ACTION_DECISION_WORDS[step.decision as keyof typeof ACTION_DECISION_WORDS] : DECISION_WORDS[step.decision as keyof typeof DECISION_WORDS]);

/**
 * The pages a decision's form was seen on ("ssp-decision", "ssp-decision (errors)"), with axe's
 * violations on every visit: a form seen on several paths keeps the violations of each.
 */
export type Visits = Record<string, string[]>;

export function noteVisit(visits: Visits, page: string, violations: readonly string[]): void {
  visits[page] = [...(visits[page] ?? []), ...violations];
}

/**
 * Records a step through the pages, as its person: from the case page (an action owner, who
 * does not read the case, from my work), the action's page for an action's decision, the
 * decision's link, the form (its mistake first, if any), the check page of an irreversible
 * decision, and back on the page with the banner. axe runs on every form page seen.
 */
export async function recordOnPages(page: Page, base: string, ref: string, step: Step, visits: Visits, fromMyWork = false): Promise<void> {
  const back = step.action ? `/cases/${ref}/actions/${step.action}` : `/cases/${ref}`;
  if (step.action && fromMyWork) {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: new RegExp(`^${ref} action ${step.action}: `) }).click();
  } else {
    await page.goto(`${base}/cases/${ref}`);
    if (step.action) await page.getByRole('link', { name: step.action, exact: true }).click();
  }
  await page.waitForURL(`${base}${back}`);
  const words = wordsOf(step);
  await page.getByRole('link', { name: sentence(`record ${words.title}`), exact: true }).click();
  await page.waitForURL(`${base}${back}/decisions/${step.decision}`);
  noteVisit(visits, step.decision, await axeViolations(page));
  const submit = IRREVERSIBLE.has(step.decision) ? 'Continue' : 'Record decision';
  if (step.mistake) {
    await fillForm(page, step.mistake);
    await page.getByRole('button', { name: submit, exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    expect(await page.locator('.govuk-error-summary__title').innerText()).toBe('There is a problem');
    expect(await page.title()).toMatch(/^Error: /);
    noteVisit(visits, `${step.decision} (errors)`, await axeViolations(page));
    await screenshot(page, `decision-${step.decision}-errors`);
  }
  await fillForm(page, step.fills ?? []);
  await page.getByRole('button', { name: submit, exact: true }).click();
  if (IRREVERSIBLE.has(step.decision)) {
    await page.getByRole('heading', { level: 1, name: sentence(`check and confirm ${words.title}`) }).waitFor();
    noteVisit(visits, `${step.decision} (check)`, await axeViolations(page));
    await screenshot(page, `decision-${step.decision}-check`);
    await page.getByRole('button', { name: 'Confirm and record', exact: true }).click();
  }
  await page.waitForURL(`${base}${back}`);
  const banner = await page.locator('.govuk-notification-banner').innerText();
  expect({ decision: step.decision, banner }).toEqual({ decision: step.decision, banner: expect.stringContaining(`Decision recorded: ${words.done}`) });
}

/** Records a step through the JSON API, with the payload its fills make. */
export async function recordThroughApi(app: Express, ref: string, step: Step, token: string): Promise<void> {
  const address = step.action ? `/cases/${ref}/actions/${step.action}/decisions/${step.decision}` : `/cases/${ref}/decisions/${step.decision}`;
  const res = await request(app).post(address).set(bearer(token)).send(payloadOf(step.fills ?? []));
  expect({ decision: step.decision, status: res.status, body: res.status === 200 ? undefined : (res.body as unknown) }).toEqual({ decision: step.decision, status: 200, body: undefined });
}
