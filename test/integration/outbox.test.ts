// Emails at most once per notice (activities/outbox.ts), with real parts: the real sendNotice
// activity, a register in a temporary SQLite file (two connections where two workers are meant),
// and real SMTP servers on 127.0.0.1 (the `smtp-server` package). Every assertion about sending
// counts the messages the SMTP server actually received.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { ApplicationFailure } from '@temporalio/common';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createActivities, type ActivityDependencies } from '../../activities';
import {
  BATCH_ACTIVITY_TIMEOUT_MS,
  LEASE_MS,
  NOTICE_ACTIVITY_TIMEOUT_MS,
  SEND_DEADLINE_MS,
  noticeMessageId,
  type NoticeTiming,
} from '../../activities/outbox';
import { SMTP_TIMEOUTS, mailTransportOptions, type SmtpTimeouts } from '../../config/smtp';
import { sql } from 'kysely';
import { migrateRegister, openRegister, type RegisterDb } from '../../register/database';
import type { IncidentActivities, Notice, NoticeResult, ObligationNotice } from '../../activities/types';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { activityDeps, newCaseReference, tempRegister } from '../helpers/stack';

const NOW = new Date('2026-12-22T09:00:00.000Z');
/** Short enough that a silent server fails the send in well under a second. */
const FAST: SmtpTimeouts = { connectionTimeout: 300, greetingTimeout: 300, socketTimeout: 300 };

let register: RegisterDb;
let registerUrl: string;
let smtp: SmtpCatcher;
const opened: Array<{ destroy(): Promise<void> }> = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  ({ register, url: registerUrl } = await tempRegister());
  smtp = await startSmtpCatcher();
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const db of opened.splice(0)) await db.destroy();
  await smtp?.close();
  await register?.destroy();
});

interface SenderOptions {
  register?: RegisterDb;
  now?: () => Date;
  timeouts?: SmtpTimeouts;
  timing?: Partial<NoticeTiming>;
}

/** The real activities, as the worker builds them (test/helpers/stack.ts), on the given SMTP URL. */
function sender(smtpUrl: string, options: SenderOptions = {}): IncidentActivities {
  const deps: ActivityDependencies = {
    ...activityDeps(options.register ?? register, smtpUrl),
    mailer: nodemailer.createTransport(mailTransportOptions(smtpUrl, options.timeouts ?? SMTP_TIMEOUTS)),
    now: options.now ?? (() => NOW),
    ...(options.timing ? { noticeTiming: options.timing } : {}),
  };
  return createActivities(deps);
}

/** One activity attempt in its own activity context, as a worker runs it; counts its heartbeats. */
function attempt(acts: IncidentActivities, notice: Notice): { result: Promise<NoticeResult>; heartbeats: () => number } {
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  let heartbeats = 0;
  env.on('heartbeat', () => (heartbeats += 1));
  return { result: env.run(() => acts.sendNotice(notice)) as Promise<NoticeResult>, heartbeats: () => heartbeats };
}

function send(acts: IncidentActivities, notice: Notice): Promise<NoticeResult> {
  return attempt(acts, notice).result;
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the attempt to fail');
}

async function noticeFor(ref: string, kind: ObligationNotice['kind'], to: Notice['to'] = ['business-unit']): Promise<ObligationNotice> {
  const [deadline] = await sender(smtp.url).computeDeadlines({
    caseReference: ref,
    rulebookVersion: 'DSP-1.5',
    requests: [{ obligationId: 'national-notification', clock: '2026-12-21T10:30:00Z' }],
  });
  return { key: `${ref}:national-notification:1:${kind}:${deadline!.dueAt}`, caseReference: ref, kind, to, deadline: deadline! };
}

function outboxRow(key: string, db: RegisterDb = register) {
  return db.selectFrom('outbox').selectAll().where('notice_key', '=', key).executeTakeFirstOrThrow();
}

function receivedBy(catcher: { messages: Array<{ subject: string; messageId?: string | undefined }> }, ref: string) {
  return catcher.messages.filter((m) => m.subject.startsWith(`[${ref}]`));
}

