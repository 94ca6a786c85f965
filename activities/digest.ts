// The weekly digest's activity: on the week's first working day, each role's mailbox and each
// agency's action lead get what is overdue and what falls due in the next 10 working days
// (domain/digest.ts), read from the register's projection of the cases and actions
// (register/digest.ts), never from the workflows. The schedule fires every weekday
// (services/digest-schedule.ts); on any other day this sends nothing. Each digest goes through the
// outbox (activities/outbox.ts) under a key of its week and recipient, so a second firing, a
// retried attempt or two runs at once send it at most once.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { endOfLondonDay, londonDateOf } from '../domain/calendar';
import { digestDayOf, digestKey, digestUntil, isDigestDay, planDigests, type Digest } from '../domain/digest';
import { readDigestProjection } from '../register/digest';
import { renderDigest } from './digest-email';
import type { ActivityDependencies } from './index';
import { DEFAULT_PARTNERSHIP_NAME } from './notices';
import { sendThroughOutbox } from './outbox';
import type { DigestActivities, WeeklyDigestInput, WeeklyDigestResult } from './types';

/** The outbox row's kind for a digest; it is about many cases, so its case reference is empty. */
export const DIGEST_KIND = 'weekly-digest';

/** Counts and failure types only: what a digest lists is never logged. */
function log(message: string, fields: Record<string, string | number>): void {
  try {
    Context.current().log.info(message, fields);
  } catch {
    // outside an activity (a script), or a logger that fails: never the digest's concern
  }
}

/** A failure's type (NoticeClaimed, NoticeNotSent, NoticeRefused...), never its words. */
const failureType = (err: unknown): string => (err instanceof ApplicationFailure && err.type ? err.type : 'Error');

export function digestActivities(deps: ActivityDependencies): DigestActivities {
  /** The digest's address; an agency missing from the directory: the L&D Chair, who owns the action plan (§9.2), told why. */
  function addressOf(digest: Digest): { to: string; unconfigured: string[] } {
    const r = digest.recipient;
    if ('role' in r) return { to: deps.mailboxes[r.role], unconfigured: [] };
    // A reviewer the directory has no address for: the Business Unit, who commissioned them, told why.
    if ('reviewer' in r) {
      const address = deps.people?.[r.reviewer]?.email;
      return address ? { to: address, unconfigured: [] } : { to: deps.mailboxes['business-unit'], unconfigured: ['the commissioned reviewer (by sign-in ID)'] };
    }
    const lead = deps.agencies?.[r.agency]?.['action-lead'];
    return lead ? { to: lead, unconfigured: [] } : { to: deps.mailboxes['ld-chair'], unconfigured: [`action-lead of ${r.agency}`] };
  }

  return {
    async sendWeeklyDigests(input: WeeklyDigestInput): Promise<WeeklyDigestResult> {
      // As of the schedule's time: a run the worker took late is still that day's digest. A pinned
      // clock (ActivityDependencies.now, tests) stands in for it.
      const asOf = deps.now ? deps.now() : new Date(input.scheduledAt);
      if (Number.isNaN(asOf.getTime())) throw ApplicationFailure.nonRetryable('the digest needs the instant its schedule fired', 'InvalidDigestInput');
      const today = londonDateOf(asOf);
      if (!isDigestDay(today, deps.calendar)) {
        const digestDay = digestDayOf(today, deps.calendar);
        return { sent: 0, duplicates: 0, skipped: `${today} is not the week's digest day${digestDay ? ` (${digestDay})` : ' (the week has no working day)'}` };
      }
      const until = digestUntil(today, deps.calendar);
      const projection = await readDigestProjection(deps.register.db, { dueBy: endOfLondonDay(until), dueByDate: until });
      const plan = planDigests({ ...projection, calendar: deps.calendar, asOf });
      // The outbox's leases run on the wall clock, whatever the digest is as of.
      const outbox = { register: deps.register.db, mailer: deps.mailer, now: () => new Date(), ...(deps.noticeTiming ? { timing: deps.noticeTiming } : {}) };

      let sent = 0;
      let duplicates = 0;
      const failures: string[] = [];
      // One by one, each at most once: a digest that fails does not hold back the others.
      for (const digest of plan.digests) {
        const { to, unconfigured } = addressOf(digest);
        const rendered = renderDigest(plan, digest, deps.publicBaseUrl, deps.partnershipName ?? DEFAULT_PARTNERSHIP_NAME, unconfigured);
        try {
          const result = await sendThroughOutbox(outbox, { key: digestKey(plan.week, digest.recipient), caseReference: '', kind: DIGEST_KIND, obligationId: null, from: deps.mailFrom, to: [to], ...rendered });
          if (result.duplicate) duplicates += 1;
          else sent += 1;
        } catch (err) {
          failures.push(failureType(err));
        }
      }
      log('weekly digests', { week: plan.week, digests: plan.digests.length, sent, duplicates, failed: failures.length });
      if (failures.length > 0) {
        // Another run holds a digest, or SMTP is down: retried, the digests already sent are duplicates.
        // A relay that refused one for good (NoticeRefused) does not change its mind: final.
        const message = `${failures.length} of ${plan.digests.length} digests not sent (${[...new Set(failures)].join(', ')})`;
        if (failures.every((f) => f === 'NoticeRefused')) throw ApplicationFailure.nonRetryable(message, 'DigestRefused');
        throw ApplicationFailure.retryable(message, 'DigestNotSent');
      }
      return { sent, duplicates };
    },
  };
}
