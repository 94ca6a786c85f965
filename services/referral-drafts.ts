// Drafts of the referral form (Appendix 1) on the staff pages: started, saved section by section
// (even with problems: a long form must not lose work), listed for the person who started them,
// and sent through the case service. A draft belongs to the person who started it: anyone else is
// told there is no such draft, as for one that does not exist. What a draft holds is the pages'
// business (what was typed); this service keeps it, sealed, and never reads it.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/roles';
import type { Register } from '../register/register';
import type { CaseService, OpenedCase } from './cases';
import { fromRegister } from './register-calls';
import { Refused } from './refused';
import { maySendReferral, REFERRING_ROLES } from '../domain/access';

export interface ReferralDraftDependencies {
  register: Register;
  cases: CaseService;
  now: () => Date;
}


const DRAFT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ReferralDraft {
  draftId: string;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

const noSuchDraft = () => new Refused(404, 'NotFound', 'No such draft');

export function referralDraftService(deps: ReferralDraftDependencies) {
  const drafts = deps.register.referralDrafts;

  /** Whoever may send a referral may draft one (domain/access.ts, §13); the case service checks again at sending. */
  function mayDraft(actor: Actor): void {
    if (!maySendReferral(actor)) throw new Refused(403, 'RoleNotAllowed', `The role ${actor.role} may not do this; allowed: ${REFERRING_ROLES.join(', ')}`);
  }

  async function read(actor: Actor, draftId: string): Promise<ReferralDraft> {
    mayDraft(actor);
    if (!DRAFT_ID.test(draftId)) throw noSuchDraft();
    const found = await fromRegister(() => drafts.get(draftId, actor.id, deps.now()));
    if (!found) throw noSuchDraft();
    return { draftId, data: found.data, createdAt: found.createdAt, updatedAt: found.updatedAt };
  }

  return {
    /** A new, empty draft under a random ID (nothing about the child is ever part of it). */
    async start(actor: Actor): Promise<string> {
      mayDraft(actor);
      const draftId = randomUUID();
      await fromRegister(() => drafts.create(draftId, actor.id, {}, deps.now()));
      return draftId;
    },

    read,

    async save(actor: Actor, draftId: string, data: Record<string, unknown>): Promise<void> {
      mayDraft(actor);
      if (!DRAFT_ID.test(draftId)) throw noSuchDraft();
      // Saving also deletes every draft past its 30 days (the register's sweep).
      const saved = await fromRegister(() => drafts.save(draftId, actor.id, data, deps.now()));
      if (!saved) throw noSuchDraft();
    },

    async list(actor: Actor): Promise<Array<{ draftId: string; createdAt: string; updatedAt: string }>> {
      mayDraft(actor);
      const rows = await fromRegister(() => drafts.list(actor.id, deps.now()));
      return rows.map(({ draftId, createdAt, updatedAt }) => ({ draftId, createdAt, updatedAt }));
    },

    async discard(actor: Actor, draftId: string): Promise<void> {
      await read(actor, draftId);
      await fromRegister(() => drafts.delete(draftId, actor.id));
    },

    /**
     * Sends the draft as the referral given (the pages read it from what was typed) through the
     * case service, under an Idempotency-Key derived from the draft's ID: a second submission, or a
     * retry after an outage, finds the case the first opened. The draft is deleted only once the
     * case is open; a refusal or an outage leaves it as it was.
     */
    async send(actor: Actor, draftId: string, referral: unknown): Promise<OpenedCase> {
      await read(actor, draftId);
      const opened = await deps.cases.openReferral(actor, { referral }, `referral-draft:${draftId}`);
      await fromRegister(() => drafts.delete(draftId, actor.id));
      return opened;
    },
  };
}

export type ReferralDraftService = ReturnType<typeof referralDraftService>;
