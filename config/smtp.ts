// The SMTP relay, as the configuration names it: the transport options the worker's mailer and
// the API's health check both use, with timeouts that keep a send within its activity's time.
import { readPemFile, type Env } from './index';

/**
 * nodemailer's own defaults (2 minutes to connect, 10 minutes of socket inactivity) are longer
 * than the activity may run. Each of these bounds one wait: the TCP connection, the server's
 * greeting, and any one period of silence on the socket after it.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 } as const;

export type SmtpTimeouts = { connectionTimeout: number; greetingTimeout: number; socketTimeout: number };

/**
 * Options for nodemailer.createTransport: the SMTP URL with the timeouts above. Timeouts given in
 * the URL's query are dropped, so configuration cannot lengthen them past the lease.
 */
export function mailTransportOptions(smtpUrl: string, timeouts: SmtpTimeouts = SMTP_TIMEOUTS) {
  return { url: withoutQueryKeys(smtpUrl, Object.keys(SMTP_TIMEOUTS)), ...timeouts };
}

/** The URL without the given query keys (nodemailer lets the URL's query override the options). */
function withoutQueryKeys(smtpUrl: string, keys: readonly string[]): string {
  try {
    const parsed = new URL(smtpUrl);
    if (!keys.some((k) => parsed.searchParams.has(k))) return smtpUrl;
    keys.forEach((k) => parsed.searchParams.delete(k));
    return parsed.toString();
  } catch {
    // not a URL nodemailer can read either: leave it for nodemailer to report
    return smtpUrl;
  }
}

/**
 * The transport the configuration asks for (the worker's mailer and the API's health check alike):
 * mailTransportOptions, plus SMTP_TLS_CA (the relay's private root CA, read here at start, a
 * missing file naming the variable) and SMTP_REQUIRE_TLS (nodemailer's requireTLS: with smtp://,
 * a relay that does not offer STARTTLS gets nothing). Keys in the URL's query that would undo
 * these (nodemailer reads the query after the options) are dropped, as the timeouts are.
 */
export function smtpTransportOptions(env: Pick<Env, 'SMTP_URL' | 'SMTP_TLS_CA' | 'SMTP_REQUIRE_TLS'>, timeouts: SmtpTimeouts = SMTP_TIMEOUTS) {
  const base = mailTransportOptions(env.SMTP_URL, timeouts);
  const ca = env.SMTP_TLS_CA ? readPemFile('SMTP_TLS_CA', env.SMTP_TLS_CA, 'CERTIFICATE') : undefined;
  const overridden = [...(ca ? ['tls.ca'] : []), ...(env.SMTP_REQUIRE_TLS ? ['requireTLS', 'ignoreTLS'] : [])];
  return {
    ...base,
    url: withoutQueryKeys(base.url, overridden),
    ...(ca ? { tls: { ca } } : {}),
    ...(env.SMTP_REQUIRE_TLS ? { requireTLS: true } : {}),
  };
}
