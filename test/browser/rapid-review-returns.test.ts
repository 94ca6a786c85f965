// The Rapid Review's information from each agency (§6.5, Appendix 2) on the staff pages, in a real
// browser (chromium) against the real stack, with axe-core's WCAG 2.2 AA rules on every page (0
// violations): the request's form pre-filled from section 7 of the referral; for the meeting, the
// table of agencies asked and who has not returned; a return with its chronology as a table; an
// agency's own form, filled in and sent; and an agency reading nothing but its own.
import type { Browser, Page } from 'playwright-core';
import { tokenHash } from '../../api/auth';
import type { Users } from '../../config';
import { axeViolations, launchChromium, listening, signedInAs } from '../helpers/browser';
import { startDevStack, type DevStack } from '../helpers/dev-stack';
import { caseWithReturns, HEALTH, POLICE, RETURNS_PEOPLE, returnWritten, SCHOOL } from '../helpers/returns';

const users: Users = { users: RETURNS_PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };

let stack: DevStack;
let browser: Browser;
let base: string;
let closeServer: () => Promise<void>;
let ref: string;
let fresh: string;

beforeAll(async () => {
  const launched = launchChromium();
  [stack, browser] = await Promise.all([
    startDevStack({
      people: RETURNS_PEOPLE,
      app: {
        agencies: [POLICE, HEALTH, SCHOOL],
        web: { partnershipName: 'Example Safeguarding Partnership', signIn: { kind: 'development', users }, session: { idleMinutes: 30, absoluteHours: 10, secureCookie: false } },
      },
    }),
    launched,
  ]);
  ({ base, close: closeServer } = await listening(stack.app));
  ref = await caseWithReturns(stack.app);
  fresh = await caseWithReturns(stack.app, false);
});

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await stack?.stop();
});

async function visit(page: Page, url: string, status = 200): Promise<void> {
  const res = await page.goto(`${base}${url}`);
  expect({ url, status: res?.status() }).toEqual({ url, status });
  expect({ url, violations: await axeViolations(page) }).toEqual({ url, violations: [] });
}

test("the panel: the request's form offers the referral's agencies; the meeting sees who has not returned; a return reads as a table", async () => {
  const { context, page } = await signedInAs(browser, base, 'chair-rr', { bypassCSP: true });
  // Section 7 names the health trust (in the directory) and a service that is not: only the first is offered.
  await visit(page, `/cases/${fresh}/decisions/rapid-review-information-requested`);
  expect(await page.locator('[name="agencies-1-agency"]').inputValue()).toBe(HEALTH);
  expect(await page.locator('[name="agencies-2-agency"]').count()).toBe(0);

  await visit(page, `/cases/${ref}`);
  const table = page.locator('table', { hasText: 'Agencies asked' });
  await expect(table.locator('tr', { hasText: POLICE }).textContent()).resolves.toContain('Not returned yet');
  await expect(table.locator('tr', { hasText: HEALTH }).textContent()).resolves.toContain('Returned');

  await visit(page, `/cases/${ref}/rapid-review-returns`);
  expect(await page.locator('main').textContent()).toContain('1 agency has not returned its information.');
  await page.getByRole('link', { name: HEALTH }).click();
  expect(new URL(page.url()).pathname).toBe(`/cases/${ref}/rapid-review-returns/${encodeURIComponent(HEALTH)}`);
  expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
  expect(await page.title()).toContain(`Information from ${HEALTH} for the Rapid Review - case ${ref}`);
  const chronology = page.locator('table', { hasText: 'Significant event' });
  expect(await chronology.locator('tbody tr').count()).toBe(2);
  expect(await chronology.textContent()).toContain('Fictitious new birth visit');
  await context.close();
});

test('an agency: its own row and form, filled in and sent; nothing of another agency or of the case', async () => {
  const { context, page } = await signedInAs(browser, base, 'police-rr', { bypassCSP: true });
  await visit(page, `/cases/${ref}/rapid-review-returns`);
  expect(await page.locator('tbody tr').count()).toBe(1);
  await page.getByRole('button', { name: "Send your agency's information" }).click();
  expect(new URL(page.url()).pathname).toBe(`/cases/${ref}/decisions/rapid-review-return`);
  expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });

  await page.fill('[name="involvement"]', 'Fictitious: one call-out in 2025.');
  await page.fill('[name="safeguardingIssues"]', 'Fictitious: none known.');
  await page.fill('[name="informationHeld"]', 'Fictitious: the call-out log.');
  await page.fill('[name="author"]', 'Fictitious DS, public protection');
  await page.fill('[name="chronology-1-date-day"]', '14');
  await page.fill('[name="chronology-1-date-month"]', '6');
  await page.fill('[name="chronology-1-date-year"]', '2025');
  await page.fill('[name="chronology-1-time"]', '22:15');
  await page.fill('[name="chronology-1-event"]', 'Fictitious call-out to the home');
  await page.selectOption('[name="chronology-1-agency"]', POLICE);
  await page.fill('[name="chronology-1-source"]', 'Call-out log');
  await page.fill('[name="chronology-1-involved"]', 'Two officers, both parents');
  await page.fill('[name="chronology-1-decisionsAndOutcome"]', 'Words of advice');
  await page.check('[name="chronology-1-childSeen"][value="no"]');
  await page.getByRole('button', { name: 'Continue' }).first().click();
  expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
  await page.getByRole('button', { name: 'Confirm and record' }).click();
  await page.waitForURL(`${base}/cases/${ref}/rapid-review-returns`);
  expect(await page.locator('tbody tr').textContent()).toContain('Returned');
  expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
  await returnWritten(stack.app, ref, POLICE);
  await page.getByRole('link', { name: POLICE }).click();
  expect(await page.locator('table', { hasText: 'Significant event' }).textContent()).toContain('Fictitious call-out to the home');

  // Another agency's return, and the case itself: not found.
  await visit(page, `/cases/${ref}/rapid-review-returns/${encodeURIComponent(HEALTH)}`, 404);
  await visit(page, `/cases/${ref}`, 404);
  await context.close();

  // An agency not asked: the case's returns do not exist for it.
  const school = await signedInAs(browser, base, 'school-rr', { bypassCSP: true });
  await visit(school.page, `/cases/${ref}/rapid-review-returns`, 404);
  await visit(school.page, `/cases/${ref}/decisions/rapid-review-return`, 404);
  await school.context.close();
});
