// Every decision a person records (DSP 1.5, "People and what they may decide"): which roles may
// make it, at which stages it fits, its payload schema (each field with its meaning and purpose,
// domain/fields.ts), the obligation it meets and what it does to the case. Data, with the effects
// as small pure functions; the engine that checks and applies a decision is domain/decisions.ts
// and domain/incident.ts. A decision added here gets its API route, its OpenAPI entry, its
// refusals, its register encryption and its timeline entry from this table alone
// (test/unit/decision-table-extension.test.ts adds one in a test-only table).
import { z } from 'zod';
import { actionTermsSchema, type ActionTerms } from './action';
import { isOpen, STAGES, type CaseFacts, type CaseState, type Stage } from './case';
import { CLOCK_EVENTS, type ClockEvent } from './clocks';
import { field } from './fields';
import { dateOrInstantSchema, dateSchema, instantSchema } from './instants';
import type { ObligationId, ObligationInstanceId } from './obligation-ids';
import {
  agenciesNamed,
  agencyReturnSchema,
  informationRequestRefusal,
  informationRequestSchema,
  newlyAsked,
  outstandingReturns,
  returnInstanceFor,
} from './rapid-review-returns';
import { ROLE_NAMES, type Actor, type Role } from './roles';
import { obligationRule } from './rulebook';
import { londonDateAt } from './working-days-late';

// Field schemas are built with the decision's schema, never kept (see DecisionRule.schema).
/** Words that give the decision's reasons, as the record keeps them: never empty. */
const words = (purpose: string) => field(z.string().trim().min(1, 'a rationale is required').max(10_000), 'free-text', purpose);
const rationale = () => words('the reasons for the decision, as the record will keep them');
const reason = () => words('the reason, as the record will keep it');
const note = () => field(z.string().trim().max(2_000), 'free-text', 'a short note for the record').optional();
/** When it happened, if not now (recorded after the fact). */
const occurredAt = () => field(instantSchema(), 'instant-past', 'when it happened, if not now').optional();
/** A person's sign-in ID (what the identity provider calls them): it is what lets them act. */
const signInId = (purpose: string, message = 'must be the sign-in ID the reviewer signs in with (letters, digits, . _ -); it lets them read the case and send the draft') =>
  field(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, message), 'sign-in-id', purpose);
const reviewerId = () => signInId("the reviewer's sign-in ID: it lets the reviewer read the case and send the draft report");
/** The reviewer's name as it will be published with the report (§14.4): the case keeps it. */
const reviewerName = () => field(z.string().trim().min(1).max(200), 'person-name', "the reviewer's name, as it will be published with the report (§14.4)");
const choice = <const T extends readonly [string, ...string[]]>(values: T, purpose: string) => field(z.enum(values), 'choice', purpose);

export const SSP_OUTCOMES = ['criteria-met', 'not-met-learning', 'not-met-no-further-action'] as const;
export const RAPID_REVIEW_RECOMMENDATIONS = ['lcspr', 'national-review', 'other-review', 'no-further-action'] as const;
export const LEVELS_OF_REVIEW = ['lcspr', 'national-review-recommended', 'other-review', 'no-further-action'] as const;
export const PANEL_RESPONSES = ['national-review', 'further-information', 'local-review'] as const;
/** §10.6, in the seed's order. */
export const LD_OUTCOMES = [
  'multi-agency-practice-review',
  'multi-agency-audit',
  'single-agency-internal-review',
  'quality-assurance',
  'no-further-action',
] as const;

/** Decisions that may be recorded whatever the stage, as long as their obligation is open. */
export const ANY_STAGE = 'any-open-stage' as const;

