// Activities, built by a factory that receives its dependencies (transport, register,
// directory, calendar, the pages' address): tests hand in their own SMTP transport and database, production code
// has no test flags.
import type { Transporter } from 'nodemailer';
import type { WorkingDayCalendar } from '../domain/calendar';
import type { CaseSummary } from '../domain/case';
import type { AgencyContact, Mailbox } from '../domain/roles';
import { recipientAddresses } from './recipients';
import type { Register } from '../register/register';
import { deadlineCalculator } from './deadlines';
import { digestActivities } from './digest';
import { byDeadline, formOf } from './email-words';
import { inviteIcs } from './invites';
import { pageOf, renderNotice } from './notices';
import { sendThroughOutbox, type NoticeTiming } from './outbox';
import { ApplicationFailure } from '@temporalio/activity';
import type { BatchedNoticeResult, DigestActivities, IncidentActivities, Notice, NoticeResult, ObligationNotice, OutcomeRecord } from './types';
import { timeForAnotherSend } from './outbox';

export interface ActivityDependencies {
  calendar: WorkingDayCalendar;
  /** The register, with the key ring that seals the free text of its rows (register/register.ts). */
  register: Register;
  mailer: Transporter;
  mailFrom: string;
  mailboxes: Record<Mailbox, string>;
  /** The partnership's name, in the header of every email's HTML part (the partnership file's `name`). */
  partnershipName?: string;
  /** Where people reach the pages (config: PUBLIC_BASE_URL, no trailing slash): every email links to one. */
  publicBaseUrl: string;
  /** Each agency's contacts for its improvement actions (config: `agencies`). */
  agencies?: Record<string, Record<AgencyContact, string>>;
  /** People named in a case by sign-in ID (config: `people`): the commissioned reviewer (§8). */
  people?: Record<string, { email: string }>;
  /** The partnership's own working days for steps the seed gives no limit (local policy). */
  localPolicyWorkingDays?: Record<string, number>;
  /** Injected so tests can pin it; defaults to the wall clock. */
  now?: () => Date;
  /** The outbox's lease and send deadline (activities/outbox.ts); tests shorten them. */
  noticeTiming?: Partial<NoticeTiming>;
}

export function createActivities(deps: ActivityDependencies): IncidentActivities & DigestActivities {
  const now = deps.now ?? (() => new Date());
  const { calendar, register } = deps;

  const deadlines = deadlineCalculator(calendar, deps.localPolicyWorkingDays, now);

  /**
   * The calendar entry a notice carries, written for the addresses it goes to. A step's entry links
   * where the email does: its decision's form when everyone it goes to may record it, otherwise the
   * case's (or the action's) page; a cancellation or the meeting's entry, the page.
   */
  function inviteOf(notice: ObligationNotice, to: readonly string[]): { method: 'REQUEST' | 'CANCEL'; content: string } | undefined {
    if (!notice.invite) return undefined;
    const { deadline } = notice;
    const page = pageOf(deps.publicBaseUrl, notice.caseReference, notice.action?.actionId);
    const forTheStep = notice.invite.method === 'REQUEST' && !notice.action && notice.kind !== 'meeting-scheduled';
    const target = (forTheStep ? formOf(deps.publicBaseUrl, notice.caseReference, deadline.obligationId, notice.to) : undefined) ?? page;
    const description = `Case ${notice.caseReference}${notice.action ? `, improvement action ${notice.action.actionId}` : ''}: ${deadline.obligation} (${deadline.section}), ${byDeadline(deadline.dueAt)}. Record it on ${target.name}: ${target.url}`;
    return { method: notice.invite.method, content: inviteIcs(notice.invite, { mailFrom: deps.mailFrom, to, description, url: target.url, now: now() }) };
  }

  // At most once per notice key: the outbox row is claimed before sending (activities/outbox.ts).
  async function sendOne(notice: Notice): Promise<NoticeResult> {
    const { to, recorded, unconfigured } = await recipientAddresses(deps, notice.caseReference, notice.to);
    const rendered = renderNotice(notice, now(), deps.publicBaseUrl, unconfigured, deps.partnershipName);
    const invite = notice.kind === 'operations-alert' ? undefined : inviteOf(notice, to);
    return sendThroughOutbox(
      { register: register.db, mailer: deps.mailer, now, ...(deps.noticeTiming ? { timing: deps.noticeTiming } : {}) },
      {
        key: notice.key,
        caseReference: notice.caseReference,
        kind: notice.kind,
        obligationId: notice.kind === 'operations-alert' ? null : notice.deadline.obligationId,
        from: deps.mailFrom,
        to,
        recordedRecipients: recorded,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        ...(invite ? { icalEvent: invite } : {}),
      },
    );
  }

  return {
    ...digestActivities(deps),
    async computeDeadlines(request) {
      return deadlines.computeDeadlines(request);
    },

    async recordOutcomes(records: OutcomeRecord[], summary?: CaseSummary): Promise<void> {
      // The summary is version-guarded too: a repeated or late write never rolls the case list back.
      await register.events.record(records, now, summary);
    },

    async recordActionOutcomes({ records, snapshot }): Promise<void> {
      // Version-guarded: a repeated or late write never rolls the action log back.
      await register.actions.record(records, snapshot, now);
    },

    sendNotice: sendOne,

    async sendNotices(notices: Notice[]): Promise<BatchedNoticeResult[]> {
      const results: BatchedNoticeResult[] = [];
      for (const notice of notices) {
        // A send starts only if its claim's lease ends within this attempt (activities/outbox.ts):
        // otherwise the rest go in the next batch, as a retry would find them.
        if (results.length > 0 && !timeForAnotherSend()) break;
        try {
          results.push(await sendOne(notice));
        } catch (err) {
          if (err instanceof ApplicationFailure && err.type === 'NoticeRefused') {
            results.push({ failed: true });
            continue;
          }
          // What was sent is answered for; the rest is retried (SMTP down: the next batch fails alone).
          if (results.length > 0) break;
          throw err;
        }
      }
      return results;
    },
  };
}
