// One improvement action as the register's action log keeps it (§9.2: "the actions will be
// monitored within an action log and exception report"). The action's workflow writes a new
// snapshot with every change; the register keeps the one with the highest version, so a late or
// repeated write never rolls an action back. Listings read these rows, never the workflows.

export const ACTION_STATUSES = ['open', 'completed', 'withdrawn'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * How far an open action has been escalated (§9.2, §16.2): its deadline missed (the L&D Chair told,
 * the agency asked for an explanation), then the agency's Head of Service told (three months past
 * the specified deadline), then its Chief Officer (six months past the original deadline).
 */
export const ESCALATION_LEVELS = ['none', 'overdue', 'head-of-service', 'chief-officer'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** A reference for an action within its case: A01, A02, ... (never personal data). */
export const ACTION_ID_PATTERN = /^A\d{2,3}$/;

export interface ActionSnapshot {
  caseReference: string;
  actionId: string;
  /** The agency that owns the action, as the partnership's directory names it. */
  agency: string;
  /** Free text (a post or a person in the agency): sealed in the register. */
  owner: string;
  /** Free text: sealed in the register. */
  description: string;
  /** The review finding the action answers. Free text: sealed in the register. */
  finding: string;
  /** The day the action was agreed (YYYY-MM-DD, London). */
  agreedOn: string;
  /** The deadline first agreed (YYYY-MM-DD): the Chief Officer step counts from it (§9.2). */
  originalDeadline: string;
  /** The deadline now in force: the original, or the last extension (§9.2). */
  deadline: string;
  status: ActionStatus;
  escalation: EscalationLevel;
  /** The L&D Chair brought the Statutory Safeguarding Partners in (§9.2, exceptional). */
  sspInvolved: boolean;
  /** The day it was completed (YYYY-MM-DD), when completed. */
  completedOn?: string;
  /** Why it was withdrawn (§18.1: the reasons actions were not implemented). Free text: sealed. */
  withdrawnReason?: string;
  /** Increases with every change of the action; the register keeps the highest. */
  version: number;
  /** When this snapshot was made (ISO instant). */
  updatedAt: string;
}

/** The workflow ID of an action's watch: the case reference and the action's reference only. */
export function actionWorkflowId(caseReference: string, actionId: string): string {
  return `action-${caseReference}-${actionId}`;
}
