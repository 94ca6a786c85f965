// Decisions sent at the same moment: each is checked against the case as the one before it left
// it (handlers are serialised and check again), so a decision is applied once or refused whole.
import { decisionUpdate, statusQuery } from '../../workflows/contract';
import { actors, refusalOf, settled, startCase, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

test('five identical decisions at once: one is applied, four are refused AlreadyMet, one register row', async () => {
  const { handle, ref } = await startCase(h);
  const outcomes = await Promise.all(
    [1, 2, 3, 4, 5].map((n) => refusalOf(handle.executeUpdate(decisionUpdate('ssp-informed'), { args: [{ actor: actors.businessUnit, payload: { note: `attempt ${n}` } }] }))),
  );
  expect(outcomes.filter((o) => o === undefined)).toHaveLength(1);
  expect(outcomes.filter((o) => o === 'AlreadyMet')).toHaveLength(4);
  const status = await settled(handle);
  expect(status.timeline.filter((t) => t.kind === 'decision:ssp-informed')).toHaveLength(1);
  expect((await h.cases.caseEntries(ref)).filter((e) => e.kind === 'decision:ssp-informed')).toHaveLength(1);
});

test('the SSP decision and close-case at once: close-case is refused, the referrer feedback stays open and watched', async () => {
  const { handle } = await startCase(h);
  await handle.executeUpdate(decisionUpdate('ssp-informed'), { args: [{ actor: actors.businessUnit, payload: {} }] });
  const [decided, closing] = await Promise.all([
    refusalOf(handle.executeUpdate(decisionUpdate('ssp-decision'), { args: [{ actor: actors.ssp, payload: { outcome: 'not-met-no-further-action', rationale: 'No serious harm (test).' } }] })),
    refusalOf(handle.executeUpdate(decisionUpdate('close-case'), { args: [{ actor: actors.ldChair, payload: {} }] })),
  ]);
  expect([decided, closing]).toEqual([undefined, 'WrongStage']);
  const status = await handle.query(statusQuery);
  expect(status.stage).toBe('no-further-action');
  expect(status.obligations['referrer-feedback']!.status).toBe('open');
  expect(status.open.map((o) => o.id)).toContain('referrer-feedback');
});

test('one Idempotency-Key sent at once for two different decisions: one is applied, the other refused IdempotencyKeyReused', async () => {
  const { handle } = await startCase(h);
  const key = (requestHash: string) => ({ keyId: 'same-person-same-key', requestHash });
  const outcomes = await Promise.all([
    // The first awaits its deadlines (a correction recomputes them): the second is validated meanwhile.
    refusalOf(
      handle.executeUpdate(decisionUpdate('clock-corrected'), {
        args: [{ actor: actors.businessUnit, payload: { clock: 'referral-received', correctedTo: (await handle.query(statusQuery)).receivedAt, reason: 'Checked (test).' }, key: key('corrected') }],
        updateId: 'decision-a',
      }),
    ),
    refusalOf(handle.executeUpdate(decisionUpdate('ssp-informed'), { args: [{ actor: actors.businessUnit, payload: {}, key: key('informed') }], updateId: 'decision-b' })),
  ]);
  expect(outcomes.filter((o) => o === undefined)).toHaveLength(1);
  expect(outcomes.filter((o) => o === 'IdempotencyKeyReused')).toHaveLength(1);
  // Whichever went first, the other changed nothing.
  const status = await handle.query(statusQuery);
  expect(status.clockCorrections.length + (status.obligations['ssp-informed']!.status === 'met' ? 1 : 0)).toBe(1);
});
