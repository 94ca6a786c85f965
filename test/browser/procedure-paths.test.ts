// The procedure's paths driven only through the staff pages, in a real browser (Debian's chromium
// through playwright-core), on the real stack (the Temporal dev server, a worker, the register,
// SMTP): each person signs in on the development sign-in page and records their decisions from
// the links on the case page (an action owner from my work), filling each form by id and by the
// words of its labels. The notification path through the Rapid Review, the LCSPR, publication and
// the action plan to closure; the learning path to its action plan and closure; a referral sent
// through the referral form's pages, then taken as a no-further-action case to closure; a decision refused because another person recorded it first. axe-core finds no
// WCAG 2.2 AA violation on any form page seen (with errors shown on three). Each path is driven a
// second time through the JSON API with the same values, on a twin case: the register rows, the
// actions' rows and the emails of the two must be the same (test/helpers/path-twins.ts says what
// is normalised).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { PROJECT_ROOT } from '../../config';
import type { CaseStatus } from '../../domain/case';
import type { Role } from '../../domain/roles';
import { axeViolations, launchChromium, listening, screenshot, signedInAs } from '../helpers/browser';
import { noteVisit, recordOnPages, recordThroughApi, type Step, type Visits } from '../helpers/decision-steps';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { londonDate, shiftDays } from '../helpers/expected-dates';
import { webOptionsFor } from '../helpers/pages';
import { traceOf, type RunWindow } from '../helpers/path-twins';
import { sendReferralOnPages } from '../helpers/referral-pages';
import { learningSteps, noFurtherActionSteps, notificationSteps } from './procedure-path-steps';

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-p', role: 'business-unit', agency: 'Business Unit', token: 'paths-bu-token' },
  { id: 'ssp-p', role: 'ssp', agency: 'Local Authority', token: 'paths-ssp-token' },
  { id: 'rr-p', role: 'rapid-review-chair', agency: 'Local Authority', token: 'paths-rr-token' },
  { id: 'ld-p', role: 'ld-chair', agency: 'Learning and Development Group', token: 'paths-ld-token' },
  { id: 'reviewer-p', role: 'reviewer', agency: 'Independent', token: 'paths-reviewer-token' },
  { id: 'reviewer-q', role: 'reviewer', agency: 'Another Review Practice', token: 'paths-reviewer-q-token' },
  { id: 'owner-health', role: 'action-owner', agency: 'Example Health Trust', token: 'paths-owner-health-token' },
  { id: 'owner-police', role: 'action-owner', agency: 'Example Police', token: 'paths-owner-police-token' },
];
const AGENCIES = ['Example Health Trust', 'Example Police'];
const tokenOf = (id: string) => PEOPLE.find((p) => p.id === id)!.token;

let stack: DevStack;
let browser: Browser;
let base: string;
let closeServer: () => Promise<void>;
const contexts = new Map<string, { context: BrowserContext; page: Page }>();
/** Every form page seen in the browser, with axe's violations on it. */
const visits: Visits = {};
const run: RunWindow = { from: Date.now(), to: Number.MAX_SAFE_INTEGER };
const today = londonDate(Date.now());

beforeAll(async () => {
  run.from = Date.now();
  // One after the other, so that a stack that fails to start leaves no browser behind.
  browser = await launchChromium();
  stack = await startDevStack({
    people: PEOPLE,
    app: { agencies: AGENCIES, web: webOptionsFor(PEOPLE) },
  });
  ({ base, close: closeServer } = await listening(stack.app));
});

afterAll(async () => {
  for (const { context } of contexts.values()) await context.close();
  await browser?.close();
  await closeServer?.();
  await stack?.stop();
});

/** The person's page, signed in once (axe's script let in past the pages' content security policy). */
async function pageOf(id: string): Promise<Page> {
  let signed = contexts.get(id);
  if (!signed) {
    signed = await signedInAs(browser, base, id, { bypassCSP: true });
    signed.page.setDefaultTimeout(15_000);
    contexts.set(id, signed);
  }
  return signed.page;
}

const caseJson = async (ref: string) => {
  const res = await request(stack.app).get(`/cases/${ref}`).set(bearer(tokenOf('bu-p')));
  expect(res.status).toBe(200);
  return res.body as CaseStatus;
};

/**
 * A case opened through the JSON API (the referral form has its own browser test), received at
 * `receivedAt`: the referrer aware and the referral sent that day. Waits until what fell due
 * before it was opened has been escalated and sent, so a twin opened at the same instant and
 * driven faster meets the same escalations.
 */
