// Signing in to the staff pages through the partnership's identity provider, in a real browser
// (Debian's chromium, driven by playwright-core): the pages on the real stack (the Temporal dev
// server, a worker, the register) with sign-in through OpenID Connect (web/oidc-sign-in.ts, wired
// as in production by lazyPeopleSignIn), against a real OpenID provider (oidc-provider, its
// development login form) that holds each person's role and agency. The browser follows the
// redirects itself, fills the provider's form and agrees; the person lands on the page they first
// asked for, signed in with the role the provider gave them, under a new session ID. An account
// with no role, a forged return and another browser's return sign in no one.
import { existsSync } from 'node:fs';
import http from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import type { Role } from '../../domain/roles';
import type { PeopleSignInConfig } from '../../web/oidc-sign-in';
import { SESSION_COOKIE } from '../../web/session';
import { lazyPeopleSignIn } from '../../web/sign-in';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { listenOnFreePort, startTestProvider, type ProviderAccount, type TestProvider } from '../helpers/oidc-provider';

const CHROMIUM = '/usr/bin/chromium';
const PARTNERSHIP = 'Example Safeguarding Partnership';
const CLIENT_ID = 'ssi-staff-pages';
const CLIENT_SECRET = 'staff-pages-secret-0123456789abcdef0123';
/** Opens the referral through the API (a bearer token): the pages' people come from the provider. */
const BUSINESS_UNIT = { id: 'bu-api', role: 'business-unit' as Role, agency: 'Business Unit', token: 'oidc-browser-bu-token' };

/** The provider's directory: the referral comes from Example Primary School, not Another Academy. */
const ACCOUNTS: ProviderAccount[] = [
  { id: 'ssp-person', role: 'ssp', agency: 'Local Authority' },
  { id: 'referrer-person', role: 'referrer', agency: 'Another Academy' },
  { id: 'no-role-person', agency: 'Local Authority' },
];

/** The pages' fixed sentences (web/oidc-sign-in.ts), read back as the person sees them. */
const NOT_THIS_BROWSER = 'This sign-in was not started from this browser, or it has expired. Sign in again.';
const NO_ROLE = 'Your account has no role in this system. Ask the Business Unit to give you one.';

let stack: DevStack;
let browser: Browser;
let idp: TestProvider;
const pages = http.createServer();
let base: string;
let caseRef: string;
/** Set: the next return from the provider is kept here and never reaches the pages (the browser stays put). */
let holdNextReturn: ((url: string) => void) | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (.ci/run's install_chromium does)`);
  const launched = chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  // The pages' port first: the redirect URI registered at the provider names it.
  base = `http://127.0.0.1:${await listenOnFreePort(pages)}`;
  const redirectUri = `${base}/sign-in/callback`;
  idp = await startTestProvider(ACCOUNTS, [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [redirectUri] }]);
  const config: PeopleSignInConfig = {
    issuer: idp.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri,
    idClaim: 'sub',
    roleClaim: 'ssi_role',
    agencyClaim: 'ssi_agency',
    scope: 'openid ssi',
    allowHttpIssuer: true,
  };
  [stack, browser] = await Promise.all([
    startDevStack({
      people: [BUSINESS_UNIT],
      app: {
        web: {
          partnershipName: PARTNERSHIP,
          signIn: { kind: 'oidc', flow: lazyPeopleSignIn(config), redirectUri },
          session: { idleMinutes: 30, absoluteHours: 10, secureCookie: false },
        },
      },
    }),
    launched,
  ]);
  pages.on('request', (req, res) => {
    const hold = holdNextReturn;
    if (!hold || !req.url?.startsWith('/sign-in/callback?')) return stack.app(req, res);
    holdNextReturn = undefined;
    res.writeHead(204).end();
    hold(`${base}${req.url}`);
  });

  const opened = await request(stack.app).post('/referrals').set(bearer(BUSINESS_UNIT.token)).send({ referral: validReferralForm() });
  expect(opened.status).toBe(201);
  caseRef = (opened.body as { caseReference: string }).caseReference;
  await settledCase(stack.app, caseRef, BUSINESS_UNIT.token);
  // The case list reads Temporal's visibility, which is eventually consistent: until it lists the case.
  const listed = async () => ((await request(stack.app).get('/cases').set(bearer(BUSINESS_UNIT.token))).body as { cases?: Array<{ caseReference: string }> }).cases ?? [];
  const until = Date.now() + 20_000;
  while (!(await listed()).some((c) => c.caseReference === caseRef) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages.close(resolve));
  await idp?.close();
  await stack?.stop();
});

/** A new browser that never leaves this machine (the provider's page asks for a web font). */
async function newBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  // Each step is quick here: a step that hangs fails in seconds, naming itself.
  context.setDefaultTimeout(5_000);
  return { context, page: await context.newPage() };
}

const atTheProvider = (url: URL) => url.origin === idp.issuer && url.pathname.startsWith('/interaction/');

/**
 * From the pages' sign-in page to the provider and through it as `account`: its login form (any
 * password), then its consent to release the role and agency (the `ssi` scope), asked once per
 * browser. The provider then sends the browser back to the callback; the caller waits for that.
 */
