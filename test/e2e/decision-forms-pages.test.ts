// The decision forms over HTTP, on the real stack (dev server, worker, register, SMTP): a form for
// each decision the person may record now and only those, generated from the decision table; the
// GOV.UK error summary with what was typed kept; a London date and time turned into the instant by
// the server; the confirmation step of an irreversible decision; a double submission recorded once;
// a refusal shown with its reason and nothing changed; the action plan (rows added) and an action's
// own decisions, the §9.2 refusal of an extension not asked for by the Chief Officer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { PROJECT_ROOT } from '../../config';
import type { Role } from '../../domain/roles';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { csrfOf, HTML, signedInAgent, webOptionsFor } from '../helpers/pages';

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-f', role: 'business-unit', agency: 'Business Unit', token: 'forms-bu-token' },
  { id: 'ssp-f', role: 'ssp', agency: 'Local Authority', token: 'forms-ssp-token' },
  { id: 'ld-f', role: 'ld-chair', agency: 'Learning and Development Group', token: 'forms-ld-token' },
  { id: 'owner-f', role: 'action-owner', agency: 'Example Health Trust', token: 'forms-owner-token' },
  { id: 'reviewer-f', role: 'reviewer', agency: 'Independent', token: 'forms-reviewer-token' },
];
const token = (id: string) => PEOPLE.find((p) => p.id === id)!.token;
const AGENCIES = ['Example Health Trust', 'Example Police'];

let stack: DevStack;

beforeAll(async () => {
  stack = await startDevStack({
    people: PEOPLE,
    app: { agencies: AGENCIES, web: webOptionsFor(PEOPLE) },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const formKeyOf = (html: string) => /name="_formKey" value="([^"]+)"/.exec(html)?.[1];

const signedIn = (id: string) => signedInAgent(stack.app, id);

/** The form's page, and a post of it with the form's own hidden fields and these values. */
async function form(agent: TestAgent, address: string) {
  const page = await agent.get(address).set('Accept', HTML);
  const hidden = { _csrf: csrfOf(page.text)!, _formKey: formKeyOf(page.text)! };
  return {
    page,
    hidden,
    post: (values: Record<string, string>) => agent.post(address).type('form').set('Accept', HTML).send({ ...hidden, ...values }),
  };
}

/** An independent reading of a London wall-clock time: the zone's offset that day, from Intl. */
function londonToUtc(date: string, hhmm: string): string {
  const guess = Date.parse(`${date}T${hhmm}:00Z`);
  const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'shortOffset' }).formatToParts(guess).find((p) => p.type === 'timeZoneName')!.value;
  const hours = name === 'GMT' ? 0 : Number(name.replace('GMT', ''));
  return new Date(guess - hours * 3_600_000).toISOString();
}

const londonDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(ms);

async function openCase(receivedAt?: string): Promise<string> {
  const body = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'example-referral.json'), 'utf8')) as Record<string, unknown>;
  const res = await request(stack.app).post('/referrals').set(bearer(token('bu-f'))).send({ ...body, ...(receivedAt ? { receivedAt } : {}) });
  expect(res.status).toBe(201);
  return (res.body as { caseReference: string }).caseReference;
}

async function decide(ref: string, id: string, decision: string, body: object = {}) {
  const res = await request(stack.app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(token(id))).send(body);
  expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
}

const caseJson = async (ref: string) => (await request(stack.app).get(`/cases/${ref}`).set(bearer(token('bu-f')))).body as { stage: string; timeline: Array<{ kind: string; at: string }> };

