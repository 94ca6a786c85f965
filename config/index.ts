// Configuration, parsed once at start from the environment (documented in README.md and
// config/example.env). A missing or malformed value stops the process naming the variable;
// values are never logged.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AGENCY_CONTACTS, MAILBOXES, type AgencyContact, ROLES } from '../domain/roles';
import { findProjectRoot } from './project-root';

export const PROJECT_ROOT = findProjectRoot(__dirname);

const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  DATABASE_URL: z.string().min(1).default(`sqlite:${path.join(PROJECT_ROOT, '.data', 'register.sqlite')}`),
  SMTP_URL: z.string().url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Safeguarding Partnership case system <case-system@partnership.example.org>'),
  PARTNERSHIP_FILE: z.string().default(path.join(PROJECT_ROOT, 'config', 'partnership.example.json')),
  USERS_FILE: z.string().default(path.join(PROJECT_ROOT, 'config', 'users.example.json')),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
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
});

export type Env = z.infer<typeof envSchema>;

export const partnershipSchema = z.strictObject({
  name: z.string().min(1),
  /** Role mailboxes; reminders and escalations go here, never to personal data. */
  mailboxes: z.strictObject(Object.fromEntries(MAILBOXES.map((m) => [m, z.email()])) as Record<(typeof MAILBOXES)[number], z.ZodEmail>),
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
