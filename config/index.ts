// Configuration, parsed once at start from the environment (documented in docs/OPERATIONS.md and
// config/compose.env.example). A missing or malformed value stops the process naming the variable;
// values are never logged.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';
import { AGENCY_CONTACTS, MAILBOXES, type AgencyContact, ROLES } from '../domain/roles';
import { DEFAULT_RULEBOOK, RULEBOOKS } from '../domain/rulebook';
import { findProjectRoot } from './project-root';

export const PROJECT_ROOT = findProjectRoot(__dirname);

/** Compose passes an unset variable as empty (`${X:-}`): empty means unset. */
function unsetIfEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema);
}

/** `true` or `false`, nothing else: a typo (`ture`, `yes`) stops the process instead of meaning false. */
const flag = unsetIfEmpty(
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
);

/**
 * An origin as a browser writes it in Origin: http(s), host, the port only when not the scheme's
 * default, nothing after. CORS compares it as a string, so anything else would never match; it is
 * refused here rather than silently allowing no one.
 */
function originProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" is not an http(s) origin`;
  if (url.origin !== value) return `"${value}" is not an origin: write it as scheme://host[:port], as a browser sends it (${url.origin})`;
  return undefined;
}

const originList = z
  .string()
  .optional()
  .transform((value, ctx): readonly string[] => {
    const origins = (value ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    for (const origin of origins) {
      const problem = origin === '*' ? 'a wildcard (*) is not allowed: list the origins' : originProblem(origin);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
    return [...new Set(origins)];
  });

/**
 * Express's `trust proxy` setting, from TRUST_PROXY: off (false), a hop count, or the proxies'
 * addresses and subnets. It decides the address the rate limits key on (req.ip): from
 * X-Forwarded-For only as far as trusted proxies wrote it. Express's `true` (trust every hop) is
 * refused: any client could then write itself a new address and dodge its limits.
 */
export type TrustProxy = false | number | string[];

/** The names Express (proxy-addr) gives to the private ranges. */
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const TRUST_PROXY_HELP = 'give the number of proxies in front of the API (e.g. 1), or their addresses and subnets, comma-separated (e.g. 10.0.0.5, 10.1.0.0/16, loopback)';

/** Why one entry of a TRUST_PROXY list is not an address, a subnet (address/prefix) or a named range; undefined when it is. */
function trustProxyEntryProblem(entry: string): string | undefined {
  if (TRUST_PROXY_NAMES.includes(entry)) return undefined;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return `"${entry}" is not an address, a subnet (address/prefix) or one of ${TRUST_PROXY_NAMES.join(', ')}`;
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))) {
    return `"${entry}": the prefix length must be 0-${version === 4 ? 32 : 128}`;
  }
  return undefined;
}

const trustProxy = unsetIfEmpty(z.string().optional()).transform((value, ctx): TrustProxy => {
  const text = value?.trim() ?? 'false';
  if (text === 'false' || text === '0') return false;
  if (text === 'true') {
    ctx.addIssue({ code: 'custom', message: `true would trust any address a client writes in X-Forwarded-For, so anyone could dodge the rate limits: ${TRUST_PROXY_HELP}` });
    return z.NEVER;
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 10) ctx.addIssue({ code: 'custom', message: `${text} proxies in front of the API is surely a mistake: ${TRUST_PROXY_HELP}` });
    return hops;
  }
  const entries = text.split(',').map((e) => e.trim());
  const problems = entries.map((e) => (e === '' ? 'an empty entry' : trustProxyEntryProblem(e))).filter((p) => p !== undefined);
  for (const problem of problems) ctx.addIssue({ code: 'custom', message: `${problem}: ${TRUST_PROXY_HELP}` });
  return problems.length > 0 ? z.NEVER : [...new Set(entries)];
});

/**
 * The address people reach the pages at, which every email links to (PUBLIC_BASE_URL): http(s), a
 * host, an optional path, and nothing after it, so that a page's path (/cases/<reference>) can be
 * put straight after it. Written as the URL parser writes it back, or refused saying how to write
 * it; a user name or password is refused without echoing the value.
 */
function publicBaseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" is not an http(s) address`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) return `"${value}" must end at its path: no query (?) or fragment (#)`;
  if (value.endsWith('/')) return `"${value}" must not end with a slash: write ${value.replace(/\/+$/, '')}`;
  const written = url.pathname === '/' ? url.href.slice(0, -1) : url.href;
  if (written !== value) return `"${value}": write it as ${written}`;
  return undefined;
}

const publicBaseUrl = unsetIfEmpty(
  z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? undefined : publicBaseUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
);

const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** mTLS: this client's certificate and key (PEM files), both or neither (a cluster or Temporal Cloud). */
  TEMPORAL_TLS_CERT: unsetIfEmpty(z.string().optional()),
  TEMPORAL_TLS_KEY: unsetIfEmpty(z.string().optional()),
  TEMPORAL_API_KEY: unsetIfEmpty(z.string().optional()),
  /**
   * TLS to Temporal with the system's root CAs and nothing else (a cluster behind a public
   * certificate). Any of the TLS variables below, the client certificate or the API key turns TLS
   * on as well; `false` with any of them set is refused rather than sending them in clear.
   */
  TEMPORAL_TLS: flag,
  /** The Temporal server's root CA (PEM file), for a cluster whose certificate a private CA issued. */
  TEMPORAL_TLS_CA: unsetIfEmpty(z.string().optional()),
  /**
   * The name the server's certificate is checked against (and SNI), when it is not the host of
   * TEMPORAL_ADDRESS: an address by IP, or a proxy that routes by SNI.
   */
  TEMPORAL_TLS_SERVER_NAME: unsetIfEmpty(z.string().optional()),
  DATABASE_URL: z.string().min(1).default(`sqlite:${path.join(PROJECT_ROOT, '.data', 'register.sqlite')}`),
  /** The mail relay: smtp://host:port (STARTTLS when the relay offers it) or smtps://host:port (TLS from the start). */
  SMTP_URL: z.string().url().default('smtp://127.0.0.1:1025'),
  /** The relay's root CA (PEM file), for a relay whose certificate a private CA issued; unset, the system's roots. */
  SMTP_TLS_CA: unsetIfEmpty(z.string().optional()),
  /**
   * `true`: never send over plain SMTP. With smtp:// the relay must offer STARTTLS, or nothing is
   * sent (nodemailer's requireTLS); without it a relay (or someone between) that does not offer it
   * gets the emails in clear. smtps:// is TLS from the start either way.
   */
  SMTP_REQUIRE_TLS: flag,
  MAIL_FROM: z.string().min(3).default('Safeguarding Partnership <safeguarding-cases@partnership.example.org>'),
  PARTNERSHIP_FILE: z.string().default(path.join(PROJECT_ROOT, 'config', 'partnership.example.json')),
  /**
   * Where the API runs. Unset: production, so a deployment that forgets it gets the strict
   * behaviour (OIDC only); `npm start` (scripts/dev.ts) sets development.
   */
  APP_ENV: z.enum(['development', 'production']).default('production'),
  /** How people sign in to the API: `oidc`, or `dev-tokens` (USERS_FILE; development only). Unset: dev-tokens in development, else oidc. */
  SIGN_IN: z.enum(['oidc', 'dev-tokens']).optional(),
  /** The development token file (SIGN_IN=dev-tokens): people, their role, agency and token hash. */
  USERS_FILE: z.string().default(path.join(PROJECT_ROOT, 'config', 'users.example.json')),
  /** The identity provider's issuer, exactly as its tokens' `iss` (SIGN_IN=oidc). */
  OIDC_ISSUER: z.url().optional(),
  /** This API's audience (resource) identifier, as its access tokens' `aud` (SIGN_IN=oidc). */
  OIDC_AUDIENCE: z.string().min(1).optional(),
  /** The provider's JWKS; unset, the `jwks_uri` of its discovery document. */
  OIDC_JWKS_URL: unsetIfEmpty(z.url().optional()),
  OIDC_ID_CLAIM: z.string().min(1).default('sub'),
  OIDC_ROLE_CLAIM: z.string().min(1).default('ssi_role'),
  OIDC_AGENCY_CLAIM: z.string().min(1).default('ssi_agency'),
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  /**
   * Sign-in for people on the staff pages (web/oidc-sign-in.ts): this system's client at the same
   * provider (OIDC_ISSUER, and the same claims as the API's tokens), the authorization code flow
   * with PKCE. Unset: no people sign-in through the provider (peopleSignInConfig).
   */
  OIDC_CLIENT_ID: unsetIfEmpty(z.string().min(1).max(200).optional()),
  /** The client's secret (client_secret_basic); unset: a public client (PKCE alone). Never logged. */
  OIDC_CLIENT_SECRET: unsetIfEmpty(z.string().min(1).optional()),
  /** Where the provider sends the browser back, exactly as registered with it (required with OIDC_CLIENT_ID). */
  OIDC_REDIRECT_URI: unsetIfEmpty(z.url().optional()),
  /** Where the provider sends the browser after signing out, as registered with it; unset: the provider's own page. */
  OIDC_POST_LOGOUT_REDIRECT_URI: unsetIfEmpty(z.url().optional()),
  /** The scopes asked for, space-separated, including `openid` (some providers release the role and agency claims only under a scope of their own). */
  OIDC_SCOPE: unsetIfEmpty(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be scopes separated by single spaces').default('openid')),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The staff pages' sessions: ended after this many minutes unused (idle timeout). */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** ... and after this many hours from sign-in, however used (absolute timeout). */
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(10),
  /**
   * Where people reach the pages (https://staff.partnership.example.org, or with a path behind a
   * proxy), as every email links them: a case's page is <this>/cases/<reference>. Unset: what
   * `npm start` serves, http://127.0.0.1:<PORT>. https outside development (withPublicBaseUrl).
   */
  PUBLIC_BASE_URL: publicBaseUrl,
  /** The API's rate limits (api/app.ts, RateLimits); unset: DEFAULT_RATE_LIMITS. */
  RATE_LIMIT_PER_CLIENT_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_PER_PERSON_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_FAILED_SIGN_INS_PER_15_MINUTES: z.coerce.number().int().min(1).optional(),
  /** The address the API listens on: this machine only unless set (compose sets 0.0.0.0 in its container). */
  API_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The API over HTTPS: its certificate (PEM, with any intermediates after it) and private key
   * files, both or neither. Unset, plain HTTP: for this machine, or behind a proxy that terminates
   * TLS. With TLS the API also sends Strict-Transport-Security.
   */
  API_TLS_CERT_FILE: unsetIfEmpty(z.string().optional()),
  API_TLS_KEY_FILE: unsetIfEmpty(z.string().optional()),
  /**
   * The browser origins (comma-separated, e.g. https://staff.partnership.example.org) whose pages
   * may call the API: only these get CORS answers. Unset or empty, none: a page elsewhere cannot
   * read the API's answers. Each exactly as a browser sends it in Origin (scheme://host[:port]).
   */
  CORS_ORIGINS: originList,
  /**
   * The reverse proxy in front of the API, whose X-Forwarded-For (and X-Forwarded-Proto) the API
   * believes: a hop count, or the proxies' addresses and subnets. Unset: none, the address is the
   * connection's (TrustProxy).
   */
  TRUST_PROXY: trustProxy,
  /** The Temporal UI's origin: the only one the codec server (/codec) answers with CORS. */
  TEMPORAL_UI_ORIGIN: z.url().default('http://127.0.0.1:8233'),
  /** The worker's capacity (workers/incident-worker.ts, WorkerCapacity); unset: its defaults. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).optional(),
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The key ring that encrypts Temporal payloads and the register's free text, as JSON:
   * {"current":"<id>","keys":{"<id>":"<32 bytes, base64>",...}}. When set, PAYLOAD_KEY_FILE is
   * not read. Parsed by loadKeyRing (config/key-ring.ts), never logged.
   */
  PAYLOAD_KEYS: z.string().min(1, 'must not be empty (unset it to use PAYLOAD_KEY_FILE)').optional(),
  /** The same JSON in a file (mode 0600); `npm start` creates one with a random key if missing. */
  PAYLOAD_KEY_FILE: z.string().min(1).default(path.join(PROJECT_ROOT, '.data', 'payload-keys.json')),
}).transform(withPublicBaseUrl);

