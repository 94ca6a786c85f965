// Sending a notice at most once. The outbox row (register, table `outbox`) is the send's identity:
// an attempt first claims the row with a lease (an atomic conditional UPDATE), sends only while it
// holds the claim, and marks the row sent or failed only where the claim is still its own. A second
// attempt of the same notice (a retry after a timeout, a duplicate activity, another worker) finds
// the row claimed and stops with a retryable NoticeClaimed; Temporal retries it, and then it finds
// the row sent and returns `duplicate: true`.
//
// The lease outlasts the longest possible send: every SMTP step has a timeout, the whole SMTP
// transaction is aborted at its deadline, and both end well before the lease does, which ends
// before the activity's startToCloseTimeout. So when Temporal gives up on an attempt and retries,
// the abandoned attempt can no longer be sending.
//
// One window remains, as with every SMTP client: the relay accepted the message and the attempt
// ended (crash, lost reply, deadline) before the row was marked sent. A later attempt sends it
// again, with the same Message-ID; the row then shows attempts >= 2 (docs/OPERATIONS.md, "Emails: at most once").
import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { RegisterDb } from '../register/database';
import type { NoticeResult } from './types';
import { SMTP_TIMEOUTS } from '../config/smtp';

/** The sendNotice activity's startToCloseTimeout in workflows/incident.ts ('1 minute'). */
export const NOTICE_ACTIVITY_TIMEOUT_MS = 60_000;

/**
 * The sendNotices activity's startToCloseTimeout (workflows/machinery.ts): room for a batch's sends
 * after the attempt waited for a worker, each started only while its lease ends within it.
 */
export const BATCH_ACTIVITY_TIMEOUT_MS = 5 * 60_000;

/**
 * socketTimeout restarts at every reply, so a relay that answers each command slowly could keep a
 * transaction going for many socket timeouts. The whole send is therefore aborted (AbortSignal,
 * the connection is closed) at this deadline: the sum of the SMTP timeouts.
 */
export const SEND_DEADLINE_MS = SMTP_TIMEOUTS.connectionTimeout + SMTP_TIMEOUTS.greetingTimeout + SMTP_TIMEOUTS.socketTimeout;

/** How long a claim holds: the send's deadline plus room for the register writes around it. */
export const LEASE_MS = 45_000;

export interface NoticeTiming {
  leaseMs: number;
  sendDeadlineMs: number;
}

export const NOTICE_TIMING: NoticeTiming = { leaseMs: LEASE_MS, sendDeadlineMs: SEND_DEADLINE_MS };

/** The Message-ID is derived from the notice key, so a second send of the same notice repeats it. */
/**
 * Whether the running activity attempt has room for one more send: a claim's lease must end before
 * the attempt's startToCloseTimeout, so that when Temporal gives up on the attempt nothing it
 * started can still be sending. Outside an activity (scripts, unit tests): yes.
 */
export function timeForAnotherSend(leaseMs = LEASE_MS, now = Date.now()): boolean {
  const info = activityContext()?.info;
  if (!info?.startToCloseTimeoutMs) return true;
  return now + leaseMs < info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs;
}

export function noticeMessageId(noticeKey: string): string {
  return `<${createHash('sha256').update(noticeKey).digest('hex').slice(0, 32)}@ssi-procedure>`;
}

export interface OutboxMessage {
  /** The notice's business identity: the outbox row's primary key. */
  key: string;
  caseReference: string;
  kind: string;
  obligationId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** The same words as an HTML part (activities/email-layout.ts); the row's identity is the key alone. */
  html?: string;
  /**
   * The recipients as the register's outbox row keeps them, where not the addresses themselves: the
   * referrer's address comes from the sealed form and is not written in clear beside it.
   */
  recordedRecipients?: string;
  /** A calendar entry (activities/invites.ts), sent as the text/calendar part with its METHOD. */
  icalEvent?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

export interface OutboxDependencies {
  register: RegisterDb;
  mailer: Transporter;
  now: () => Date;
  timing?: Partial<NoticeTiming>;
}

/** The activity context, or undefined outside one (unit tests, scripts). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

function heartbeat(): void {
  try {
    activityContext()?.heartbeat();
  } catch {
    // a heartbeat that cannot be sent never turns a notice into an error
  }
}

/** Only the case reference, kind and obligation: the rest of a notice is never logged. */
function warn(message: OutboxMessage, text: string, extra: Record<string, string | boolean> = {}): void {
  try {
    activityContext()?.log.warn(text, { caseReference: message.caseReference, kind: message.kind, obligationId: message.obligationId, ...extra });
  } catch {
    // logging never turns a notice into an error
  }
}

/** SMTP replies in the 5xx range are permanent: retrying will not deliver the message. */
function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** nodemailer's and Node's error codes (ETIMEDOUT, ECONNREFUSED, EABORT): constants, never content. */
function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,30}$/.test(code) ? code : undefined;
}

