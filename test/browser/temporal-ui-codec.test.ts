// The Temporal dev server's real Web UI (ui-server v2.42.1, embedded in the CLI), in a real browser
// (Debian's chromium, driven by playwright-core), reading a case whose referral names a
// distinctive child. The UI calls the codec from the browser, with no bearer token: what makes it
// work is the cookie from /codec/sign-in and the UI's "include cross-origin credentials" setting.
//
//   (a) a dev server without --ui-codec-endpoint (a second, bare one): the input is ciphertext, its
//       encoding binary/encrypted, and the browser asks no codec at all;
//   (b) the dev server as `npm start` runs it (--ui-codec-endpoint to the API): the Business Unit,
//       signed in, still sees ciphertext on the Cluster-level setting (the UI sends no cookie:
//       401, no audit row); with the browser's setting, the endpoint and "include cross-origin
//       credentials" set in the UI's Codec Server panel, the child's name is on the page and the
//       decoding is recorded;
//   (c) operations, signed in and set up the same way: 403, ciphertext, and a 'refused' row.
//
// The codec settings are set through the UI's own Codec Server panel, as a person would (not by
// writing localStorage): it opens from the codec status button on the workflow page. Its toggle
// and Apply button sit under the UI's sticky top bar when the panel is open (a click lands on the
// bar), so they are operated from the keyboard (focus, Space / Enter), as a keyboard user would.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { codecAuditRows } from '../../register/codec-audit';
import { EncryptionCodec } from '../../config/payload-codec';
import { caseOpeningOf } from '../../domain/incident';
import { DEFAULT_RULEBOOK } from '../../domain/rulebook';
import { devServerExecutableOption } from '../../scripts/servers';
import { workflowIdFor } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_DATA_CONVERTER, TEST_KEY_RING } from '../helpers/keys';
import { actors, newCaseReference } from '../helpers/stack';

// Only inside page.evaluate / waitForFunction, which run in the browser (the project has no DOM lib).
declare const document: { body: { innerText: string } };

const CHROMIUM = '/usr/bin/chromium';
const CHILD = 'Marigold Vantablack-Oxley';
const AGENCY = 'Quillbrook Ossiander Academy';
/** How the UI shows the metadata of a payload it could not decode: base64 of 'binary/encrypted'. */
const ENCRYPTED_ENCODING = Buffer.from('binary/encrypted').toString('base64');
const PEOPLE = [
  { id: 'bu-ui', role: 'business-unit' as const, agency: 'Business Unit', token: 'ui-bu-token' },
  { id: 'ops-ui', role: 'operations' as const, agency: 'Partnership IT', token: 'ui-ops-token' },
];
const WAIT_MS = 15_000;