/**
 * PUBLIC_BASE_URL, defaulted from PORT. An email's link carries no personal data, but a page
 * asks for a sign-in, so outside development it must be https as the OIDC URLs must (plain http
 * only to this machine).
 */
function withPublicBaseUrl<T extends { PUBLIC_BASE_URL?: string | undefined; PORT: number; APP_ENV: string }>(env: T, ctx: z.RefinementCtx): T & { PUBLIC_BASE_URL: string } {
  const url = env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`;
  if (env.APP_ENV !== 'development' && !isSecureUrl(url)) {
    ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: `must be https outside development (APP_ENV is ${env.APP_ENV})` });
  }
  return { ...env, PUBLIC_BASE_URL: url };
}

export type Env = z.infer<typeof envSchema>;

/**
 * Working Together 2023's names for two of the seed's mailboxes (chapter 2: the Lead Safeguarding
 * Partners act through Delegated Safeguarding Partners, with independent scrutiny): a partnership
 * file may use either name, not both.
 */
export const MAILBOX_NAMES_WT_2023: Readonly<Record<string, (typeof MAILBOXES)[number]>> = {
  'delegated-safeguarding-partners': 'ssp',
  'independent-scrutiny': 'independent-scrutineer',
};

function inSeedNames(mailboxes: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof mailboxes !== 'object' || mailboxes === null || Array.isArray(mailboxes)) return mailboxes;
  const out: Record<string, unknown> = { ...mailboxes };
  for (const [wt, seed] of Object.entries(MAILBOX_NAMES_WT_2023)) {
    if (!(wt in out)) continue;
    if (seed in out) ctx.addIssue({ code: 'custom', path: [wt], message: `names the same mailbox as "${seed}": keep one of the two` });
    out[seed] = out[wt];
    delete out[wt];
  }
  return out;
}

export const partnershipSchema = z.strictObject({
  name: z.string().min(1),
  /**
   * The rulebook new cases start under: "DSP-1.5" (the seed's procedure, Working Together 2018) or
   * "WT-2023" (Working Together 2023 and the Panel's 2025 guidance). A case keeps the rulebook it
   * started under for life, so changing this moves only the cases referred after the change.
   */
  rulebook: z.enum(Object.keys(RULEBOOKS) as [string, ...string[]], { error: `must be one of ${Object.keys(RULEBOOKS).join(', ')}` }).default(DEFAULT_RULEBOOK),
  /** Role mailboxes; reminders and escalations go here, never to personal data. */
  mailboxes: z.preprocess(
    inSeedNames,
    z.strictObject(Object.fromEntries(MAILBOXES.map((m) => [m, z.email()])) as Record<(typeof MAILBOXES)[number], z.ZodEmail>),
  ),
  /** Days the partnership's offices are closed beyond bank holidays (DSP 1.5, "How to count"). */
  closureDays: z.array(z.strictObject({ date: z.iso.date(), name: z.string().min(1) })).default([]),
  /**
   * Working days before a reminder for steps the seed gives no limit (local policy, never
   * statute), overriding the rulebook's defaults: e.g. { "csprp-acknowledgement": 3 }.
   */
  localPolicyWorkingDays: z.record(z.string(), z.number().int().min(1).max(260)).default({}),
  /**
   * The agencies that own improvement actions (§9.2, §16.2), by name: who is reminded of their
   * actions (action-lead), and who hears when one is outstanding three months past its deadline
   * (head-of-service) and six months past the original (chief-officer). Role addresses, not people.
   */
  agencies: z
    .record(z.string().min(1).max(120), z.strictObject(Object.fromEntries(AGENCY_CONTACTS.map((c) => [c, z.email()])) as Record<AgencyContact, z.ZodEmail>))
    .default({}),
  /**
   * People named in a case by their sign-in ID, who are told of it at their own address (§8: the
   * commissioned reviewer): { "<sign-in id>": { "email": "..." } }. Staff addresses, never a
   * child's or family's.
   */
  people: z.record(z.string().min(1).max(200), z.strictObject({ email: z.email() })).default({}),
});
export type Partnership = z.infer<typeof partnershipSchema>;

export const usersSchema = z.strictObject({
  _comment: z.string().optional(),
  users: z.array(
    z.strictObject({
      id: z.string().min(1),
      role: z.enum(ROLES),
      agency: z.string().min(1),
      /** SHA-256 (hex) of the user's bearer token; the token itself is never stored. */
      tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
export type Users = z.infer<typeof usersSchema>;

export class ConfigError extends Error {}

function formatIssues(source: string, error: z.ZodError): string {
  return `${source}: ` + error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** How the API signs people in (api/main.ts builds the sign-in from it). */
export type SignInConfig =
  | { kind: 'dev-tokens'; usersFile: string }
  | {
      kind: 'oidc';
      issuer: string;
      audience: string;
      jwksUrl?: string;
      idClaim: string;
      roleClaim: string;
      agencyClaim: string;
      clockToleranceSeconds: number;
    };

/** The example users file in the repository, whose tokens anyone reading the code knows. */
export const EXAMPLE_USERS_FILE = path.join(PROJECT_ROOT, 'config', 'users.example.json');

function isExampleUsersFile(file: string): boolean {
  return path.resolve(file) === path.resolve(EXAMPLE_USERS_FILE) || path.basename(file) === path.basename(EXAMPLE_USERS_FILE);
}

/** Plain http only to this machine (a provider in development or a test); anywhere else https. */
export function isSecureUrl(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

/**
 * The sign-in the environment asks for. The local token file is for development only: with
 * APP_ENV other than development, SIGN_IN=dev-tokens (or the example users file) stops the API
 * here, saying why; OIDC needs its issuer and audience.
 */
export function signInConfig(env: Env): SignInConfig {
  const development = env.APP_ENV === 'development';
  const kind = env.SIGN_IN ?? (development ? 'dev-tokens' : 'oidc');
  if (kind === 'dev-tokens') {
    if (!development && isExampleUsersFile(env.USERS_FILE)) {
      throw new ConfigError(
        `USERS_FILE is the example users file (config/users.example.json), whose tokens are published with the code: it is for development only, and APP_ENV is ${env.APP_ENV}. Set SIGN_IN=oidc with OIDC_ISSUER and OIDC_AUDIENCE (docs/API.md: Signing in).`,
      );
    }
    if (!development) {
      throw new ConfigError(
        `SIGN_IN=dev-tokens (the local token file, USERS_FILE) is for development only, and APP_ENV is ${env.APP_ENV}. Set SIGN_IN=oidc with OIDC_ISSUER and OIDC_AUDIENCE (docs/API.md: Signing in), or APP_ENV=development on a developer's machine.`,
      );
    }
    return { kind, usersFile: env.USERS_FILE };
  }
  if (!env.OIDC_ISSUER) throw new ConfigError('OIDC_ISSUER: required with SIGN_IN=oidc (the identity provider\'s issuer, as its tokens\' iss)');
  if (!env.OIDC_AUDIENCE) throw new ConfigError('OIDC_AUDIENCE: required with SIGN_IN=oidc (this API\'s audience, as its access tokens\' aud)');
  if (!development) {
    if (!isSecureUrl(env.OIDC_ISSUER)) throw new ConfigError(`OIDC_ISSUER: must be https outside development (APP_ENV is ${env.APP_ENV})`);
    if (env.OIDC_JWKS_URL && !isSecureUrl(env.OIDC_JWKS_URL)) throw new ConfigError(`OIDC_JWKS_URL: must be https outside development (APP_ENV is ${env.APP_ENV})`);
  }
  return {
    kind,
    issuer: env.OIDC_ISSUER,
    audience: env.OIDC_AUDIENCE,
    ...(env.OIDC_JWKS_URL ? { jwksUrl: env.OIDC_JWKS_URL } : {}),
    idClaim: env.OIDC_ID_CLAIM,
    roleClaim: env.OIDC_ROLE_CLAIM,
    agencyClaim: env.OIDC_AGENCY_CLAIM,
    clockToleranceSeconds: env.OIDC_CLOCK_TOLERANCE_SECONDS,
  };
}