interface ScriptedSmtp {
  url: string;
  port: number;
  messages: Array<{ subject: string; messageId: string | undefined }>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) whose replies can be slowed: each delay is below any socket
 * timeout, yet together they outlast a send deadline.
 */
async function scriptedSmtp(options: { port?: number; greetingDelayMs?: number; mailFromDelayMs?: number; rcptToDelayMs?: number } = {}): Promise<ScriptedSmtp> {
  const messages: ScriptedSmtp['messages'] = [];
  const later = (ms: number | undefined, callback: () => void) => (ms ? setTimeout(callback, ms) : callback());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect: (_session, callback) => later(options.greetingDelayMs, () => callback()),
    onMailFrom: (_address, _session, callback) => later(options.mailFromDelayMs, () => callback()),
    onRcptTo: (_address, _session, callback) => later(options.rcptToDelayMs, () => callback()),
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          messages.push({ subject: parsed.subject ?? '', messageId: parsed.messageId });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  closers.push(close);
  return { url: `smtp://127.0.0.1:${port}`, port, messages, close };
}

/** Accepts TCP connections and then says nothing, or only its greeting: a relay that hangs. */
async function silentServer(options: { greet: boolean }): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (options.greet) socket.write('220 relay.example ESMTP\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  );
  return { url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------

describe('timing', () => {
  test('the lease outlasts every SMTP timeout together and ends before the activity times out', () => {
    const sum = SMTP_TIMEOUTS.connectionTimeout + SMTP_TIMEOUTS.greetingTimeout + SMTP_TIMEOUTS.socketTimeout;
    expect(NOTICE_ACTIVITY_TIMEOUT_MS).toBe(60_000);
    expect(SEND_DEADLINE_MS).toBeLessThanOrEqual(sum);
    expect(LEASE_MS).toBeGreaterThan(sum);
    expect(LEASE_MS).toBeLessThan(NOTICE_ACTIVITY_TIMEOUT_MS);
  });

  test('the worker transport has the SMTP timeouts; a URL cannot lengthen them', () => {
    const transport = nodemailer.createTransport(mailTransportOptions('smtp://relay.example:2525?socketTimeout=600000&greetingTimeout=600000'));
    const effective = (transport as unknown as { transporter: { options: Record<string, unknown> } }).transporter.options;
    expect(effective).toMatchObject({ ...SMTP_TIMEOUTS, host: 'relay.example', port: 2525 });
  });
});

describe('sendNotice sends each notice at most once', () => {
  test('(a) two concurrent attempts of the same notice, on two register connections: one email', async () => {
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'escalation');
    // A second connection to the same register file, as a second worker process would have.
    const otherWorker = openRegister(registerUrl);
    opened.push(otherWorker);

    const outcomes = await Promise.allSettled([send(sender(smtp.url), notice), send(sender(smtp.url, { register: otherWorker }), notice)]);

    expect(receivedBy(smtp, ref)).toHaveLength(1);
    const sent = outcomes.filter((o) => o.status === 'fulfilled' && !o.value.duplicate);
    expect(sent).toHaveLength(1);
    const other = outcomes.find((o) => o !== sent[0])!;
    if (other.status === 'rejected') {
      expect(other.reason).toBeInstanceOf(ApplicationFailure);
      expect(other.reason).toMatchObject({ type: 'NoticeClaimed', nonRetryable: false });
    } else {
      expect(other.value.duplicate).toBe(true);
    }
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'sent', attempts: 1, claim_token: null, claimed_until: null });

    // Temporal's retry of the attempt that lost finds the row sent.
    const retry = await send(sender(smtp.url, { register: otherWorker }), notice);
    expect(retry).toEqual({ messageId: noticeMessageId(notice.key), duplicate: true });
    expect(receivedBy(smtp, ref)).toHaveLength(1);
    expect(receivedBy(smtp, ref)[0]!.messageId).toBe(noticeMessageId(notice.key));
  });

  test('(a) ten notices, each raced by three attempts: ten emails', async () => {
    const ref = newCaseReference();
    const kinds: ObligationNotice['kind'][] = ['reminder', 'escalation', 'breach', 'target-warning', 'referral-received'];
    const notices = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const n = await noticeFor(ref, kinds[i % kinds.length]!);
        return { ...n, key: `${n.key}:${i}` };
      }),
    );
    const workers = [register, openRegister(registerUrl), openRegister(registerUrl)];
    opened.push(...(workers.slice(1) as RegisterDb[]));

    const outcomes = await Promise.allSettled(notices.flatMap((n) => workers.map((db) => send(sender(smtp.url, { register: db }), n))));

    expect(receivedBy(smtp, ref)).toHaveLength(notices.length);
    expect(new Set(receivedBy(smtp, ref).map((m) => m.messageId)).size).toBe(notices.length);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && !o.value.duplicate)).toHaveLength(notices.length);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ type: 'NoticeClaimed', nonRetryable: false });
  });

  test('(b) a crash between send and record: the live claim stops a retry; after the lease, it is sent again', async () => {
    // The one window that remains. An earlier attempt claimed the row, the relay accepted its
    // message, and the worker died before marking the row sent. Nothing can tell that attempt
    // from one that died before sending, so once its lease has expired the notice is sent again:
    // the second message has the same Message-ID, and the row keeps attempts >= 2.
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'breach');
    const messageId = noticeMessageId(notice.key);
    const claimedUntil = new Date(NOW.getTime() + LEASE_MS);
    await register
      .insertInto('outbox')
      .values({
        notice_key: notice.key,
        case_reference: ref,
        kind: notice.kind,
        obligation_id: notice.deadline.obligationId,
        recipients: 'bu@partnership.example.org',
        subject: `[${ref}] crashed attempt`,
        status: 'pending',
        attempts: 1,
        message_id: messageId,
        created_at: NOW.toISOString(),
        sent_at: null,
        last_error: null,
        claim_token: 'attempt-that-crashed',
        claimed_until: claimedUntil.toISOString(),
      })
      .execute();
    // What that attempt's relay accepted before the crash.
    await nodemailer.createTransport(mailTransportOptions(smtp.url)).sendMail({
      from: 'case-system@partnership.example.org',
      to: 'bu@partnership.example.org',
      subject: `[${ref}] crashed attempt`,
      text: 'sent before the crash',
      messageId,
    });
    expect(receivedBy(smtp, ref)).toHaveLength(1);

    // While its lease lives (up to the last millisecond) a retry sends nothing.
    for (const at of [NOW.getTime() + 1_000, claimedUntil.getTime() - 1]) {
      const failure = await failureOf(send(sender(smtp.url, { now: () => new Date(at) }), notice));
      expect(failure).toMatchObject({ type: 'NoticeClaimed', nonRetryable: false });
    }
    expect(receivedBy(smtp, ref)).toHaveLength(1);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'pending', attempts: 1, claim_token: 'attempt-that-crashed' });

    // After it, the next attempt claims the row and sends.
    const after = () => new Date(claimedUntil.getTime() + 1_000);
    const result = await send(sender(smtp.url, { now: after }), notice);
    expect(result).toEqual({ messageId, duplicate: false });
    const received = receivedBy(smtp, ref);
    expect(received).toHaveLength(2);
    expect(received.map((m) => m.messageId)).toEqual([messageId, messageId]);
    const row = await outboxRow(notice.key);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, claim_token: null, claimed_until: null, sent_at: after().toISOString() });

    // And from then on it is a duplicate.
    expect(await send(sender(smtp.url, { now: after }), notice)).toEqual({ messageId, duplicate: true });
    expect(receivedBy(smtp, ref)).toHaveLength(2);
  });

  // A claim can pass to another attempt while its holder still runs only if the holder stalled
  // past its lease or the clocks of two workers disagree by more than lease - deadline (10 s).
  // Then both may send; what the slower one may not do is overwrite the row of the one after it.
  /** Waits until the row is claimed by an attempt other than `previous`; its token. */
  async function claimedBy(key: string, previous?: string): Promise<string> {
    for (let i = 0; i < 200; i += 1) {
      const row = await register.selectFrom('outbox').select('claim_token').where('notice_key', '=', key).executeTakeFirst();
      if (row?.claim_token && row.claim_token !== previous) return row.claim_token;
      await sleep(10);
    }
    throw new Error('the row was never claimed');
  }

  test('a claim taken over from a slow attempt: the slow attempt does not mark the row as its own', async () => {
    const slow = await scriptedSmtp({ greetingDelayMs: 200, mailFromDelayMs: 200, rcptToDelayMs: 200 });
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'escalation');
    const first = send(sender(slow.url), notice);
    await claimedBy(notice.key);
    // A second worker whose clock is past the first one's lease.
    const later = new Date(NOW.getTime() + LEASE_MS + 1_000);
    await send(sender(smtp.url, { now: () => later }), notice);
    expect((await outboxRow(notice.key)).claim_token).toBeNull();
    expect(await first).toMatchObject({ duplicate: false });

    expect(receivedBy(smtp, ref).length + receivedBy(slow, ref).length).toBe(2);
    const row = await outboxRow(notice.key);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, sent_at: later.toISOString(), claim_token: null });
  });

  test('a claim taken over from a failing attempt: its failure does not release the new claim', async () => {
    const silent = await silentServer({ greet: true });
    const slow = await scriptedSmtp({ greetingDelayMs: 300, mailFromDelayMs: 300, rcptToDelayMs: 300 });
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'breach');
    const first = failureOf(send(sender(silent.url, { timeouts: { ...FAST, socketTimeout: 300 } }), notice));
    const firstToken = await claimedBy(notice.key);
    const later = new Date(NOW.getTime() + LEASE_MS + 1_000);
    const second = send(sender(slow.url, { now: () => later }), notice);
    const secondToken = await claimedBy(notice.key, firstToken);

    expect(await first).toMatchObject({ type: 'NoticeNotSent' });
    // The first attempt has failed while the second still sends: the second's claim stands.
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'pending', claim_token: secondToken, last_error: null });
    // So a third attempt now is refused rather than sending too.
    expect(await failureOf(send(sender(smtp.url, { now: () => later }), notice))).toMatchObject({ type: 'NoticeClaimed' });

    expect(await second).toMatchObject({ duplicate: false });
    expect(receivedBy(slow, ref)).toHaveLength(1);
    expect(receivedBy(smtp, ref)).toHaveLength(0);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'sent', attempts: 2, claim_token: null });
  });

  test('(c) a relay that accepts the connection and never answers: the send fails within the SMTP timeout, the lease is released', async () => {
    const silent = await silentServer({ greet: false });
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'escalation');
    const started = Date.now();
    const run = attempt(sender(silent.url, { timeouts: FAST }), notice);
    const failure = await failureOf(run.result);
    const elapsed = Date.now() - started;
    expect(silent.connections()).toBe(1);
    expect(failure).toMatchObject({ type: 'NoticeNotSent', nonRetryable: false });
    expect(elapsed).toBeGreaterThanOrEqual(FAST.greetingTimeout - 50);
    expect(elapsed).toBeLessThan(FAST.connectionTimeout + FAST.greetingTimeout + FAST.socketTimeout);
    expect(run.heartbeats()).toBeGreaterThanOrEqual(2);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'pending', attempts: 1, claim_token: null, claimed_until: null, sent_at: null, last_error: 'SMTP unavailable (ETIMEDOUT)' });

    // Released, not left to expire: the retry sends at once, even at the same instant.
    await send(sender(smtp.url), notice);
    expect(receivedBy(smtp, ref)).toHaveLength(1);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('(c) a relay that greets and then goes silent: the socket timeout ends the send', async () => {
    const silent = await silentServer({ greet: true });
    const notice = await noticeFor(newCaseReference(), 'reminder');
    const started = Date.now();
    const failure = await failureOf(send(sender(silent.url, { timeouts: { ...FAST, socketTimeout: 400 } }), notice));
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ type: 'NoticeNotSent', nonRetryable: false });
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(1_000);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'pending', claim_token: null, last_error: 'SMTP unavailable (ETIMEDOUT)' });
  });

  test('(c) a relay slow at every step, never past the socket timeout: the send deadline aborts it, nothing is delivered', async () => {
    // Each reply comes after 350 ms, under the 500 ms socket timeout: only the deadline stops it.
    const slow = await scriptedSmtp({ greetingDelayMs: 350, mailFromDelayMs: 350, rcptToDelayMs: 350 });
    const timeouts = { connectionTimeout: 500, greetingTimeout: 500, socketTimeout: 500 };
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'escalation');
    const started = Date.now();
    const run = attempt(sender(slow.url, { timeouts, timing: { sendDeadlineMs: 800, leaseMs: 2_000 } }), notice);
    const failure = await failureOf(run.result);
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ type: 'NoticeNotSent', nonRetryable: false });
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(1_000);
    // Heartbeats went on while it waited (every deadline/4 here), not only before and after.
    expect(run.heartbeats()).toBeGreaterThanOrEqual(5);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'pending', attempts: 1, claim_token: null, last_error: 'SMTP unavailable (EABORT)' });
    // The connection was closed before the message was handed over: it never arrives.
    await sleep(800);
    expect(receivedBy(slow, ref)).toHaveLength(0);

    // The same relay, given the time, delivers it (so the deadline, not the relay, stopped it).
    const control = await noticeFor(ref, 'reminder');
    await send(sender(slow.url, { timeouts, timing: { sendDeadlineMs: 1_500, leaseMs: 2_000 } }), control);
    expect(receivedBy(slow, ref)).toHaveLength(1);
  });

  test('(d) SMTP down: retryable NoticeNotSent, the row pending; SMTP up again at the same address: sent once', async () => {
    const relay = await scriptedSmtp();
    const { port, url } = relay;
    await relay.close();
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'reminder');
    // One worker, one transport, as in production: its attempts are retries of one activity.
    const worker = sender(url, { timeouts: FAST });

    const failure = await failureOf(send(worker, notice));
    expect(failure).toMatchObject({ type: 'NoticeNotSent', nonRetryable: false });
    expect(failure.message).not.toContain('@');
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'pending', attempts: 1, claim_token: null, claimed_until: null, last_error: 'SMTP unavailable (ESOCKET)' });

    const back = await scriptedSmtp({ port });
    const run = attempt(worker, notice);
    expect(await run.result).toEqual({ messageId: noticeMessageId(notice.key), duplicate: false });
    expect(run.heartbeats()).toBeGreaterThanOrEqual(2);
    expect(await send(worker, notice)).toEqual({ messageId: noticeMessageId(notice.key), duplicate: true });
    expect(receivedBy(back, ref)).toHaveLength(1);
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'sent', attempts: 2, claim_token: null, last_error: null });
  });

  test('outside an activity context (no heartbeat, no logger) a failure is still the retryable NoticeNotSent', async () => {
    const relay = await scriptedSmtp();
    await relay.close();
    const notice = await noticeFor(newCaseReference(), 'breach');
    const failure = await failureOf(sender(relay.url, { timeouts: FAST }).sendNotice(notice));
    expect(failure).toMatchObject({ type: 'NoticeNotSent', nonRetryable: false });
  });

  test('a notice the relay refused stays refused: a later attempt sends nothing', async () => {
    const refusing = await startSmtpCatcher({ refuse: () => true });
    closers.push(() => refusing.close());
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'escalation');
    expect(await failureOf(send(sender(refusing.url), notice))).toMatchObject({ type: 'NoticeRefused', nonRetryable: true });
    expect(await outboxRow(notice.key)).toMatchObject({ status: 'failed', attempts: 1, claim_token: null });
    expect(await failureOf(send(sender(smtp.url), notice))).toMatchObject({ type: 'NoticeRefused', nonRetryable: true });
    expect(receivedBy(smtp, ref)).toHaveLength(0);
    expect(receivedBy(refusing, ref)).toHaveLength(0);
  });
});

