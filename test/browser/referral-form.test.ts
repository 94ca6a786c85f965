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
import { fillDate, referralSections, taskList } from '../helpers/referral-pages';

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
  const list = taskList(page, page.url());
  const taskListAddress = list.address;
  await audit('task-list');
  const sections = referralSections({ aware: '2026-03-03', incident: '2026-03-01' });
  const fill = async (title: string) => {
    await list.open(title);
    await sections.find((s) => s.title === title)!.fill(page);
  };
  const saveAndContinue = async (name: string) => {
    await audit(name);
    await list.saveAndContinue();
  };

  await fill('The criteria for notification');
  await saveAndContinue('criteria');

  await fill('About you and your authorising officer');
  await fillDate(page, 'Date submitted', '31', '2', '2026');
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

  await fill('About the child or children');
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
  await page.waitForURL(taskListAddress);
  await list.open('About the child or children');
  await expect(page.getByLabel('Full name').inputValue()).resolves.toBe('Test Child');
  await saveAndContinue('children-resumed');

  // The rest as the helper fills them, each page audited.
  for (const section of sections.slice(3)) {
    await fill(section.title);
    await saveAndContinue(section.title);
  }

  await page.getByRole('button', { name: 'Check your answers' }).click();
  await page.waitForURL(`${taskListAddress}/check-answers`);
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