test('the case page offers the forms the person may use now, and only those; another decision is "Page not found"', async () => {
  const ref = await openCase();
  const bu = await signedIn('bu-f');
  const casePage = await bu.get(`/cases/${ref}`).set('Accept', HTML);
  expect(casePage.text).toContain(`href="/cases/${ref}/decisions/ssp-informed"`);
  expect(casePage.text).not.toContain(`/decisions/ssp-decision"`);
  const { page } = await form(bu, `/cases/${ref}/decisions/ssp-informed`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Record the SSP informed');
  expect(page.text).toContain('§4.6');
  const ssp = await signedIn('ssp-f');
  expect((await ssp.get(`/cases/${ref}/decisions/ssp-informed`).set('Accept', HTML)).status).toBe(404);
  expect((await ssp.get(`/cases/${ref}/decisions/no-such-decision`).set('Accept', HTML)).status).toBe(404);
});

test('a bad form shows the GOV.UK error summary, keeps what was typed, and records nothing; a London time becomes its instant', async () => {
  const receivedAt = new Date(Date.now() - 10 * 86_400_000).toISOString();
  const ref = await openCase(receivedAt);
  const bu = await signedIn('bu-f');
  const informed = await form(bu, `/cases/${ref}/decisions/ssp-informed`);
  const day = londonDate(Date.now() - 3 * 86_400_000);
  const [y, m, d] = day.split('-');
  const bad = await informed.post({ 'occurredAt-day': d!, 'occurredAt-year': y!, 'occurredAt-time': '9:30am', note: 'typed before the mistake' });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('<title>Error: ');
  expect(bad.text).toContain('There is a problem');
  expect(bad.text).toContain('href="#occurredAt-day"');
  expect(bad.text).toContain('must include a month');
  expect(bad.text).toContain('typed before the mistake');
  expect((await caseJson(ref)).stage).toBe('referral-received');

  const good = await informed.post({ 'occurredAt-day': d!, 'occurredAt-month': m!, 'occurredAt-year': y!, 'occurredAt-time': '9:30am', note: 'typed before the mistake' });
  expect(good.status).toBe(303);
  expect(good.headers.location).toBe(`/cases/${ref}`);
  const after = await caseJson(ref);
  expect(after.stage).toBe('awaiting-ssp-decision');
  expect(after.timeline.find((t) => t.kind === 'decision:ssp-informed')!.at).toBe(londonToUtc(day, '09:30'));
  const banner = await bu.get(`/cases/${ref}`).set('Accept', HTML);
  expect(banner.text).toContain('Decision recorded: the SSP have been informed');
  // Shown once.
  expect((await bu.get(`/cases/${ref}`).set('Accept', HTML)).text).not.toContain('govuk-notification-banner');
});

test("the SSP's decision is shown back for confirmation first; confirmed twice, it is recorded once", async () => {
  const ref = await openCase();
  await decide(ref, 'bu-f', 'ssp-informed');
  const ssp = await signedIn('ssp-f');
  const decision = await form(ssp, `/cases/${ref}/decisions/ssp-decision`);
  const values = { outcome: 'criteria-met', rationale: 'The criteria are met on the facts known.' };
  const check = await decision.post(values);
  expect(check.status).toBe(200);
  expect(check.text).toContain('cannot be undone');
  expect(check.text).toContain('The criteria for notification are met');
  expect((await caseJson(ref)).stage).toBe('awaiting-ssp-decision');
  const first = await decision.post({ ...values, _confirmed: 'yes' });
  const second = await decision.post({ ...values, _confirmed: 'yes' });
  expect([first.status, second.status]).toEqual([303, 303]);
  const after = await caseJson(ref);
  expect(after.stage).toBe('awaiting-national-notification');
  expect(after.timeline.filter((t) => t.kind === 'decision:ssp-decision')).toHaveLength(1);
  const banner = await ssp.get(`/cases/${ref}`).set('Accept', HTML);
  expect(banner.text).toContain("Decision recorded: the SSP&#39;s decision on the criteria");
});

test('a decision another person recorded first is refused on the form with its reason, and nothing changes', async () => {
  const ref = await openCase();
  const bu = await signedIn('bu-f');
  const informed = await form(bu, `/cases/${ref}/decisions/ssp-informed`);
  await decide(ref, 'bu-f', 'ssp-informed');
  const decisions = async () => (await caseJson(ref)).timeline.filter((t) => t.kind.startsWith('decision:'));
  const before = await decisions();
  const late = await informed.post({});
  expect(late.status).toBe(409);
  expect(late.text).toContain('There is a problem');
  expect(late.text).toContain('Nothing was recorded');
  // A form of theirs the case has not reached (an email's link followed early or late): the case
  // page, saying why, rather than "Page not found".
  const notYet = await bu.get(`/cases/${ref}/decisions/referrer-feedback-sent`).set('Accept', HTML);
  expect({ status: notYet.status, location: notYet.headers.location }).toEqual({ status: 303, location: `/cases/${ref}` });
  expect((await bu.get(`/cases/${ref}`).set('Accept', HTML)).text).toContain('There is nothing to record for');
  expect(await decisions()).toEqual(before);
});

test('the action plan from the form (a row added, agencies from the directory); the owner completes one; an extension not asked by the Chief Officer is refused (§9.2)', async () => {
  const ref = await openCase();
  await decide(ref, 'bu-f', 'ssp-informed');
  await decide(ref, 'ssp-f', 'ssp-decision', { outcome: 'not-met-learning', rationale: 'Learning to explore.' });
  await decide(ref, 'ld-f', 'ld-decision', { outcome: 'multi-agency-audit', rationale: 'An audit.' });
  await decide(ref, 'ssp-f', 'ssp-approval', { approved: true, rationale: 'Agreed.' });
  const ld = await signedIn('ld-f');
  const plan = await form(ld, `/cases/${ref}/decisions/actions-agreed`);
  expect(plan.page.text).toContain('<option value="Example Police">');
  const deadline = londonDate(Date.now() + 60 * 86_400_000).split('-');
  const row = (n: number, agency: string) => ({
    [`actions-${n}-agency`]: agency,
    [`actions-${n}-owner`]: `Lead ${n}`,
    [`actions-${n}-description`]: `Do thing ${n}`,
    [`actions-${n}-finding`]: `Finding ${n}`,
    [`actions-${n}-deadline-day`]: deadline[2]!,
    [`actions-${n}-deadline-month`]: deadline[1]!,
    [`actions-${n}-deadline-year`]: deadline[0]!,
  });
  const added = await plan.post({ ...row(1, 'Example Health Trust'), 'actions-rows': '1', add: 'actions' });
  expect(added.status).toBe(200);
  expect(added.text).toContain('Action 2');
  expect(added.text).toContain('value="Lead 1"');
  const recorded = await plan.post({ ...row(1, 'Example Health Trust'), ...row(2, 'Example Police'), 'actions-rows': '2' });
  expect(recorded.status).toBe(303);
  const status = (await request(stack.app).get(`/cases/${ref}`).set(bearer(token('ld-f')))).body as { actions: Array<{ actionId: string; agency: string }> };
  expect(status.actions.map((a) => a.agency)).toEqual(['Example Health Trust', 'Example Police']);
  const health = status.actions.find((a) => a.agency === 'Example Health Trust')!.actionId;
  const police = status.actions.find((a) => a.agency === 'Example Police')!.actionId;

  const extension = await form(ld, `/cases/${ref}/actions/${police}/decisions/action-extended`);
  const later = londonDate(Date.now() + 90 * 86_400_000).split('-');
  const refused = await extension.post({
    'newDeadline-day': later[2]!, 'newDeadline-month': later[1]!, 'newDeadline-year': later[0]!,
    'requestedBy-position': 'head-of-service', 'requestedBy-agency': 'Example Police', 'requestedBy-name': 'A Head', reason: 'Exceptional.',
  });
  expect(refused.status).toBe(422);
  expect(refused.text).toContain('only at the request of the Chief Officer');
  expect(refused.text).toContain('Nothing was recorded');

  const owner = await signedIn('owner-f');
  expect((await owner.get(`/cases/${ref}/actions/${police}/decisions/action-completed`).set('Accept', HTML)).status).toBe(404);
  const actionPage = await owner.get(`/cases/${ref}/actions/${health}`).set('Accept', HTML);
  expect(actionPage.text).toContain(`/cases/${ref}/actions/${health}/decisions/action-completed`);
  const today = londonDate(Date.now()).split('-');
  const done = await (await form(owner, `/cases/${ref}/actions/${health}/decisions/action-completed`)).post({
    'completedOn-day': today[2]!, 'completedOn-month': today[1]!, 'completedOn-year': today[0]!, evidence: 'The audit report.',
  });
  expect(done.status).toBe(303);
  expect(done.headers.location).toBe(`/cases/${ref}/actions/${health}`);
  const action = await request(stack.app).get(`/cases/${ref}/actions/${health}`).set(bearer(token('owner-f')));
  expect((action.body as { status: string }).status).toBe('completed');
});
