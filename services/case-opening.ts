// What opening a case takes, whatever it is opened from (a referral, §13; a care leaver's death,
// WT 2023 ch. 5): a reference from the register with the form sealed under it, then the case's
// workflow started and answering once its opening obligations are open. The same Idempotency-Key
// finds the same case.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Stage } from '../domain/case';
import { caseStaticSummary } from '../domain/case-details';
import type { Actor } from '../domain/roles';
import { IdempotencyConflict, type AllocatedCase, type CaseRegister, type StoredForm } from '../register/cases';
import { CASE_STAGE, caseOpenedUpdate, TASK_QUEUE, workflowIdFor, type IncidentInput } from '../workflows/contract';
import type { incidentWorkflow } from '../workflows/incident';
import type { CaseServiceDependencies } from './cases';
import { fromRegister } from './register-calls';
import { Refused } from './refused';
import { TemporalUnavailable } from './temporal-calls';
import { sha256 } from './through-update';

/** The receipt's instant: the one given (never in the future), else now. */
export function receivedAtOf(deps: CaseServiceDependencies, given: string | undefined, code: 'InvalidReferral', what: string): string {
  const receivedAt = given ?? deps.now().toISOString();
  if (Date.parse(receivedAt) > deps.now().getTime()) {
    throw new Refused(422, code, `The ${what} is not valid`, [{ path: 'receivedAt', message: 'receivedAt is in the future' }]);
  }
  return receivedAt;
}

/**
 * A reference allocated and the form stored under it, once: `scopeKind` keeps one kind's keys from
 * finding the other kind's cases.
 */
export async function allocateOpening(cases: CaseRegister, actor: Actor, receivedAt: string, form: StoredForm, scopeKind: string, key: string | undefined, what: string): Promise<AllocatedCase> {
  try {
    return await fromRegister(
      () => cases.allocateCase({ receivedAt, receivedBy: actor.id, ...(key ? { idempotencyScope: sha256(scopeKind, actor.id, key) } : {}), form }),
      (err) => err instanceof IdempotencyConflict,
    );
  } catch (err) {
    if (err instanceof IdempotencyConflict) throw new Refused(422, 'IdempotencyKeyReused', `This Idempotency-Key was used for a different ${what}`);
    throw err;
  }
}

/** The case's workflow started (or found running, for a retry) and its opening obligations open. */
export async function startCaseWorkflow(deps: CaseServiceDependencies, caseReference: string, input: IncidentInput, stage: Stage, what: string): Promise<void> {
  try {
    // Update-with-start: answered once the opening obligations are open, so the first decision fits.
    await deps.bounded(() =>
      deps.temporal.workflow.executeUpdateWithStart(caseOpenedUpdate, {
        updateId: 'case-opened',
        startWorkflowOperation: new WithStartWorkflowOperation<typeof incidentWorkflow>('incidentWorkflow', {
          taskQueue: TASK_QUEUE,
          workflowId: workflowIdFor(caseReference),
          args: [input],
          // The register never hands out a reference twice; a retry (same key) finds its case running.
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [{ key: CASE_STAGE, value: stage }],
          // What the Temporal UI's list shows for the case: its reference and kind, never personal data.
          staticSummary: caseStaticSummary(caseReference),
        }),
      }),
    );
  } catch (err) {
    if (err instanceof TemporalUnavailable) {
      // The form is kept under its reference: a retry with the same Idempotency-Key opens it.
      throw new Refused(503, 'TemporalUnavailable', `The ${what} is stored as ${caseReference} but the case engine did not answer in time; retry with the same Idempotency-Key`);
    }
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new Refused(409, 'CaseClosed', `Case ${caseReference} is closed`);
    throw err;
  }
}
