// The notification of a care leaver's death (Working Together 2023, chapter 5) in a real browser
// (Debian's chromium, driven by playwright-core) against the real stack under the WT-2023 rulebook:
// a Business Unit officer chooses it on the referral's start page, fills in the form, meets the age
// refusal (25 on the date of death) in the error summary and by the dates, fixes the date of birth
// (24, the day before the 25th birthday), checks the answers and sends it; the confirmation gives
// the case reference, and the case waits for its notification at its own stage. axe-core's WCAG 2.2
// AA rules pass on every page, including the one showing errors.
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import type { Users } from '../../config';
import { tokenHash } from '../../api/auth';
import type { Role } from '../../domain/roles';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { londonDate, shiftDays } from '../helpers/expected-dates';
import { fillDate, group } from '../helpers/referral-pages';

const CHROMIUM = '/usr/bin/chromium';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [{ id: 'bu-browser', role: 'business-unit', agency: 'Business Unit', token: 'browser-bu-token' }];
const users: Users = { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };

let stack: DevStack;
let browser: Browser;
let server: http.Server;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (.ci/run's install_chromium does)`);
  const launched = chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  [stack, browser] = await Promise.all([
    startDevStack({
      people: PEOPLE,
      app: {
        rulebookVersion: 'WT-2023',
        web: { partnershipName: 'Example Safeguarding Partnership', signIn: { kind: 'development', users }, session: { idleMinutes: 30, absoluteHours: 10, secureCookie: false } },
      },
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

const parts = (date: string): [string, string, string] => {
  const [y, m, d] = date.split('-');
  return [String(Number(d)), String(Number(m)), y!];
};

/** The date of birth that makes them `years` old on `dateOfDeath`, their next birthday the day after. */
function bornForAge(dateOfDeath: string, years: number): string {
  const dayAfter = shiftDays(dateOfDeath, 1);
  return `${Number(dayAfter.slice(0, 4)) - years - 1}${dayAfter.slice(4)}`;
}

async function fillForm(page: Page, today: string, dateOfDeath: string, dateOfBirth: string): Promise<void> {
  await page.getByLabel('Your full name').fill('Sam Example');
  await page.getByLabel('Your job title').fill('Leaving Care Team Manager');
  await page.getByLabel('Your organisation').fill('Example Borough Council');
  await page.getByLabel('Your email address').fill('sam.example@council.example.org');
  await page.getByLabel('Your telephone number').fill('020 7946 0000');
  await fillDate(page, 'Date the local authority became aware of the death', ...parts(today));
  await page.getByLabel('Full name', { exact: true }).fill('Alex Fictitious');
  await fillDate(page, 'Date of birth', ...parts(dateOfBirth));
  await group(page, 'Gender').getByLabel('Not known').check();
  await page.getByLabel('Ethnicity').fill('Not known');
  await page.getByLabel('Last known address').fill('1 Example Street, Exampletown');
  await fillDate(page, 'Date of death', ...parts(dateOfDeath));
  await page.getByLabel('Where and how they died, as far as is known').fill('Found at their flat (fictitious).');
  await group(page, 'Is a coroner involved?').getByLabel('Yes').check();
  await page.getByLabel('The local authority that looked after them').fill('Example Borough Council');
  await group(page, 'Did they have a personal adviser?').getByLabel('Yes').check();
  await group(page, 'Did they have a pathway plan?').getByLabel('No').check();
  await group(page, 'Is abuse or neglect suspected?').getByLabel('Yes').check();
}

test('a Business Unit officer notifies a care leaver’s death through the pages; 25 is refused by the dates; axe passes on every page', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const violations: Record<string, string[]> = {};
  const audit = async (name: string) => {
    violations[name] = await axeViolations(page);
  };
  await page.goto(`${base}/`);
  await page.getByLabel('bu-browser', { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);

  await page.getByRole('link', { name: 'Send a referral' }).click();
  await audit('start');
  await page.getByLabel('The death of a care leaver aged 24 or under').check();
  await page.getByRole('button', { name: 'Start now' }).click();
  await page.waitForURL(/\/care-leaver-deaths\/drafts\/[0-9a-f-]{36}$/);
  const formAddress = page.url();
  await expect(page.title()).resolves.toMatch(/^Notify the death of a care leaver - /);
  await audit('form');

  // 25 on the date of death: refused, in the summary and by the date of death, what was typed kept.
  const today = londonDate(Date.now());
  const dateOfDeath = shiftDays(today, -2);
  await fillForm(page, today, dateOfDeath, bornForAge(dateOfDeath, 25));
  await page.getByRole('button', { name: 'Save and continue' }).click();
  const summary = page.locator('.govuk-error-summary');
  await expect(summary.getByRole('heading').innerText()).resolves.toBe('There is a problem');
  await expect(page.title()).resolves.toMatch(/^Error: Notify the death of a care leaver/);
  const refusal = summary.getByRole('link', { name: /up to and including the age of 24 \(Working Together 2023, chapter 5\); on the date of death they were 25\./ });
  await expect(refusal.count()).resolves.toBe(1);
  await expect(group(page, 'Date of death').locator('.govuk-error-message').innerText()).resolves.toContain('they were 25');
  await expect(group(page, 'Date of birth').locator('.govuk-error-message').innerText()).resolves.toContain('they were 25 on the date of death');
  await audit('form-with-errors');
  await refusal.click();
  await expect(page.evaluate('document.activeElement.id')).resolves.toBe('dateOfDeath-day');
  await expect(page.getByLabel('Full name', { exact: true }).inputValue()).resolves.toBe('Alex Fictitious');

  // 24, the day before the 25th birthday: accepted.
  await fillDate(page, 'Date of birth', ...parts(bornForAge(dateOfDeath, 24)));
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.waitForURL(`${formAddress}/check-answers`);
  await expect(page.locator('.govuk-error-summary').count()).resolves.toBe(0);
  await expect(page.getByText('a serious incident referral is also needed').count()).resolves.toBe(1);
  await audit('check-answers');
  await page.getByRole('button', { name: 'Send notification' }).click();
  await page.waitForURL(/\/care-leaver-deaths\/sent\/DSP-\d{4}-\d{4}$/);
  await expect(page.title()).resolves.toMatch(/^Notification sent - /);
  await audit('sent');
  const ref = (await page.locator('.govuk-panel__body strong').innerText()).trim();
  await expect(page.getByRole('link', { name: 'Send a referral' }).count()).resolves.toBeGreaterThan(0);

  const api = await request(stack.app).get(`/cases/${ref}`).set(bearer('browser-bu-token'));
  expect(api.status).toBe(200);
  expect(api.body).toMatchObject({ caseReference: ref, rulebookVersion: 'WT-2023', stage: 'awaiting-care-leaver-notification', facts: { caseKind: 'care-leaver-death' } });

  // The case page reads as a care leaver's death, its decision offered.
  await page.getByRole('link', { name: `See case ${ref}` }).click();
  await expect(page.getByText('Notification received').count()).resolves.toBeGreaterThan(0);
  await expect(page.getByRole('link', { name: 'Record the care leaver’s death notified' }).or(page.getByRole('link', { name: "Record the care leaver's death notified" })).count()).resolves.toBe(1);
  await audit('case');
  expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  await context.close();
});