async function openCase(receivedAt: string): Promise<string> {
  const body = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')) as {
    referral: { referrer: Record<string, unknown>; children: Array<Record<string, unknown>> };
  };
  const day = londonDate(receivedAt);
  Object.assign(body.referral.referrer, { becameAwareDate: day, dateSubmitted: day, organisationAgreementDate: day });
  body.referral.children[0]!.dateOfIncident = shiftDays(day, -2);
  const res = await request(stack.app).post('/referrals').set(bearer(tokenOf('bu-p'))).send({ ...body, receivedAt });
  expect(res.status).toBe(201);
  const ref = (res.body as { caseReference: string }).caseReference;
  await settledWith(ref, (s) => s.open.every((o) => Date.parse(o.dueAt) > Date.now()));
  return ref;
}

/** Waits for the case to satisfy `ready`, then for its emails and register rows to be written. */
async function settledWith(ref: string, ready: (s: CaseStatus) => boolean): Promise<CaseStatus> {
  const until = Date.now() + 20_000;
  let s = await caseJson(ref);
  while (!ready(s) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    s = await caseJson(ref);
  }
  expect(ready(s)).toBe(true);
  const settled = await settledCase(stack.app, ref, tokenOf('bu-p'));
  const pending = (settled.body as { pending?: { notices: number; records: number } }).pending;
  expect(pending ? pending.notices + pending.records : 0).toBe(0);
  return settled.body as CaseStatus;
}

/** What a path waits for after a decision, before the next (the worker's own steps). */
type Waits = Partial<Record<string, (ref: string) => Promise<unknown>>>;

/**
 * After every decision, its emails and register rows; after the SSP's decision, the email to the
 * L&D Chair that meets ld-informed (§5.6): a case cannot close while it is open, and a person
 * clicking through the pages is slower than the worker, a test through the API is not.
 */
const ALWAYS: Waits = {
  'ssp-decision': (ref) => settledWith(ref, (s) => s.met.some((o) => o.id === 'ld-informed')),
};
const afterStep = async (ref: string, decision: string, waits: Waits) => {
  await (waits[decision] ?? ALWAYS[decision] ?? ((r: string) => settledWith(r, () => true)))(ref);
};

async function driveOnPages(ref: string, steps: readonly Step[], waits: Waits = {}): Promise<void> {
  for (const step of steps) {
    const page = await pageOf(step.by);
    const owner = PEOPLE.find((p) => p.id === step.by)!.role === 'action-owner';
    await recordOnPages(page, base, ref, step, visits, owner);
    await afterStep(ref, step.decision, waits);
  }
}

async function driveThroughApi(ref: string, steps: readonly Step[], waits: Waits = {}): Promise<void> {
  for (const step of steps) {
    await recordThroughApi(stack.app, ref, step, tokenOf(step.by));
    await afterStep(ref, step.decision, waits);
  }
}

/** Both cases closed and settled; then the same register rows, actions' rows and emails. */
async function expectTwins(onPages: string, throughApi: string): Promise<void> {
  for (const ref of [onPages, throughApi]) {
    const closed = await settledWith(ref, (s) => s.stage === 'closed');
    expect(closed.open).toEqual([]);
  }
  // The case page says so, and offers nothing more to record.
  const page = await pageOf('ssp-p');
  await page.goto(`${base}/cases/${onPages}`);
  await expect(page.locator('main').innerText()).resolves.toMatch(/Stage\s+Closed/i);
  expect(await page.getByRole('heading', { name: 'Decisions you can record now' }).count()).toBe(0);
  run.to = Date.now();
  const [pages, api] = await Promise.all([traceOf(stack, onPages, run, today), traceOf(stack, throughApi, run, today)]);
  expect(pages.decisions).toEqual(api.decisions);
  expect(pages.register).toEqual(api.register);
  expect(pages.actions).toEqual(api.actions);
  expect(pages.emails).toEqual(api.emails);
  expect(pages.emails.length).toBeGreaterThan(0);
}

/** The instant, to the second, an hour ago: both twins are given it as their receipt. */
const anHourAgo = () => new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString();

