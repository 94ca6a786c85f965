// Every decision through the real API (supertest) on the real Temporal dev server, with a real
// worker, a real SMTP listener and a register in a temporary SQLite file: who may post, what is
// refused and how, that refusals change nothing and never echo what was sent, and idempotency.
import nodemailer from 'nodemailer';
import request from 'supertest';
import { createApp } from '../../api/app';
import { DECISION_NAMES, decisionRule, type DecisionName } from '../../domain/decisions';
import { ROLES, type Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { startSmtpCatcher } from '../helpers/smtp';
import { newCaseReference } from '../helpers/stack';

/** One signed-in person per role. */
const TOKENS = Object.fromEntries(ROLES.map((role) => [role, `e2e-decisions-${role}-token`])) as Record<Role, string>;
const PEOPLE = ROLES.map((role) => ({ id: `${role}-1`, role, agency: `Test ${role}`, token: TOKENS[role] }));
const bearer = (role: Role) => ({ Authorization: `Bearer ${TOKENS[role]}` });

/** Put in every free-text field: no response may carry it back. */
const MARKER = 'MARKER-e2e-5b1c';

const DAY_MS = 86_400_000;
const yesterday = () => new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);

/** A well-formed payload for each decision (whether it fits the case is another matter). */
function validPayload(name: DecisionName): Record<string, unknown> {
  const payloads: Record<DecisionName, Record<string, unknown>> = {
    'ssp-informed': { note: MARKER },
    'ssp-decision': { outcome: 'criteria-met', rationale: MARKER },
    'referrer-feedback-sent': { note: MARKER },
    'shared-with-ld-chair': { note: MARKER },
    'looked-after-death-notified': { note: MARKER },
    'care-leaver-death-notified': { note: MARKER },
    'national-notification': { panelReference: 'CSPRP/2026/0042' },
    'panel-acknowledgement': {},
    'rapid-review-scheduled': { meetingDate: '2026-12-10' },
    'rapid-review-held': { recommendation: 'lcspr', rationale: MARKER },
    'rapid-review-report': { levelOfReview: 'lcspr', rationale: MARKER },
    'panel-response': { response: 'local-review' },
    'further-information-sent': { note: MARKER },
    'reviewer-commissioned': { reviewer: MARKER, reviewerId: 'reviewer-1' },
    'reviewer-changed': { reviewer: MARKER, reviewerId: 'reviewer-2', reason: MARKER },
    'terms-of-reference-agreed': { note: MARKER },
    'review-progress': { summary: MARKER },
    'draft-report-to-ld': { note: MARKER },
    'ssp-sign-off': { plannedPublicationDate: '2027-05-04', publish: 'full-report' },
    'report-sent-to-panel': {},
    'publication-delayed': { reason: MARKER },
    'delay-explained-to-panel': {},
    published: { publishedOn: yesterday() },
    'not-to-publish': { justification: MARKER },
    'justification-sent-to-panel': {},
    'publication-removed': { reason: MARKER },
    'national-review-completed': { note: MARKER },
    'other-review-completed': { note: MARKER },
    'ld-decision': { outcome: 'multi-agency-audit', rationale: MARKER },
    'ssp-approval': { approved: true, rationale: MARKER },
    'clock-corrected': { clock: 'la-became-aware', correctedTo: yesterday(), reason: MARKER },
    'actions-agreed': { actions: [{ agency: 'Example Health Trust', owner: MARKER, description: MARKER, finding: MARKER, deadline: new Date(Date.now() + 90 * DAY_MS).toISOString().slice(0, 10) }] },
    'close-case': { note: MARKER },
    'rapid-review-information-requested': { agencies: [{ agency: 'Example Health Trust' }], returnsDueOn: new Date(Date.now() + 3 * DAY_MS).toISOString().slice(0, 10) },
    'rapid-review-return': {
      involvement: MARKER,
      safeguardingIssues: MARKER,
      informationHeld: MARKER,
      author: MARKER,
      chronology: [{ date: yesterday(), time: '09:30', event: MARKER, agency: 'Example Health Trust', source: MARKER, involved: MARKER, decisionsAndOutcome: MARKER, childSeen: 'yes', childViews: MARKER, comments: MARKER }],
    },
  };
  return payloads[name];
}

