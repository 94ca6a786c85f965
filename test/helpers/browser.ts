// The staff pages in a real browser: Debian's chromium driven by playwright-core, axe-core's
// WCAG 2.2 A and AA rules run in the page, sign-in through the development sign-in page, and
// screenshots kept in .data/screenshots/ (for people to look at; no test reads them).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../config';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(PROJECT_ROOT, '.data', 'screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's chromium, headless; screenshots' folder made. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (.ci/run's install_chromium does)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/** The app on a real port on 127.0.0.1 (a browser needs one): its base address, and how to stop it. */
export async function listening(app: Express): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser context signed in as this person through the development sign-in page, on my work. */
export async function signedInAs(browser: Browser, base: string, personId: string, options: { bypassCSP?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ bypassCSP: options.bypassCSP ?? false });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  if (new URL(page.url()).pathname !== '/sign-in') throw new Error(`expected the sign-in page, got ${page.url()}`);
  await page.getByLabel(personId, { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  return { context, page };
}

/**
 * axe-core's WCAG 2.2 A and AA rules on the page as it is: each violation's rule ID and where.
 * The page's content security policy must let the script in (a context with bypassCSP).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  // A string, evaluated in the page (the tests are compiled without the DOM's types).
  const result = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })",
  )) as { violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> };
  return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
