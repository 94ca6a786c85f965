// A real SMTP listener in the test process: the worker's nodemailer transport delivers to it
// over TCP on 127.0.0.1, and the tests read what arrived.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, or '' where the message has none. */
  html: string;
  messageId: string | undefined;
  /** The calendar entry (text/calendar part) the message carries, as sent: its METHOD and ICS text. */
  calendar?: { method: string | undefined; ics: string };
}

/** nodemailer's icalEvent arrives as a text/calendar part; mailparser lists it with the attachments. */
function calendarOf(parsed: ParsedMail): CapturedMail['calendar'] {
  const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) return undefined;
  const ics = part.content.toString('utf8');
  return { method: /^METHOD:(.+)$/m.exec(ics)?.[1]?.trim(), ics };
}

export interface SmtpCatcher {
  url: string;
  messages: CapturedMail[];
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** An outage: while down, every connection is turned away with 421 (service not available). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

function addresses(parsed: ParsedMail): string[] {
  const to = parsed.to ? (Array.isArray(parsed.to) ? parsed.to : [parsed.to]) : [];
  return to.flatMap((a) => a.value.map((v) => v.address ?? ''));
}

export interface SmtpCatcherOptions {
  /** Recipients this server refuses permanently (550), as a real relay refuses an unknown mailbox. */
  refuse?: (address: string) => boolean;
}

export async function startSmtpCatcher(options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> {
  const messages: CapturedMail[] = [];
  const waiters: Array<() => void> = [];
  let down = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (down) {
        callback(Object.assign(new Error('service not available'), { responseCode: 421 }));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        const err = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const calendar = calendarOf(parsed);
          messages.push({ to: addresses(parsed), subject: parsed.subject ?? '', text: parsed.text ?? '', html: parsed.html || '', messageId: parsed.messageId, ...(calendar ? { calendar } : {}) });
          waiters.splice(0).forEach((w) => w());
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no matching email within ${timeoutMs} ms; got: ${messages.map((m) => m.subject).join(' | ')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    setDown(value) {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
