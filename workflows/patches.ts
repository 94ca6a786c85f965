// The patch IDs the case's workflow passes to patched(), in one place. Each keeps an older path so
// that a case which ran it replays as it ran (docs/DEVELOPMENT.md, "Replay fixtures"): a patch's
// marker is in every history recorded since, so these strings never change.
//
// Removing one (Temporal's two steps for patches):
//  1. Once no run of incidentWorkflow started before the patch was deployed can still run or be
//     replayed, the call becomes deprecatePatch(ID) and only the newer path is kept. An operator
//     knows by asking Temporal: `temporal workflow list --query "WorkflowType = 'incidentWorkflow'
//     AND StartTime < '<when the release with the patch was deployed>'"` lists nothing. That covers
//     open runs and closed ones still within the namespace's retention, which Temporal replays to
//     answer a query on a closed case. Each run of a case continued as new has its own StartTime:
//     a run started since the deployment took the newer path. The generations of
//     test/fixtures/histories recorded without the patch's marker are retired in the same change
//     (RETIRED in test/replay/replay.test.ts: kept, and shown to be refused).
//  2. Once no run started before deprecatePatch was deployed can run or be replayed either (the
//     same query, with that release's time), the deprecatePatch call goes too.
//
// An improvement action's workflow (workflows/action.ts) asks one: OWNERS_TOLD, as the case's does.
//
// Not every change to a command needs one: a timer's or an activity's summary and a child's static
// summary are user metadata on the command, which replay does not compare (every saved history
// replayed unchanged when they were added), and current details are no command at all.
//
// Most IDs are asked once per run, when it starts. CASE_SUMMARY_IN_REGISTER is asked on every turn
// of the main loop until it holds: a case already running when the release is deployed takes the
// newer path from its first turn on the new code (its history then has the marker from that turn
// on). Its removal follows the same two steps: a run started before the deployment may have turns
// recorded without it.

/**
 * §5.2: at the referral the Business Unit and the SSP are told by when the national notification
 * is due, should the criteria be met (one more email at the opening). Cases opened before it replay
 * without that email. Histories without its marker: v2-atomic-decisions.
 */
export const NOTIFICATION_DEADLINE_AT_REFERRAL = 'notification-deadline-at-referral';

/**
 * The main loop issues every command itself (the outbox through outboxDispatcher, the actions'
 * workflows started, one wake-up timer kept while its instant is unchanged), so a replay on a worker
 * that did not cache the case issues them in the order its history has them, and a decision costs
 * no timer commands. Cases started before it carry out their outbox in loops of their own and start
 * their actions in a third. Asked once per run, when the run starts: a run continued as new since
 * the deployment takes the newer path. Histories without its marker: v2, v3.
 */
export const COMMANDS_FROM_MAIN_LOOP = 'commands-from-main-loop';

/**
 * A decision from someone who may not read the case (a reviewer not commissioned on it, §8) is
 * refused as a case that does not exist, in the update handler as well as its validator. Decisions
 * recorded before it were never checked so in the handler. Histories without its marker: v2, v3.
 */
export const DECISIONS_WITHIN_READ_SCOPE = 'decisions-within-read-scope';

/**
 * reviewer-commissioned requires the reviewer's sign-in ID (it is what lets the reviewer read the
 * case and send the draft, §8). A commissioning recorded before it replays as it was checked then,
 * without the ID (checkDecision's `asRecorded`). Asked only for that decision, so only the LCSPR
 * paths have its marker. Histories that commission a reviewer without it: v2, v3, v4.
 */
export const REVIEWER_ID_REQUIRED = 'reviewer-id-required';

/**
 * The case keeps its summary in the register (domain/case.ts CaseSummary, register/case-summary.ts):
 * on each turn whose summary says something new (stage, deadlines, missed count, readers), the case
 * queues it, and its next register write carries it (the same recordOutcomes activity, usually with
 * the turn's rows; one more call only when a summary waits with no row). The case list and "my work"
 * read it instead of asking each case. Turns recorded before it queued nothing. Asked on every turn
 * until it holds, so running cases take it from their next turn. Histories without its marker: v2,
 * v3, v4, v5.
 */
export const CASE_SUMMARY_IN_REGISTER = 'case-summary-in-register';

/**
 * Each step's owner is told when it becomes theirs, with a calendar entry for its deadline day,
 * moved with the deadline and cancelled when the step is settled (domain/owners-told.ts): more
 * emails. Asked once, when a case or an action starts (not when a run continues as new: the answer
 * rides in the state), so cases and actions opened before it never send them. Asked by the case
 * only on the main-loop path (COMMANDS_FROM_MAIN_LOOP). Histories without its marker: v2 to v6;
 * v7-owners-told has it.
 */
export const OWNERS_TOLD = 'owners-told-with-calendar-entries';
