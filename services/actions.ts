// Improvement actions (§9.2, §16.2): each is its own workflow, addressed by its case and its ID.
// Read one as the person may (an action owner reads their own agency's only), or record a decision
// on it. The JSON API's action routes are an adapter over this.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { actionReadFor } from '../domain/access';
import { actionRoleRefusal, isActionDecisionName, type ActionStatusView } from '../domain/action';
import { ACTION_ID_PATTERN } from '../domain/action-snapshot';
import type { Actor } from '../domain/roles';
import type { Register } from '../register/register';
import { actionDecisionUpdate, actionStatusQuery, actionWorkflowId } from '../workflows/contract';
import { fromRegister } from './register-calls';
import { Refused } from './refused';
import type { Bounded } from './temporal-calls';
import { decideThroughUpdate, type DecisionSubmission, type UpdateOutcome } from './through-update';

export interface ActionServiceDependencies {
  temporal: Client;
  register: Register;
  bounded: Bounded;
  timeoutMs: number;
}

/** The action's ID as given, refused when it cannot be one. */
export function actionIdOf(given: string): string {
  if (!ACTION_ID_PATTERN.test(given)) throw new Refused(404, 'ActionNotFound', 'No such action');
  return given;
}

export function actionService(deps: ActionServiceDependencies) {
  /** An action the register knows whose workflow has finished is closed; else there is none. */
  async function closedOrNotFound(ref: string, actionId: string): Promise<never> {
    const status = await fromRegister(() => deps.register.actions.status(ref, actionId));
    if (status) throw new Refused(409, 'ActionClosed', `Action ${ref} ${actionId} is ${status}`);
    throw new Refused(404, 'ActionNotFound', `No action ${ref} ${actionId}`);
  }

  return {
    async readAction(actor: Actor, ref: string, actionId: string): Promise<ActionStatusView> {
      const read = actionReadFor(actor);
      if ('refuse' in read) throw new Refused(403, 'ReadNotAllowed', 'Your role does not read improvement actions');
      try {
        const status = await deps.bounded(() => deps.temporal.workflow.getHandle(actionWorkflowId(ref, actionId)).query(actionStatusQuery));
        // An action owner reads their own agency's actions only: another agency's is not there for them.
        if (read.scope === 'agency' && status.agency !== actor.agency) throw new Refused(404, 'ActionNotFound', `No action ${ref} ${actionId}`);
        return status;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new Refused(404, 'ActionNotFound', `No action ${ref} ${actionId}`);
        throw err;
      }
    },

    /** A decision on an action: the name and the role checked here, the rest by the action. */
    async recordActionDecision(ref: string, actionId: string, decision: string, submission: DecisionSubmission): Promise<UpdateOutcome<object>> {
      if (!isActionDecisionName(decision)) throw new Refused(404, 'UnknownDecision', 'There is no decision on an action by that name');
      const roleRefused = actionRoleRefusal(decision, submission.actor.role);
      if (roleRefused) throw new Refused(403, 'RoleNotAllowed', roleRefused);
      const outcome = await decideThroughUpdate<ActionStatusView>({ bounded: deps.bounded, timeoutMs: deps.timeoutMs }, submission, {
        handle: deps.temporal.workflow.getHandle(actionWorkflowId(ref, actionId)),
        update: actionDecisionUpdate(decision),
        name: `${actionId}:${decision}`,
        gone: () => closedOrNotFound(ref, actionId),
      });
      if (outcome.kind === 'accepted') return outcome;
      const { requestHash: _hash, requestId: _id, duplicate: _replayed, ...view } = outcome.answer;
      return { ...outcome, answer: view };
    },
  };
}

export type ActionService = ReturnType<typeof actionService>;
