// A decision added to the table gets everything else from the table alone: its API route, its
// OpenAPI entry, its refusals, the register's sealing of its words and its timeline entry. Shown
// with a test-only table: the real decision table (domain/decision-table.ts) plus one decision no
// rulebook has, loaded into a fresh module registry so that every real module (the engine, the
// register's sealing, the OpenAPI document, the API) reads the extended table. Nothing else is
// changed or copied: the assertions are about the real modules' answers.
import request from 'supertest';

const ADDED = 'home-visit-recorded';
const SEEN = 'What the visitor saw (test)';

type Modules = {
  decisions: typeof import('../../domain/decisions');
  incident: typeof import('../../domain/incident');
  crypto: typeof import('../../register/crypto');
  app: typeof import('../../api/app');
  database: typeof import('../../register/database');
  client: typeof import('@temporalio/client');
  keys: typeof import('../helpers/keys');
};

/** The real modules, loaded afresh with the decision table extended by one test-only decision. */
function loadWithAddedDecision(): Modules {
  let modules: Modules | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../domain/decision-table', () => {
      const actual = jest.requireActual<typeof import('../../domain/decision-table')>('../../domain/decision-table');
      const { z } = jest.requireActual<typeof import('zod')>('zod');
      const { field } = jest.requireActual<typeof import('../../domain/fields')>('../../domain/fields');
      const { dateSchema, instantSchema } = jest.requireActual<typeof import('../../domain/instants')>('../../domain/instants');
      const added = {
        roles: ['business-unit'],
        stages: ['awaiting-ssp-decision'],
        schema: () =>
          z.strictObject({
            occurredAt: field(instantSchema(), 'instant-past', 'when it happened, if not now').optional(),
            visitedOn: field(dateSchema(), 'date-done', 'the date of the home visit'),
            observation: field(z.string().trim().min(1).max(2_000), 'free-text', 'what the visitor saw, as the record will keep it'),
          }),
        then: () => ({ detail: { visited: true } }),
      };
      return { ...actual, DECISIONS: { ...actual.DECISIONS, [ADDED]: added } };
    });
    /* eslint-disable @typescript-eslint/no-require-imports -- jest.isolateModules loads synchronously, into its own registry */
    modules = {
      decisions: require('../../domain/decisions'),
      incident: require('../../domain/incident'),
      crypto: require('../../register/crypto'),
      app: require('../../api/app'),
      database: require('../../register/database'),
      client: require('@temporalio/client'),
      keys: require('../helpers/keys'),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  return modules!;
}

const m = loadWithAddedDecision();
const BU = { id: 'bu-1', role: 'business-unit' as const, agency: 'Business Unit' };
const NOW = Date.parse('2026-12-07T12:00:00.000Z');

/** A case at the stage the added decision fits, opened and advanced by the real engine. */
function caseAwaitingSspDecision() {
  const state = m.incident.newCase({
    caseReference: 'TEST-2026-0001',
    receivedAt: '2026-12-07T09:00:00.000Z',
    rulebookVersion: 'DSP-1.5',
    receivedBy: BU,
    referrerBecameAware: '2026-12-06',
    lookedAfterChildDied: false,
  });
  state.stage = 'awaiting-ssp-decision';
  return state;
}

afterAll(() => jest.dontMock('../../domain/decision-table'));

test('the engine knows the added decision: its name, its checks and its refusals in plain words', () => {
  expect(m.decisions.isDecisionName(ADDED)).toBe(true);
  const state = caseAwaitingSspDecision();
  const missing = m.decisions.checkDecision(state, ADDED as never, BU, { visitedOn: '2026-12-07' }, NOW);
  expect(missing).toMatchObject({ ok: false, type: 'InvalidDecision', problems: [{ path: 'observation', message: 'observation is missing: send what the visitor saw, as the record will keep it' }] });
  const future = m.decisions.checkDecision(state, ADDED as never, BU, { visitedOn: '2026-12-08', observation: SEEN }, NOW);
  expect(future).toMatchObject({ ok: false, problems: [{ path: 'visitedOn', message: 'visitedOn is in the future' }] });
  expect(m.decisions.checkDecision(state, ADDED as never, BU, { visitedOn: '2026-12-07', observation: SEEN }, NOW)).toMatchObject({ ok: true });
});

test('its words go to the timeline and the register row, and the register seals them', () => {
  const state = caseAwaitingSspDecision();
  const payload = { visitedOn: '2026-12-07', observation: SEEN };
  const plan = m.incident.planDecision(state, ADDED as never, payload, NOW);
  m.incident.applyDecision(state, ADDED as never, BU, payload, plan, [], new Date(NOW).toISOString());
  expect(state.timeline.at(-1)).toMatchObject({ kind: `decision:${ADDED}`, rationale: SEEN, detail: { visited: true } });
  const row = state.outbox.records.find((r) => r.kind === `decision:${ADDED}`);
  expect(row?.detail).toMatchObject({ rationale: SEEN, visited: true });
  expect(m.crypto.FREE_TEXT_FIELDS.has('observation')).toBe(true);
  const sealed = m.crypto.sealDetail(m.keys.TEST_KEY_RING, row!.detail!, 'TEST-2026-0001:row');
  expect(JSON.stringify(sealed)).not.toContain(SEEN);
  expect(m.crypto.openDetail(m.keys.TEST_KEY_RING, sealed, 'TEST-2026-0001:row')).toEqual(row!.detail);
});

describe('through the API', () => {
  const temporal = new m.client.Client({ connection: m.client.Connection.lazy({ address: '127.0.0.1:1' }) });
  const register = m.database.openRegister(':memory:');
  const app = m.app.createApp({
    temporal,
    register,
    ring: m.keys.TEST_KEY_RING,
    users: async (token: string) => (token === 'referrer-token' ? { id: 'ref-1', role: 'referrer' as const, agency: 'Example Police' } : undefined),
    smtpReachable: async () => true,
  });
  afterAll(async () => {
    await register.destroy();
  });

  test('it has its route: a role that may not record it is told who may', async () => {
    const res = await request(app).post(`/cases/DSP-2026-0001/decisions/${ADDED}`).set('Authorization', 'Bearer referrer-token').send({});
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([403, 'RoleNotAllowed', `The role referrer may not record ${ADDED}; allowed: business-unit`]);
  });

  test('it has its OpenAPI entry, each field described by its purpose', async () => {
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: unknown }> } } }>; components: { schemas: Record<string, unknown> } };
    const path = Object.keys(doc.paths).find((p) => p.endsWith(`/decisions/${ADDED}`));
    expect(path).toBe(`/cases/{caseReference}/decisions/${ADDED}`);
    expect(JSON.stringify(doc)).toContain('what the visitor saw, as the record will keep it');
  });
});
