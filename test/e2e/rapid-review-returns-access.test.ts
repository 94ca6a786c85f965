// Who reads the Rapid Review's information from each agency (§6.5), through the API on the real
// stack: the panel (the roles that read whole cases) every return; an agency its own only, and
// nothing else of the case; anyone else nothing (404, or 403 for operations).
import request from 'supertest';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { caseWithReturns, HEALTH, HEALTH_RETURN, POLICE, RETURNS_PEOPLE, SCHOOL, tokenOf } from '../helpers/returns';

let stack: DevStack;
let ref: string;
beforeAll(async () => {
  stack = await startDevStack({ people: RETURNS_PEOPLE, app: { agencies: [POLICE, HEALTH, SCHOOL, "Example Council Children's Services"] } });
  ref = await caseWithReturns(stack.app);
});
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string, id: string) => request(stack.app).get(path).set(bearer(tokenOf(id)));
const list = (id: string) => get(`/cases/${ref}/rapid-review-returns`, id);
const one = (agency: string, id: string) => get(`/cases/${ref}/rapid-review-returns/${encodeURIComponent(agency)}`, id);

test('the panel reads every agency asked, and each return whole', async () => {
  for (const id of ['bu-rr', 'ssp-rr', 'chair-rr']) {
    const res = await list(id);
    expect(res.status).toBe(200);
    expect((res.body.agencies as Array<{ agency: string; status: string }>).map((a) => [a.agency, a.status])).toEqual([
      [POLICE, 'outstanding'],
      [HEALTH, 'returned'],
    ]);
    const r = await one(HEALTH, id);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ agency: HEALTH, status: 'returned', returnedBy: 'health-rr', ...HEALTH_RETURN });
  }
  // Asked, not yet returned: there is nothing to read.
  expect((await one(POLICE, 'chair-rr')).status).toBe(404);
});

test('an agency reads its own return only, and nothing else of the case', async () => {
  const own = await list('health-rr');
  expect(own.status).toBe(200);
  expect((own.body.agencies as Array<{ agency: string }>).map((a) => a.agency)).toEqual([HEALTH]);
  expect(own.body.meetingDate).toBeUndefined();
  expect((await one(HEALTH, 'health-rr')).body).toMatchObject(HEALTH_RETURN);
  // Another agency's return, asked or not: no such thing, to it.
  expect((await one(HEALTH, 'police-rr')).status).toBe(404);
  expect((await list('police-rr')).body.agencies).toEqual([expect.objectContaining({ agency: POLICE, status: 'outstanding' })]);
  // An agency not asked: the case does not exist for it.
  expect((await list('school-rr')).status).toBe(404);
  expect((await one(HEALTH, 'school-rr')).status).toBe(404);
  // Nothing else of the case.
  for (const id of ['health-rr', 'police-rr']) {
    expect((await get(`/cases/${ref}`, id)).status).toBe(404);
    expect((await get(`/cases/${ref}/referral`, id)).status).toBe(403);
  }
});

test('a return from an agency not asked is refused, saying so; an agency not in the directory cannot be asked', async () => {
  const school = await request(stack.app).post(`/cases/${ref}/decisions/rapid-review-return`).set(bearer(tokenOf('school-rr'))).send(HEALTH_RETURN);
  expect(school.status).toBe(409);
  expect(school.body.error.message).toContain(`${SCHOOL} has not been asked`);
  const unknown = await request(stack.app)
    .post(`/cases/${ref}/decisions/rapid-review-information-requested`)
    .set(bearer(tokenOf('chair-rr')))
    .send({ agencies: [{ agency: 'Nobody Agency' }], returnsDueOn: '2099-01-01' });
  expect(unknown.status).toBe(422);
  expect(unknown.body.error.problems[0].path).toBe('agencies.0.agency');
});

test('those who read no return: 404, or 403 for operations', async () => {
  for (const id of ['reviewer-rr', 'referrer-rr']) {
    expect((await list(id)).status).toBe(404);
    expect((await one(HEALTH, id)).status).toBe(404);
  }
  expect((await list('ops-rr')).status).toBe(403);
  expect((await one(HEALTH, 'ops-rr')).status).toBe(403);
});
