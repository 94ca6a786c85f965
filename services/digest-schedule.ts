// The Temporal Schedule behind the weekly digest (workflows/digest.ts): every weekday at 08:00 in
// the partnership's time zone (Europe/London, GMT or BST as the day has it). The workflow runs each
// weekday and its activity sends only on the week's first working day, so that a bank holiday
// Monday moves the digest to the Tuesday (and a closure day further) without the schedule knowing
// the calendar. Created when the worker starts, or brought up to date if it is there already; every
// call is bounded.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type * as workflows from '../workflows';
import { TASK_QUEUE } from '../workflows/contract';
import { boundedCalls } from './temporal-calls';

export const DIGEST_SCHEDULE_ID = 'weekly-digest';
/** The partnership's time zone: the procedure's days are London's (domain/calendar.ts). */
export const DIGEST_TIME_ZONE = 'Europe/London';
/** The hour the digest goes out on its day, London time. */
export const DIGEST_HOUR = 8;
/** How long each call to Temporal may take. */
export const DIGEST_SCHEDULE_CALL_MS = 10_000;

export function digestScheduleOptions(taskQueue = TASK_QUEUE): ScheduleOptions {
  return {
    scheduleId: DIGEST_SCHEDULE_ID,
    spec: {
      calendars: [{ dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY' }], hour: DIGEST_HOUR, minute: 0, comment: 'every weekday at 08:00; the digest goes out on the week\'s first working day' }],
      timezone: DIGEST_TIME_ZONE,
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'weeklyDigestWorkflow' satisfies keyof typeof workflows,
      // Temporal adds the time it fired for: weekly-digest-2026-12-29T08:00:00Z.
      workflowId: DIGEST_SCHEDULE_ID,
      taskQueue,
      args: [],
      // Bounded: a run that cannot send within a day gives way to the next day's.
      workflowExecutionTimeout: '1 day',
      // An email's summary, as every activity's is (domain/case-details.ts): the codec leaves it in clear for the UI.
      staticSummary: 'email: weekly digest, per role and per agency, on the first working day of each week',
    },
    policies: {
      // One run at a time: a run still retrying (SMTP down) is not joined by the next day's.
      overlap: ScheduleOverlapPolicy.SKIP,
      // A server that was down at 08:00 still runs that day's when it is back within the day; never an older one.
      catchupWindow: '1 day',
    },
  };
}

/**
 * Creates the schedule, or brings an existing one to these options (its pause and history kept).
 * Whether it was created or updated; TemporalUnavailable when Temporal does not answer in time.
 */
export async function ensureDigestSchedule(temporal: Client, options: { taskQueue?: string; withinMs?: number } = {}): Promise<'created' | 'updated'> {
  const bounded = boundedCalls(temporal, options.withinMs ?? DIGEST_SCHEDULE_CALL_MS);
  const wanted = digestScheduleOptions(options.taskQueue);
  try {
    await bounded(() => temporal.schedule.create(wanted));
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const { scheduleId: _id, ...update } = wanted;
  await bounded(() => temporal.schedule.getHandle(DIGEST_SCHEDULE_ID).update((previous) => ({ ...update, state: { paused: previous.state.paused, note: previous.state.note } })));
  return 'updated';
}
