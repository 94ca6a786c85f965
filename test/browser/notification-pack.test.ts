// The notification pack page (§5.2) in a real browser (Debian's chromium, playwright-core) against
// the real stack: the Business Unit finds it from the case while the notification is due and from
// the national-notification form, sees what is missing first (each linking to its row) and a Copy
// button for each answer that copies it, with axe-core's WCAG 2.2 AA rules at 0 violations; without
// JavaScript the answers are all there and no button that cannot work is shown; a role that may not
// read the referral is refused. Screenshots go to .data/screenshots/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { PROJECT_ROOT, type Users } from '../../config';
import { tokenHash } from '../../api/auth';
import type { Role } from '../../domain/roles';
import { registerOf } from '../../register/register';
import { axeViolations, launchChromium, listening, screenshot, signedInAs } from '../helpers/browser';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';

const PARTNERSHIP = 'Example Safeguarding Partnership';
const SERVICE = 'Serious child safeguarding incidents';
const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-pack', role: 'business-unit', agency: 'Business Unit', token: 'pack-bu-token' },
  { id: 'ssp-pack', role: 'ssp', agency: 'Local Authority', token: 'pack-ssp-token' },
  { id: 'referrer-pack', role: 'referrer', agency: 'Example Primary School', token: 'pack-referrer-token' },
  { id: 'ops-pack', role: 'operations', agency: 'Partnership IT', token: 'pack-ops-token' },
];
const person = (role: Role) => PEOPLE.find((p) => p.role === role)!;
const users: Users = { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };

let stack: DevStack;
let browser: Browser;
let closeServer: () => Promise<void>;
let base: string;
/** The SSP found the criteria met: the notification to the Panel is due. */
let ref: string;

async function decide(decision: string, role: Role, body: object = {}): Promise<void> {
  const res = await request(stack.app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(person(role).token)).send(body);
  expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
}

beforeAll(async () => {
  const launched = launchChromium();
  [stack, browser] = await Promise.all([
    startDevStack({
      people: PEOPLE,
      app: { web: { partnershipName: PARTNERSHIP, signIn: { kind: 'development', users }, session: { idleMinutes: 30, absoluteHours: 10, secureCookie: false } } },
    }),
    launched,
  ]);
  ({ base, close: closeServer } = await listening(stack.app));
  const body = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')) as object;
  const created = await request(stack.app).post('/referrals').set(bearer(person('business-unit').token)).send(body);
  expect(created.status).toBe(201);
  ref = created.body.caseReference as string;
  await decide('ssp-informed', 'business-unit');
  await decide('ssp-decision', 'ssp', { outcome: 'criteria-met', rationale: 'Serious harm (test).' });
  await settledCase(stack.app, ref, person('business-unit').token);
});

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await stack?.stop();
});

test('the Business Unit opens the pack from the case: what is missing first, each answer with a Copy button that copies it; 0 axe violations; the reading recorded', async () => {
  const { context, page } = await signedInAs(browser, base, person('business-unit').id, { bypassCSP: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.goto(`${base}/cases/${ref}`);
  await page.getByRole('link', { name: 'Prepare the notification: the notification pack' }).click();
  await page.waitForURL(`${base}/cases/${ref}/notification-pack`);
  // The title names the case, never the child.
  await expect(page.title()).resolves.toBe(`Notification pack - case ${ref} - ${SERVICE} - ${PARTNERSHIP}`);
  const main = await page.locator('main').innerText();
  expect(main).toContain('times out after 20 minutes');

  // The missing answers, listed first: the child's health is not on the referral; its link goes to its row.
  const summary = page.locator('.govuk-error-summary');
  await expect(summary.locator('h2').innerText()).resolves.toBe('3 answers are not on the referral');
  const health = summary.getByRole('link', { name: 'Child 1: Health information' });
  expect(await health.count()).toBe(1);
  await health.click();
  expect(new URL(page.url()).hash).toBe('#child-1-health');
  await expect(page.locator('#child-1-health').innerText()).resolves.toContain('Missing');

  // A Copy button for each answer (none for a missing one), and the answer on the clipboard.
  const buttons = page.locator('button[data-copy]');
  const answered = await page.locator('.govuk-summary-list__row:not(.govuk-summary-list__row--no-actions)').count();
  expect(answered).toBeGreaterThan(20);
  expect(await buttons.count()).toBe(answered);
  expect(await page.locator('button[data-copy]:visible').count()).toBe(answered);
  await page.getByRole('button', { name: 'Copy the answer to Child 1: Full name' }).click();
  // The status is written once the clipboard's promise settles: wait for it, do not race it.
  await page.waitForFunction("document.querySelector('#copy-status')?.textContent?.trim() === 'Copied: Child 1: Full name'", undefined, { timeout: 5_000 });
  await expect(page.locator('#copy-status').innerText()).resolves.toBe('Copied: Child 1: Full name');
  await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe('Test Child');

  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'notification-pack');
  // The link to record the notification once it is sent.
  await page.getByRole('link', { name: 'Record the notification to the national Panel' }).click();
  await page.waitForURL(`${base}/cases/${ref}/decisions/national-notification`);
  // And back: the decision's form links the pack.
  await page.getByRole('link', { name: 'the notification pack' }).click();
  await page.waitForURL(`${base}/cases/${ref}/notification-pack`);
  await context.close();

  const views = await registerOf(stack.register, TEST_KEY_RING).webSessions.referralViews(ref);
  expect(views.filter((v) => v.what === 'notification pack').map((v) => v.actorId)).toEqual(['bu-pack', 'bu-pack']);
});

test('without JavaScript the answers are all there, and no Copy button is shown', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(person('business-unit').id, { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  await page.goto(`${base}/cases/${ref}/notification-pack`);
  await expect(page.locator('#answer-child-1-name').innerText()).resolves.toBe('Test Child');
  expect(await page.locator('button[data-copy]').count()).toBeGreaterThan(20);
  expect(await page.locator('button[data-copy]:visible').count()).toBe(0);
  await context.close();
});

test('a role that may not read the referral is refused the pack, and is not offered it on the case page', async () => {
  for (const role of ['referrer', 'operations'] as const) {
    const { context, page } = await signedInAs(browser, base, person(role).id);
    const res = await page.goto(`${base}/cases/${ref}/notification-pack`);
    expect({ role, status: res?.status() }).toEqual({ role, status: 403 });
    await expect(page.locator('h1').innerText()).resolves.toBe('You do not have access to this page');
    expect(await page.locator('main').innerText()).not.toContain('Test Child');
    await page.goto(`${base}/cases/${ref}`);
    expect(await page.getByRole('link', { name: /notification pack/ }).count()).toBe(0);
    await context.close();
  }
});
