// The Rapid Review's information from each agency (DSP 1.5 §6.5, Appendix 2) on the staff pages:
// for the meeting, the agencies asked and who has not returned; one agency's return, its chronology
// as a table; and the agency's own form. The case service decides who reads what
// (services/returns.ts): the panel every return, an agency its own only and nothing else of the
// case. Titles and addresses name the case by its reference and the agency by its name only.
import express, { type Request, type Response } from 'express';
import type { CaseStatus } from '../../domain/case';
import { DECISION_WORDS } from '../../domain/decision-words';
import { decisionRule, roleRefusal } from '../../domain/decisions';
import { agenciesAsked } from '../../domain/rapid-review-returns';
import type { Actor } from '../../domain/roles';
import { agencyOf } from '../../api/returns';
import { Refused, type Services } from '../../services';
import { caseReferenceOf } from '../../services/cases';
import type { AgencyAsked } from '../../services/returns';
import type { FormDirectory } from '../forms/decision-form';
import { govukDate, govukDateTime } from '../format';
import { personOf } from '../people';
import { caseDue, FormNotOpen, post, show, type Target } from './decision-forms';

const RETURN_TAGS: Record<AgencyAsked['status'], { text: string; classes: string }> = {
  returned: { text: 'Returned', classes: 'govuk-tag--green' },
  'returned-late': { text: 'Returned late', classes: 'govuk-tag--orange' },
  outstanding: { text: 'Not returned yet', classes: 'govuk-tag--blue' },
  overdue: { text: 'Overdue', classes: 'govuk-tag--red' },
  withdrawn: { text: 'No longer asked', classes: 'govuk-tag--grey' },
};

/** The path of an agency's return: its name URL-encoded. */
export function returnHref(ref: string, agency: string): string {
  return `/cases/${ref}/rapid-review-returns/${encodeURIComponent(agency)}`;
}

/** One row of the table of agencies asked, for a page. */
function tableRow(ref: string, a: AgencyAsked) {
  const returned = a.status === 'returned' || a.status === 'returned-late';
  return {
    agency: a.agency,
    href: returned ? returnHref(ref, a.agency) : undefined,
    due: govukDate(a.dueDate),
    returnedAt: a.returnedAt ? govukDateTime(a.returnedAt) : undefined,
    tag: RETURN_TAGS[a.status],
  };
}

/** The case page's table, for the meeting: every agency asked and whether it has returned (from the case itself). */
export function returnsOnCasePage(status: CaseStatus) {
  return agenciesAsked(status).map(({ agency, key }) => {
    const o = status.obligations[key]!;
    const state: AgencyAsked['status'] =
      o.status === 'met' ? 'returned' : o.status === 'met-late' ? 'returned-late' : o.status === 'missed' ? 'overdue' : o.status === 'open' ? 'outstanding' : 'withdrawn';
    return tableRow(status.caseReference, { agency, status: state, dueDate: o.deadline.dueDate, dueAt: o.deadline.dueAt, ...(o.metAt ? { returnedAt: o.metAt } : {}) });
  });
}

/**
 * The agency's own form (§6.5, Appendix 2), at the decision's own address: the agency reads nothing
 * of the case, so its form is offered when the case has asked it, without the case page.
 */
async function agencyTarget(services: Services, req: Request, res: Response, sent = false): Promise<Target> {
  const person: Actor = personOf(res);
  const ref = caseReferenceOf(String(req.params.caseReference));
  const name = 'rapid-review-return' as const;
  if (roleRefusal(name, person.role)) throw new Refused(404, 'UnknownDecision', 'No such form');
  // Refused as "no case" unless the case asked this person's agency.
  const list = await services.returns.listReturns(person, ref);
  const own = list.agencies.find((a) => a.agency === person.agency);
  const back = `/cases/${ref}/rapid-review-returns`;
  if (!sent && (!own || own.status === 'returned' || own.status === 'returned-late' || own.status === 'withdrawn')) throw new FormNotOpen(back, DECISION_WORDS[name].title);
  return {
    ref,
    name,
    words: DECISION_WORDS[name],
    schema: decisionRule(name).schema(),
    caption: `Case ${ref}, ${person.agency}`,
    back,
    meets: own ? `the information and chronology asked of ${person.agency} (§6.5), due by ${govukDate(own.dueDate)}${own.status === 'overdue' ? ' (overdue)' : ''}` : undefined,
    record: (payload, key, requestId) => services.cases.recordDecision(ref, name, { actor: person, body: payload, idempotencyKey: key, requestId }),
    dueAfter: (answer) => (caseDue(answer).length ? ['Your agency’s information has been sent to the Rapid Review panel.'] : []),
  };
}

export function returnPages(services: Services, directory: FormDirectory): express.Router {
  const router = express.Router();

  // The agency's own form: before the decision forms' router, which serves only those who read the case.
  router.get('/cases/:caseReference/decisions/rapid-review-return', async (req, res, next) => {
    if (personOf(res).role !== 'action-owner') return next();
    await show(req, res, () => agencyTarget(services, req, res), directory);
  });
  router.post('/cases/:caseReference/decisions/rapid-review-return', async (req, res, next) => {
    if (personOf(res).role !== 'action-owner') return next();
    await post(req, res, await agencyTarget(services, req, res, true), directory);
  });

  router.get('/cases/:caseReference/rapid-review-returns', async (req, res) => {
    const person = personOf(res);
    const ref = caseReferenceOf(String(req.params.caseReference));
    const list = await services.returns.listReturns(person, ref);
    const notice = req.session.notice;
    delete req.session.notice;
    const own = person.role === 'action-owner' ? list.agencies[0] : undefined;
    res.render('pages/rapid-review-returns', {
      pageTitle: `Information for the Rapid Review - case ${ref}`,
      ref,
      notice,
      panel: person.role !== 'action-owner',
      meetingDate: list.meetingDate ? govukDate(list.meetingDate) : undefined,
      returns: list.agencies.map((a) => tableRow(ref, a)),
      outstanding: list.agencies.filter((a) => a.status === 'outstanding' || a.status === 'overdue').length,
      formHref: own && (own.status === 'outstanding' || own.status === 'overdue') ? `/cases/${ref}/decisions/rapid-review-return` : undefined,
      askHref: roleRefusal('rapid-review-information-requested', person.role) ? undefined : `/cases/${ref}/decisions/rapid-review-information-requested`,
    });
  });

  router.get('/cases/:caseReference/rapid-review-returns/:agency', async (req, res) => {
    const person = personOf(res);
    const ref = caseReferenceOf(String(req.params.caseReference));
    const r = await services.returns.readReturn(person, ref, agencyOf(String(req.params.agency)));
    res.render('pages/rapid-review-return', {
      pageTitle: `Information from ${r.agency} for the Rapid Review - case ${ref}`,
      ref,
      r,
      returnedAt: govukDateTime(r.returnedAt),
      tag: RETURN_TAGS[r.status],
      back: `/cases/${ref}/rapid-review-returns`,
      rows: r.chronology.map((c) => [
        { text: govukDate(c.date) + (c.time ? `, ${c.time}` : '') },
        { text: c.event },
        { text: c.agency },
        { text: c.source },
        { text: c.involved },
        { text: c.decisionsAndOutcome },
        { text: c.childSeen === 'yes' ? `Yes${c.childViews ? `: ${c.childViews}` : ''}` : 'No' },
        { text: c.comments ?? '' },
      ]),
    });
  });

  return router;
}
