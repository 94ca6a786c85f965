// The decisions of each path of the procedure, in order, by whom, with what is typed on each form:
// the same steps are recorded through the pages and through the JSON API (procedure-paths.test.ts).
// Choices are chosen by the words the form shows for them (domain/decision-words.ts CHOICE_WORDS,
// written out here on their own), with the API's value beside them.
import { choice, date, flag, select, text, type Fill, type Step } from '../helpers/decision-steps';
import { londonInstant, shiftDays } from '../helpers/expected-dates';

/** An action of the plan: the row of the form and its payload. */
function actionRow(agency: string, n: number, deadline: string): Fill[] {
  return [
    select('agency', agency, agency),
    text('owner', `Lead ${n} (test)`),
    text('description', `Improvement ${n}: a multi-agency briefing on the learning (test).`),
    text('finding', `Finding ${n}: information was not shared in time (test).`),
    date('deadline', deadline),
  ];
}

/**
 * The notification path (§5–§16): received on `received`, the SSP informed the next morning at
 * 9:30am London time (typed on the form), published on `publishedOn`, two actions (one completed
 * by its owner, one withdrawn by the L&D Chair), and so closed.
 */
export function notificationSteps(d: { today: string; received: string; publishedOn: string }): Step[] {
  const informedOn = shiftDays(d.received, 1);
  return [
    {
      by: 'bu-p',
      decision: 'ssp-informed',
      // A date that is not one: 31 February.
      mistake: [{ kind: 'raw', id: 'occurredAt-day', value: '31' }, { kind: 'raw', id: 'occurredAt-month', value: '2' }, { kind: 'raw', id: 'occurredAt-year', value: d.received.slice(0, 4) }],
      fills: [
        { kind: 'instant', name: 'occurredAt', date: informedOn, time: '9:30am', value: londonInstant(informedOn, '09:30:00') },
        text('note', 'Partners informed by secure email (test).'),
      ],
    },
    {
      by: 'ssp-p',
      decision: 'ssp-decision',
      mistake: [],
      fills: [choice('outcome', 'The criteria for notification are met', 'criteria-met'), text('rationale', 'Abuse suspected and serious harm (test).')],
    },
    { by: 'bu-p', decision: 'referrer-feedback-sent', fills: [text('note', 'Told the school by telephone (test).')] },
    { by: 'bu-p', decision: 'national-notification', fills: [text('panelReference', 'CSPRP-PATHS-0001')] },
    { by: 'bu-p', decision: 'panel-acknowledgement' },
    {
      by: 'rr-p',
      decision: 'rapid-review-scheduled',
      mistake: [{ kind: 'raw', id: 'meetingDate-day', value: '32' }],
      fills: [date('meetingDate', shiftDays(d.today, 7))],
    },
    {
      by: 'rr-p',
      decision: 'rapid-review-held',
      fills: [choice('recommendation', 'A Local Child Safeguarding Practice Review (LCSPR)', 'lcspr'), text('rationale', 'Learning for the partnership (test).')],
    },
    {
      by: 'ssp-p',
      decision: 'rapid-review-report',
      fills: [choice('levelOfReview', 'A Local Child Safeguarding Practice Review (LCSPR)', 'lcspr'), text('rationale', 'An LCSPR, with the Scrutineer (test).')],
    },
    { by: 'bu-p', decision: 'panel-response', fills: [choice('response', 'A local review, as the SSP decided', 'local-review')] },
    {
      by: 'ssp-p',
      decision: 'reviewer-commissioned',
      fills: [text('reviewer', 'A. Reviewer (test)'), select('reviewerId', 'reviewer-p (Independent)', 'reviewer-p')],
    },
    { by: 'rr-p', decision: 'terms-of-reference-agreed' },
    { by: 'reviewer-p', decision: 'draft-report-to-ld' },
    {
      by: 'ssp-p',
      decision: 'ssp-sign-off',
      fills: [date('plannedPublicationDate', shiftDays(d.today, 60)), choice('publish', 'The full report', 'full-report')],
    },
    { by: 'ssp-p', decision: 'report-sent-to-panel' },
    { by: 'ssp-p', decision: 'published', fills: [date('publishedOn', d.publishedOn)] },
    {
      by: 'ld-p',
      decision: 'actions-agreed',
      mistake: [],
      fills: [
        {
          kind: 'rows',
          name: 'actions',
          button: 'Add another action',
          rows: [actionRow('Example Health Trust', 1, shiftDays(d.today, 90)), actionRow('Example Police', 2, shiftDays(d.today, 120))],
        },
      ],
    },
    {
      by: 'owner-health',
      decision: 'action-completed',
      action: 'A01',
      fills: [date('completedOn', d.today), text('evidence', 'The briefing’s attendance list and slides (test).')],
    },
    // The last action settled and no obligation open, the case closes by itself (domain/incident.ts
    // closeIfDone): there is no close-case to record on a case with an action plan.
    { by: 'ld-p', decision: 'action-withdrawn', action: 'A02', fills: [text('reason', 'Covered by a national programme (test).')] },
  ];
}

/** The learning path (§10): not met but learning to explore, the L&D Group's audit approved, one action, and so closed. */
export function learningSteps(today: string): Step[] {
  return [
    { by: 'bu-p', decision: 'ssp-informed' },
    {
      by: 'ssp-p',
      decision: 'ssp-decision',
      fills: [choice('outcome', 'The criteria are not met, but there is learning to explore (to the L&D Group)', 'not-met-learning'), text('rationale', 'No serious harm; learning on information sharing (test).')],
    },
    { by: 'bu-p', decision: 'referrer-feedback-sent' },
    {
      by: 'ld-p',
      decision: 'ld-decision',
      fills: [choice('outcome', 'A multi-agency audit', 'multi-agency-audit'), text('rationale', 'An audit of referrals between agencies (test).')],
    },
    { by: 'ssp-p', decision: 'ssp-approval', mistake: [], fills: [flag('approved', true), text('rationale', 'Agreed (test).')] },
    { by: 'ld-p', decision: 'actions-agreed', fills: [{ kind: 'rows', name: 'actions', button: 'Add another action', rows: [actionRow('Example Health Trust', 1, shiftDays(today, 45))] }] },
    // Its only action completed, the case closes by itself.
    { by: 'owner-health', decision: 'action-completed', action: 'A01', fills: [date('completedOn', today), text('evidence', 'The audit report (test).')] },
  ];
}

/** §5.7: not met, no further action; the referrer told; the case closed by the L&D Chair (§16.2). */
export function noFurtherActionSteps(): Step[] {
  return [
    { by: 'bu-p', decision: 'ssp-informed', fills: [text('note', 'Informed at the daily meeting (test).')] },
    {
      by: 'ssp-p',
      decision: 'ssp-decision',
      fills: [choice('outcome', 'The criteria are not met: no further action', 'not-met-no-further-action'), text('rationale', 'No serious harm, no learning (test).')],
    },
    { by: 'bu-p', decision: 'referrer-feedback-sent' },
    { by: 'ld-p', decision: 'close-case', fills: [text('note', 'Nothing further (test).')] },
  ];
}