test('the notification path, each person on the pages in turn: the Rapid Review, the LCSPR, publication, the action plan, closure; the same as through the API', async () => {
  // Published more than a year ago, so the year the report must stay public (§14.4) is over and
  // the case can be closed today: publication-kept stays open a year after publication, and
  // close-case is refused while any obligation is open. So the case is one recorded after the
  // fact, received 400 days ago (its early steps are late, and escalated as they would be).
  const received = shiftDays(today, -400);
  const receivedAt = `${received}T12:00:00.000Z`;
  const steps = notificationSteps({ today, received, publishedOn: shiftDays(today, -380) });
  const waits: Waits = { published: (ref) => settledWith(ref, (s) => s.met.some((o) => o.id === 'publication-kept')) };
  const onPages = await openCase(receivedAt);
  const throughApi = await openCase(receivedAt);
  await driveOnPages(onPages, steps, waits);
  await screenshot(await pageOf('ld-p'), 'notification-path-closed');
  await driveThroughApi(throughApi, steps, waits);
  await expectTwins(onPages, throughApi);
}, 150_000);

test('the learning path on the pages: the L&D Group, the SSP’s approval, the action plan, closure; the same as through the API', async () => {
  const receivedAt = anHourAgo();
  const steps = learningSteps(today);
  const onPages = await openCase(receivedAt);
  const throughApi = await openCase(receivedAt);
  await driveOnPages(onPages, steps);
  await driveThroughApi(throughApi, steps);
  await expectTwins(onPages, throughApi);
});

test('a referral sent through the referral form’s pages, then a no-further-action case on the pages, to closure; the same as through the API', async () => {
  // The Business Unit officer sends the referral on the pages; its twin is the same referral, as the
  // case keeps it, sent through the JSON API with the same time of receipt.
  const onPages = await sendReferralOnPages(await pageOf('bu-p'), base, { aware: today, incident: shiftDays(today, -2) });
  const received = await caseJson(onPages);
  const sent = await request(stack.app).get(`/cases/${onPages}/referral`).set(bearer(tokenOf('bu-p')));
  expect(sent.status).toBe(200);
  const twin = await request(stack.app).post('/referrals').set(bearer(tokenOf('bu-p'))).send({ referral: (sent.body as { referral: unknown }).referral, receivedAt: received.receivedAt });
  expect(twin.status).toBe(201);
  const throughApi = (twin.body as { caseReference: string }).caseReference;
  for (const ref of [onPages, throughApi]) await settledWith(ref, (s) => s.open.every((o) => Date.parse(o.dueAt) > Date.now()));
  const steps = noFurtherActionSteps();
  await driveOnPages(onPages, steps);
  await driveThroughApi(throughApi, steps);
  await expectTwins(onPages, throughApi);
});

test('a decision another person recorded first is refused on the form with its reason, and nothing changes', async () => {
  const ref = await openCase(anHourAgo());
  const page = await pageOf('bu-p');
  await page.goto(`${base}/cases/${ref}`);
  await page.getByRole('link', { name: 'Record the SSP informed', exact: true }).click();
  await page.waitForURL(`${base}/cases/${ref}/decisions/ssp-informed`);
  await page.locator('#note').fill('Partners informed by secure email (test).');
  // Meanwhile, the same decision through the JSON API.
  await recordThroughApi(stack.app, ref, { by: 'bu-p', decision: 'ssp-informed' }, tokenOf('bu-p'));
  // Once its emails are sent (each leaves a line in the timeline): then nothing more may change.
  const before = (await settledWith(ref, () => true)).timeline;
  await page.getByRole('button', { name: 'Record decision', exact: true }).click();
  await page.locator('.govuk-error-summary').waitFor();
  expect(await page.locator('.govuk-error-summary__title').innerText()).toBe('There is a problem');
  const problem = await page.locator('.govuk-error-summary__list').innerText();
  expect(problem).toContain(`“The SSP informed” was already recorded for case ${ref}. Nothing was recorded.`);
  // What was typed is kept.
  await expect(page.locator('#note').inputValue()).resolves.toBe('Partners informed by secure email (test).');
  noteVisit(visits, 'ssp-informed (refused)', await axeViolations(page));
  await screenshot(page, 'decision-refused');
  expect((await caseJson(ref)).timeline).toEqual(before);
  await settledWith(ref, () => true);
  const decisions = (await stack.cases.caseEntries(ref)).filter((e) => e.kind.startsWith('decision:'));
  expect(decisions.map((e) => [e.kind, e.detail.rationale])).toEqual([['decision:ssp-informed', undefined]]);
});

test('axe-core: no violation on any form page seen, three of them with errors shown', () => {
  expect(Object.keys(visits).filter((k) => k.endsWith('(errors)')).length).toBeGreaterThanOrEqual(3);
  expect(visits).toEqual(Object.fromEntries(Object.keys(visits).map((k) => [k, []])));
});
