// Today's statutory guidance as a rulebook: Working Together to Safeguard Children 2023 and the
// Child Safeguarding Practice Review Panel's guidance for safeguarding partners (June 2025). It
// starts from the seed's (DSP 1.5) and changes what the guidance changed; docs/PROCEDURE.md shows
// the two side by side, each difference with its source.
import { DSP_1_5 } from './rulebook-dsp-1-5';
import { rules, SHORT, type ObligationRule, type Rulebook, type RulebookDifference } from './rulebook-rules';

/** What WT 2023 changes in one of the seed's rules. */
type Change = Partial<Omit<ObligationRule, 'id'>>;

const CHANGES: Readonly<Record<string, Change>> = {
  'ssp-informed': {
    obligation: 'Business Unit informs the Delegated Safeguarding Partners',
    // Statute gives the LA 5 WD to notify the Panel; the 1 WD to tell the partners is this
    // partnership's own rule, kept (PROCEDURE.md, "Working Together 2023").
    statutory: false,
    section: '§4.6, §5.1 (local policy: WT 2023 sets no limit)',
  },
  'ssp-decision': {
    obligation: 'Delegated Safeguarding Partners decide whether the criteria for notification are met',
    statutory: false,
    section: '§4.6 (local policy: the LA must notify within 5 WD of becoming aware, WT 2023 ch. 5)',
  },
  'national-notification': {
    obligation: 'LA notifies the Child Safeguarding Practice Review Panel (Ofsted and the DfE see it)',
    section: 'WT 2023 ch. 5; §5.2',
  },
  'rapid-review-meeting': {
    obligation: 'Rapid review meets',
    // Panel guidance (June 2025): the rapid review is due 15 WD from the notification's sending,
    // not from the Panel's acknowledgement (DSP 1.5 §6.2).
    clock: 'national-notification-sent',
    section: 'Panel guidance 2025; §6.2',
  },
  'rapid-review-report': {
    obligation: 'Rapid review sent to the Panel with the decision on a review',
    clock: 'national-notification-sent',
    section: 'Panel guidance 2025; WT 2023 ch. 5; §6.10',
  },
  'lcspr-publication': {
    // Kept from the seed: not yet checked against the 2025 guidance.
    section: '§3, §15.5 (kept from DSP 1.5)',
  },
};

/**
 * Rules WT 2023 adds that the seed has not: they open only on cases of their own kind
 * (domain/incident.ts, the case's opening), so no DSP-1.5 case ever meets them.
 */
const ADDED: readonly ObligationRule[] = [
  {
    // WT 2023 ch. 5: the local authority notifies the Secretary of State (DfE) and Ofsted of the
    // death of a care leaver up to and including the age of 24, within 5 working days of becoming
    // aware of it. No rapid review or LCSPR follows from it.
    id: 'care-leaver-death-notification',
    obligation: 'LA notifies the Secretary of State and Ofsted of the death of a care leaver',
    owner: 'business-unit',
    remind: 'business-unit',
    clock: 'la-became-aware',
    limit: { kind: 'working-days-after', days: 5 },
    statutory: true,
    section: 'WT 2023 ch. 5',
    reminders: SHORT,
    escalateTo: ['director-childrens-services', 'business-manager'],
  },
];

function changed(rule: ObligationRule): ObligationRule {
  return { ...rule, ...CHANGES[rule.id] };
}

/**
 * Every difference from DSP 1.5, with its source (checked against the guidance where it could be
 * read: where a partnership's summary and the guidance disagree, the guidance wins).
 */
