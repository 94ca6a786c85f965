// Activities, built by a factory that receives its dependencies (transport, register,
// directory, calendar): tests hand in their own SMTP transport and database, production code
// has no test flags.
import type { Transporter } from 'nodemailer';
import type { KeyRing } from '../config/key-ring';
import type { WorkingDayCalendar } from '../domain/calendar';
import type { Mailbox } from '../domain/roles';
import { deadlineCalculator } from './deadlines';
import { renderNotice } from './notices';
import { sendThroughOutbox, type NoticeTiming } from './outbox';
import { recordEntry, type RegisterDb } from './register';
import type { IncidentActivities, Notice, NoticeResult, OutcomeRecord } from './types';

export interface ActivityDependencies {
  calendar: WorkingDayCalendar;
  register: RegisterDb;
  /** Seals the free text of the register's rows (activities/register-crypto.ts). */
  ring: KeyRing;
  mailer: Transporter;
  mailFrom: string;
  mailboxes: Record<Mailbox, string>;
  /** The partnership's own working days for steps the seed gives no limit (local policy). */
  localPolicyWorkingDays?: Record<string, number>;
  /** Injected so tests can pin it; defaults to the wall clock. */
  now?: () => Date;
  /** The outbox's lease and send deadline (activities/outbox.ts); tests shorten them. */
  noticeTiming?: Partial<NoticeTiming>;
}

export function createActivities(deps: ActivityDependencies): IncidentActivities {
  const now = deps.now ?? (() => new Date());
  const { calendar, register, ring } = deps;

  const deadlines = deadlineCalculator(calendar, deps.localPolicyWorkingDays, now);

  return {
    async computeDeadline(request) {
      return deadlines.computeDeadline(request);
    },

    async computeDeadlines(request) {
      return deadlines.computeDeadlines(request);
    },

    async recordOutcomes(records: OutcomeRecord[]): Promise<void> {
      await register.transaction().execute(async (tx) => {
        for (const record of records) await recordEntry(tx, ring, record, now());
      });
    },

    // At most once per notice key: the outbox row is claimed before sending (activities/outbox.ts).
    async sendNotice(notice: Notice): Promise<NoticeResult> {
      const rendered = renderNotice(notice, now());
      return sendThroughOutbox(
        { register, mailer: deps.mailer, now, ...(deps.noticeTiming ? { timing: deps.noticeTiming } : {}) },
        {
          key: notice.key,
          caseReference: notice.caseReference,
          kind: notice.kind,
          obligationId: notice.kind === 'operations-alert' ? null : notice.deadline.obligationId,
          from: deps.mailFrom,
          to: notice.to.map((m) => deps.mailboxes[m]),
          subject: rendered.subject,
          text: rendered.text,
        },
      );
    },
  };
}
