// The notification pack (§5.2) of a case: the answers the DfE's online notification form asks for,
// made from the referral (domain/notification-pack.ts) for the Business Unit to copy in order. The
// pack is the referral's special-category data (§13) in other words: the same people read it as
// read the form (domain/access.ts mayReadReferral), and every reading is recorded before it is
// shown, as the form's is (services/cases.ts readReferral).
import type { Client } from '@temporalio/client';
import { mayReadReferral } from '../domain/access';
import { notificationPack, type PackQuestion } from '../domain/notification-pack';
import type { Actor } from '../domain/roles';
import type { Register } from '../register/register';
import { statusQuery, workflowIdFor } from '../workflows/contract';
import { fromRegister } from './register-calls';
import { Refused } from './refused';
import type { Bounded } from './temporal-calls';

/** What the audit says was read (register/web-sessions.ts, referral_view.what). */
export const PACK_VIEW = 'notification pack';

/** How long the pack waits for the case's clocks: without them it still answers, the date marked missing. */
const CLOCKS_WITHIN_MS = 3_000;

export interface NotificationPackAnswer {
  caseReference: string;
  /** Every question in the online form's order, each with its answer or what to do to get it. */
  questions: PackQuestion[];
  /** The questions the referral does not answer, in the same order. */
  missing: PackQuestion[];
}

export interface NotificationPackDependencies {
  temporal: Client;
  register: Register;
  bounded: Bounded;
  now: () => Date;
  /** The partnership's name (the partnership file's `name`), which the online form's notifier names. */
  partnershipName?: string | undefined;
}

/**
 * `notificationPack(actor, ref)`: the pack, for the roles that read the referral (403 for others,
 * 404 for a case the register does not know). RegisterUnavailable when the register does not
 * answer: the reading is not recorded, so the pack is not shown.
 */
export function notificationPackService(deps: NotificationPackDependencies) {
  /** When the LA became aware (§5.2's clock, corrections included), or undefined if the case does not answer. */
  async function laBecameAware(ref: string): Promise<string | undefined> {
    try {
      const status = await deps.bounded(() => deps.temporal.workflow.getHandle(workflowIdFor(ref)).query(statusQuery), CLOCKS_WITHIN_MS);
      return status.clocks['la-became-aware'];
    } catch {
      // A closed case or a case engine that does not answer: the pack still answers, that date missing.
      return undefined;
    }
  }

  return async function readNotificationPack(actor: Actor, ref: string): Promise<NotificationPackAnswer> {
    if (!mayReadReferral(actor)) throw new Refused(403, 'ReadNotAllowed', 'The notification pack is read by the Business Unit, the SSP and the chairs only, as the referral form is');
    const form = await fromRegister(() => deps.register.cases.referralOf(ref));
    if (!form) throw new Refused(404, 'CaseNotFound', `No case ${ref}`);
    // Recorded before anything is shown: an outage of the audit refuses the read rather than let it go unrecorded.
    await fromRegister(() => deps.register.webSessions.recordReferralView({ at: deps.now().toISOString(), actorId: actor.id, actorRole: actor.role, caseReference: ref, what: PACK_VIEW }));
    const pack = notificationPack(form, { partnershipName: deps.partnershipName, laBecameAware: await laBecameAware(ref) });
    return { caseReference: ref, ...pack };
  };
}

export type NotificationPackService = ReturnType<typeof notificationPackService>;