export { peopleSignInConfig, type PeopleSignInConfig } from './people-sign-in';

/**
 * A PEM file a TLS variable names, read at start: a file that is missing or holds no PEM of the
 * kind stops the process naming the variable (and the path, never the contents).
 */
export function readPemFile(variable: string, file: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Buffer {
  let contents: Buffer;
  try {
    contents = readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${variable} (${file}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(contents.toString('latin1'))) {
    throw new ConfigError(`${variable} (${file}) holds no PEM ${kind.toLowerCase()}`);
  }
  return contents;
}

/** Two variables that only mean something together: both or neither. */
export function requireBothOrNeither(a: [string, string | undefined], b: [string, string | undefined]): void {
  if (Boolean(a[1]) !== Boolean(b[1])) {
    const [set, unset] = a[1] ? [a[0], b[0]] : [b[0], a[0]];
    throw new ConfigError(`${set} is set and ${unset} is not: set both or neither`);
  }
}

/** The API's certificate and key for HTTPS (api/main.ts), or undefined for plain HTTP. */
export interface ApiTls {
  cert: Buffer;
  key: Buffer;
}

export function apiTlsConfig(env: Pick<Env, 'API_TLS_CERT_FILE' | 'API_TLS_KEY_FILE'>): ApiTls | undefined {
  const { API_TLS_CERT_FILE: certFile, API_TLS_KEY_FILE: keyFile } = env;
  requireBothOrNeither(['API_TLS_CERT_FILE', certFile], ['API_TLS_KEY_FILE', keyFile]);
  if (!certFile || !keyFile) return undefined;
  const tls = { cert: readPemFile('API_TLS_CERT_FILE', certFile, 'CERTIFICATE'), key: readPemFile('API_TLS_KEY_FILE', keyFile, 'PRIVATE KEY') };
  try {
    // Here, at start, rather than when the server is made: a key that is not the certificate's,
    // or PEM that OpenSSL cannot read (its reason only: OpenSSL's message carries no key material).
    createSecureContext(tls);
  } catch (err) {
    throw new ConfigError(`API_TLS_CERT_FILE, API_TLS_KEY_FILE: not a usable certificate and key (${(err as Error).message})`);
  }
  return tls;
}

export function loadEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatIssues('environment', parsed.error));
  return parsed.data;
}

function readJson(file: string, name: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${name} (${file}) cannot be read as JSON: ${(err as Error).message}`);
  }
}

export function loadPartnership(file: string): Partnership {
  const parsed = partnershipSchema.safeParse(readJson(file, 'PARTNERSHIP_FILE'));
  if (!parsed.success) throw new ConfigError(formatIssues(`PARTNERSHIP_FILE (${file})`, parsed.error));
  return parsed.data;
}

export function loadUsers(file: string): Users {
  const parsed = usersSchema.safeParse(readJson(file, 'USERS_FILE'));
  if (!parsed.success) throw new ConfigError(formatIssues(`USERS_FILE (${file})`, parsed.error));
  return parsed.data;
}
