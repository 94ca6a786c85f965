// The clocks a deadline is counted from: a leaf of the domain, so that obligation tracking, the
// rulebook and the case can all name them without importing each other.

/**
 * The events a deadline can be counted from (DSP 1.5, "Deadlines", column "clock").
 * A case keeps the date of each as it becomes known; a corrected date recomputes every
 * deadline counted from it.
 */
export const CLOCK_EVENTS = [
  'referrer-became-aware',
  'referral-received',
  'la-became-aware',
  'ssp-decision',
  'national-notification-sent',
  'csprp-acknowledgement',
  'rapid-review-reported',
  'csprp-response',
  'further-information-sent',
  'lcspr-decision',
  'planned-publication',
  'publication',
  'publication-delayed',
  'decision-not-to-publish',
  'learning-referred',
  'ld-decision',
  /** An improvement action's deadline now in force: the agreed one, or the last extension (§9.2). */
  'action-deadline',
  /** An improvement action's deadline as first agreed (§9.2: the Chief Officer step counts from it). */
  'action-original-deadline',
  /** §6.5: the date the Rapid Review's request gives the agencies to return their information by. */
  'rapid-review-returns-due',
] as const;
export type ClockEvent = (typeof CLOCK_EVENTS)[number];