/** What a decision does to the case. */
export interface Effects {
  stage?: Stage;
  /** Obligations met at the decision's time (beyond the one the rule names). */
  meet?: ObligationId[];
  /** The date those were really done, where the procedure judges by it (§15.5: publishedOn). */
  meetOn?: string;
  /** Obligations that start (or start again) now, or an agency's instance of one (§6.5); their clocks must be set. */
  open?: Array<ObligationId | ObligationInstanceId>;
  /** Obligations (or agencies' instances) no longer required on the path the case took. */
  withdraw?: Array<ObligationId | ObligationInstanceId>;
  /** Minimum periods ended early. */
  breach?: ObligationId[];
  clocks?: Partial<Record<ClockEvent, string>>;
  /** A clock corrected: every obligation counted from it is recomputed. */
  corrected?: { clock: ClockEvent; to: string; reason: string };
  facts?: Partial<CaseFacts>;
  /** Details for the timeline and register: outcomes and dates, never personal data. */
  detail?: Record<string, string | number | boolean | null>;
  /** The decision and its rationale go to the L&D Chair (§5.6, §10.1): the ld-informed obligation. */
  shareWithLd?: boolean;
  /** Improvement actions agreed (§16.2): each gets its reference and a workflow of its own. */
  actions?: ActionTerms[];
}

interface Context<P> {
  state: CaseState;
  payload: P;
  /** When the decision says it happened (ISO instant). */
  at: string;
}

export interface DecisionRule<S extends z.ZodType = z.ZodType> {
  roles: readonly Role[];
  stages: readonly Stage[] | typeof ANY_STAGE;
  /**
   * Built when a payload is checked and not kept: every cached case evaluates this module, and
   * holding every decision's schema cost each about 0.5 MiB.
   */
  schema: () => S;
  /**
   * The schema histories recorded before `schema` was tightened were checked with: the handler
   * checks a decision again on replay, so it must accept what was accepted then (the workflow's
   * patch decides which one applies).
   */
  recordedSchema?: () => z.ZodType;
  /** The obligation the decision meets, stopping its clock; it must be open. */
  meets?: ObligationId;
  /**
   * For an obligation kept once per agency (§6.5): the instance of `meets` this decision meets,
   * named from the person (and payload): an agency meets its own, never another's. Without it a
   * decision meets `meets` itself.
   */
  meetsInstance?: (actor: Actor, payload: unknown) => ObligationInstanceId;
  /**
   * What the decision records is special-category data kept only sealed in the register (§6.5: an
   * agency's return): the timeline keeps that it was made, never its words.
   */
  sealedOnly?: true;
  /** Further conditions, with the reason when they do not hold. */
  requires?: (state: CaseState, payload: z.infer<S>) => string | undefined;
  then?: (ctx: Context<z.infer<S>>) => Effects;
}

function rule<S extends z.ZodType>(r: DecisionRule<S>): DecisionRule<S> {
  return r;
}

/**
 * The most improvement actions a case holds. Each costs its case about 5 history events (its
 * start and its settling; measured by test/e2e/action-plan-scale.test.ts), so 300 stay well
 * under Temporal's continue-as-new suggestion of 4,096 events with the rest of the case.
 */
export const MAX_ACTIONS = 300;

/** The case's improvement actions not yet completed or withdrawn. */
export function openActions(state: CaseState): string[] {
  return Object.entries(state.actions ?? {})
    .filter(([, a]) => a.status === 'open')
    .map(([id]) => id)
    .sort();
}

function openObligations(state: CaseState, ids: ObligationId[]): ObligationId[] {
  return ids.filter((id) => {
    const o = state.obligations[id];
    return o !== undefined && isOpen(o);
  });
}

const LCSPR_OBLIGATIONS: ObligationId[] = ['reviewer-commissioned', 'terms-of-reference'];

/**
 * The rapid review's obligations whose clock, in the case's rulebook, is the one just set: the
 * Panel's acknowledgement under DSP 1.5 (§6.2, §6.10), the notification's sending under WT-2023.
 */
function rapidReviewCountedFrom(state: CaseState, clock: ClockEvent): ObligationId[] {
  return (['rapid-review-meeting', 'rapid-review-report'] as const).filter((id) => obligationRule(state.rulebookVersion, id).clock === clock);
}

/**
 * What a rapid review report covers, each in the reviewers' own words (§6.6; the Panel's guidance
 * for safeguarding partners, June 2025, adds key practice episodes and racism and inequalities).
 */
