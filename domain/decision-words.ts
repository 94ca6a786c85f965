// What each decision records, in the procedure's words, with its §: the heading and lead of the
// decision's form on the staff pages, and the flash that confirms it. Beside the decision tables
// (domain/decision-table.ts, domain/action.ts) and typed over their names, so a decision added to a
// table does not compile until it is said here too; its form is then generated from its fields.
// `irreversible` decisions get a confirmation step before they are recorded: once recorded, the
// case moves on and nothing takes them back.
import type { ActionDecisionName } from './action';
import type { DecisionName } from './decisions';
import { inRulebookWords } from './rulebook';

export interface DecisionWords {
  /** A short name for the decision: the form's heading is "Record <title>" in sentence case. */
  title: string;
  /** What recording it means, in a sentence. */
  records: string;
  section: string;
  /** The confirmation banner's heading: "Decision recorded: <done>". */
  done: string;
  irreversible?: true;
}

export const DECISION_WORDS: Record<DecisionName, DecisionWords> = {
  'ssp-informed': { title: 'the SSP informed', records: 'The Business Unit have passed the referral to the Statutory Safeguarding Partners for their decision.', section: '§4.6', done: 'the SSP have been informed' },
  'ssp-decision': {
    title: "the SSP's decision",
    records: 'The Statutory Safeguarding Partners decide whether the incident meets the criteria for notification to the national Panel, with their reasons. The decision is shared with the L&D Chair and fed back to the referrer.',
    section: '§4.6, §5.4–5.6',
    done: "the SSP's decision on the criteria",
    irreversible: true,
  },
  'referrer-feedback-sent': { title: 'feedback sent to the referrer', records: 'The referring agency has been told the outcome of the SSP’s decision.', section: '§5.7', done: 'feedback sent to the referrer' },
  'shared-with-ld-chair': { title: 'the decision shared with the L&D Chair', records: 'The SSP’s decision and rationale were shared with the Chair of the Learning and Development Group another way (the automatic email did not reach them).', section: '§5.6, §10.1', done: 'the decision shared with the L&D Chair' },
  'looked-after-death-notified': { title: "a looked-after child's death notified", records: 'The death of a looked-after child has been notified to the Department for Education and Ofsted, whatever the criteria decision.', section: '§5.3', done: "the looked-after child's death notified" },
  'national-notification': { title: 'the notification to the national Panel', records: 'The Business Unit have notified the Child Safeguarding Practice Review Panel online, and record the reference the Panel gave.', section: '§5.2', done: 'the national Panel notified' },
  'panel-acknowledgement': { title: "the Panel's acknowledgement", records: 'The Panel have acknowledged the notification: the Rapid Review starts.', section: '§6.1', done: "the Panel's acknowledgement" },
  'rapid-review-scheduled': { title: 'the Rapid Review meeting date', records: 'The date set for the Rapid Review meeting. A date after the 7–10 working day target or the 15 working day limit is flagged.', section: '§6.2', done: 'the Rapid Review meeting scheduled' },
  'rapid-review-held': { title: 'the Rapid Review meeting held', records: 'The Rapid Review meeting has been held: its recommendation on the level of review, and the reasons.', section: '§6.2, §6.8', done: 'the Rapid Review meeting held' },
  'rapid-review-report': { title: "the SSP's decision on the level of review", records: 'The SSP (with the Independent Scrutineer) decide the level of review; the Rapid Review report goes to the national Panel.', section: '§6.10', done: 'the level of review decided and reported to the Panel' },
  'panel-response': { title: "the Panel's response", records: 'The national Panel’s response to the Rapid Review: a national review, a request for further information, or a local review.', section: '§6.11', done: "the Panel's response" },
  'further-information-sent': { title: 'further information sent to the Panel', records: 'The further information the Panel asked for has been sent; the case waits for the Panel’s response again.', section: '§6.11', done: 'the further information sent to the Panel' },
  'reviewer-commissioned': { title: 'the reviewer commissioned', records: 'The SSP have commissioned the reviewer for the Local Child Safeguarding Practice Review. Their name is published with the report; their sign-in lets them read the case and send the draft report.', section: '§8.1, §14.4', done: 'the reviewer commissioned' },
  'reviewer-changed': { title: 'a change of reviewer', records: 'A reviewer steps down (they left, fell ill or have a conflict of interest) and another is commissioned, or another reviewer is added.', section: '§8.1', done: 'the change of reviewer' },
  'terms-of-reference-agreed': { title: 'the terms of reference agreed', records: 'The terms of reference of the review have been agreed.', section: '§9.1', done: 'the terms of reference agreed' },
  'review-progress': { title: 'progress of the review', records: 'What the review has done since the last update.', section: '§8.7', done: 'the review’s progress' },
  'draft-report-to-ld': { title: 'the draft report sent to the L&D Group', records: 'The reviewer has sent the draft report to the Learning and Development Group; the SSP sign it off next.', section: '§16.1', done: 'the draft report sent to the L&D Group' },
  'ssp-sign-off': { title: "the SSP's sign-off of the report", records: 'The SSP have signed the report off: the planned publication date, and whether the full report or its learning and recommendations are published.', section: '§14.4, §16.1', done: "the SSP's sign-off" },
  'report-sent-to-panel': { title: 'the report sent to the Panel, the Secretary of State and Ofsted', records: 'The final report has been sent to the national Panel, the Secretary of State and Ofsted, at least 7 working days before publication.', section: '§14.7', done: 'the report sent to the Panel, the Secretary of State and Ofsted' },
  'publication-delayed': { title: 'a delay to publication', records: 'Other proceedings delay publication: the reason, and a new planned date if there is one. The Panel and the Secretary of State must be told why.', section: '§15.5', done: 'the delay to publication' },
  'delay-explained-to-panel': { title: 'the delay explained to the Panel', records: 'The Panel and the Secretary of State have been told why publication is delayed.', section: '§15.5', done: 'the delay explained to the Panel' },
  published: { title: 'the report published', records: 'The report has been published, on the date given. It must stay public for at least a year.', section: '§14.4, §15.5', done: 'the report published' },
  'not-to-publish': { title: 'the decision not to publish', records: 'The SSP decide not to publish the report, with the justification that goes to the Panel and the Secretary of State.', section: '§15.3', done: 'the decision not to publish', irreversible: true },
  'justification-sent-to-panel': { title: 'the justification sent to the Panel', records: 'The justification for not publishing has been sent to the Panel and the Secretary of State.', section: '§15.3', done: 'the justification sent to the Panel' },
  'publication-removed': { title: 'the report taken down', records: 'The published report has been taken down before its year was over, with the reason.', section: '§14.4', done: 'the report taken down' },
  'national-review-completed': { title: 'the national review completed', records: 'The national review has been completed: the case moves to its action plan.', section: '§7', done: 'the national review completed' },
  'other-review-completed': { title: 'the other review completed', records: 'The other kind of review has been completed: the case moves to its action plan.', section: '§6.10', done: 'the other review completed' },
  'ld-decision': { title: "the L&D Group's decision", records: 'The Learning and Development Group decide how the learning from this referral is explored, with their reasons. The SSP approve it next.', section: '§10.6', done: "the L&D Group's decision" },
  'ssp-approval': { title: "the SSP's approval of the L&D Group's decision", records: 'The SSP approve the L&D Group’s decision, or send it back to the Group with their reasons.', section: '§10.7', done: "the SSP's answer on the L&D Group's decision" },
  'clock-corrected': { title: 'a corrected date', records: 'A date the deadlines are counted from turned out to be different: every deadline counted from it is counted again.', section: 'DSP 1.5, "What changes a deadline"', done: 'the corrected date' },
  'actions-agreed': { title: 'the action plan', records: 'The L&D Group agree the improvement actions: for each, the agency, who leads it, what is to be done, the finding it answers and its deadline. Record it again to add actions later.', section: '§9.2, §16.2', done: 'the action plan agreed' },
  'care-leaver-death-notified': {
    title: "the care leaver's death notified",
    records: 'The local authority has notified the Secretary of State (Department for Education) and Ofsted of the death of the care leaver. Nothing else follows on this path: the case closes.',
    section: 'WT 2023 ch. 5',
    done: "the care leaver's death notified; the case is closed",
  },
  // §6.5, Appendix 2: the Rapid Review's information from each agency.
  'rapid-review-information-requested': {
    title: "the request for each agency's information",
    records: 'The agencies involved with the child or family are asked for their information and a chronology of the last 3 years, by a date before the Rapid Review meeting. Each agency is reminded, and its Head of Service told if it misses the date.',
    section: '§6.5',
    done: "each agency's information requested",
  },
  'rapid-review-return': {
    title: "your agency's information for the Rapid Review",
    records: 'Your agency’s involvement with the child and family, the safeguarding issues it knew of, the information it holds about the incident, and its chronology (Appendix 2). It is kept encrypted and read only by the Rapid Review panel and your agency.',
    section: '§6.5, Appendix 2',
    done: "your agency's information returned",
    irreversible: true,
  },
  'close-case': { title: 'the case closed', records: 'Every step of the procedure is done and every improvement action completed or withdrawn: the case is closed.', section: '§16.2', done: 'the case closed', irreversible: true },
};

