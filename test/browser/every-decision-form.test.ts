// Every decision's form, of both tables, in a real browser with axe-core's WCAG 2.2 AA rules: as
// it first shows, with every problem shown (sent empty, and a date that is not one), and the check
// step of an irreversible decision. The paths (procedure-paths.test.ts) visit the forms a case
// meets on its way; this visits all of them, each rendered by the app's own templates and form
// code with the app's own styles and scripts, so a decision added to a table is checked too.
import express from 'express';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { z } from 'zod';
import { ACTION_DECISIONS } from '../../domain/action';
import { ACTION_DECISION_WORDS, DECISION_WORDS, type DecisionWords } from '../../domain/decision-words';
import { DECISION_NAMES, decisionRule } from '../../domain/decisions';
import { answersOf, formFields, readForm, allFields } from '../../web/forms/decision-form';
import { FormErrors } from '../../web/forms/errors';
import { GOVUK_FRONTEND_DIR, nunjucksSetup, STATIC_DIR } from '../../web/nunjucks';
import { axeViolations, launchChromium, listening } from '../helpers/browser';

const DIRECTORY = { agencies: ['Example Health Trust', 'Example Police'], people: [{ id: 'reviewer-1', role: 'reviewer' as const, agency: 'Independent' }] };
const FORMS: Array<{ name: string; schema: () => z.ZodType; words: DecisionWords }> = [
  ...DECISION_NAMES.map((name) => ({ name, schema: () => decisionRule(name).schema(), words: DECISION_WORDS[name] })),
  ...Object.entries(ACTION_DECISIONS).map(([name, r]) => ({ name, schema: r.schema, words: ACTION_DECISION_WORDS[name as keyof typeof ACTION_DECISION_WORDS] })),
];

let browser: Browser;
let page: Page;
let base: string;
let close: () => Promise<void>;

/** Each date field given a day that is no day: every kind of problem on one page. */
function badDates(fields: ReturnType<typeof formFields>): Record<string, string> {
  const posted: Record<string, string> = {};
  for (const f of allFields(fields)) if (f.kind === 'date') Object.assign(posted, { [`${f.name}-day`]: '32', [`${f.name}-month`]: '1', [`${f.name}-year`]: '2026' });
  return posted;
}

beforeAll(async () => {
  const app = express();
  nunjucksSetup(app, { partnershipName: 'Example Safeguarding Partnership', serviceName: 'Serious child safeguarding incidents' });
  app.get('/assets/govuk-frontend.min.css', (_req, res) => res.sendFile(path.join(GOVUK_FRONTEND_DIR, 'govuk', 'govuk-frontend.min.css')));
  app.get('/assets/govuk-frontend.min.js', (_req, res) => res.sendFile(path.join(GOVUK_FRONTEND_DIR, 'govuk', 'govuk-frontend.min.js')));
  app.get('/assets/app.css', (_req, res) => res.sendFile(path.join(STATIC_DIR, 'app.css')));
  app.get('/assets/init.mjs', (_req, res) => res.sendFile(path.join(STATIC_DIR, 'init.mjs')));
  app.use('/assets', express.static(path.join(GOVUK_FRONTEND_DIR, 'govuk', 'assets')));
  app.get('/forms/:name/:view', (req, res) => {
    const form = FORMS.find((f) => f.name === req.params.name)!;
    // An action plan shows two rows, so its "Remove" buttons are there too.
    const fields = formFields(form.schema(), DIRECTORY, { actions: 2 });
    const errors = new FormErrors();
    const posted = req.params.view === 'errors' ? badDates(fields) : {};
    const payload = readForm(fields, posted, errors);
    const common = { caption: 'Case DSP-2026-0001', words: form.words, back: '/', csrfToken: 'token', formKey: '00000000-0000-0000-0000-000000000000' };
    if (req.params.view === 'check') {
      return res.render('pages/decision-confirm', { ...common, pageTitle: `Check ${form.name}`, heading: 'Check and confirm', answers: answersOf(fields, payload), carried: [] });
    }
    res.render('pages/decision-form', {
      ...common,
      pageTitle: `Record ${form.name}`,
      heading: `Record ${form.words.title}`,
      fields,
      hasList: fields.some((f) => f.kind === 'list'),
      values: posted,
      errors: errors.byKey(),
      errorTitle: errors.any,
      errorSummary: errors.any ? errors.summary() : undefined,
    });
  });
  ({ base, close } = await listening(app));
  browser = await launchChromium();
  page = await (await browser.newContext({ bypassCSP: true })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

test.each(FORMS.map((f) => [f.name]))('%s: its form, with and without its problems shown (and its check step), has no axe violation', async (name) => {
  const form = FORMS.find((f) => f.name === name)!;
  const views = ['form', 'errors', ...(form.words.irreversible ? ['check'] : [])];
  const found: Record<string, string[]> = {};
  for (const view of views) {
    await page.goto(`${base}/forms/${name}/${view}`);
    if (view === 'errors' && (await page.locator('input, textarea, select').count()) > 2) {
      // A form with anything required shows the GOV.UK error summary.
      const required = await page.locator('.govuk-error-summary').count();
      const anyRequired = allFields(formFields(form.schema(), DIRECTORY)).some((f) => !f.optional && f.kind !== 'group' && f.kind !== 'list');
      expect({ view, summary: required > 0 }).toEqual({ view, summary: anyRequired });
    }
    found[view] = await axeViolations(page);
  }
  expect(found).toEqual(Object.fromEntries(views.map((v) => [v, []])));
});
