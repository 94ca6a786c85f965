// The Rapid Review's information from each agency (DSP 1.5 §6.5, Appendix 2): which agencies were
// asked and whether each has returned, and one agency's return, as the signed-in person may read
// them (domain/access.ts returnReadFor: the panel every return, an agency its own only). The
// returns themselves are read from the register, where they are kept sealed (register/events.ts);
// the request and the return are recorded as decisions through the case service.
import { WorkflowNotFoundError } from '@temporalio/client';
import { returnReadFor } from '../domain/access';
import type { CaseStatus } from '../domain/case';
import { lateness, type ObligationState } from '../domain/obligations';
import { agenciesAsked, meetingDateOf, returnInstanceFor, type ChronologyRow } from '../domain/rapid-review-returns';
import type { Actor } from '../domain/roles';
import type { Register } from '../register/register';
import { statusQuery, workflowIdFor } from '../workflows/contract';
import type { Client } from '@temporalio/client';
import { fromRegister } from './register-calls';
import { Refused } from './refused';
import type { Bounded } from './temporal-calls';

export interface ReturnsDependencies {
  temporal: Client;
  register: Register;
  bounded: Bounded;
  now: () => Date;
  /** The agencies of the partnership's directory: only these may be asked (§6.5). */
  agencies?: readonly string[] | undefined;
}

/** returned (on time), returned late, outstanding (not yet due), overdue (its date passed), withdrawn (the meeting was held without it). */
export type ReturnStatus = 'returned' | 'returned-late' | 'outstanding' | 'overdue' | 'withdrawn';

export interface AgencyAsked {
  agency: string;
  status: ReturnStatus;
  /** The date the return was due by (YYYY-MM-DD). */
  dueDate: string;
  dueAt: string;
  returnedAt?: string;
  /** Working days late, for a late or overdue return. */
  workingDaysLate?: number;
}

export interface ReturnsList {
  caseReference: string;
  /** The date the Rapid Review meeting is set for, if it is (§6.2). */
  meetingDate?: string;
  agencies: AgencyAsked[];
}

export interface AgencyReturnView {
  caseReference: string;
  agency: string;
  returnedAt: string;
  returnedBy: string | undefined;
  status: ReturnStatus;
  involvement: string;
  safeguardingIssues: string;
  informationHeld: string;
  author: string;
  chronology: ChronologyRow[];
}

function statusOf(o: ObligationState): ReturnStatus {
  switch (o.status) {
    case 'met':
      return 'returned';
    case 'met-late':
      return 'returned-late';
    case 'missed':
      return 'overdue';
    case 'open':
      return 'outstanding';
    default:
      return 'withdrawn';
  }
}

function askedRow(o: ObligationState, agency: string, now: number): AgencyAsked {
  const late = lateness(o, now);
  return {
    agency,
    status: statusOf(o),
    dueDate: o.deadline.dueDate,
    dueAt: o.deadline.dueAt,
    ...(o.metAt ? { returnedAt: o.metAt } : {}),
    ...(late && late.workingDays > 0 ? { workingDaysLate: late.workingDays } : {}),
  };
}

/** The case reference's refusal when a person may not read its returns (the existence of the case is not disclosed). */
function notFound(ref: string): Refused {
  return new Refused(404, 'CaseNotFound', `No case ${ref}`);
}

export function returnsService(deps: ReturnsDependencies) {
  async function caseStatus(ref: string): Promise<CaseStatus> {
    try {
      return await deps.bounded(() => deps.temporal.workflow.getHandle(workflowIdFor(ref)).query(statusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(ref);
      throw err;
    }
  }

  /** Who may read, or the refusal: 404 where the case's existence would tell something, else 403. */
  function scopeOf(actor: Actor, ref: string): { all: true } | { all: false; agency: string } {
    const read = returnReadFor(actor);
    if ('refuse' in read) {
      if (read.refuse === 404) throw notFound(ref);
      throw new Refused(403, 'ReadNotAllowed', "An agency's return for the Rapid Review is read by the Rapid Review panel and the agency itself only");
    }
    return read.scope === 'all' ? { all: true } : { all: false, agency: read.agency };
  }

  return {
    /**
     * §6.5: the agencies asked and whether each has returned, for the meeting. An agency sees its own
     * row only, and a case that did not ask it is, to it, no case.
     */
    async listReturns(actor: Actor, ref: string): Promise<ReturnsList> {
      const scope = scopeOf(actor, ref);
      const status = await caseStatus(ref);
      const now = deps.now().getTime();
      const rows = agenciesAsked(status)
        .filter((a) => scope.all || a.agency === scope.agency)
        .map((a) => askedRow(status.obligations[a.key]!, a.agency, now));
      if (!scope.all && rows.length === 0) throw notFound(ref);
      const meetingDate = scope.all ? meetingDateOf(status) : undefined;
      return { caseReference: ref, ...(meetingDate ? { meetingDate } : {}), agencies: rows };
    },

    /** One agency's return (§6.5, Appendix 2), opened from the register; an agency reads its own only. */
    async readReturn(actor: Actor, ref: string, agency: string): Promise<AgencyReturnView> {
      const scope = scopeOf(actor, ref);
      if (!scope.all && agency !== scope.agency) throw notFound(ref);
      const status = await caseStatus(ref);
      const o = status.obligations[returnInstanceFor(agency)];
      if (!o) throw scope.all ? new Refused(404, 'NotFound', `Case ${ref} has not asked that agency for its information`) : notFound(ref);
      const entries = await fromRegister(() => deps.register.cases.caseEntries(ref));
      const entry = entries.filter((e) => e.kind === 'decision:rapid-review-return' && e.obligationId === returnInstanceFor(agency)).at(-1);
      if (!entry) {
        // Returned, but its register row follows the decision by a moment (the case's outbox).
        const returned = o.status === 'met' || o.status === 'met-late';
        throw new Refused(404, 'NotFound', returned ? "That agency's return is still being recorded: try again in a moment" : 'That agency has not returned its information yet');
      }
      const d = entry.detail;
      const text = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : '');
      return {
        caseReference: ref,
        agency,
        returnedAt: entry.occurredAt,
        returnedBy: entry.actor?.id,
        status: statusOf(o),
        involvement: text('involvement'),
        safeguardingIssues: text('safeguardingIssues'),
        informationHeld: text('informationHeld'),
        author: text('author'),
        chronology: JSON.parse(text('chronology') || '[]') as ChronologyRow[],
      };
    },

    /**
     * The agencies the request's form offers first: those named in section 7 of the referral
     * ("other agencies involved") that are agencies of the partnership's directory, not yet asked.
     * Read for the panel only; nothing of the form is shown but the directory's own names.
     */
    async suggestedAgencies(actor: Actor, ref: string, status: Pick<CaseStatus, 'obligations'>): Promise<string[]> {
      if (!scopeOf(actor, ref).all) return [];
      const directory = deps.agencies ?? [];
      const form = await fromRegister(() => deps.register.cases.referralOf(ref));
      const asked = new Set(agenciesAsked(status).map((a) => a.agency));
      const named = new Set((form?.otherAgencies ?? []).map((a) => a.organisation.trim()));
      return directory.filter((a) => named.has(a) && !asked.has(a));
    },
  };
}

export type ReturnsService = ReturnType<typeof returnsService>;
