// Today's statutory guidance as a rulebook: Working Together to Safeguard Children 2023 and the
// Child Safeguarding Practice Review Panel's guidance for safeguarding partners (June 2025). It
// starts from the seed's (DSP 1.5) and changes what the guidance changed; docs/PROCEDURE.md shows
// the two side by side, each difference with its source.
import { DSP_1_5 } from './rulebook-dsp-1-5';
import { rules, SHORT, type ObligationRule, type Rulebook } from './rulebook-rules';

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

export const WT_2023: Rulebook = {
  version: 'WT-2023',
  title: "Working Together to Safeguard Children 2023, with the Panel's guidance for safeguarding partners (June 2025)",
  obligations: rules([...Object.values(DSP_1_5.obligations).map(changed), ...ADDED]),
};