export const ACTION_DECISION_WORDS: Record<ActionDecisionName, DecisionWords> = {
  'action-completed': { title: 'the action completed', records: 'The agency has completed the improvement action: the date, and the evidence that shows it was done.', section: '§16.2', done: 'the action completed' },
  'action-extended': { title: 'an extension to the deadline', records: 'An extension to the action’s deadline, agreed in exceptional circumstances at the request of the Chief Officer of the agency that owns it.', section: '§9.2', done: 'the extension to the deadline' },
  'action-withdrawn': { title: 'the action withdrawn', records: 'The action will not be carried out, with the reason (the annual report gives the reasons).', section: '§18.1', done: 'the action withdrawn', irreversible: true },
  'ssp-involved': { title: 'the SSP involved', records: 'In exceptional circumstances the Statutory Safeguarding Partners are involved in the action, with the reason.', section: '§9.2', done: 'the SSP involved' },
};

/** The words of a choice's value, as the forms offer it; a value without words reads as itself. */
export const CHOICE_WORDS: Record<string, string> = {
  // §5.4–5.6
  'criteria-met': 'The criteria for notification are met',
  'not-met-learning': 'The criteria are not met, but there is learning to explore (to the L&D Group)',
  'not-met-no-further-action': 'The criteria are not met: no further action',
  // §6.8, §6.10
  lcspr: 'A Local Child Safeguarding Practice Review (LCSPR)',
  'national-review': 'A national review',
  'national-review-recommended': 'A national review, recommended to the Panel',
  'other-review': 'Another kind of review',
  'no-further-action': 'No further action',
  // §6.11
  'further-information': 'The Panel ask for further information',
  'local-review': 'A local review, as the SSP decided',
  // §10.6
  'multi-agency-practice-review': 'A multi-agency practice review',
  'multi-agency-audit': 'A multi-agency audit',
  'single-agency-internal-review': 'A single-agency internal review',
  'quality-assurance': 'Quality assurance',
  // §14.4
  'full-report': 'The full report',
  'learning-and-recommendations': 'The learning and recommendations only',
  // §9.2
  'chief-officer': 'Chief Officer',
  'head-of-service': 'Head of Service',
  'action-lead': 'Action lead',
  'ld-chair': 'Chair of the L&D Group',
  other: 'Someone else',
};

/** A case decision's words in the case's rulebook's own (WT-2023: the Delegated Safeguarding Partners). */
export function decisionWordsIn(rulebookVersion: string | undefined, name: DecisionName): DecisionWords {
  const words = DECISION_WORDS[name];
  const say = (text: string) => inRulebookWords(rulebookVersion, text);
  return { ...words, title: say(words.title), records: say(words.records), done: say(words.done) };
}
