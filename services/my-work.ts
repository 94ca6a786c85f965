// "My work": what falls to the signed-in person or their role, overdue first, then soonest due, each
// item saying what to do next in the procedure's words (domain/my-work.ts). Read from the register:
// the open obligations of cases by the role they fall to (case_summary_work, kept with each case's
// summary) and the agency's open improvement actions (the action log), each one indexed query
// however many cases are open; domain/my-work.ts selectWork decides, with the read policy, which
// are this person's and in what order.
import { DEFAULT_RULEBOOK } from '../domain/rulebook';
import { selectWork, type WorkItem } from '../domain/my-work';
import type { Actor } from '../domain/roles';
import type { Register } from '../register/register';
import { summaryScopeFor } from './case-list';
import { fromRegister } from './register-calls';

export type { WorkItem } from '../domain/my-work';

export const DEFAULT_WORK_ITEMS = 50;
export const MAX_WORK_ITEMS = 500;

export interface MyWork {
  /** Overdue first, then soonest due; at most the limit asked for. */
  items: WorkItem[];
  /** True when more items fall to the person than were listed. */
  more: boolean;
}

export interface MyWorkDependencies {
  register: Register;
  now: () => Date;
  /** The rulebook an action is read by when the register does not know its case's. */
  rulebookVersion?: string | undefined;
}

/**
 * `myWork(actor, { limit })`: the person's work, at most `limit` items (default 50, at most 500).
 * Every role may ask; a role to which nothing falls (operations) has none. RegisterUnavailable
 * when the register does not answer.
 */
export function myWorkService(deps: MyWorkDependencies) {
  return async function myWork(actor: Actor, options: { limit?: number } = {}): Promise<MyWork> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_WORK_ITEMS), 1), MAX_WORK_ITEMS);
    // One more of each than the page: whether there is more.
    const [cases, actions] = await fromRegister(() =>
      Promise.all([
        deps.register.caseSummaries.work({ role: actor.role, scope: summaryScopeFor(actor), limit: limit + 1 }),
        actor.role === 'action-owner' ? deps.register.caseSummaries.actionWork({ agency: actor.agency, limit: limit + 1 }) : Promise.resolve([]),
      ]),
    );
    const items = selectWork(actor, { cases, actions }, deps.now().getTime(), limit + 1, deps.rulebookVersion ?? DEFAULT_RULEBOOK);
    return { items: items.slice(0, limit), more: items.length > limit };
  };
}

export type MyWorkService = ReturnType<typeof myWorkService>;
