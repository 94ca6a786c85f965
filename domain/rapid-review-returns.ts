// The Rapid Review's information from each agency (DSP 1.5 §6.5, Appendix 2): the request that asks
// the agencies involved for their information and a chronology by a date before the meeting, and
// each agency's return. The request opens one `rapid-review-return` per agency
// (`rapid-review-return:<agency>`, domain/obligation-ids.ts), so each agency is reminded and
// escalated on its own. A return is special-category data about a child: the register keeps it
// sealed, and nothing of it reaches the timeline, an email or an ID (DecisionRule.sealedOnly).
// The decisions themselves are entries of domain/decision-table.ts; their schemas and checks are here.
import { z } from 'zod';
import { isOpen, type CaseState } from './case';
import { field } from './fields';
import { dateSchema, instantSchema } from './instants';
import { agencyOfInstance, obligationInstance, ruleIdOf, type ObligationInstanceId } from './obligation-ids';

export const RETURN_OBLIGATION = 'rapid-review-return' as const;

/** The most agencies one request names, and the most rows a chronology holds. */
export const MAX_AGENCIES_ASKED = 30;
export const MAX_CHRONOLOGY_ROWS = 200;

const text = (max: number, purpose: string) => field(z.string().trim().min(1).max(max), 'free-text', purpose);
const optionalText = (max: number, purpose: string) => field(z.string().trim().max(max), 'free-text', purpose).optional();
/** An agency of the partnership's directory (the case service checks the name against it). */
const agency = (purpose: string) => field(z.string().trim().min(1).max(200), 'choice', purpose);

/** §6.5: whom the request asks, and by when. */
export const informationRequestSchema = () =>
  z.strictObject({
    occurredAt: field(instantSchema(), 'instant-past', 'when it happened, if not now').optional(),
    agencies: field(
      z.array(z.strictObject({ agency: agency('the agency asked for its information and chronology') })).min(1).max(MAX_AGENCIES_ASKED),
      'list',
      'the agencies involved with the child or family, each asked for its information and chronology (§6.5)',
    ),
    returnsDueOn: field(dateSchema(), 'date-planned', 'the date the agencies are to return their information by: before the Rapid Review meeting (§6.5)'),
  });
export type InformationRequest = z.infer<ReturnType<typeof informationRequestSchema>>;

/** Appendix 2: one row per significant event. */
export const chronologyRowSchema = () =>
  z.strictObject({
    date: field(dateSchema(), 'date-done', 'the date of the significant event'),
    time: field(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time on the 24 hour clock, like 09:30 or 17:05'), 'free-text', 'the time of the event on the 24 hour clock (HH:MM), if known').optional(),
    event: text(4_000, 'the significant event'),
    agency: agency('the agency involved in the event'),
    source: text(500, 'whose professional or agency records the event is taken from'),
    involved: text(1_000, 'who was involved'),
    decisionsAndOutcome: text(4_000, 'the decisions and outcome, with any actions taken'),
    childSeen: field(z.enum(['yes', 'no']), 'choice', 'whether the child was seen and their views sought'),
    childViews: optionalText(4_000, "the child's views, where they were sought"),
    comments: optionalText(4_000, "the author's comments"),
  });
export type ChronologyRow = z.infer<ReturnType<typeof chronologyRowSchema>>;

/** §6.5, Appendix 2: the agency's return. */
export const agencyReturnSchema = () =>
  z.strictObject({
    involvement: text(10_000, "the nature of the agency's involvement with the child or children and the family (§6.5)"),
    safeguardingIssues: text(10_000, 'any safeguarding issues the agency was aware of during its involvement (§6.5)'),
    informationHeld: text(10_000, 'what information the agency holds in respect of the incident (§6.5)'),
    author: field(z.string().trim().min(1).max(200), 'person-name', 'the name and role of the author of the return and chronology (Appendix 2)'),
    chronology: field(z.array(chronologyRowSchema()).max(MAX_CHRONOLOGY_ROWS), 'list', 'the chronology of the last 3 years, one row per significant event (Appendix 2)'),
  });
export type AgencyReturn = z.infer<ReturnType<typeof agencyReturnSchema>>;

/** The instance an agency's return meets: its own agency's, never another's (an agency signs in as its agency). */
export function returnInstanceFor(agencyName: string): ObligationInstanceId {
  return obligationInstance(RETURN_OBLIGATION, agencyName);
}

/** The agencies asked on this case so far, each with its instance's key, in the order asked. */
export function agenciesAsked(state: Pick<CaseState, 'obligations'>): Array<{ agency: string; key: ObligationInstanceId }> {
  return Object.keys(state.obligations).flatMap((key) => {
    const agency = agencyOfInstance(key);
    return ruleIdOf(key) === RETURN_OBLIGATION && agency !== undefined ? [{ agency, key: returnInstanceFor(agency) }] : [];
  });
}

/**
 * The returns still outstanding (open or missed): withdrawn once the meeting is held. (The rule's
 * own ID, open only in docs/PROCEDURE.md's generator's probe of every obligation, counts too.)
 */
export function outstandingReturns(state: Pick<CaseState, 'obligations'>): Array<typeof RETURN_OBLIGATION | ObligationInstanceId> {
  return Object.values(state.obligations)
    .filter((o) => ruleIdOf(o.id) === RETURN_OBLIGATION && isOpen(o))
    .map((o) => o.id as typeof RETURN_OBLIGATION | ObligationInstanceId);
}

/** The agencies of a request, each once, in the order named. */
export function agenciesNamed(request: Pick<InformationRequest, 'agencies'>): string[] {
  const list = Array.isArray(request.agencies) ? request.agencies : [];
  return [...new Set(list.map((a) => a?.agency).filter((a): a is string => typeof a === 'string'))];
}

/** The agencies of a request not yet asked on the case: the instances it opens. */
export function newlyAsked(state: Pick<CaseState, 'obligations'>, request: Pick<InformationRequest, 'agencies'>): string[] {
  const asked = new Set(agenciesAsked(state).map((a) => a.agency));
  return agenciesNamed(request).filter((a) => !asked.has(a));
}

/** The date the Rapid Review meeting was last recorded as set for (rapid-review-scheduled, §6.2). */
export function meetingDateOf(state: Pick<CaseState, 'timeline'>): string | undefined {
  const scheduled = state.timeline.filter((t) => t.kind === 'decision:rapid-review-scheduled').at(-1);
  const date = scheduled?.detail?.meetingDate;
  return typeof date === 'string' ? date : undefined;
}

/**
 * §6.5: the information is for the meeting, so it is due before it: before the date the meeting is
 * set for, and before the meeting's own deadline. A request naming only agencies already asked
 * opens nothing: said so.
 */
export function informationRequestRefusal(state: CaseState, request: InformationRequest): string | undefined {
  const due = request.returnsDueOn;
  const meeting = meetingDateOf(state);
  if (typeof due === 'string' && meeting !== undefined && due >= meeting) {
    return `the returns must be due before the Rapid Review meeting, set for ${meeting}: give an earlier returnsDueOn`;
  }
  const limit = state.obligations['rapid-review-meeting']?.deadline.dueDate;
  if (typeof due === 'string' && limit !== undefined && due >= limit) {
    return `the returns must be due before the Rapid Review meeting's deadline, ${limit}: give an earlier returnsDueOn`;
  }
  if (agenciesNamed(request).length > 0 && newlyAsked(state, request).length === 0) {
    return 'every agency named has already been asked for its return on this case';
  }
  return undefined;
}
