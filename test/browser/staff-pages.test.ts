// The staff pages in a real browser (Debian's chromium, driven by playwright-core) against the real
// stack (the Temporal dev server, a worker, the register, SMTP): sign in with the development
// people, my work, the case list and a case for the roles that read them, the read policy on
// every page (a person without the right gets "Page not found"), CSRF refusals, and axe-core's
// WCAG 2.2 AA rules on every page (0 violations). Screenshots go to .data/screenshots/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { PROJECT_ROOT, type Users } from '../../config';
import { tokenHash } from '../../api/auth';
import type { Role } from '../../domain/roles';
import { axeViolations, launchChromium, listening, screenshot, signedInAs } from '../helpers/browser';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';

const PARTNERSHIP = 'Example Safeguarding Partnership';

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-web', role: 'business-unit', agency: 'Business Unit', token: 'web-bu-token' },
  { id: 'ssp-web', role: 'ssp', agency: 'Local Authority', token: 'web-ssp-token' },
  { id: 'referrer-web', role: 'referrer', agency: 'Example Primary School', token: 'web-referrer-token' },
  { id: 'referrer-other', role: 'referrer', agency: 'Another Academy', token: 'web-referrer-other-token' },
  { id: 'reviewer-web', role: 'reviewer', agency: 'Independent', token: 'web-reviewer-token' },
  { id: 'rr-web', role: 'rapid-review-chair', agency: 'Local Authority', token: 'web-rr-token' },
  { id: 'ld-web', role: 'ld-chair', agency: 'Learning and Development Group', token: 'web-ld-token' },
  { id: 'owner-web', role: 'action-owner', agency: 'Example Health Trust', token: 'web-owner-token' },
];
const person = (role: Role) => PEOPLE.find((p) => p.role === role)!;
const users: Users = { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };

let stack: DevStack;
let browser: Browser;
let closeServer: () => Promise<void>;
let base: string;
let caseRef: string;
/** Another agency's referral, the SSP informed: waits for the SSP's decision. */
let otherRef: string;
/** On the learning route to its action plan: A01 is Example Health Trust's. */
let learningRef: string;
/** At the LCSPR, reviewer-web commissioned on it. */
let lcsprRef: string;