export async function sendThroughOutbox(deps: OutboxDependencies, message: OutboxMessage): Promise<NoticeResult> {
  const { register, mailer, now } = deps;
  const timing: NoticeTiming = { ...NOTICE_TIMING, ...deps.timing };
  if (!(timing.leaseMs > timing.sendDeadlineMs)) throw new Error('outbox timing: the lease must outlast the send deadline');
  const messageId = noticeMessageId(message.key);

  await register
    .insertInto('outbox')
    .values({
      notice_key: message.key,
      case_reference: message.caseReference,
      kind: message.kind,
      obligation_id: message.obligationId,
      recipients: message.recordedRecipients ?? message.to.join(', '),
      subject: message.subject,
      status: 'pending',
      message_id: messageId,
      created_at: now().toISOString(),
      sent_at: null,
      last_error: null,
      claim_token: null,
      claimed_until: null,
    })
    .onConflict((oc) => oc.column('notice_key').doNothing())
    .execute();

  // The claim: one statement, so two attempts cannot both succeed. attempts counts claims, i.e.
  // SMTP transactions started: an attempt that crashed after sending still shows in it.
  const token = randomUUID();
  const claimedAt = now();
  const leaseEnd = new Date(claimedAt.getTime() + timing.leaseMs);
  const claim = await register
    .updateTable('outbox')
    .set((eb) => ({ claim_token: token, claimed_until: leaseEnd.toISOString(), attempts: eb('attempts', '+', 1) }))
    .where('notice_key', '=', message.key)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claim_token', 'is', null), eb('claimed_until', 'is', null), eb('claimed_until', '<=', claimedAt.toISOString())]))
    .executeTakeFirst();

  if (Number(claim.numUpdatedRows) !== 1) {
    const row = await register.selectFrom('outbox').select(['status', 'last_error']).where('notice_key', '=', message.key).executeTakeFirstOrThrow();
    if (row.status === 'sent') return { messageId, duplicate: true };
    if (row.status === 'failed') {
      throw ApplicationFailure.nonRetryable(`SMTP refused this notice before: ${row.last_error ?? 'no reason recorded'}`, 'NoticeRefused');
    }
    throw ApplicationFailure.retryable('another attempt holds this notice; it is sent or its claim expires', 'NoticeClaimed');
  }

  // Where the claim is still ours: a slower attempt never overwrites the row of the one after it.
  const ourRow = () => register.updateTable('outbox').where('notice_key', '=', message.key).where('claim_token', '=', token);

  // Never past our own lease, by our own clock, even if the worker stalled after claiming.
  const budgetMs = Math.min(timing.sendDeadlineMs, leaseEnd.getTime() - now().getTime());
  if (budgetMs <= 0) {
    await ourRow().set({ claim_token: null, claimed_until: null }).execute();
    throw ApplicationFailure.retryable('the claim on this notice expired before it was sent', 'NoticeNotSent');
  }
  let refused = 0;
  let refusedCodes = '';
  try {
    const info = (await sendWithin(mailer, budgetMs, { from: message.from, to: message.to, subject: message.subject, text: message.text, ...(message.html === undefined ? {} : { html: message.html }), ...(message.icalEvent ? { icalEvent: { ...message.icalEvent, filename: 'invite.ics' } } : {}), messageId })) as {
      rejected?: unknown[];
      rejectedErrors?: Array<{ responseCode?: number }>;
    };
    refused = info.rejected?.length ?? 0;
    refusedCodes = [...new Set((info.rejectedErrors ?? []).map((e) => e.responseCode).filter((c) => c !== undefined))].join(', ');
  } catch (err) {
    heartbeat();
    const permanent = isPermanentSmtpFailure(err);
    const code = errorCode(err);
    const reason = permanent
      ? `SMTP refused the message (${(err as { responseCode?: number }).responseCode})`
      : `SMTP unavailable${code ? ` (${code})` : ''}`;
    // Failed, or pending again with the claim released, so that the retry need not wait for the lease.
    const released = await ourRow()
      .set({ last_error: reason, status: permanent ? 'failed' : 'pending', claim_token: null, claimed_until: null })
      .executeTakeFirst();
    if (Number(released.numUpdatedRows) !== 1) warn(message, 'notice claim lost before its failure was recorded');
    warn(message, 'notice not sent', { permanent });
    if (permanent) throw ApplicationFailure.nonRetryable(reason, 'NoticeRefused');
    throw ApplicationFailure.retryable(reason, 'NoticeNotSent');
  }
  heartbeat();

  const marked = await ourRow()
    .set({
      status: 'sent',
      sent_at: now().toISOString(),
      // Sent to the others: not a failure to retry, but nobody may stay unaware of the refusal.
      last_error: refused > 0 ? `SMTP refused ${refused} recipient(s)${refusedCodes ? ` (${refusedCodes})` : ''}` : null,
      claim_token: null,
      claimed_until: null,
    })
    .executeTakeFirst();
  // Only if this attempt stalled past its lease (or the workers' clocks disagree) and another
  // attempt claimed the row: both may have sent. The row is the other attempt's to mark.
  if (Number(marked.numUpdatedRows) !== 1) warn(message, 'notice sent after its claim passed to another attempt');
  return { messageId, duplicate: false, ...(refused > 0 ? { refused } : {}) };
}

/**
 * sendMail, aborted at the deadline or when the activity is cancelled: nodemailer then closes the
 * connection, and a message whose end had not reached the relay is not delivered. Heartbeats go
 * on while it waits (every 5 s at most), so a heartbeatTimeout shorter than the deadline does not
 * give up on an attempt that is still within it.
 */
async function sendWithin(mailer: Transporter, deadlineMs: number, mail: Parameters<Transporter['sendMail']>[0]): Promise<unknown> {
  heartbeat();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('SMTP send deadline')), deadlineMs);
  const beat = setInterval(heartbeat, Math.min(5_000, Math.max(50, deadlineMs / 4)));
  const cancellation = activityContext()?.cancellationSignal;
  const onCancel = () => controller.abort(new Error('activity cancelled'));
  cancellation?.addEventListener('abort', onCancel, { once: true });
  if (cancellation?.aborted) onCancel();
  try {
    return await mailer.sendMail({ ...mail, signal: controller.signal });
  } finally {
    clearTimeout(timer);
    clearInterval(beat);
    cancellation?.removeEventListener('abort', onCancel);
  }
}
