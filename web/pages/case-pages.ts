// A case, its referral form and one of its actions, as pages. Each reads through the case service
// (services/), which applies the read policy: a person who may not read a case gets the same "not
// found" page as for a case that does not exist.
import express from 'express';
import { mayReadReferral } from '../../domain/access';
import { STAGE_NAMES, type CaseStatus, type ObligationView } from '../../domain/case';
import { ACTION_DECISION_NAMES, actionRoleRefusal } from '../../domain/action';
import { ACTION_DECISION_WORDS, decisionWordsIn } from '../../domain/decision-words';
import type { DecisionName } from '../../domain/decisions';
import type { Actor } from '../../domain/roles';
import { findObligationRule } from '../../domain/rulebook';
import type { Services } from '../../services';
import { actionIdOf } from '../../services/actions';
import { caseReferenceOf } from '../../services/cases';
import { countedWords } from '../../domain/govuk-dates';
import { govukDate, govukDateTime, roleWords, workingDays } from '../format';
import { personOf } from '../people';
import { returnsOnCasePage } from './returns';

const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  open: { text: 'Open', classes: 'govuk-tag--blue' },
  missed: { text: 'Missed', classes: 'govuk-tag--red' },
  met: { text: 'Met', classes: 'govuk-tag--green' },
  'met-late': { text: 'Met late', classes: 'govuk-tag--orange' },
  withdrawn: { text: 'No longer required', classes: 'govuk-tag--grey' },
  broken: { text: 'Broken', classes: 'govuk-tag--red' },
  completed: { text: 'Completed', classes: 'govuk-tag--green' },
};

export function statusTag(status: string) {
  return STATUS_TAGS[status] ?? { text: status, classes: 'govuk-tag--grey' };
}

/** "Met 2 working days late", "Missed: 3 working days late so far", "Met on time". */
function outcomeWords(o: ObligationView): string {
  const late = o.late ? workingDays(o.late.workingDays) : undefined;
  switch (o.status) {
    case 'met':
      return `Met at ${govukDateTime(o.metAt)}`;
    case 'met-late':
      return `Met ${late ?? ''} late, at ${govukDateTime(o.metAt)}`;
    case 'missed':
      return `Missed${late ? `: ${late} late so far` : ''}${o.escalatedAt ? `; escalated at ${govukDateTime(o.escalatedAt)}` : ''}`;
    case 'withdrawn':
      return 'No longer required on the path the case took';
    case 'broken':
      return 'Broken before its period ended';
    default:
      return '';
  }
}

/** How the deadline was counted, in words: the clock, the rule, the days skipped, the §. */
function obligationRows(status: CaseStatus) {
  const all = [...status.missed, ...status.open, ...status.metLate, ...status.met, ...status.closed];
  return all.map((o) => ({
    id: o.id,
    obligation: o.obligation,
    owner: roleWords(findObligationRule(status.rulebookVersion, o.id)?.owner ?? 'business-unit', status.rulebookVersion),
    due: govukDateTime(o.dueAt),
    tag: statusTag(o.status),
    outcome: outcomeWords(o),
    counted: countedWords(o.explanation),
    target: o.explanation.target ? `Target: ${govukDate(o.explanation.target.dueDate)} (${o.explanation.target.rule})` : undefined,
  }));
}

/** What the case waits for and from whom: its open and missed obligations, soonest first. */
function waitingFor(status: CaseStatus) {
  return [...status.missed, ...status.open].map((o) => ({
    obligation: o.obligation,
    owner: roleWords(findObligationRule(status.rulebookVersion, o.id)?.owner ?? 'business-unit', status.rulebookVersion),
    due: govukDateTime(o.dueAt),
    missed: o.status === 'missed',
  }));
}

/** What a timeline entry records, in words: the decision's name, or what happened to which step. */
function timelineWords(kind: string, obligation: string | undefined): string {
  const step = obligation ? `: ${obligation}` : '';
  if (kind.startsWith('decision:')) return `Decision recorded: ${kind.slice('decision:'.length)}`;
  const words: Record<string, string> = {
    'deadline-set': 'Deadline set',
    'deadline-recomputed': 'Deadline counted again',
    'obligation-met': 'Met',
    'obligation-met-late': 'Met late',
    'obligation-missed': 'Missed and escalated',
    'obligation-rejudged': 'Judged again',
    'target-passed': 'Target passed',
    'referral-received': 'Referral received',
    'case-closed': 'Case closed',
  };
  if (words[kind]) return `${words[kind]}${step}`;
  if (kind.endsWith('-sent')) return `Email sent (${kind.slice(0, -'-sent'.length).replace(/-/g, ' ')})${step}`;
  return `${kind.replace(/-/g, ' ')}${step}`;
}

/**
 * What the page calls the case's opening and its form: a care leaver's death (WT 2023 ch. 5) is
 * notified, not referred. Undefined for a serious incident: the template's own words stand.
 */
function kindWords(facts: Partial<CaseStatus['facts']> | undefined) {
  if (facts?.caseKind !== 'care-leaver-death') return {};
  return {
    caseCaption: 'Case: the death of a care leaver',
    receivedWords: 'Notification received',
    formHeading: 'Notification form',
    formLink: "Read the notification of the care leaver's death",
  };
}

