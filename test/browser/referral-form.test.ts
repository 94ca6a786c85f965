// The referral form in a real browser (Debian's chromium, driven by playwright-core) against the
// real stack: a Business Unit officer fills in the whole form through its pages, meets the error
// summary for a date that does not exist and fixes it, saves a draft, signs out, signs back in and
// resumes it from the list, checks the answers and sends it; the confirmation gives the case
// reference and the case exists. axe-core's WCAG 2.2 AA rules pass on every page of the form,
// including one showing errors. A section page's screenshot is the README's (docs/images/referral-form.png).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { PROJECT_ROOT, type Users } from '../../config';
import { tokenHash } from '../../api/auth';
import type { Role } from '../../domain/roles';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';

const CHROMIUM = '/usr/bin/chromium';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PARTNERSHIP = 'Example Safeguarding Partnership';
const SCREENSHOT = path.join(PROJECT_ROOT, 'docs', 'images', 'referral-form.png');

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [{ id: 'bu-browser', role: 'business-unit', agency: 'Business Unit', token: 'browser-bu-token' }];
const users: Users = { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };

let stack: DevStack;
let browser: Browser;
let server: http.Server;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (.ci/run's install_chromium does)`);
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  const launched = chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  [stack, browser] = await Promise.all([
    startDevStack({
      people: PEOPLE,
      app: { web: { partnershipName: PARTNERSHIP, signIn: { kind: 'development', users }, session: { idleMinutes: 30, absoluteHours: 10, secureCookie: false } } },
    }),
    launched,
  ]);
  server = http.createServer(stack.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

/** axe-core's WCAG 2.2 A and AA rules on the page as it is: the violations' rule IDs. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })",
  )) as { violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> };
  return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('bu-browser', { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
}

const group = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

async function fillDate(page: Page, name: string, d: string, m: string, y: string): Promise<void> {
  const g = group(page, name);
  await g.getByLabel('Day').fill(d);
  await g.getByLabel('Month').fill(m);
  await g.getByLabel('Year').fill(y);
}

test('a Business Unit officer fills in, saves, resumes, checks and sends the referral form through its pages; axe passes on every page', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const violations: Record<string, string[]> = {};
  const audit = async (name: string) => {
    violations[name] = await axeViolations(page);
  };
  await signIn(page);

  await page.getByRole('link', { name: 'Send a referral' }).click();
  await audit('start');
  await page.getByRole('button', { name: 'Start now' }).click();
  await page.waitForURL(/\/referrals\/drafts\/[0-9a-f-]{36}$/);
  const taskList = page.url();
  await audit('task-list');
  const open = async (section: string) => {
    await page.goto(taskList);
    // The task list names each section after its number on the form: "Section 5: Case details".
    await page.getByRole('link', { name: new RegExp(`: ${section}$`) }).click();
    await page.waitForLoadState();
  };
  const saveAndContinue = async (name: string) => {
    await audit(name);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(taskList);
  };

  await open('The criteria for notification');
  await page.getByLabel('The case meets the criteria for notification').check();
  await saveAndContinue('criteria');

  await open('About you and your authorising officer');
  await page.getByLabel('Your full name').fill('Rita Referrer');
  await page.getByLabel('Your job title').fill('Designated Safeguarding Lead');
  await page.getByLabel('Your organisation').fill('Example Primary School');
  await page.getByLabel('Your email address').fill('rita@example.org');
  await page.getByLabel('Your telephone number').fill('01632 960001');
  await fillDate(page, 'Date submitted', '31', '2', '2026');
  await fillDate(page, 'Date your agency became aware of the incident', '2', '3', '2026');
  await page.getByLabel('Authorising officer’s full name').fill('Alan Officer');
  await page.getByLabel('Authorising officer’s job title').fill('Head Teacher');
  await fillDate(page, 'Date your organisation agreed the referral', '3', '3', '2026');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  // A date that does not exist: the error summary, its link to the field, the title, what was typed kept.
  const summary = page.locator('.govuk-error-summary');
  await expect(summary.getByRole('heading').innerText()).resolves.toBe('There is a problem');
  await expect(page.title()).resolves.toMatch(/^Error: About you and your authorising officer/);
  await audit('referrer-with-errors');
  await summary.getByRole('link', { name: 'Date submitted must be a real date, for example 27 3 2026' }).click();
  await expect(page.evaluate('document.activeElement.id')).resolves.toBe('dateSubmitted-day');
  await expect(page.getByLabel('Your full name').inputValue()).resolves.toBe('Rita Referrer');
  await fillDate(page, 'Date submitted', '3', '3', '2026');
  await saveAndContinue('referrer');

  await open('About the child or children');
  await page.getByLabel('Full name').fill('Test Child');
  await fillDate(page, 'Date of birth', '14', '5', '2019');
  await page.getByLabel('Age at the time of the incident').fill('6 years');
  await group(page, 'Gender').getByLabel('Not known', { exact: true }).check();
  await page.getByLabel('Address').fill('1 Example Street, Testtown');
  await page.getByLabel('Postcode').fill('ZZ99 9ZZ');
  await fillDate(page, 'Date of the serious incident', '1', '3', '2026');
  await group(page, 'Does the incident relate to the death of the child?').getByLabel('No', { exact: true }).check();
  await group(page, 'Does the alleged incident involve the conduct of a staff member?').getByLabel('No', { exact: true }).check();
  await group(page, 'Is a coroner involved?').getByLabel('No', { exact: true }).check();
  await group(page, 'Was the child looked after by the local authority?').getByLabel('No', { exact: true }).check();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: SCREENSHOT });
  await audit('children');
  // Saved for later, signed out; then back, resumed from the list.
  await page.getByRole('button', { name: 'Save and come back later' }).click();
  await page.waitForURL(`${base}/referrals/drafts?saved=1`);
  await audit('drafts');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${base}/signed-out`);
  await signIn(page);
  await page.getByRole('link', { name: 'your draft referrals' }).click();
  await page.getByRole('link', { name: 'Draft referral 1' }).click();
  await page.waitForURL(taskList);
  await open('About the child or children');
  await expect(page.getByLabel('Full name').inputValue()).resolves.toBe('Test Child');
  await saveAndContinue('children-resumed');

  await open('Parents and guardians');
  await page.getByRole('button', { name: 'Add a parent or guardian' }).click();
  await page.getByLabel('Last name').fill('Parent');
  await page.getByLabel('First name').fill('Pat');
  await page.getByLabel('Relationship to the child').fill('Mother');
  await saveAndContinue('parents');

  await open('Siblings');
  await page.getByRole('button', { name: 'Add a sibling' }).click();
  await page.getByLabel('Last name').fill('Child');
  await page.getByLabel('First name').fill('Sam');
  await fillDate(page, 'Date of birth (if known)', '20', '7', '2021');
  await page.getByLabel('Relationship to the child').fill('Brother');
  await saveAndContinue('siblings');

  await open('Case details');
  await group(page, 'What is the main cause of the incident?').getByLabel('Other', { exact: true }).check();
  await page.locator('#mainCauseOther').fill('A fall');
  await group(page, 'What are the characteristics of the case?').getByLabel('Physical Abuse').check();
  await saveAndContinue('case-details');

  await open('Child protection');
  await group(page, 'Was the child known to Social Care before the incident?').getByLabel('Yes', { exact: true }).check();
  await group(page, 'Was the child on a Child Protection Plan at the time of or before the incident?').getByLabel('No', { exact: true }).check();
  await group(page, 'Was the child on a Child In Need Plan at the time of or before the incident?').getByLabel('No', { exact: true }).check();
  await saveAndContinue('child-protection');

  await open('Other agencies involved');
  await page.getByRole('button', { name: 'Add an agency' }).click();
  await page.getByLabel('Contact’s full name').fill('Dee Nurse');
  await page.getByLabel('Organisation').fill('Example Health Trust');
  await saveAndContinue('other-agencies');

  await open('Details of the case or incident');
  await page.getByLabel('Details of the case or incident').fill('The child was taken to hospital (test).');
  await saveAndContinue('incident-details');
  await open('Why the case meets the criteria for notification');
  await page.getByLabel('Why do you believe the case meets the criteria for notification?').fill('Serious harm (test).');
  await saveAndContinue('why-meets-criteria');
  await open('Authorising officer’s comment and recommendation');
  await page.getByLabel('Your agency’s authorising officer’s comment and recommendation').fill('Agreed (test).');
  await saveAndContinue('authorising-officer-comment');

  await open('Other reviews pending or complete');
  await page.getByRole('button', { name: 'Add a review' }).click();
  await page.getByLabel('Kind of review').selectOption('criminal investigation');
  await page.getByLabel('Details of the review').fill('A police inquiry (test).');
  await saveAndContinue('other-reviews');

  await page.getByRole('button', { name: 'Check your answers' }).click();
  await page.waitForURL(`${taskList}/check-answers`);
  await expect(page.locator('.govuk-error-summary').count()).resolves.toBe(0);
  await audit('check-answers');
  await page.getByRole('button', { name: 'Send referral' }).click();
  await page.waitForURL(/\/referrals\/sent\/DSP-\d{4}-\d{4}$/);
  await audit('sent');
  const ref = (await page.locator('.govuk-panel__body strong').innerText()).trim();
  expect(ref).toMatch(/^DSP-\d{4}-\d{4}$/);
  await expect(page.getByRole('link', { name: `See case ${ref}` }).count()).resolves.toBe(1);

  const api = await request(stack.app).get(`/cases/${ref}`).set(bearer('browser-bu-token'));
  expect(api.status).toBe(200);
  expect((api.body as { caseReference: string }).caseReference).toBe(ref);
  expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  await context.close();
});