let api: Server;
let apiUrl: string;
let stack: DevStack;
let bare: TestWorkflowEnvironment | undefined;
let browser: Browser | undefined;
let ui: string;
let bareUi: string;
let workflowId: string;
let bareWorkflowId: string;
const contexts: BrowserContext[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The referral: the child and the referring school named distinctively. */
function distinctiveReferral() {
  const form = validReferralForm();
  return { ...form, referrer: { ...form.referrer, organisation: AGENCY }, children: [{ ...form.children[0]!, fullName: CHILD }] };
}

beforeAll(async () => {
  // Fails, never skips, without chromium (.ci/run installs it).
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (.ci/run's install_chromium does)`);
  // The API listens first, so its port can go into the dev server's --ui-codec-endpoint; the app,
  // built with the stack, is plugged in once the stack is up.
  const served: { app?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  api = createServer((req, res) => {
    if (served.app) return served.app(req, res);
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const uiPort = await freePort();
  ui = `http://127.0.0.1:${uiPort}`;
  stack = await startDevStack({
    people: PEOPLE,
    app: { codec: new EncryptionCodec(TEST_KEY_RING), codecUiOrigin: ui },
    server: { ui: true, uiPort, extraArgs: ['--ui-codec-endpoint', `${apiUrl}/codec`] },
  });
  served.app = stack.app;
  // The case opened through the API, as the Business Unit does.
  const created = await request(stack.app).post('/referrals').set(bearer('ui-bu-token')).send({ referral: distinctiveReferral() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  workflowId = workflowIdFor(ref);
  const informed = await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer('ui-bu-token')).send({ note: `Partners told about ${CHILD}` });
  expect(informed.status).toBe(200);

  // (a)'s dev server: no codec endpoint. The same encrypting client starts a case there, on a
  // queue no worker polls (its input is stored, encrypted, and nothing else happens).
  const barePort = await freePort();
  bareUi = `http://127.0.0.1:${barePort}`;
  bare = await TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutableOption(), ui: true, uiPort: barePort },
    client: { dataConverter: TEST_DATA_CONVERTER },
  });
  const bareRef = newCaseReference();
  bareWorkflowId = workflowIdFor(bareRef);
  await bare.client.workflow.start('incidentWorkflow', {
    taskQueue: 'temporal-ui-codec-test',
    workflowId: bareWorkflowId,
    args: [{ start: caseOpeningOf(bareRef, new Date().toISOString(), DEFAULT_RULEBOOK, actors.businessUnit, distinctiveReferral()) }],
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await bare?.teardown();
  await stack?.stop();
  await new Promise((resolve) => (api ? api.close(resolve) : resolve(undefined)));
});

/** A fresh browser profile (its own cookies and localStorage), tall enough for the codec panel. */
async function newPage(): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1600 } });
  contexts.push(context);
  return context.newPage();
}

/** Signs in on the codec's sign-in page, as a person would; resolves to that page's text. */
async function signIn(page: Page, token: string): Promise<string> {
  await page.goto(`${apiUrl}/codec/sign-in`);
  await page.locator('#token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signed-in').waitFor({ timeout: WAIT_MS });
  return page.locator('main').innerText();
}

/** The Input panel of the workflow's page (its first payload: the case opening with the referral). */
const inputPanel = (page: Page) => page.getByTestId('input-and-result');

/** Waits until the Input panel shows the payload still encrypted. */
async function waitForCiphertext(page: Page): Promise<void> {
  await inputPanel(page).getByText(ENCRYPTED_ENCODING).first().waitFor({ timeout: WAIT_MS });
}

/** In the UI's Codec Server panel: the browser's setting, this endpoint, include credentials, Apply. */
async function useBrowserCodecSetting(page: Page, endpoint: string): Promise<void> {
  await page.locator('[data-testid^="data-encoder-status"]').first().click();
  await page.getByTestId('data-encoder-title').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('override-accordion').click();
  await page.getByTestId('use-local-endpoint-input').check();
  await page.getByTestId('data-encoder-endpoint-input').fill(endpoint);
  const credentials = page.getByTestId('data-encoder-include-credentials');
  await credentials.focus();
  await page.keyboard.press('Space');
  if (!(await credentials.isChecked())) throw new Error('"Include cross-origin credentials" did not switch on');
  await page.getByTestId('confirm-data-encoder-button').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('data-encoder-title').waitFor({ state: 'hidden', timeout: WAIT_MS });
  // The UI keeps what is on the page; it decodes with the new setting when the page loads again.
  await page.reload();
}

/**
 * Opens the ssp-informed decision's "Update Accepted" event in the event history (its input is the
 * note that names the child) and waits until its details are shown, decoded or not.
 */
async function openDecisionEvent(page: Page): Promise<void> {
  const encryptedShown = () => page.evaluate((enc) => document.body.innerText.split(enc).length - 1, ENCRYPTED_ENCODING);
  const before = await encryptedShown();
  await page.getByText('Workflow Execution Update Accepted').first().click();
  await page.waitForFunction(
    ([enc, child, n]) => document.body.innerText.includes(child) || document.body.innerText.split(enc).length - 1 > n,
    [ENCRYPTED_ENCODING, CHILD, before] as const,
    { timeout: WAIT_MS },
  );
}

const bodyText = (page: Page) => page.locator('body').innerText();
const rowsOf = async (actorId: string) => (await codecAuditRows(stack.register)).filter((r) => r.actor_id === actorId);

// The workflow's input is the case opening: it names the referring agency (the school), not the
// child (the form itself is sealed in the register). The child's name is in the history through
// the ssp-informed decision's note. So the Input panel is checked for the agency, the decision's
// event for the child.
test('(a) with no codec endpoint, the UI shows the input as ciphertext (binary/encrypted) and asks no codec', async () => {
  const page = await newPage();
  const codecCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/codec')) codecCalls.push(r.url());
  });
  await page.goto(`${bareUi}/namespaces/default/workflows/${bareWorkflowId}`);
  await page.getByTestId('workflow-id-heading').getByText(bareWorkflowId).waitFor({ timeout: WAIT_MS });
  await waitForCiphertext(page);
  expect(await bodyText(page)).not.toContain(AGENCY);
  expect(codecCalls).toEqual([]);
});

