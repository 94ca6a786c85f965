// The weekly digest's workflow, started by the Temporal Schedule `weekly-digest` every weekday at
// 08:00 London time (services/digest-schedule.ts). It calls one activity with the instant the
// schedule fired for; the activity sends only on the week's first working day (the Monday, or the
// day after a bank holiday Monday) and sends each digest at most once (activities/digest.ts). No
// case is asked anything: the digest reads the register's projection of them.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DigestActivities, WeeklyDigestResult } from '../activities/types';

/** The instant a Schedule fired for (jitter included), which Temporal sets on each workflow it starts. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

// Reading the register and sending a dozen emails: bounded, retried while SMTP or the register is
// down (the digests already sent are then duplicates), and given up after a day: the next digest
// day's run sends the next week's. Heartbeats come from each send (activities/outbox.ts).
const activities = proxyActivities<DigestActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', nonRetryableErrorTypes: ['DigestRefused', 'InvalidDigestInput'] },
});

/** When the schedule fired for this run; started by hand, when the run started. */
function scheduledAt(): string {
  const info = workflowInfo();
  const typed = info.typedSearchAttributes.get(SCHEDULED_START);
  return (typed ?? info.startTime).toISOString();
}

export async function weeklyDigestWorkflow(): Promise<WeeklyDigestResult> {
  const at = scheduledAt();
  // The Temporal UI shows this beside the activity: the kind of email and the schedule's time, no content.
  return activities.sendWeeklyDigests.executeWithOptions({ summary: `email: weekly digests, scheduled ${at}` }, [{ scheduledAt: at }]);
}