/**
 * A role allowed the decision, one that reads the case whoever it is (an independent reviewer
 * reads only the cases they are commissioned on, §8: for the others the case does not exist).
 */
const allowedRole = (name: DecisionName): Role => {
  const roles = decisionRule(name).roles;
  return roles.find((r) => r !== 'reviewer') ?? roles[0]!;
};

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE });
});
afterAll(async () => {
  await stack?.stop();
});

interface CaseBody {
  stage: string;
  obligations: Record<string, { status: string; remindersDone: string[] }>;
  clockCorrections: unknown[];
  timeline: Array<{ kind: string }>;
  register: Array<{ kind: string }>;
}

/** The case once the emails and register rows its decisions queued have been carried out. */
function getCase(ref: string) {
  return settledCase(stack.app, ref, TOKENS['business-unit']);
}

/** Starts a case through the API and waits (by reading it) until its opening deadlines are set. */
async function newCase(): Promise<string> {
  const created = await request(stack.app).post('/referrals').set(bearer('business-unit')).send({ referral: validReferralForm() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;
  const until = Date.now() + 15_000;
  for (;;) {
    const res = await getCase(ref);
    const body = res.body as CaseBody;
    if (res.status === 200 && body.obligations['ssp-decision'] && body.timeline.some((t) => t.kind === 'referral-received-sent')) return ref;
    if (Date.now() > until) throw new Error(`case ${ref} did not open`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The case as GET shows it, less what a reminder falling due meanwhile would add. */
async function snapshot(ref: string): Promise<unknown> {
  const res = await getCase(ref);
  expect(res.status).toBe(200);
  const body = res.body as CaseBody;
  const obligations = Object.fromEntries(Object.entries(body.obligations).map(([id, o]) => [id, { ...o, remindersDone: undefined }]));
  const notReminder = (e: { kind: string }) => !e.kind.startsWith('reminder-');
  return { ...body, obligations, timeline: body.timeline.filter(notReminder), register: body.register.filter(notReminder) };
}

function post(ref: string, name: string, role?: Role) {
  const req = request(stack.app).post(`/cases/${ref}/decisions/${name}`);
  return role ? req.set(bearer(role)) : req;
}

function expectNoEcho(res: request.Response): void {
  expect(JSON.stringify(res.body)).not.toContain(MARKER);
  expect(res.text).not.toContain(MARKER);
}

let ref: string;
beforeAll(async () => {
  ref = await newCase();
});

describe('refused before reaching the case', () => {
  test.each(DECISION_NAMES)('%s without a token: 401', async (name) => {
    const res = await post(ref, name).send(validPayload(name));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('Unauthenticated');
    expectNoEcho(res);
    const wrong = await request(stack.app).post(`/cases/${ref}/decisions/${name}`).set({ Authorization: 'Bearer not-a-token' }).send(validPayload(name));
    expect(wrong.status).toBe(401);
  });

  test.each(DECISION_NAMES)('%s with malformed JSON: 400', async (name) => {
    const res = await post(ref, name, allowedRole(name)).set('Content-Type', 'application/json').send(`{"note": "${MARKER}", `);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MalformedJson');
    expectNoEcho(res);
  });

  test.each(DECISION_NAMES)('%s for a case that does not exist: 404', async (name) => {
    const res = await post(newCaseReference(), name, allowedRole(name)).send(validPayload(name));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CaseNotFound');
    expectNoEcho(res);
    // A reference that is not a case reference at all is simply not found.
    const odd = await post('not a reference', name, allowedRole(name)).send(validPayload(name));
    expect(odd.status).toBe(404);
  });

  test('an unknown decision name: 404 UnknownDecision', async () => {
    for (const name of ['no-such-decision', 'SSP-DECISION', 'constructor', '__proto__']) {
      const res = await post(ref, name, 'ssp').send({ rationale: MARKER });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('UnknownDecision');
      expectNoEcho(res);
    }
  });

  test('an Idempotency-Key that is not a key: 422', async () => {
    const res = await post(ref, 'clock-corrected', 'business-unit').set('Idempotency-Key', `${MARKER} !`).send(validPayload('clock-corrected'));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('InvalidIdempotencyKey');
    expectNoEcho(res);
  });
});

describe('refused by the case, which stays as it was', () => {
  test('every decision from every role that may not make it: 403 RoleNotAllowed', async () => {
    const before = await snapshot(ref);
    let refused = 0;
    for (const name of DECISION_NAMES) {
      for (const role of ROLES.filter((r) => !decisionRule(name).roles.includes(r))) {
        const res = await post(ref, name, role).send(validPayload(name));
        expect({ name, role, status: res.status, code: res.body.error?.code }).toEqual({ name, role, status: 403, code: 'RoleNotAllowed' });
        expectNoEcho(res);
        refused++;
      }
    }
    // Operations, referrers and action owners may decide nothing: at least 3 refusals per decision.
    expect(refused).toBeGreaterThanOrEqual(3 * DECISION_NAMES.length);
    expect(await snapshot(ref)).toEqual(before);
  });

  test('every decision that does not fit a case just received: 409 WrongStage', async () => {
    const before = await snapshot(ref);
    // Just received, only "SSP informed" (and a correction of a clock already running) fit.
    const fitting: DecisionName[] = ['ssp-informed', 'clock-corrected'];
    for (const name of DECISION_NAMES.filter((n) => !fitting.includes(n))) {
      const res = await post(ref, name, allowedRole(name)).send(validPayload(name));
      // A decision only a reviewer records: no reviewer is commissioned yet, so for them there is no case (§8).
      const expected = allowedRole(name) === 'reviewer' ? { status: 404, code: 'CaseNotFound' } : { status: 409, code: 'WrongStage' };
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, ...expected });
      expectNoEcho(res);
    }
    expect(await snapshot(ref)).toEqual(before);
  });

  test('a bad payload: 422 with the problems, never the values', async () => {
    const before = await snapshot(ref);

    const malformed = await post(ref, 'ssp-informed', 'business-unit').send({ occurredAt: MARKER });
    expect(malformed.status).toBe(422);
    expect(malformed.body.error.code).toBe('InvalidDecision');
    expect(malformed.body.error.problems).toEqual([{ path: 'occurredAt', message: expect.any(String) }]);
    expectNoEcho(malformed);

    const future = await post(ref, 'ssp-informed', 'business-unit').send({ occurredAt: new Date(Date.now() + DAY_MS).toISOString(), note: MARKER });
    expect(future.status).toBe(422);
    expect(future.body.error.problems).toEqual([{ path: 'occurredAt', message: 'occurredAt is in the future' }]);
    expectNoEcho(future);

    const unknownKey = await post(ref, 'ssp-informed', 'business-unit').send({ note: 'fine', comment: MARKER });
    expect(unknownKey.status).toBe(422);
    expectNoEcho(unknownKey);

    const several = await post(ref, 'clock-corrected', 'business-unit').send({ clock: MARKER, correctedTo: MARKER, reason: '' });
    expect(several.status).toBe(422);
    expect(several.body.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['clock', 'correctedTo', 'reason']);
    expectNoEcho(several);

    const notAnObject = await post(ref, 'ssp-informed', 'business-unit').set('Content-Type', 'application/json').send(JSON.stringify([MARKER]));
    expect(notAnObject.status).toBe(422);
    expectNoEcho(notAnObject);

    expect(await snapshot(ref)).toEqual(before);
  });

  test('a decision already recorded: 409 AlreadyMet, recorded once', async () => {
    const own = await newCase();
    const first = await post(own, 'ssp-informed', 'business-unit').send({ note: MARKER });
    expect(first.status).toBe(200);
    // The answer is the update's own, small: what the decision changed and what is due next.
    expect(first.body.changed).toContainEqual(expect.objectContaining({ id: 'ssp-informed', status: 'met' }));
    expect(first.body.due.map((o: { id: string }) => o.id)).not.toContain('ssp-informed');
    const before = await snapshot(own);
    const again = await post(own, 'ssp-informed', 'business-unit').send({ note: MARKER });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('AlreadyMet');
    expectNoEcho(again);
    expect(await snapshot(own)).toEqual(before);
  });
});

describe('Idempotency-Key', () => {
  test('the same key twice records a repeatable decision once; another key records it again', async () => {
    const own = await newCase();
    const correction = { clock: 'la-became-aware', correctedTo: yesterday(), reason: 'the LA knew a day earlier' };
    const key = `clock-${own}-1`;
    const first = await post(own, 'clock-corrected', 'business-unit').set('Idempotency-Key', key).send(correction);
    expect(first.status).toBe(200);
    // §5.2: the notification is counted from the LA's awareness, so it is re-dated.
    expect(first.body.changed.map((o: { id: string }) => o.id)).toContain('national-notification');
    const second = await post(own, 'clock-corrected', 'business-unit').set('Idempotency-Key', key).send(correction);
    expect(second.status).toBe(200);
    // The first answer again, saying it is a replay (issue 16: it said duplicate: false).
    expect(second.body).toEqual({ ...first.body, duplicate: true });
    expect(second.headers['idempotent-replayed']).toBe('true');

    const shown = (await getCase(own)).body as CaseBody;
    expect(shown.clockCorrections).toHaveLength(1);
    expect(shown.timeline.filter((t) => t.kind === 'decision:clock-corrected')).toHaveLength(1);
    expect(shown.register.filter((e) => e.kind === 'decision:clock-corrected')).toHaveLength(1);

    // Without the key it is not a retry: the decision is repeatable and is recorded again.
    const other = await post(own, 'clock-corrected', 'business-unit').set('Idempotency-Key', `clock-${own}-2`).send(correction);
    expect(other.status).toBe(200);
    const after = (await getCase(own)).body as CaseBody;
    expect(after.clockCorrections).toHaveLength(2);
    expect(after.timeline.filter((t) => t.kind === 'decision:clock-corrected')).toHaveLength(2);
  });

  test('a retried "referrer feedback sent" gets its first answer, not AlreadyMet', async () => {
    const own = await newCase();
    expect((await post(own, 'ssp-informed', 'business-unit').send({})).status).toBe(200);
    const decided = await post(own, 'ssp-decision', 'ssp').send({ outcome: 'not-met-no-further-action', rationale: 'no serious harm; no learning identified' });
    expect(decided.status).toBe(200);
    expect(decided.body.due).toContainEqual(expect.objectContaining({ id: 'referrer-feedback', status: 'open' }));

    const key = `feedback-${own}`;
    const first = await post(own, 'referrer-feedback-sent', 'business-unit').set('Idempotency-Key', key).send({ note: 'letter sent' });
    const retry = await post(own, 'referrer-feedback-sent', 'business-unit').set('Idempotency-Key', key).send({ note: 'letter sent' });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(first.body.changed).toContainEqual(expect.objectContaining({ id: 'referrer-feedback', status: 'met' }));
    expect(retry.body).toEqual({ ...first.body, duplicate: true });

    const shown = (await getCase(own)).body as CaseBody;
    expect(shown.timeline.filter((t) => t.kind === 'decision:referrer-feedback-sent')).toHaveLength(1);
    expect(shown.register.filter((e) => e.kind === 'decision:referrer-feedback-sent')).toHaveLength(1);

    const fresh = await post(own, 'referrer-feedback-sent', 'business-unit').set('Idempotency-Key', `${key}-again`).send({});
    expect(fresh.status).toBe(409);
    expect(fresh.body.error.code).toBe('AlreadyMet');
  });
});

test('health reports 503 with smtp:false when the SMTP server is down', async () => {
  const gone = await startSmtpCatcher();
  const url = gone.url;
  await gone.close();
  const mailer = nodemailer.createTransport(url);
  const degraded = createApp({ ...stack.appDependencies, smtpReachable: () => mailer.verify() });
  const res = await request(degraded).get('/health');
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ status: 'degraded', temporal: true, database: true, smtp: false });
});