test('(b) the Business Unit, signed in: ciphertext on the Cluster-level setting (no cookie sent); readable with the browser setting and credentials; recorded', async () => {
  const page = await newPage();
  const signedIn = await signIn(page, 'ui-bu-token');
  expect(signedIn).toContain('bu-ui');
  expect(signedIn).toContain('business-unit');
  expect(signedIn).toMatch(/may decode/);

  // The Cluster-level setting (the CLI's --ui-codec-endpoint) sends no credentials: the codec
  // answers 401 and the UI shows the payloads as they are.
  const unauthenticated = page.waitForResponse((r) => r.url() === `${apiUrl}/codec/decode` && r.status() === 401, { timeout: WAIT_MS });
  await page.goto(`${ui}/namespaces/default/workflows/${workflowId}`);
  await unauthenticated;
  await waitForCiphertext(page);
  await page.getByTestId('data-encoder-status-error').waitFor({ timeout: WAIT_MS });
  await openDecisionEvent(page);
  expect(await bodyText(page)).not.toContain(AGENCY);
  expect(await bodyText(page)).not.toContain(CHILD);
  expect(await rowsOf('bu-ui')).toEqual([]);

  // The browser's setting, with credentials: the cookie goes with the UI's fetch.
  const decoded = page.waitForResponse((r) => r.url() === `${apiUrl}/codec/decode` && r.status() === 200, { timeout: WAIT_MS });
  await useBrowserCodecSetting(page, `${apiUrl}/codec`);
  await decoded;
  await inputPanel(page).getByText(AGENCY).first().waitFor({ timeout: WAIT_MS });
  expect(await inputPanel(page).innerText()).not.toContain(ENCRYPTED_ENCODING);
  await openDecisionEvent(page);
  expect(await bodyText(page)).toContain(`Partners told about ${CHILD}`);

  const rows = await rowsOf('bu-ui');
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row).toEqual({ at: expect.any(String), actor_id: 'bu-ui', actor_role: 'business-unit', operation: 'decode', namespace: 'default', workflow_id: null, payloads: expect.any(Number), outcome: 'decoded' });
  }
});

test('(c) operations, signed in and set up the same way: 403, still ciphertext, and the refusal recorded', async () => {
  const page = await newPage();
  const signedIn = await signIn(page, 'ui-ops-token');
  expect(signedIn).toContain('ops-ui');
  expect(signedIn).toMatch(/may not decode/);

  await page.goto(`${ui}/namespaces/default/workflows/${workflowId}`);
  await waitForCiphertext(page);
  const forbidden = page.waitForResponse((r) => r.url() === `${apiUrl}/codec/decode` && r.status() === 403, { timeout: WAIT_MS });
  await useBrowserCodecSetting(page, `${apiUrl}/codec`);
  await forbidden;
  await waitForCiphertext(page);
  await page.getByTestId('data-encoder-status-error').waitFor({ timeout: WAIT_MS });
  await openDecisionEvent(page);
  expect(await bodyText(page)).not.toContain(AGENCY);
  expect(await bodyText(page)).not.toContain(CHILD);

  const rows = await rowsOf('ops-ui');
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row).toEqual({ at: expect.any(String), actor_id: 'ops-ui', actor_role: 'operations', operation: 'decode', namespace: 'default', workflow_id: null, payloads: expect.any(Number), outcome: 'refused' });
  }
});