export const RAPID_REVIEW_CONTENT = {
  factsAndAgencyInvolvement: 'the facts as far as they can be readily established, with each agency\'s involvement and the key practice episodes (§6.6)',
  immediateAction: 'the immediate action taken or needed to keep children safe, and the learning shared (§6.6)',
  potentialImprovements: 'the potential improvements to safeguard and promote the welfare of children (§6.6)',
  racismAndInequalities: "how racism and inequalities linked to protected characteristics, including disability, may have shaped the family's experience and the practice (Panel guidance 2025)",
  nextSteps: 'the next steps, including the decision on a review and why (§6.6)',
} as const;

function rapidReviewContent() {
  const optionalWords = (purpose: string) => field(z.string().trim().min(1, 'must not be empty: leave it out instead').max(20_000), 'free-text', purpose).optional();
  return Object.fromEntries(Object.entries(RAPID_REVIEW_CONTENT).map(([key, purpose]) => [key, optionalWords(purpose)])) as {
    [K in keyof typeof RAPID_REVIEW_CONTENT]: ReturnType<typeof optionalWords>;
  };
}

export const DECISIONS = {
  'ssp-informed': rule({
    roles: ['business-unit'],
    stages: ['referral-received'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    meets: 'ssp-informed',
    then: () => ({ stage: 'awaiting-ssp-decision' }),
  }),

  // §4.6, §5.4–5.6: the SSP decide whether the criteria for notification are met.
  'ssp-decision': rule({
    roles: ['ssp'],
    stages: ['awaiting-ssp-decision'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), outcome: choice(SSP_OUTCOMES, 'the outcome decided'), rationale: rationale() }),
    meets: 'ssp-decision',
    then: ({ state, payload, at }) => {
      const common: Effects = {
        clocks: { 'ssp-decision': at },
        open: ['referrer-feedback'],
        facts: { sspOutcome: payload.outcome },
        detail: { outcome: payload.outcome },
        shareWithLd: true,
      };
      // §5.2: the notification has been watched since the referral; without the criteria it is not required.
      const withdraw = openObligations(state, ['national-notification']);
      switch (payload.outcome) {
        case 'criteria-met':
          return { ...common, stage: 'awaiting-national-notification' };
        case 'not-met-learning':
          return {
            ...common,
            stage: 'learning-review',
            clocks: { 'ssp-decision': at, 'learning-referred': at },
            open: ['referrer-feedback', 'ld-decision'],
            withdraw,
          };
        case 'not-met-no-further-action':
          return { ...common, stage: 'no-further-action', withdraw };
      }
    },
  }),

  'referrer-feedback-sent': rule({
    roles: ['business-unit'],
    stages: ANY_STAGE,
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    meets: 'referrer-feedback',
  }),

  // §5.6, §10.1: normally met by the automatic email at the SSP decision; if the L&D Chair's
  // mailbox refused it, the Business Unit shares the details another way and records it here.
  'shared-with-ld-chair': rule({
    roles: ['business-unit'],
    stages: ANY_STAGE,
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    meets: 'ld-informed',
  }),

  // §5.3: the death of a looked-after child is notified whatever the criteria decision.
  'looked-after-death-notified': rule({
    roles: ['business-unit'],
    stages: ANY_STAGE,
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    meets: 'looked-after-death-notification',
  }),

  // §5.2: the online notification to the Panel, with the reference it gives.
  'national-notification': rule({
    roles: ['business-unit'],
    stages: ['awaiting-national-notification'],
    schema: () => z.strictObject({
      occurredAt: occurredAt(),
      panelReference: field(
        z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9/_.-]{2,39}$/, 'must be the reference the Panel gave (letters, digits, / _ . -)'),
        'reference',
        'the reference the Panel gave to the notification (§5.2)',
      ),
    }),
    meets: 'national-notification',
    then: ({ state, payload, at }) => {
      // WT-2023 (Panel guidance, June 2025): the rapid review starts with the notification's
      // sending, while the Panel's acknowledgement is awaited beside it.
      const rapidReview = rapidReviewCountedFrom(state, 'national-notification-sent');
      return {
        stage: rapidReview.length > 0 ? 'rapid-review' : 'awaiting-panel-acknowledgement',
        clocks: { 'national-notification-sent': at },
        open: ['csprp-acknowledgement', ...rapidReview],
        facts: { panelReference: payload.panelReference },
        detail: { panelReference: payload.panelReference },
      };
    },
  }),

  // Any stage while the acknowledgement is awaited: under WT-2023 the rapid review goes on meanwhile.
  'panel-acknowledgement': rule({
    roles: ['business-unit'],
    stages: ANY_STAGE,
    schema: () => z.strictObject({ occurredAt: occurredAt() }),
    meets: 'csprp-acknowledgement',
    then: ({ state, at }) => ({
      // DSP 1.5 §6.2: the rapid review's 15 WD count from the acknowledgement, so it starts now.
      ...(state.stage === 'awaiting-panel-acknowledgement' ? { stage: 'rapid-review' as const } : {}),
      clocks: { 'csprp-acknowledgement': at },
      open: rapidReviewCountedFrom(state, 'csprp-acknowledgement'),
    }),
  }),

  // §6.2: scheduling says nothing is met yet, but a date past the target or limit is flagged.
  'rapid-review-scheduled': rule({
    roles: ['rapid-review-chair'],
    stages: ['rapid-review'],
    schema: () => z.strictObject({ meetingDate: field(dateSchema(), 'date-set', 'the date set for the Rapid Review meeting (§6.2)') }),
    then: ({ state, payload }) => {
      const deadline = state.obligations['rapid-review-meeting']?.deadline;
      let warning = 'none';
      if (deadline && payload.meetingDate > deadline.dueDate) warning = 'after the 15 working day limit';
      else if (deadline?.target && payload.meetingDate > deadline.target.dueDate) warning = 'after the 7-10 working day target';
      return { detail: { meetingDate: payload.meetingDate, warning } };
    },
  }),

  'rapid-review-held': rule({
    roles: ['rapid-review-chair'],
    stages: ['rapid-review'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), recommendation: choice(RAPID_REVIEW_RECOMMENDATIONS, "the Rapid Review's recommendation (§6.8)"), rationale: rationale() }),
    meets: 'rapid-review-meeting',
    then: ({ state, payload }) => {
      // §6.5: the information was asked for the meeting; once it is held, what has not come is no longer asked.
      const outstanding = outstandingReturns(state);
      return {
        stage: 'awaiting-level-of-review',
        facts: { rapidReviewRecommendation: payload.recommendation },
        detail: { recommendation: payload.recommendation },
        ...(outstanding.length > 0 ? { withdraw: outstanding } : {}),
      };
    },
  }),

  // --- The Rapid Review's information from each agency (§6.5, Appendix 2; domain/rapid-review-returns.ts) ---

  // §6.5 says the SSP request the information; the partnership's Rapid Review chair asks for it in
  // practice: either records the request. One obligation per agency, due on the date given.
  'rapid-review-information-requested': rule({
    roles: ['rapid-review-chair', 'ssp'],
    stages: ['rapid-review'],
    schema: informationRequestSchema,
    requires: (state, payload) => informationRequestRefusal(state, payload),
    then: ({ state, payload }) => {
      const asked = newlyAsked(state, payload);
      return {
        clocks: { 'rapid-review-returns-due': payload.returnsDueOn },
        open: asked.map(returnInstanceFor),
        detail: { returnsDueOn: payload.returnsDueOn, agenciesAsked: asked.join(', '), agenciesNamed: agenciesNamed(payload).length },
      };
    },
  }),

  // §6.5, Appendix 2: the agency's own return, recorded by the agency (its action-owner people:
  // an agency signs in as its agency). It meets its own agency's instance only.
  'rapid-review-return': rule({
    roles: ['action-owner'],
    stages: ['rapid-review'],
    schema: agencyReturnSchema,
    meets: 'rapid-review-return',
    meetsInstance: (actor) => returnInstanceFor(actor.agency),
    sealedOnly: true,
  }),

  // §6.10: the SSP/Scrutineer's final decision on the level of review, reported to the Panel.
  'rapid-review-report': rule({
    roles: ['ssp'],
    stages: ['awaiting-level-of-review'],
    schema: () => z.strictObject({
      occurredAt: occurredAt(),
      levelOfReview: choice(LEVELS_OF_REVIEW, 'the level of review decided (§6.10)'),
      rationale: rationale(),
      // What the rapid review covers (§6.6; Panel guidance 2025): optional under DSP 1.5, required
      // under WT-2023 (its rulebook's contentRequired).
      ...rapidReviewContent(),
    }),
    meets: 'rapid-review-report',
    then: ({ payload, at }): Effects => {
      const lcspr = payload.levelOfReview === 'lcspr';
      return {
        stage: 'awaiting-panel-response',
        // §15.5: the 6 months run from the decision to hold the LCSPR.
        clocks: { 'rapid-review-reported': at, ...(lcspr ? { 'lcspr-decision': at } : {}) },
        open: ['csprp-response', ...(lcspr ? (['lcspr-publication'] as const) : [])],
        facts: { levelOfReview: payload.levelOfReview },
        detail: { levelOfReview: payload.levelOfReview },
      };
    },
  }),

  // §6.11: a national review, a request for further information (which loops back), or local.
  'panel-response': rule({
    roles: ['business-unit'],
    stages: ['awaiting-panel-response'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), response: choice(PANEL_RESPONSES, "the Panel's response (§6.11)") }),
    meets: 'csprp-response',
    then: ({ state, payload, at }) => {
      const common = { clocks: { 'csprp-response': at }, facts: { panelResponse: payload.response }, detail: { response: payload.response } };
      if (payload.response === 'national-review') {
        return { ...common, stage: 'national-review', withdraw: openObligations(state, ['lcspr-publication']) };
      }
      if (payload.response === 'further-information') {
        return { ...common, stage: 'further-information-requested', open: ['further-information'] };
      }
      switch (state.facts.levelOfReview) {
        case 'lcspr':
          return { ...common, stage: 'lcspr', open: LCSPR_OBLIGATIONS };
        case 'national-review-recommended':
          // The Panel concluded a local review is more appropriate (§7.6): the LCSPR is decided now.
          return {
            ...common,
            stage: 'lcspr',
            clocks: { ...common.clocks, 'lcspr-decision': at },
            open: ['lcspr-publication', ...LCSPR_OBLIGATIONS],
          };
        case 'other-review':
          return { ...common, stage: 'other-review' };
        default:
          return { ...common, stage: 'no-further-action' };
      }
    },
  }),

  'further-information-sent': rule({
    roles: ['business-unit'],
    stages: ['further-information-requested'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    meets: 'further-information',
    then: ({ at }) => ({
      stage: 'awaiting-panel-response',
      clocks: { 'rapid-review-reported': at, 'further-information-sent': at },
      open: ['csprp-response'],
    }),
  }),

  // §8: commissioning; the reviewer's name is published with the report (§14.4). The reviewer's
  // sign-in ID is what lets them read the case and send the draft (draft-report-to-ld is theirs
  // alone): left out, the case could never leave the LCSPR, so it is required.
  'reviewer-commissioned': rule({
    roles: ['ssp'],
    stages: ['lcspr'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), reviewer: reviewerName(), reviewerId: reviewerId() }),
    // Histories recorded before the ID was required replay with the schema they were checked with.
    recordedSchema: () => z.strictObject({ occurredAt: occurredAt(), reviewer: reviewerName(), reviewerId: reviewerId().optional() }),
    meets: 'reviewer-commissioned',
    then: ({ state, payload }) =>
      payload.reviewerId ? { facts: { reviewerIds: [...(state.facts.reviewerIds ?? []), payload.reviewerId] }, detail: { reviewerId: payload.reviewerId } } : {},
  }),

  // §8.1: a reviewer who leaves, falls ill or has a conflict of interest is replaced, or another
  // is added, at any time during the review, with the reason. The timeline keeps who was
  // commissioned when; a replaced reviewer no longer reads the case (domain/access.ts).
  'reviewer-changed': rule({
    roles: ['ssp'],
    stages: ['lcspr', 'lcspr-draft', 'awaiting-publication'],
    schema: () =>
      z.strictObject({
        occurredAt: occurredAt(),
        reviewer: reviewerName(),
        reviewerId: reviewerId(),
        replaces: signInId('the sign-in ID of the reviewer who steps down; leave it out to add a reviewer', 'the sign-in ID of the reviewer who steps down; leave it out to add a reviewer').optional(),
        reason: reason(),
      }),
    requires: (state, payload) => {
      if (state.obligations['reviewer-commissioned']?.status === 'open' || state.obligations['reviewer-commissioned']?.status === 'missed') {
        return 'the first reviewer is recorded with reviewer-commissioned';
      }
      const current = state.facts.reviewerIds ?? [];
      if (current.includes(payload.reviewerId)) return 'that reviewer is already commissioned on this case';
      if (payload.replaces !== undefined && !current.includes(payload.replaces)) return 'replaces must be the sign-in ID of a reviewer commissioned on this case';
      return undefined;
    },
    then: ({ state, payload }) => ({
      facts: { reviewerIds: [...(state.facts.reviewerIds ?? []).filter((id) => id !== payload.replaces), payload.reviewerId] },
      detail: { reviewerId: payload.reviewerId, replaced: payload.replaces ?? null },
    }),
  }),

  'terms-of-reference-agreed': rule({
    roles: ['rapid-review-chair'],
    stages: ['lcspr'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    meets: 'terms-of-reference',
  }),

  'review-progress': rule({
    roles: ['reviewer', 'ssp'],
    stages: ['lcspr', 'lcspr-draft'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), summary: field(z.string().trim().min(1).max(10_000), 'free-text', 'what the review has done since the last update') }),
  }),

  // §16.1: the draft goes to the L&D Group, then to the SSP for sign-off.
  'draft-report-to-ld': rule({
    roles: ['reviewer'],
    stages: ['lcspr'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    requires: (state) => {
      const pending = openObligations(state, LCSPR_OBLIGATIONS);
      return pending.length > 0 ? `${pending.map(whoMeets).join(' and ')} ${pending.length === 1 ? 'comes' : 'come'} first` : undefined;
    },
    then: () => ({ stage: 'lcspr-draft' }),
  }),

  'ssp-sign-off': rule({
    roles: ['ssp'],
    stages: ['lcspr-draft'],
    schema: () => z.strictObject({
      occurredAt: occurredAt(),
      plannedPublicationDate: field(dateSchema(), 'date-planned', 'the date the report is planned to be published'),
      publish: choice(['full-report', 'learning-and-recommendations'], 'what will be published (§14.4)'),
    }),
    then: ({ payload }) => ({
      stage: 'awaiting-publication',
      clocks: { 'planned-publication': payload.plannedPublicationDate },
      open: ['report-to-panel'],
      facts: { publish: payload.publish, plannedPublicationDate: payload.plannedPublicationDate },
      detail: { plannedPublicationDate: payload.plannedPublicationDate, publish: payload.publish },
    }),
  }),

  // §14.7: to the Panel, the Secretary of State and Ofsted, at least 7 WD before publication.
  'report-sent-to-panel': rule({
    roles: ['ssp', 'business-unit'],
    stages: ANY_STAGE,
    schema: () => z.strictObject({ occurredAt: occurredAt() }),
    meets: 'report-to-panel',
  }),

  // §15.5: other proceedings delay publication: the reason and a new date; the Panel and the
  // Secretary of State must be told why.
  'publication-delayed': rule({
    roles: ['ssp'],
    stages: ['lcspr', 'lcspr-draft', 'awaiting-publication'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), reason: reason(), newPlannedPublicationDate: field(dateSchema(), 'date-planned', 'the new date the report is planned to be published, if there is one').optional() }),
    requires: (state, payload) =>
      payload.newPlannedPublicationDate && state.stage !== 'awaiting-publication'
        ? 'a new planned publication date can only be set once the SSP have signed the report off'
        : undefined,
    then: ({ state, payload, at }) => ({
      clocks: { 'publication-delayed': at },
      open: ['publication-delay-explained'],
      ...(payload.newPlannedPublicationDate && state.clocks['planned-publication']
        ? {
            corrected: { clock: 'planned-publication' as const, to: payload.newPlannedPublicationDate, reason: 'publication delayed (§15.5)' },
            facts: { plannedPublicationDate: payload.newPlannedPublicationDate },
          }
        : {}),
      detail: { newPlannedPublicationDate: payload.newPlannedPublicationDate ?? null },
    }),
  }),

  'delay-explained-to-panel': rule({
    roles: ['ssp', 'business-unit'],
    stages: ANY_STAGE,
    schema: () => z.strictObject({ occurredAt: occurredAt() }),
    meets: 'publication-delay-explained',
  }),

  published: rule({
    roles: ['ssp'],
    stages: ['awaiting-publication'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), publishedOn: field(dateSchema(), 'date-done', 'the date the report was published') }),
    then: ({ state, payload }) => ({
      stage: 'action-plan',
      // §15.5 is judged by the day it was published, not the day that was recorded.
      meet: ['lcspr-publication'],
      meetOn: payload.publishedOn,
      clocks: { publication: payload.publishedOn },
      // §14.7 is judged against the real publication date: published earlier than planned, the
      // report's deadline moves earlier; not yet sent, it is flagged as missed by that deadline.
      ...(state.clocks['planned-publication'] && state.clocks['planned-publication'] !== payload.publishedOn
        ? { corrected: { clock: 'planned-publication' as const, to: payload.publishedOn, reason: 'published (§14.7 judged against the real date)' } }
        : {}),
      open: ['publication-kept'],
      detail: { publishedOn: payload.publishedOn, reportSentFirst: !openObligations(state, ['report-to-panel']).length },
    }),
  }),

  // §15.3: a decision not to publish needs a justification to the Panel and Secretary of State.
  'not-to-publish': rule({
    roles: ['ssp'],
    stages: ['lcspr-draft', 'awaiting-publication'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), justification: words('why the report will not be published, for the Panel and the Secretary of State (§15.3)') }),
    then: ({ state, at }) => ({
      stage: 'action-plan',
      clocks: { 'decision-not-to-publish': at },
      open: ['non-publication-justified'],
      withdraw: openObligations(state, ['lcspr-publication', 'report-to-panel']),
      facts: { publish: 'not-published' },
    }),
  }),

  'justification-sent-to-panel': rule({
    roles: ['ssp', 'business-unit'],
    stages: ANY_STAGE,
    schema: () => z.strictObject({ occurredAt: occurredAt() }),
    meets: 'non-publication-justified',
  }),

  // §14.4: public for at least a year; taken down earlier, the period is broken.
  'publication-removed': rule({
    roles: ['ssp'],
    stages: ['action-plan'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), reason: reason() }),
    requires: (state) => (state.clocks.publication ? undefined : 'the report has not been published'),
    then: ({ state }) => ({ breach: openObligations(state, ['publication-kept']) }),
  }),

  'national-review-completed': rule({
    roles: ['ssp'],
    stages: ['national-review'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    then: () => ({ stage: 'action-plan' }),
  }),

  'other-review-completed': rule({
    roles: ['ssp', 'ld-chair'],
    stages: ['other-review'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    then: () => ({ stage: 'action-plan' }),
  }),

  // §10.6: the L&D Group's outcome for a learning referral.
  'ld-decision': rule({
    roles: ['ld-chair'],
    stages: ['learning-review'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), outcome: choice(LD_OUTCOMES, 'the outcome decided'), rationale: rationale() }),
    meets: 'ld-decision',
    then: ({ payload, at }) => ({
      stage: 'awaiting-ssp-approval',
      clocks: { 'ld-decision': at },
      open: ['ld-decision-approval'],
      facts: { ldOutcome: payload.outcome },
      detail: { outcome: payload.outcome },
    }),
  }),

  // §10.7: the SSP approve the L&D Group's decision, or send it back.
  'ssp-approval': rule({
    roles: ['ssp'],
    stages: ['awaiting-ssp-approval'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), approved: field(z.boolean(), 'flag', "whether the SSP approve the L&D Group's decision (true or false)"), rationale: rationale() }),
    meets: 'ld-decision-approval',
    then: ({ state, payload, at }) => {
      if (!payload.approved) {
        return { stage: 'learning-review', clocks: { 'learning-referred': at }, open: ['ld-decision'], detail: { approved: false } };
      }
      return { stage: state.facts.ldOutcome === 'no-further-action' ? 'no-further-action' : 'action-plan', detail: { approved: true } };
    },
  }),

  // the procedure (DSP 1.5) "What changes a deadline": a later-known date recomputes every deadline counted from it.
  'clock-corrected': rule({
    roles: ['business-unit'],
    stages: STAGES.filter((s) => s !== 'closed'),
    schema: () => z.strictObject({
      clock: choice(CLOCK_EVENTS, 'which date is corrected'),
      correctedTo: field(dateOrInstantSchema(), 'date-corrected', 'the date, or date and time, it really was'),
      reason: reason(),
    }),
    requires: (state, payload) => {
      if (payload.clock === 'planned-publication') return 'a new publication date is recorded with publication-delayed (§15.5)';
      if (!state.clocks[payload.clock]) return `the clock ${payload.clock} has not started in this case`;
      // The referral itself makes the LA aware (§5.2): awareness can be found earlier, never later.
      if (payload.clock === 'la-became-aware' && isAfterReceipt(state, payload.correctedTo)) {
        return 'la-became-aware can only be corrected to a date no later than the referral was received';
      }
      return undefined;
    },
    then: ({ payload }) => ({
      corrected: { clock: payload.clock, to: payload.correctedTo, reason: payload.reason },
      detail: { clock: payload.clock, correctedTo: payload.correctedTo },
    }),
  }),

  // §9.2, §16.2: the L&D Group determines the improvement actions after any outcome that yields
  // learning (a review published or completed, the learning path's review, a Rapid Review whose own
  // learning needs action). Recorded again to add actions later.
  'actions-agreed': rule({
    roles: ['ld-chair'],
    stages: ['action-plan', 'no-further-action'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), actions: field(z.array(actionTermsSchema()).min(1).max(100), 'list', 'the improvement actions agreed, at least one (§16.2)') }),
    requires: (state, payload) => {
      if (state.stage === 'no-further-action' && state.facts.rapidReviewRecommendation === undefined) {
        return 'no review of this case has yielded learning to act on (no Rapid Review was held)';
      }
      const agreed = Object.keys(state.actions ?? {}).length;
      // (Read defensively: docs/PROCEDURE.md's generator probes rules with partial payloads.)
      const adding = Array.isArray(payload.actions) ? payload.actions.length : 0;
      return agreed + adding > MAX_ACTIONS ? `a case holds at most ${MAX_ACTIONS} actions; ${agreed} are agreed` : undefined;
    },
    then: ({ payload }) => {
      const actions = Array.isArray(payload.actions) ? payload.actions : [];
      return { stage: 'action-plan', actions, detail: { actions: actions.length } };
    },
  }),

  // WT 2023 ch. 5: the LA has notified the Secretary of State and Ofsted of a care leaver's death.
  // Nothing else follows on this path (no rapid review, no LCSPR): the case closes.
  'care-leaver-death-notified': rule({
    roles: ['business-unit'],
    stages: ['awaiting-care-leaver-notification'],
    schema: () => z.strictObject({ occurredAt: occurredAt(), note: note() }),
    meets: 'care-leaver-death-notification',
    then: () => ({ stage: 'closed' }),
  }),

  'close-case': rule({
    roles: ['ssp', 'ld-chair'],
    stages: ['no-further-action', 'action-plan'],
    schema: () => z.strictObject({ note: note() }),
    requires: (state) => {
      const open = Object.values(state.obligations).filter(isOpen).map((o) => o.id);
      if (open.length > 0) return `obligations still open: ${open.sort().join(', ')}`;
      const actions = openActions(state);
      return actions.length > 0 ? `improvement actions still open: ${actions.join(', ')}` : undefined;
    },
    then: () => ({ stage: 'closed' }),
  }),
} as const satisfies Record<string, DecisionRule>;

/** The decision that meets an obligation, with who records it: "ssp-informed (by the Business Unit (business-unit))". */
function whoMeets(obligationId: string): string {
  const name = (Object.keys(DECISIONS) as Array<keyof typeof DECISIONS>).find((n) => DECISIONS[n].meets === obligationId);
  if (!name) return obligationId;
  return `${name} (by ${DECISIONS[name].roles.map((r) => ROLE_NAMES[r]).join(' or ')})`;
}

/** A date or instant after the referral's receipt (a date: after its London date). */
function isAfterReceipt(state: CaseState, value: string): boolean {
  if (value.length === 10) return value > londonDateAt(Date.parse(state.receivedAt));
  return Date.parse(value) > Date.parse(state.receivedAt);
}

