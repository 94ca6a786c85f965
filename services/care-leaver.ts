// WT 2023 ch. 5: the local authority notifies the Secretary of State (DfE) and Ofsted of the death
// of a care leaver up to and including the age of 24, within 5 working days of becoming aware. The
// notification opens a case of its own kind (domain/incident.ts): the form is sealed in the register
// as a referral is, and the case waits only for the notification to be recorded as sent.
import { z } from 'zod';
import { maySendReferral, REFERRING_ROLES } from '../domain/access';
import { careLeaverFormSchema, checkCareLeaverForm } from '../domain/care-leaver-form';
import { zodProblems } from '../domain/errors';
import { careLeaverOpeningOf } from '../domain/incident';
import { instantSchema } from '../domain/instants';
import type { Actor } from '../domain/roles';
import { DEFAULT_RULEBOOK, WT_2023 } from '../domain/rulebook';
import { londonDateAt } from '../domain/working-days-late';
import type { CaseRegister } from '../register/cases';
import { workflowIdFor, type IncidentInput } from '../workflows/contract';
import type { CaseServiceDependencies, OpenedCase } from './cases';
import { allocateOpening, receivedAtOf, startCaseWorkflow } from './case-opening';
import { Refused } from './refused';
import { checkIdempotencyKey } from './through-update';

/** POST /care-leaver-deaths: the notification, and when the Business Unit received it (defaults to now). */
export const careLeaverRequestSchema = z.strictObject({
  receivedAt: instantSchema().optional(),
  careLeaverDeath: careLeaverFormSchema,
});

const WHAT = 'care leaver death notification';

/** Under DSP 1.5 (2018's Working Together) the system has no such path: the partnership file chooses. */
function rulebookRefusal(version: string): Refused {
  return new Refused(
    422,
    'InvalidReferral',
    `The notification of a care leaver's death is a Working Together 2023 duty: this system takes it only under the ${WT_2023.version} rulebook, ` +
      `and this partnership's file sets \`rulebook\` to ${version}. Notify the Department for Education and Ofsted directly, or ask whoever runs the ` +
      `system to set the partnership file's \`rulebook\` to ${WT_2023.version}.`,
  );
}

/** Only WT 2023 has the path: a partnership still on DSP 1.5 notifies the DfE and Ofsted directly. */
export function careLeaverPathOpen(rulebookVersion: string): boolean {
  return rulebookVersion === WT_2023.version;
}

/** Opens a care leaver's death case (caseService's openCareLeaverDeath). */
export async function openCareLeaverDeath(deps: CaseServiceDependencies, cases: CaseRegister, actor: Actor, body: unknown, idempotencyKey?: string): Promise<OpenedCase> {
  if (!maySendReferral(actor)) {
    throw new Refused(403, 'RoleNotAllowed', `The role ${actor.role} may not do this; allowed: ${REFERRING_ROLES.join(', ')}`);
  }
  const rulebookVersion = deps.rulebookVersion ?? DEFAULT_RULEBOOK;
  if (!careLeaverPathOpen(rulebookVersion)) throw rulebookRefusal(rulebookVersion);
  const parsed = careLeaverRequestSchema.safeParse(body);
  if (!parsed.success) throw new Refused(422, 'InvalidReferral', `The ${WHAT} is not valid`, zodProblems(parsed.error, body, careLeaverRequestSchema));
  // The dates against each other and London's today: the age on the date of death above all.
  const checked = checkCareLeaverForm(parsed.data.careLeaverDeath, londonDateAt(deps.now().getTime()));
  if (!checked.ok) throw new Refused(422, 'InvalidReferral', `The ${WHAT} is not valid`, checked.problems.map((p) => ({ ...p, path: `careLeaverDeath.${p.path}` })));
  const key = checkIdempotencyKey(idempotencyKey);
  const form = checked.form;
  const receivedAt = receivedAtOf(deps, parsed.data.receivedAt, 'InvalidReferral', WHAT);
  const allocated = await allocateOpening(cases, actor, receivedAt, { kind: 'care-leaver-death', careLeaverDeath: form }, 'care-leaver-death', key, WHAT);
  const { caseReference } = allocated;
  const input: IncidentInput = { start: careLeaverOpeningOf(caseReference, receivedAt, rulebookVersion, actor, form) };
  await startCaseWorkflow(deps, caseReference, input, 'awaiting-care-leaver-notification', WHAT);
  return { caseReference, workflowId: workflowIdFor(caseReference), receivedAt, created: allocated.created };
}
