// The case service: what the JSON API and the staff pages both call. Built once from its
// dependencies; each part refuses with Refused (services/refused.ts) and reports an outage as
// TemporalUnavailable or RegisterUnavailable, and never says anything about the child in either.
import type { Client } from '@temporalio/client';
import type { KeyRing } from '../config/key-ring';
import type { RegisterDb } from '../register/database';
import { registerOf } from '../register/register';
import { actionLogService } from './action-log';
import { actionService } from './actions';
import { caseListService } from './case-list';
import { caseService } from './cases';
import { healthCheck } from './health';
import { myWorkService } from './my-work';
import { notificationPackService } from './notification-pack';
import { referralDraftService } from './referral-drafts';
import { returnsService } from './returns';
import { boundedCalls } from './temporal-calls';

export interface ServiceDependencies {
  temporal: Client;
  register: RegisterDb;
  /** The key ring that seals the referral, the register's free text and the list's cursors. */
  ring: KeyRing;
  /** Whether the SMTP server answers (nodemailer's verify). */
  smtpReachable: () => Promise<boolean>;
  /** Bound on every call that needs a worker: without one, the client would wait forever. */
  temporalCallTimeoutMs?: number | undefined;
  rulebookVersion?: string | undefined;
  now?: (() => Date) | undefined;
  /** The agencies of the partnership's directory: an action plan may name only these (§16.2). */
  agencies?: readonly string[] | undefined;
  /** The partnership's name (the partnership file's `name`): the notification pack's notifier (§5.2). */
  partnershipName?: string | undefined;
}

export function createServices(deps: ServiceDependencies) {
  const timeoutMs = deps.temporalCallTimeoutMs ?? 10_000;
  const now = deps.now ?? (() => new Date());
  const bounded = boundedCalls(deps.temporal, timeoutMs);
  // The register as one object (register/register.ts), on the database the caller opened.
  const register = registerOf(deps.register, deps.ring);
  const base = { temporal: deps.temporal, register, bounded, timeoutMs };
  const cases = caseService({ ...base, now, rulebookVersion: deps.rulebookVersion, agencies: deps.agencies });
  return {
    cases,
    actions: actionService(base),
    caseList: caseListService({ register, ring: deps.ring }),
    /** `myWork(actor, { limit })`: what falls to the person or their role (services/my-work.ts). */
    myWork: myWorkService({ register, now, rulebookVersion: deps.rulebookVersion }),
    actionLog: actionLogService({ register, now }),
    /** Drafts of the referral form on the pages, sent through the case service. */
    referralDrafts: referralDraftService({ register, now, cases }),
    /** `notificationPack(actor, ref)`: the online notification form's answers, from the referral (§5.2). */
    notificationPack: notificationPackService({ ...base, now, partnershipName: deps.partnershipName }),
    /** §6.5: the agencies asked for the Rapid Review and their returns (services/returns.ts). */
    returns: returnsService({ ...base, now, agencies: deps.agencies }),
    health: healthCheck({ temporal: deps.temporal, register, bounded, smtpReachable: deps.smtpReachable }),
  };
}

export type Services = ReturnType<typeof createServices>;
export { Refused } from './refused';
export { RegisterUnavailable } from './register-calls';
export { TemporalUnavailable } from './temporal-calls';