describe('migration of a register created before claims', () => {
  test('the columns are added (twice at once is fine), old rows are kept and their notices sent once', async () => {
    const { register: fresh, url } = await tempRegister();
    await fresh.destroy();
    const file = url.replace(/^sqlite:/, '');
    // The outbox as the previous migrateRegister created it, with a row left pending, in a
    // register from before numbered migrations (no record of them).
    const old = new Database(file);
    old.exec('drop table outbox');
    old.exec('drop table kysely_migration');
    old.exec('drop table kysely_migration_lock');
    old.exec(`create table "outbox" ("notice_key" text primary key, "case_reference" text not null, "kind" text not null,
      "obligation_id" text, "recipients" text not null, "subject" text not null, "status" text not null,
      "attempts" integer default 0 not null, "message_id" text, "created_at" text not null, "sent_at" text, "last_error" text)`);
    const ref = newCaseReference();
    const notice = await noticeFor(ref, 'reminder');
    old
      .prepare(`insert into outbox (notice_key, case_reference, kind, obligation_id, recipients, subject, status, attempts, message_id, created_at)
        values (?, ?, 'reminder', 'national-notification', 'bu@partnership.example.org', 'old subject', 'pending', 1, ?, ?)`)
      .run(notice.key, ref, noticeMessageId(notice.key), NOW.toISOString());
    old.close();

    // The worker and the API migrate at start, possibly at the same moment.
    const worker = openRegister(url);
    const api = openRegister(url);
    opened.push(worker, api);
    await Promise.all([migrateRegister(worker), migrateRegister(api)]);
    await migrateRegister(worker);

    const columns = (await worker.introspection.getTables()).find((t) => t.name === 'outbox')!.columns.map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['claim_token', 'claimed_until']));
    expect(await outboxRow(notice.key, worker)).toMatchObject({ status: 'pending', attempts: 1, claim_token: null, claimed_until: null });

    const outcomes = await Promise.allSettled([send(sender(smtp.url, { register: worker }), notice), send(sender(smtp.url, { register: api }), notice)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && !o.value.duplicate)).toHaveLength(1);
    expect(receivedBy(smtp, ref)).toHaveLength(1);
    expect(await outboxRow(notice.key, worker)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('on PostgreSQL', () => {
  let server: TestPostgres | undefined;
  let worker: RegisterDb;
  let api: RegisterDb;

  beforeAll(async () => {
    server = await startTestPostgres('ssi_outbox');
    worker = openRegister(server.url);
    api = openRegister(server.url);
  });

  afterAll(async () => {
    await worker?.destroy();
    await api?.destroy();
    await server?.stop();
  });

  test('an outbox created before claims gets the columns; concurrent attempts send one email; a lapsed claim is taken over', async () => {
    // A register as the previous migrateRegister left it: the outbox without the claim columns.
    // (The tables are created first, one process alone: two CREATE TABLE IF NOT EXISTS of the same
    // new table at once can fail on PostgreSQL, which is not what this test is about.)
    await migrateRegister(worker);
    await sql`alter table "outbox" drop column "claim_token", drop column "claimed_until"`.execute(worker);
    // That code kept no record of migrations.
    await sql`drop table kysely_migration, kysely_migration_lock`.execute(worker);
    // The worker and the API start at once: both add the columns.
    await Promise.all([migrateRegister(worker), migrateRegister(api)]);
    await migrateRegister(api);
    const columns = (await worker.introspection.getTables()).find((t) => t.name === 'outbox')!.columns.map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['claim_token', 'claimed_until']));

    const ref = newCaseReference();
    const notices = await Promise.all(['reminder', 'escalation', 'breach'].map((kind) => noticeFor(ref, kind as ObligationNotice['kind'])));
    const outcomes = await Promise.allSettled(notices.flatMap((n) => [worker, api, worker].map((db) => send(sender(smtp.url, { register: db }), n))));
    expect(receivedBy(smtp, ref)).toHaveLength(notices.length);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && !o.value.duplicate)).toHaveLength(notices.length);
    for (const n of notices) expect(await outboxRow(n.key, api)).toMatchObject({ status: 'sent', attempts: 1, claim_token: null });

    // A claim left by a crashed attempt holds until it lapses, then the notice is sent.
    const crashed = await noticeFor(ref, 'target-warning');
    await worker
      .insertInto('outbox')
      .values({
        notice_key: crashed.key,
        case_reference: ref,
        kind: crashed.kind,
        obligation_id: null,
        recipients: 'bu@partnership.example.org',
        subject: 'crashed attempt',
        status: 'pending',
        attempts: 1,
        message_id: noticeMessageId(crashed.key),
        created_at: NOW.toISOString(),
        sent_at: null,
        last_error: null,
        claim_token: 'attempt-that-crashed',
        claimed_until: new Date(NOW.getTime() + LEASE_MS).toISOString(),
      })
      .execute();
    expect(await failureOf(send(sender(smtp.url, { register: api }), crashed))).toMatchObject({ type: 'NoticeClaimed' });
    await send(sender(smtp.url, { register: api, now: () => new Date(NOW.getTime() + LEASE_MS) }), crashed);
    expect(receivedBy(smtp, ref)).toHaveLength(notices.length + 1);
    expect(await outboxRow(crashed.key, worker)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('sendNotices: a turn\'s emails in one activity, each at most once', () => {
  /**
   * A batch in its own activity context, scheduled now with the workflow's timeout for it
   * (BATCH_ACTIVITY_TIMEOUT_MS); `info` as the worker would give the attempt.
   */
  function batch(acts: IncidentActivities, notices: Notice[], info: Partial<Info> = {}) {
    const attemptInfo = { startToCloseTimeoutMs: BATCH_ACTIVITY_TIMEOUT_MS, currentAttemptScheduledTimestampMs: Date.now(), ...info };
    const env = new MockActivityEnvironment(attemptInfo, { logger: new DefaultLogger('ERROR') });
    return env.run(() => acts.sendNotices(notices)) as ReturnType<IncidentActivities['sendNotices']>;
  }

  test('three notices: three emails, answered in order; the same batch again sends none', async () => {
    const ref = newCaseReference();
    const notices = [await noticeFor(ref, 'step-opened'), await noticeFor(ref, 'reminder'), await noticeFor(ref, 'escalation')];
    const first = await batch(sender(smtp.url), notices);
    expect(first).toEqual(notices.map((n) => ({ messageId: noticeMessageId(n.key), duplicate: false })));
    expect(await batch(sender(smtp.url), notices)).toEqual(notices.map((n) => ({ messageId: noticeMessageId(n.key), duplicate: true })));
    expect(receivedBy(smtp, ref)).toHaveLength(3);
  });

  test('a notice the relay refuses for good is answered as failed; the others are sent', async () => {
    const refusing = await startSmtpCatcher({ refuse: (address) => address === 'dcs@partnership.example.org' });
    closers.push(() => refusing.close());
    const ref = newCaseReference();
    const notices = [await noticeFor(ref, 'reminder'), await noticeFor(ref, 'escalation', ['director-childrens-services']), await noticeFor(ref, 'breach')];
    const results = await batch(sender(refusing.url), notices);
    expect(results.map((r) => ('failed' in r ? 'failed' : 'sent'))).toEqual(['sent', 'failed', 'sent']);
    expect(receivedBy(refusing, ref)).toHaveLength(2);
  });

  test('no send starts whose claim could outlive the attempt: the rest are left for the next batch', async () => {
    const ref = newCaseReference();
    const notices = [await noticeFor(ref, 'reminder'), await noticeFor(ref, 'escalation')];
    // An attempt scheduled now with a timeout shorter than the lease: room for the first send only.
    const results = await batch(sender(smtp.url), notices, { startToCloseTimeoutMs: LEASE_MS - 1_000, currentAttemptScheduledTimestampMs: Date.now() });
    expect(results).toEqual([{ messageId: noticeMessageId(notices[0]!.key), duplicate: false }]);
    expect(receivedBy(smtp, ref).map((m) => m.messageId)).toEqual([noticeMessageId(notices[0]!.key)]);
    expect(await outboxRow(notices[1]!.key).catch(() => undefined)).toBeUndefined();
  });

  test('SMTP down before anything is sent: the batch fails as one send would (retryable)', async () => {
    const relay = await scriptedSmtp();
    await relay.close();
    const ref = newCaseReference();
    const failure = await failureOf(batch(sender(relay.url, { timeouts: FAST }), [await noticeFor(ref, 'reminder'), await noticeFor(ref, 'breach')]));
    expect(failure).toMatchObject({ type: 'NoticeNotSent', nonRetryable: false });
  });
});
