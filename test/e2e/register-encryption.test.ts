// The register at rest, end to end: a referral and decisions with free text through the real API
// (supertest), the real worker writing the register's rows, the real Temporal dev server. A copy
// of the SQLite register, read as raw bytes, holds none of the form's values nor the decisions'
// texts; the API reads both back in clear.
import request from 'supertest';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, startDevStack, type DevStack } from '../helpers/dev-stack';
import { formValues, foundIn, registerFileCopy } from '../helpers/plaintext';
import { actors } from '../helpers/stack';

const TOKENS = { businessUnit: 'e2e-sealed-bu-token', ssp: 'e2e-sealed-ssp-token' };
const PEOPLE = [
  { ...actors.businessUnit, token: TOKENS.businessUnit },
  { ...actors.ssp, token: TOKENS.ssp },
];

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

interface Shown {
  pending: { notices: number; records: number };
  register: Array<{ kind: string; detail: Record<string, unknown> }> | null;
}

/** The case as the Business Unit reads it once the rows and emails its decisions queued are done. */
async function settledCase(ref: string, until: (body: Shown) => boolean): Promise<Shown> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request(stack.app).get(`/cases/${ref}`).set(bearer(TOKENS.businessUnit));
    const body = res.body as Shown;
    if (res.status === 200 && body.pending.notices + body.pending.records === 0 && until(body)) return body;
    if (Date.now() > deadline) throw new Error(`case ${ref} did not settle (status ${res.status})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("the register's copy holds no form value nor a decision's text; the API reads them in clear", async () => {
  const form = validReferralForm();
  const note = 'Sealed e2e note: the SSP was told by telephone about Test Child';
  const rationale = 'Sealed e2e rationale: serious harm to Test Child at ZZ99 9ZZ is suspected';

  const created = await request(stack.app).post('/referrals').set(bearer(TOKENS.businessUnit)).send({ referral: form });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  await settledCase(ref, (b) => (b.register ?? []).some((e) => e.kind === 'referral-received'));

  const informed = await request(stack.app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(TOKENS.businessUnit)).send({ note });
  expect(informed.status).toBe(200);
  const decided = await request(stack.app).post(`/cases/${ref}/decisions/ssp-decision`).set(bearer(TOKENS.ssp)).send({ outcome: 'criteria-met', rationale });
  expect(decided.status).toBe(200);

  // Through the API: the register's rows with their texts, and the form.
  const shown = await settledCase(ref, (b) => (b.register ?? []).some((e) => e.kind === 'decision:ssp-decision'));
  // (The domain keeps a decision's free text, a note here, as its rationale.)
  expect(shown.register!.find((e) => e.kind === 'decision:ssp-informed')?.detail).toMatchObject({ rationale: note });
  expect(shown.register!.find((e) => e.kind === 'decision:ssp-decision')?.detail).toMatchObject({ outcome: 'criteria-met', rationale });
  const referral = await request(stack.app).get(`/cases/${ref}/referral`).set(bearer(TOKENS.businessUnit));
  expect(referral.status).toBe(200);
  expect(referral.body.referral.children[0]).toMatchObject({ fullName: 'Test Child', postcode: 'ZZ99 9ZZ' });
  expect(referral.body.referral.incidentDetails).toBe(form.incidentDetails);
  expect(await stack.cases.referralOf(ref)).toEqual(referral.body.referral);

  // The file: none of it in clear, though the rows are there.
  const { bytes } = await registerFileCopy(stack.register);
  const secrets = [...formValues(form), note, rationale];
  expect(secrets).toEqual(expect.arrayContaining(['Test Child', 'ZZ99 9ZZ', 'Example Primary School']));
  expect(foundIn(bytes, secrets)).toEqual([]);
  expect(foundIn(bytes, [ref, 'decision:ssp-decision', 'criteria-met', 'v1:test-2:'])).toHaveLength(4);
});