const DIFFERENCES: readonly RulebookDifference[] = [
  {
    topic: 'The rapid review: 15 working days counted from',
    before: "the Panel's acknowledgement of the notification (§6.2, §6.10)",
    now: 'the day the notification was sent to the Panel; the acknowledgement is awaited beside the rapid review',
    source: "Child Safeguarding Practice Review Panel, Guidance for safeguarding partners (June 2025), as partnerships' procedures quote it (e.g. Cambridgeshire and Peterborough: \"within 15 working days, calculated from the date that the notification was sent to the Panel\")",
    inTheSystem: '`rapid-review-meeting` and `rapid-review-report` count from `national-notification-sent`; `national-notification` opens them',
  },
  {
    topic: 'A rapid review without a notification',
    before: '—',
    now: 'none: the notification comes first; once made, a rapid review is required unless the case is later judged not to meet the criteria; the LA where the incident happened is responsible',
    source: "the Panel's FAQs (childsafeguarding.independent-panel.uk)",
    inTheSystem: 'the rapid review opens only with `national-notification`, in both rulebooks',
  },
  {
    topic: 'What the rapid review covers',
    before: '§6.6: the facts, immediate action, potential improvements, next steps',
    now: "also agency involvement and key practice episodes, and how racism and inequalities linked to protected characteristics, including disability, may have shaped the family's experience and the practice",
    source: 'Panel guidance (June 2025)',
    inTheSystem: '`rapid-review-report` is refused without its five parts, each named (optional under DSP-1.5)',
  },
  {
    topic: 'The partners',
    before: 'the Statutory Safeguarding Partners (SSP) and the Independent Scrutineer/Chair',
    now: 'Lead Safeguarding Partners (the LA chief executive, the chief constable, the ICB chief executive) acting through Delegated Safeguarding Partners; a partnership chair; independent scrutiny',
    source: 'Working Together to Safeguard Children 2023, chapter 2',
    inTheSystem: "the obligations' and emails' words; the `ssp` role and mailbox are the Delegated Safeguarding Partners'",
  },
  {
    topic: "A care leaver's death",
    before: '—',
    now: 'the LA notifies the Secretary of State and Ofsted of the death of a care leaver up to and including the age of 24; no rapid review or LCSPR follows',
    source: 'Working Together to Safeguard Children 2023, chapter 5',
    inTheSystem: 'a referral of its own kind with the `care-leaver-death-notification` obligation (5 working days from the LA\'s awareness)',
  },
  {
    topic: "A looked-after child's death",
    before: '§5.3: the DfE and Ofsted are notified, whatever the criteria',
    now: 'unchanged',
    source: 'Working Together to Safeguard Children 2023, chapter 5',
    inTheSystem: '`looked-after-death-notification`, in both rulebooks',
  },
  {
    topic: 'One notification per incident',
    before: '§5.2: the online notification system',
    now: 'one notification per incident, naming up to four children (others in free text); behind DfE Sign-in; the form saves no drafts and times out after 20 minutes',
    source: 'GOV.UK, "Report a serious child safeguarding incident"',
    inTheSystem: "the notification pack: every answer prepared from the referral before the form is opened (in both rulebooks)",
  },
  {
    topic: '1 working day to inform the partners',
    before: '§4.6, §5.1 (statutory in the seed)',
    now: "this partnership's own rule: statute gives the LA 5 working days to notify the Panel",
    source: "Children Act 2004 s16C; partnerships' procedures (e.g. St Helens)",
    inTheSystem: '`ssp-informed` keeps its 1 working day, marked local policy',
  },
  {
    topic: '6 months to publish an LCSPR',
    before: '§15.5',
    now: 'kept: not yet checked against the 2025 guidance',
    source: '—',
    inTheSystem: '`lcspr-publication`, unchanged',
  },
  {
    topic: 'Education and childcare',
    before: 'agencies among others',
    now: 'designated education and childcare agencies are part of the arrangements (not a fourth partner); a duty to share information and a consistent child identifier, in force by regulations',
    source: "Children's Wellbeing and Schools Act 2026, ss. 2 and 4",
    inTheSystem: 'nothing yet: schools and nurseries are agencies in the directory like any other',
  },
];

/**
 * WT 2023 chapter 2: the Lead Safeguarding Partners act through Delegated Safeguarding Partners.
 * The seed's "Statutory Safeguarding Partners" (SSP) become theirs wherever the system speaks.
 */
const PARTNERS_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['Statutory Safeguarding Partners \\(SSP\\)', 'Delegated Safeguarding Partners (DSPs)'],
  ['Statutory Safeguarding Partners', 'Delegated Safeguarding Partners'],
  ["SSP/Scrutineer's", "Delegated Safeguarding Partners'"],
  ['SSP/Independent Scrutineer', 'Delegated Safeguarding Partners and independent scrutiny'],
  ["([Tt]he) SSP's", "$1 Delegated Safeguarding Partners'"],
  ["SSP's", "Delegated Safeguarding Partners'"],
  ['([Tt]he) SSP decision', "$1 Delegated Safeguarding Partners' decision"],
  ['SSP decision', "Safeguarding partners' decision"],
  ['SSP asked', 'Safeguarding partners asked'],
  ['([Tt]he) SSP\\b', '$1 Delegated Safeguarding Partners'],
  ['\\bSSP\\b', 'DSPs'],
];

export const WT_2023: Rulebook = {
  version: 'WT-2023',
  title: "Working Together to Safeguard Children 2023, with the Panel's guidance for safeguarding partners (June 2025)",
  obligations: rules([...Object.values(DSP_1_5.obligations).map(changed), ...ADDED]),
  // Panel guidance (June 2025): what every rapid review covers (domain/decision-table.ts).
  differences: DIFFERENCES,
  words: PARTNERS_WORDS,
  contentRequired: {
    'rapid-review-report': ['factsAndAgencyInvolvement', 'immediateAction', 'potentialImprovements', 'racismAndInequalities', 'nextSteps'],
  },
};
