// ld-informed (§5.6, §10.1): the SSP decision and its rationale go to the L&D Chair by email at
// the decision. Here the mail relay refuses the L&D Chair's mailbox, so the obligation stays open
// and escalates after 1 WD. Its own file: it needs an SMTP listener that refuses that address.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DECISION_NAMES, decisionRule } from '../../domain/decisions';
import { RATIONALE } from '../helpers/drive';
import { actors, decide, mailsFor, refusalOf, startCase, startHarness, type Harness } from '../helpers/harness';
import { MAILBOX, opened, registerKinds, skipPastAndMiss, type Spec } from '../helpers/obligations';
import { startSmtpCatcher } from '../helpers/smtp';

const LD_CHAIR = MAILBOX['ld-chair'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtp: await startSmtpCatcher({ refuse: (address) => address === LD_CHAIR }) });
});
afterAll(async () => {
  await h?.stop();
});

const SPEC: Spec = { id: 'ld-informed', clock: 'ssp-decision', limit: { workingDaysAfter: 1 }, statutory: true, section: '§10.1' };

/** A case whose SSP decision was just recorded, the L&D notice refused by the relay. */
async function caseWithRefusedLdNotice() {
  const c = await startCase(h);
  await decide(c.handle, 'ssp-informed', actors.businessUnit);
  const status = await decide(c.handle, 'ssp-decision', actors.ssp, { outcome: 'not-met-no-further-action', rationale: RATIONALE });
  expect(status.stage).toBe('no-further-action');
  return { ...c, status };
}

test('ld-informed: the notice to the L&D Chair refused, the obligation stays open and escalates after 1 WD', async () => {
  const c = await caseWithRefusedLdNotice();
  const o = c.status.obligations['ld-informed']!;
  expect(o.status).toBe('open');
  expect(c.status.timeline.some((t) => t.kind === 'ssp-decision-shared-failed' && t.obligationId === 'ld-informed')).toBe(true);
  const kinds = await registerKinds(h, c.ref, 'ld-informed', ['ssp-decision-shared-failed']);
  expect(kinds).toEqual(expect.arrayContaining(['deadline-set', 'ssp-decision-shared-failed']));
  expect(kinds).not.toContain('ssp-decision-shared-sent');
  expect(kinds).not.toContain('obligation-met');
  expect(mailsFor(h, c.ref, 'SSP decision:')).toHaveLength(0);
  // A 550 is permanent: one attempt, recorded as failed, not retried.
  const outbox = await h.register
    .selectFrom('outbox')
    .select(['status', 'recipients', 'attempts'])
    .where('case_reference', '=', c.ref)
    .where('kind', '=', 'ssp-decision-shared')
    .execute();
  expect(outbox).toEqual([{ status: 'failed', recipients: LD_CHAIR, attempts: 1 }]);

  const opening = await opened(h, c.handle, SPEC);
  // Sent automatically at the decision: no reminders, only the escalation if it keeps failing.
  expect(opening.pending).toEqual([]);
  const missed = await skipPastAndMiss(h, c.handle, c.ref, SPEC, opening);
  expect(missed.stage).toBe('no-further-action');
  // The case cannot be closed while the L&D Chair has not had the decision.
  expect(await refusalOf(decide(c.handle, 'close-case', actors.ssp, {}))).toBe('WrongStage');
});

test('ld-informed: once shared another way, the Business Unit can record it and it becomes met late', async () => {
  const c = await caseWithRefusedLdNotice();
  await decide(c.handle, 'referrer-feedback-sent', actors.businessUnit);
  const opening = await opened(h, c.handle, SPEC);
  await skipPastAndMiss(h, c.handle, c.ref, SPEC, opening);

  // Some decision must meet ld-informed, or a refused notice leaves the case open for ever.
  const meets = DECISION_NAMES.filter((name) => decisionRule(name).meets === 'ld-informed');
  expect(meets).toHaveLength(1);
  const after = await decide(c.handle, meets[0]!, actors.businessUnit, {});
  expect(after.obligations['ld-informed']!.status).toBe('met-late');
  expect(await registerKinds(h, c.ref, 'ld-informed', ['obligation-met-late'])).toContain('obligation-met-late');
  const closed = await decide(c.handle, 'close-case', actors.ssp, {}).catch((err: unknown) => {
    if (err instanceof WorkflowUpdateFailedError) throw new Error(`close-case refused: ${err.cause?.message ?? err.message}`);
    throw err;
  });
  expect(closed.stage).toBe('closed');
});