async function signInAtProvider(page: Page, account: string): Promise<void> {
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(atTheProvider);
  const login = new URL(page.url()).pathname;
  await page.locator('input[name="login"]').fill(account);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((url) => url.origin !== idp.issuer || (atTheProvider(url) && url.pathname !== login), { waitUntil: 'commit' });
  if (new URL(page.url()).origin === idp.issuer) await page.getByRole('button', { name: 'Continue' }).click();
}

const sessionCookie = async (context: BrowserContext) => (await context.cookies(base)).find((c) => c.name === SESSION_COOKIE)?.value;

test('the SSP signs in at the provider, lands on the page first asked for, signed in as the SSP under a new session ID, and reads the cases', async () => {
  const { context, page } = await newBrowser();
  await page.goto(`${base}/cases`);
  const before = await sessionCookie(context);
  expect(before).toEqual(expect.any(String));

  await signInAtProvider(page, 'ssp-person');
  await page.waitForURL(`${base}/cases`);
  await expect(page.locator('h1').innerText()).resolves.toBe('Cases');
  await expect(page.locator('.app-signed-in').innerText()).resolves.toBe('Signed in as ssp-person (the SSP, Local Authority)');
  expect(await page.getByRole('link', { name: caseRef }).count()).toBe(1);
  expect((await page.goto(`${base}/cases/${caseRef}`))?.status()).toBe(200);

  // The session ID was rotated at sign-in: the one from before signs no one in.
  const after = await sessionCookie(context);
  expect(after).toEqual(expect.any(String));
  expect(after).not.toBe(before);
  const old = await browser.newContext();
  await old.addCookies([{ name: SESSION_COOKIE, value: before!, url: base }]);
  const oldPage = await old.newPage();
  await oldPage.goto(`${base}/cases`);
  expect(new URL(oldPage.url()).pathname).toBe('/sign-in');
  await old.close();
  await context.close();
});

test('the provider’s role decides what the pages show: a referrer of another agency sees neither the case in the list nor its page', async () => {
  const { context, page } = await newBrowser();
  await page.goto(`${base}/cases/${caseRef}`);
  await signInAtProvider(page, 'referrer-person');
  await page.waitForURL(`${base}/cases/${caseRef}`);
  await expect(page.locator('h1').innerText()).resolves.toBe('Page not found');
  await expect(page.locator('.app-signed-in').innerText()).resolves.toBe('Signed in as referrer-person (the referring agency, Another Academy)');
  await page.goto(`${base}/cases`);
  expect(await page.getByRole('link', { name: caseRef }).count()).toBe(0);
  await context.close();
});

test('an account with no role in this system is not signed in: "You could not be signed in" (403) with the fixed reason', async () => {
  const { context, page } = await newBrowser();
  await page.goto(`${base}/sign-in`);
  const returned = page.waitForResponse((res) => new URL(res.url()).origin === base && new URL(res.url()).pathname === '/sign-in/callback');
  await signInAtProvider(page, 'no-role-person');
  expect((await returned).status()).toBe(403);
  await expect(page.locator('h1').innerText()).resolves.toBe('You could not be signed in');
  const text = await page.locator('main').innerText();
  expect(text).toContain(NO_ROLE);
  expect(text).not.toContain('no-role-person');
  await page.goto(`${base}/cases`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await context.close();
});

test('a return with a forged state, or another browser’s return, signs in no one; a refused return ends the sign-in it was for', async () => {
  const { context, page } = await newBrowser();
  await page.goto(`${base}/cases`);
  // The provider's genuine return is held back, to be presented as the tests below need.
  let timer: NodeJS.Timeout | undefined;
  const held = new Promise<string>((resolve, reject) => {
    holdNextReturn = resolve;
    timer = setTimeout(() => reject(new Error('the provider never sent the browser back')), 10_000);
  });
  await signInAtProvider(page, 'ssp-person');
  const genuine = new URL(await held.finally(() => clearTimeout(timer)));
  expect(genuine.searchParams.get('code')).toEqual(expect.any(String));

  // Another browser, which never started a sign-in, cannot take this one's return (nor spend its code).
  const other = await newBrowser();
  const stolen = await other.page.goto(genuine.href);
  expect(stolen?.status()).toBe(403);
  await expect(other.page.locator('main').innerText()).resolves.toContain(NOT_THIS_BROWSER);
  await other.context.close();

  const forged = new URL(genuine);
  forged.searchParams.set('state', 'forged-state');
  const refused = await page.goto(forged.href);
  expect(refused?.status()).toBe(403);
  await expect(page.locator('h1').innerText()).resolves.toBe('You could not be signed in');
  const text = await page.locator('main').innerText();
  expect(text).toContain(NOT_THIS_BROWSER);
  expect(text).not.toContain('forged-state');
  // What the session kept for the sign-in went with the refused return: the genuine one is refused now too.
  expect((await page.goto(genuine.href))?.status()).toBe(403);
  await page.goto(`${base}/cases`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await context.close();
});