/** An independent reading of the GOV.UK date style: "11:59pm on Wednesday 30 December 2026". */
function expectedDeadlineWords(dueDate: string): string {
  const d = new Date(`${dueDate}T12:00:00Z`);
  const weekday = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()];
  const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.getUTCMonth()];
  return `11:59pm on ${weekday} ${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
}

const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

async function decide(ref: string, role: Role, decision: string, body: object = {}): Promise<void> {
  const res = await request(stack.app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(person(role).token)).send(body);
  expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
}

async function openReferral(agency: string): Promise<string> {
  const body = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')) as { referral: { referrer: { organisation: string } } };
  body.referral.referrer.organisation = agency;
  const res = await request(stack.app).post('/referrals').set(bearer(person('business-unit').token)).send(body);
  expect(res.status).toBe(201);
  return (res.body as { caseReference: string }).caseReference;
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
  caseRef = await openReferral('Example Primary School');
  otherRef = await openReferral('Another Academy');
  await decide(otherRef, 'business-unit', 'ssp-informed');

  learningRef = await openReferral('Example Primary School');
  await decide(learningRef, 'business-unit', 'ssp-informed');
  await decide(learningRef, 'ssp', 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning to explore (test).' });
  await decide(learningRef, 'business-unit', 'referrer-feedback-sent');
  await decide(learningRef, 'ld-chair', 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'Audit (test).' });
  await decide(learningRef, 'ssp', 'ssp-approval', { approved: true, rationale: 'Agreed (test).' });
  await decide(learningRef, 'ld-chair', 'actions-agreed', {
    actions: [{ agency: 'Example Health Trust', owner: 'Owner 1 (test)', description: 'Action 1 (test)', finding: 'Finding 1 (test)', deadline: inDays(90) }],
  });

  lcsprRef = await openReferral('Example Primary School');
  await decide(lcsprRef, 'business-unit', 'ssp-informed');
  await decide(lcsprRef, 'ssp', 'ssp-decision', { outcome: 'criteria-met', rationale: 'Serious harm (test).' });
  await decide(lcsprRef, 'business-unit', 'referrer-feedback-sent');
  await decide(lcsprRef, 'business-unit', 'national-notification', { panelReference: 'CSPRP-WEB-0001' });
  await decide(lcsprRef, 'business-unit', 'panel-acknowledgement');
  await decide(lcsprRef, 'rapid-review-chair', 'rapid-review-scheduled', { meetingDate: londonToday() });
  await decide(lcsprRef, 'rapid-review-chair', 'rapid-review-held', { recommendation: 'lcspr', rationale: 'Learning (test).' });
  await decide(lcsprRef, 'ssp', 'rapid-review-report', { levelOfReview: 'lcspr', rationale: 'An LCSPR (test).' });
  await decide(lcsprRef, 'business-unit', 'panel-response', { response: 'local-review' });
  await decide(lcsprRef, 'ssp', 'reviewer-commissioned', { reviewer: 'A. Reviewer (test)', reviewerId: 'reviewer-web' });
  for (const ref of [caseRef, otherRef, learningRef, lcsprRef]) await settledCase(stack.app, ref, person('business-unit').token);
});

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await stack?.stop();
});

/** A browser context signed in as the person with this role, through the development sign-in page. */
async function signedIn(role: Role, options: { bypassCSP?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  return signedInAs(browser, base, person(role).id, options);
}

test('the SSP signs in, sees the case in my work, the case list and the case page, with the same deadlines as GET /cases/:ref; every page passes axe', async () => {
  const api = await request(stack.app).get(`/cases/${caseRef}`).set(bearer(person('ssp').token));
  expect(api.status).toBe(200);
  const open = (api.body as { open: Array<{ obligation: string; dueDate: string }> }).open;
  expect(open.length).toBeGreaterThan(0);

  const { context, page } = await signedIn('ssp', { bypassCSP: true });
  const violations: Record<string, string[]> = {};
  const visit = async (name: string, url: string) => {
    await page.goto(`${base}${url}`);
    violations[name] = await axeViolations(page);
    await screenshot(page, name);
  };

  await visit('my-work', '/');
  await expect(page.title()).resolves.toBe(`My work - Serious child safeguarding incidents - ${PARTNERSHIP}`);
  await visit('cases', '/cases');
  expect(await page.getByRole('link', { name: caseRef }).count()).toBe(1);
  await visit('case', `/cases/${caseRef}`);
  const text = await page.locator('main').innerText();
  for (const o of open) expect(text).toContain(expectedDeadlineWords(o.dueDate));
  await visit('referral', `/cases/${caseRef}/referral`);
  await visit('action-log', '/actions');
  await visit('exceptions', '/actions/exceptions');
  await visit('not-found', '/cases/DSP-1999-0001');
  expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  await context.close();
});

/** The name the case gives an open obligation (GET /cases/:ref), read as the Business Unit. */
async function obligationName(ref: string, id: string): Promise<string> {
  const res = await request(stack.app).get(`/cases/${ref}`).set(bearer(person('business-unit').token));
  return (res.body as { open: Array<{ id: string; obligation: string }> }).open.find((o) => o.id === id)!.obligation;
}

test('my work: the Business Unit, the SSP and an action owner each see what falls to them, with a link to it', async () => {
  const bu = await signedIn('business-unit');
  const buItems = await bu.page.locator('.govuk-task-list__link').allInnerTexts();
  expect(buItems).toContain(`${caseRef}: ${await obligationName(caseRef, 'ssp-informed')}`);
  await bu.context.close();

  const ssp = await signedIn('ssp');
  const sspLink = ssp.page.getByRole('link', { name: `${otherRef}: ${await obligationName(otherRef, 'ssp-decision')}` });
  expect(await sspLink.count()).toBe(1);
  await sspLink.click();
  await ssp.page.waitForURL(`${base}/cases/${otherRef}`);
  await ssp.context.close();

  const owner = await signedIn('action-owner');
  const ownerLinks = owner.page.locator('.govuk-task-list__link');
  expect(await ownerLinks.allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`^${learningRef} action A01: `))]);
  await ownerLinks.first().click();
  await owner.page.waitForURL(`${base}/cases/${learningRef}/actions/A01`);
  await expect(owner.page.locator('h1').innerText()).resolves.toBe('Improvement action A01');
  await screenshot(owner.page, 'action');
  await owner.context.close();
});

test('a link in an email opens its page: signed out, the browser signs in first and then lands on the case', async () => {
  const mail = await stack.smtp.waitFor((m) => m.subject.startsWith(`[${otherRef}]`) && /\/cases\//.test(m.text));
  // The case page's link, on its own line (a Business Unit email links the decision's form first).
  const link = new URL(/^https?:\/\/\S+\/cases\/[^/\s]+(?=\r?$)/m.exec(mail.text)![0]);
  expect(link.pathname).toBe(`/cases/${otherRef}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  // The same path on this server (the worker's emails name the partnership's public address).
  await page.goto(`${base}${link.pathname}`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByLabel(person('business-unit').id, { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/cases/${otherRef}`);
  await expect(page.locator('h1').innerText()).resolves.toBe(otherRef);
  await context.close();
});

test('a reviewer sees only the case they are commissioned on', async () => {
  const { context, page } = await signedIn('reviewer');
  await page.goto(`${base}/cases`);
  expect(await page.locator('main table a').allInnerTexts()).toEqual([lcsprRef]);
  expect((await page.goto(`${base}/cases/${lcsprRef}`))?.status()).toBe(200);
  expect((await page.goto(`${base}/cases/${caseRef}`))?.status()).toBe(404);
  await context.close();
});

test('keyboard only: the skip link comes first, then the header and the navigation, each link reachable by Tab', async () => {
  const { context, page } = await signedIn('ssp');
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement.textContent.trim()')).toBe('Skip to main content');
  const seen: string[] = [];
  for (let i = 0; i < 8; i += 1) {
    await page.keyboard.press('Tab');
    seen.push(String(await page.evaluate('document.activeElement.textContent.trim()')));
  }
  expect(seen).toEqual(expect.arrayContaining(['My work', 'Cases', 'Action log', 'Sign out']));
  await context.close();
});

test('a referrer sees only their agency’s referral; an action owner gets Page not found for a case', async () => {
  const { context, page } = await signedIn('referrer');
  await page.goto(`${base}/cases`);
  const links = await page.locator('main table a').allInnerTexts();
  expect(links.sort()).toEqual([caseRef, learningRef, lcsprRef].sort());
  await context.close();

  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(`${base}/`);
  await p2.getByLabel('referrer-other', { exact: true }).check();
  await p2.getByRole('button', { name: 'Sign in' }).click();
  const res = await p2.goto(`${base}/cases/${caseRef}`);
  expect(res?.status()).toBe(404);
  await expect(p2.locator('h1').innerText()).resolves.toBe('Page not found');
  await other.close();

  const owner = await signedIn('action-owner');
  const r3 = await owner.page.goto(`${base}/cases/${caseRef}`);
  expect(r3?.status()).toBe(404);
  await owner.context.close();
});

test('no inline script or style: the pages load under their content security policy with no violation, GOV.UK Frontend’s script running', async () => {
  const { context, page } = await signedIn('business-unit');
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  await page.goto(`${base}/cases/${caseRef}`);
  await page.waitForFunction("document.body.classList.contains('govuk-frontend-supported')");
  expect(refused).toEqual([]);
  await context.close();
});

test('CSRF: a form sent without the token, or with a wrong one, is refused and changes nothing', async () => {
  const { context, page } = await signedIn('business-unit');
  const missing = await page.request.post(`${base}/sign-out`, { form: {}, headers: { Accept: 'text/html' }, maxRedirects: 0 });
  expect(missing.status()).toBe(403);
  const wrong = await page.request.post(`${base}/sign-out`, { form: { _csrf: 'not-the-token' }, headers: { Accept: 'text/html' }, maxRedirects: 0 });
  expect(wrong.status()).toBe(403);
  // Still signed in: the refused sign-outs ended nothing.
  await page.goto(`${base}/`);
  await expect(page.locator('h1').innerText()).resolves.toBe('My work');
  // The real button carries the token: signed out, and the session is gone on the server.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${base}/signed-out`);
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await context.close();
});