function timelineRows(status: CaseStatus) {
  const careLeaver = status.facts.caseKind === 'care-leaver-death';
  return status.timeline.map((t) => ({
    at: govukDateTime(t.at),
    what: careLeaver && t.kind === 'referral-received' ? 'Notification received' : timelineWords(t.kind, t.obligationId ? status.obligations[t.obligationId]?.deadline.obligation : undefined),
    who: t.actor ? `${t.actor.id} (${roleWords(t.actor.role, status.rulebookVersion)})` : 'The system',
    rationale: t.rationale,
  }));
}

function decisionLinks(ref: string, names: readonly DecisionName[], rulebookVersion: string) {
  return names.map((n) => ({ text: sentence(`record ${decisionWordsIn(rulebookVersion, n).title}`), href: `/cases/${ref}/decisions/${n}` }));
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The banner a decision form left for this page (shown once). */
function takeNotice(req: express.Request) {
  const notice = req.session.notice;
  delete req.session.notice;
  return notice;
}

export function casePages(services: Services): express.Router {
  const router = express.Router();

  router.get('/cases/:caseReference', async (req, res) => {
    const person: Actor = personOf(res);
    const ref = caseReferenceOf(String(req.params.caseReference));
    const read = await services.cases.readCaseView(person, ref);
    const base = { pageTitle: `Case ${ref}`, ref, notice: takeNotice(req) };
    if (read.view === 'whole') {
      const s = read.status;
      return res.render('pages/case', {
        ...base,
        ...kindWords(s.facts),
        view: 'whole',
        stage: STAGE_NAMES[s.stage],
        receivedAt: govukDateTime(s.receivedAt),
        rulebookVersion: s.rulebookVersion,
        waitingFor: waitingFor(s),
        obligations: obligationRows(s),
        timeline: timelineRows(s),
        actions: s.actions.map((a) => ({ ...a, href: `/cases/${ref}/actions/${a.actionId}`, deadline: govukDate(a.deadline), tag: statusTag(a.status) })),
        decisions: decisionLinks(ref, read.decisionsOpen, read.status.rulebookVersion),
        // §6.5: for the meeting, the agencies asked and who has not returned.
        returns: returnsOnCasePage(s),
        // The link only: the service refuses the form itself to anyone else.
        mayReadReferral: mayReadReferral(person),
        // §5.2: while the notification to the Panel is due, its answers are prepared from the referral.
        notificationPack: mayReadReferral(person) && [...s.open, ...s.missed].some((o) => o.id === 'national-notification'),
        registerUnavailable: read.register === null,
        pending: s.pending.notices + s.pending.records,
      });
    }
    const v = read.status;
    res.render('pages/case', {
      ...base,
      view: read.view,
      stage: STAGE_NAMES[v.stage],
      receivedAt: govukDateTime(v.receivedAt),
      deadlines: v.deadlines.map((d) => ({ obligation: d.obligation, due: govukDate(d.dueDate), tag: statusTag(d.status), late: d.late ? workingDays(d.late.workingDays) : undefined })),
      outcome: 'outcome' in v ? v.outcome : undefined,
    });
  });

  router.get('/cases/:caseReference/referral', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    const read = await services.cases.readReferral(personOf(res), ref);
    if (read.careLeaverDeath !== undefined) {
      // WT 2023 ch. 5: the notification of a care leaver's death, as it was sent.
      const warning = 'This notification holds personal data about a care leaver who has died. Your reading of it has been recorded.';
      return res.render('pages/referral', { pageTitle: `Notification form for case ${ref}`, ref, referral: read.careLeaverDeath, heading: 'Notification of the death of a care leaver', warning });
    }
    res.render('pages/referral', { pageTitle: `Referral form for case ${ref}`, ref, referral: read.referral });
  });

  router.get('/cases/:caseReference/actions/:actionId', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    const actionId = actionIdOf(String(req.params.actionId));
    const person = personOf(res);
    const a = await services.actions.readAction(person, ref, actionId);
    const decisions = a.status === 'open' ? ACTION_DECISION_NAMES.filter((n) => !actionRoleRefusal(n, person.role) && !(n === 'ssp-involved' && a.sspInvolved)) : [];
    res.render('pages/action', {
      notice: takeNotice(req),
      decisions: decisions.map((n) => ({ text: sentence(`record ${ACTION_DECISION_WORDS[n].title}`), href: `/cases/${ref}/actions/${actionId}/decisions/${n}` })),
      pageTitle: `Action ${actionId} of case ${ref}`,
      ref,
      actionId,
      agency: a.agency,
      tag: statusTag(a.status),
      escalation: a.escalation,
      originalDeadline: govukDate(a.originalDeadline),
      deadline: govukDate(a.deadline),
      completedOn: a.completedOn ? govukDate(a.completedOn) : undefined,
      sspInvolved: a.sspInvolved,
      extensions: a.extensions.map((e) => ({ from: govukDate(e.from), to: govukDate(e.to), at: govukDateTime(e.at), requestedBy: e.requestedBy })),
      steps: a.steps.map((st) => ({ id: st.id, due: govukDate(st.dueDate), rule: st.rule, tag: statusTag(st.status), escalatedAt: st.escalatedAt ? govukDateTime(st.escalatedAt) : undefined })),
    });
  });

  return router;
}
