// The referral form's pages over HTTP, on the real stack (dev server, worker, register): a draft
// saved with problems is kept and shown with the error summary; it is its starter's alone; it is
// gone after 30 days; sending it opens exactly one case however often it is posted; the register
// holds the draft sealed; and the referral sent is the one the JSON API would have received.
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { Role } from '../../domain/roles';
import { createServices } from '../../services';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { csrfOf, HTML, signedInAgent, webOptionsFor } from '../helpers/pages';

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-form', role: 'business-unit', agency: 'Business Unit', token: 'form-bu-token' },
  { id: 'bu-other', role: 'business-unit', agency: 'Business Unit', token: 'form-bu-other-token' },
  { id: 'ssp-form', role: 'ssp', agency: 'Local Authority', token: 'form-ssp-token' },
];
const CHILD_NAME = 'Zebedee Quillfeather';

let stack: DevStack;
let nowMs = Date.now();

beforeAll(async () => {
  stack = await startDevStack({
    people: PEOPLE,
    app: {
      now: () => new Date(nowMs),
      // An outage is met sooner than the default 10 s (the worker is stopped in one test).
      temporalCallTimeoutMs: 3_000,
      web: webOptionsFor(PEOPLE),
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  nowMs = Date.now();
});

const drafts = () => stack.register.selectFrom('referral_draft').selectAll();

const signedIn = (id: string) => signedInAgent(stack.app, id);

/** Opens the page, then posts its form with these fields (repeated names for checkboxes), as a browser does. */
async function submit(agent: TestAgent, url: string, fields: Array<[string, string]>) {
  const page = await agent.get(url).set('Accept', HTML);
  expect(page.status).toBe(200);
  const body = new URLSearchParams([['_csrf', csrfOf(page.text)!], ...fields]).toString();
  return agent.post(url).type('form').set('Accept', HTML).send(body);
}

async function startDraft(agent: TestAgent): Promise<string> {
  const res = await submit(agent, '/referrals/new', []);
  expect(res.status).toBe(303);
  const match = /^\/referrals\/drafts\/([0-9a-f-]{36})$/.exec(res.headers.location as string);
  expect(match).not.toBeNull();
  return match![1]!;
}

const date = (name: string, d: string, m: string, y: string): Array<[string, string]> => [
  [`${name}-day`, d],
  [`${name}-month`, m],
  [`${name}-year`, y],
];

/** Every section of the form, as typed on its page. */
const SECTIONS_TYPED: Record<string, Array<[string, string]>> = {
  criteria: [['determination', 'notification']],
  referrer: [
    ['fullName', 'Rita Referrer'],
    ['jobTitle', 'Designated Safeguarding Lead'],
    ['organisation', 'Example Primary School'],
    ['email', 'rita@example.org'],
    ['telephone', '01632 960001'],
    ...date('dateSubmitted', '3', '3', '2026'),
    ...date('becameAwareDate', '2', 'March', '2026'),
    ['authorisingOfficerName', 'Alan Officer'],
    ['authorisingOfficerJobTitle', 'Head Teacher'],
    ...date('organisationAgreementDate', '03', '03', '2026'),
  ],
  children: [
    ['child-count', '1'],
    ['child-0-fullName', CHILD_NAME],
    ...date('child-0-dateOfBirth', '14', '5', '2019'),
    ['child-0-ageAtIncident', '6 years'],
    ['child-0-gender', 'not known'],
    ['child-0-ethnicity', ''],
    ['child-0-address', '1 Example Street, Testtown'],
    ['child-0-postcode', 'ZZ99 9ZZ'],
    ...date('child-0-dateOfIncident', '1', '3', '2026'),
    ['child-0-incidentRelatesToDeath', 'no'],
    // Typed before "No" was chosen: what a question not chosen reveals is not sent.
    ...date('child-0-dateOfDeath', '1', '3', '2026'),
    ['child-0-staffMemberConductInvolved', 'no'],
    ['child-0-coronerInvolved', 'no'],
    ['child-0-lookedAfter', 'no'],
  ],
  parents: [['parent-count', '1'], ['parent-0-lastName', 'Parent'], ['parent-0-firstName', 'Pat'], ...date('parent-0-dateOfBirth', '1', '1', '1990'), ['parent-0-relationshipToChild', 'Mother']],
  siblings: [
    ['sibling-count', '1'],
    ['sibling-0-lastName', 'Quillfeather'],
    ['sibling-0-firstName', 'Sam'],
    ...date('sibling-0-dateOfBirth', '20', '7', '2021'),
    ['sibling-0-relationshipToChild', 'Brother'],
    ['sibling-0-gender', 'male'],
  ],
  'case-details': [
    ['mainCause', 'Other'],
    ['mainCauseOther', 'A fall from a height'],
    ['characteristics', 'Physical Abuse'],
    ['characteristics', 'Other'],
    ['characteristicsOther', 'Unexplained bruising'],
  ],
  'child-protection': [
    ['knownToSocialCare', 'yes'],
    ['childProtectionPlan', 'no'],
    ['childInNeedPlan', 'yes'],
    ...date('childInNeedPlanCommenced', '1', '9', '2025'),
    ...date('childInNeedPlanEnded', '15', '1', '2026'),
    ['cppSibling-count', '0'],
    ['cinSibling-count', '1'],
    ['cinSibling-0-name', 'Sam Quillfeather'],
    ...date('cinSibling-0-commenced', '1', '9', '2025'),
  ],
  'other-agencies': [['agency-count', '1'], ['agency-0-fullName', 'Dee Nurse'], ['agency-0-organisation', 'Example Health Trust'], ...date('agency-0-startDate', '1', '1', '2024')],
  'incident-details': [['incidentDetails', 'The child was taken to hospital with injuries (test).']],
  'why-meets-criteria': [['whyMeetsCriteria', 'Serious harm, abuse suspected (test).']],
  'authorising-officer-comment': [['authorisingOfficerComment', 'Agreed; refer to the SSP (test).']],
  'other-reviews': [['review-count', '1'], ['review-0-kind', 'criminal investigation'], ['review-0-details', 'A police inquiry (test).'], ['earlyLearning', '']],
};

/** What the JSON API would have received for the same answers (built here, not by the pages' code). */
const EXPECTED = {
  referrer: {
    fullName: 'Rita Referrer',
    jobTitle: 'Designated Safeguarding Lead',
    organisation: 'Example Primary School',
    email: 'rita@example.org',
    telephone: '01632 960001',
    dateSubmitted: '2026-03-03',
    authorisingOfficer: { fullName: 'Alan Officer', jobTitle: 'Head Teacher' },
    organisationAgreementDate: '2026-03-03',
    becameAwareDate: '2026-03-02',
  },
  determination: { meetsCriteriaForNotification: true, learningToExplore: false },
  children: [
    {
      fullName: CHILD_NAME,
      dateOfBirth: '2019-05-14',
      ageAtIncident: '6 years',
      gender: 'not known',
      address: '1 Example Street, Testtown',
      postcode: 'ZZ99 9ZZ',
      dateOfIncident: '2026-03-01',
      incidentRelatesToDeath: false,
      staffMemberConductInvolved: false,
      coronerInvolved: 'no',
      lookedAfter: false,
    },
  ],
  parents: [{ lastName: 'Parent', firstName: 'Pat', dateOfBirth: '1990-01-01', relationshipToChild: 'Mother' }],
  siblings: [{ lastName: 'Quillfeather', firstName: 'Sam', dateOfBirth: '2021-07-20', relationshipToChild: 'Brother', gender: 'male' }],
  caseDetails: { mainCause: 'Other', mainCauseOther: 'A fall from a height', characteristics: ['Physical Abuse', 'Other'], characteristicsOther: 'Unexplained bruising' },
  childProtection: {
    knownToSocialCare: true,
    childProtectionPlan: { was: false },
    siblingsOnChildProtectionPlan: [],
    childInNeedPlan: { was: true, commenced: '2025-09-01', ended: '2026-01-15' },
    siblingsOnChildInNeedPlan: [{ name: 'Sam Quillfeather', commenced: '2025-09-01' }],
  },
  otherAgencies: [{ fullName: 'Dee Nurse', organisation: 'Example Health Trust', startDate: '2024-01-01' }],
  incidentDetails: 'The child was taken to hospital with injuries (test).',
  whyMeetsCriteria: 'Serious harm, abuse suspected (test).',
  authorisingOfficerComment: 'Agreed; refer to the SSP (test).',
  otherReviews: { reviews: [{ kind: 'criminal investigation', details: 'A police inquiry (test).' }], unawareOfOtherReviews: false },
};

async function fillAll(agent: TestAgent, draftId: string): Promise<void> {
  for (const [slug, fields] of Object.entries(SECTIONS_TYPED)) {
    const res = await submit(agent, `/referrals/drafts/${draftId}/${slug}`, [...fields, ['action', 'continue']]);
    expect({ slug, status: res.status, location: res.headers.location as unknown }).toEqual({ slug, status: 303, location: `/referrals/drafts/${draftId}` });
  }
}

test('a section saved with problems is kept, shown with the error summary and what was typed; another person gets "Page not found"', async () => {
  const agent = await signedIn('bu-form');
  const draftId = await startDraft(agent);
  const url = `/referrals/drafts/${draftId}/referrer`;
  const typed: Array<[string, string]> = [['fullName', 'Rita Referrer'], ['email', 'rita@example.org'], ...date('dateSubmitted', '31', '2', '2026'), ...date('becameAwareDate', '2', '', '2026'), ['action', 'continue']];
  const res = await submit(agent, url, typed);
  expect(res.status).toBe(400);
  expect(res.text).toContain('<title>Error: About you and your authorising officer: referral form');
  expect(res.text).toContain('There is a problem');
  expect(res.text).toContain('<a href="#dateSubmitted-day">Date submitted must be a real date, for example 27 3 2026</a>');
  expect(res.text).toContain('<a href="#becameAwareDate-day">Date your agency became aware of the incident must include a month</a>');
  expect(res.text).toContain('<a href="#jobTitle">Enter your job title</a>');
  expect(res.text).toMatch(/id="fullName" name="fullName" type="text" value="Rita Referrer"/);
  expect(res.text).toMatch(/id="dateSubmitted-day" name="dateSubmitted-day" type="text"[^>]*value="31"/);

  // Kept: opened again (the draft list links it), with its problems.
  const list = await agent.get('/referrals/drafts').set('Accept', HTML);
  expect(list.text).toContain(`href="/referrals/drafts/${draftId}"`);
  const again = await agent.get(url).set('Accept', HTML);
  expect(again.text).toContain('There is a problem');
  expect(again.text).toContain('value="Rita Referrer"');
  const tasks = await agent.get(`/referrals/drafts/${draftId}`).set('Accept', HTML);
  expect(tasks.text).toContain('Incomplete');

  // "Save and come back later" saves without stopping at the problems.
  const later = await submit(agent, url, [['fullName', 'Rita R. Referrer'], ['action', 'later']]);
  expect(later.status).toBe(303);
  expect(later.headers.location).toBe('/referrals/drafts?saved=1');
  expect((await agent.get(url).set('Accept', HTML)).text).toContain('value="Rita R. Referrer"');

  const other = await signedIn('bu-other');
  for (const path of [`/referrals/drafts/${draftId}`, url, `/referrals/drafts/${draftId}/check-answers`]) {
    const page = await other.get(path).set('Accept', HTML);
    expect({ path, status: page.status }).toEqual({ path, status: 404 });
    expect(page.text).toContain('Page not found');
  }
  const otherPage = await other.get('/referrals/drafts').set('Accept', HTML);
  expect(otherPage.text).not.toContain(draftId);
  const posted = await other.post(url).type('form').set('Accept', HTML).send({ _csrf: csrfOf(otherPage.text), fullName: 'Someone else', action: 'continue' });
  expect(posted.status).toBe(404);
  expect((await agent.get(url).set('Accept', HTML)).text).toContain('value="Rita R. Referrer"');

  // The SSP sends no referral, so starts no draft.
  const ssp = await signedIn('ssp-form');
  expect((await ssp.get('/referrals/new').set('Accept', HTML)).status).toBe(403);
  expect((await ssp.get(url).set('Accept', HTML)).status).toBe(403);
});

test('a draft older than 30 days is gone: never shown, deleted when found, and swept on any save', async () => {
  const agent = await signedIn('bu-form');
  const draftId = await startDraft(agent);
  const swept = await startDraft(agent);
  expect(await drafts().where('draft_id', 'in', [draftId, swept]).execute()).toHaveLength(2);

  nowMs += 30 * 86_400_000 + 60_000;
  const later = await signedIn('bu-form');
  const list = await later.get('/referrals/drafts').set('Accept', HTML);
  expect(list.text).not.toContain(draftId);
  expect(list.text).not.toContain(swept);
  const page = await later.get(`/referrals/drafts/${draftId}`).set('Accept', HTML);
  expect(page.status).toBe(404);
  expect(await drafts().where('draft_id', '=', draftId).execute()).toHaveLength(0);

  // Another person's save sweeps every expired draft.
  const other = await signedIn('bu-other');
  const fresh = await startDraft(other);
  expect((await submit(other, `/referrals/drafts/${fresh}/criteria`, [['determination', 'learning'], ['action', 'later']])).status).toBe(303);
  expect(await drafts().where('draft_id', '=', swept).execute()).toHaveLength(0);
});

test('sending opens exactly one case however often it is posted, the draft is sealed until then and deleted after, and the referral is what the JSON API would have received', async () => {
  const agent = await signedIn('bu-form');
  const draftId = await startDraft(agent);
  await fillAll(agent, draftId);

  const rows = await drafts().where('draft_id', '=', draftId).execute();
  expect(rows).toHaveLength(1);
  expect(rows[0]!.data).toMatch(/^v1:/);
  expect(rows[0]!.data).not.toContain(CHILD_NAME);
  expect(rows[0]!.data).not.toContain('Quillfeather');

  const check = await agent.get(`/referrals/drafts/${draftId}/check-answers`).set('Accept', HTML);
  expect(check.status).toBe(200);
  expect(check.text).not.toContain('There is a problem');
  expect(check.text).toContain(CHILD_NAME);
  expect(check.text).toContain('Tuesday 14 May 2019');

  const casesBefore = await stack.register.selectFrom('case_record').selectAll().where('received_by', '=', 'bu-form').execute();
  const token = csrfOf(check.text)!;
  const send = () => agent.post(`/referrals/drafts/${draftId}/check-answers`).type('form').set('Accept', HTML).send({ _csrf: token });
  // A double click: two posts at once, then one more after.
  const [first, second] = await Promise.all([send(), send()]);
  const third = await send();
  const locations = [first, second, third].map((r) => ({ status: r.status, location: r.headers.location as unknown }));
  const ref = /^\/referrals\/sent\/(DSP-\d{4}-\d{4})$/.exec(first.headers.location as string)?.[1];
  expect(ref).toBeDefined();
  expect(locations).toEqual([0, 1, 2].map(() => ({ status: 303, location: `/referrals/sent/${ref}` })));
  const casesAfter = await stack.register.selectFrom('case_record').selectAll().where('received_by', '=', 'bu-form').execute();
  expect(casesAfter.length - casesBefore.length).toBe(1);
  expect(await drafts().where('draft_id', '=', draftId).execute()).toHaveLength(0);

  const sent = await agent.get(`/referrals/sent/${ref}`).set('Accept', HTML);
  expect(sent.status).toBe(200);
  expect(sent.text).toContain('Referral sent');
  expect(sent.text).toContain(ref);
  expect(sent.text).toContain(`href="/cases/${ref}"`);
  // Only the session that sent it sees its confirmation.
  expect((await (await signedIn('bu-other')).get(`/referrals/sent/${ref}`).set('Accept', HTML)).status).toBe(404);

  const api = await request(stack.app).get(`/cases/${ref}`).set(bearer('form-bu-token'));
  expect(api.status).toBe(200);
  const services = createServices({ ...stack.appDependencies, smtpReachable: () => Promise.resolve(true) });
  const { referral } = await services.cases.readReferral({ id: 'bu-form', role: 'business-unit', agency: 'Business Unit' }, ref!);
  expect(referral).toEqual(EXPECTED);
});

test('check your answers lists every problem of the whole form, each linking to its field on its section page', async () => {
  const agent = await signedIn('bu-form');
  const draftId = await startDraft(agent);
  await submit(agent, `/referrals/drafts/${draftId}/children`, [['child-count', '1'], ['child-0-fullName', 'A Child'], ...date('child-0-dateOfBirth', '1', '13', '2019'), ['action', 'later']]);
  const check = await agent.get(`/referrals/drafts/${draftId}/check-answers`).set('Accept', HTML);
  expect(check.text).toContain('<title>Error: Check your answers');
  expect(check.text).toContain(`<a href="/referrals/drafts/${draftId}/children?show=problems#child-0-dateOfBirth-day">Date of birth must be a real date, for example 27 3 2026</a>`);
  expect(check.text).toContain(`<a href="/referrals/drafts/${draftId}/children?show=problems#child-0-postcode">Enter the child’s postcode</a>`);
  expect(check.text).toContain(`<a href="/referrals/drafts/${draftId}/criteria?show=problems#determination">Complete the section “The criteria for notification”</a>`);
  expect(check.text).not.toContain('Send referral');
  const refused = await agent.post(`/referrals/drafts/${draftId}/check-answers`).type('form').set('Accept', HTML).send({ _csrf: csrfOf(check.text) });
  expect(refused.status).toBe(400);
  expect(await drafts().where('draft_id', '=', draftId).execute()).toHaveLength(1);
});

test('an outage while sending is shown in plain words and keeps the draft; sending again opens the one case', async () => {
  const agent = await signedIn('bu-form');
  const draftId = await startDraft(agent);
  await fillAll(agent, draftId);
  const check = await agent.get(`/referrals/drafts/${draftId}/check-answers`).set('Accept', HTML);
  const send = () => agent.post(`/referrals/drafts/${draftId}/check-answers`).type('form').set('Accept', HTML).send({ _csrf: csrfOf(check.text) });
  await stack.worker.stop();
  let down;
  try {
    down = await send();
  } finally {
    await stack.worker.start();
  }
  expect(down.status).toBe(503);
  expect(down.text).toContain('The referral has not been sent yet: part of the service did not answer in time. Your draft is kept.');
  expect(await drafts().where('draft_id', '=', draftId).execute()).toHaveLength(1);

  const again = await send();
  expect(again.status).toBe(303);
  const ref = /DSP-\d{4}-\d{4}$/.exec(again.headers.location as string)?.[0];
  expect(await stack.register.selectFrom('case_record').selectAll().where('idempotency_scope', 'is not', null).where('case_reference', '=', ref!).execute()).toHaveLength(1);
  expect(await drafts().where('draft_id', '=', draftId).execute()).toHaveLength(0);
});

test('add another and remove, on the server: a list item added, one removed, the rest kept as typed', async () => {
  const agent = await signedIn('bu-form');
  const draftId = await startDraft(agent);
  const url = `/referrals/drafts/${draftId}/siblings`;
  const added = await submit(agent, url, [['sibling-count', '0'], ['action', 'add:sibling']]);
  expect(added.status).toBe(303);
  expect(added.headers.location).toBe(`${url}#sibling-0`);
  const two = await submit(agent, url, [['sibling-count', '1'], ['sibling-0-firstName', 'First'], ['action', 'add:sibling']]);
  expect(two.headers.location).toBe(`${url}#sibling-1`);
  const page = await agent.get(url).set('Accept', HTML);
  expect(page.text).toContain('Sibling 2');
  expect(page.text).toContain('Add another sibling');
  const removed = await submit(agent, url, [['sibling-count', '2'], ['sibling-0-firstName', 'First'], ['sibling-1-firstName', 'Second'], ['action', 'remove:sibling:0']]);
  expect(removed.status).toBe(303);
  const after = await agent.get(url).set('Accept', HTML);
  expect(after.text).toContain('id="sibling-0-firstName" name="sibling-0-firstName" type="text" value="Second"');
  expect(after.text).not.toContain('Sibling 2');
  expect(after.text).not.toContain('value="First"');
});
