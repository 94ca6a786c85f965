// The codec server the Temporal UI calls from the browser (POST /codec/decode, /codec/encode):
// only for people who may read a child's record, CORS for the UI's origin only, nothing logged,
// and every decoding recorded in the register (who, when, which namespace and workflow).
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { mayReadReferral } from '../domain/access';
import type { Actor } from '../domain/roles';
import { sendError } from './errors';

export interface CodecAuditTable {
  at: string;
  actor_id: string;
  actor_role: string;
  operation: 'decode' | 'encode';
  namespace: string;
  /** The workflow the UI page showed, when the browser says (Referer); never anything else. */
  workflow_id: string | null;
  payloads: number;
}

export interface CodecAuditTables {
  codec_audit: CodecAuditTable;
}

export async function migrateCodecAudit<DB extends CodecAuditTables>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<CodecAuditTables>;
  await db.schema
    .createTable('codec_audit')
    .ifNotExists()
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text')
    .addColumn('payloads', 'integer', (c) => c.notNull())
    .execute();
}

const payloadsSchema = z.strictObject({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() }))
    .max(1_000),
});

function fromJson(p: z.infer<typeof payloadsSchema>['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

/** The workflow a Temporal UI page is about, from its address: `/namespaces/<ns>/workflows/<id>/...`. */
function workflowOf(referer: string | undefined): string | null {
  const match = referer ? /\/workflows\/(incident-[A-Z]{2,8}-\d{4}-\d{3,6})(?:\/|$)/.exec(referer) : null;
  return match?.[1] ?? null;
}

export interface CodecServerOptions<DB extends CodecAuditTables> {
  codec: PayloadCodec;
  register: Kysely<DB>;
  /** The Temporal UI's origin, e.g. http://127.0.0.1:8233: the only one answered with CORS. */
  uiOrigin: string;
  /** Resolves the signed-in person (the API's authenticate middleware). */
  authenticate: (req: Request, res: Response, next: NextFunction) => void;
  now?: () => Date;
}

export function codecServer<DB extends CodecAuditTables>(options: CodecServerOptions<DB>): Router {
  const router = express.Router();
  const db = options.register as unknown as Kysely<CodecAuditTables>;
  const now = options.now ?? (() => new Date());
  // Created on first use (idempotent), so every register the API opens has the table.
  let migrated: Promise<void> | undefined;

  // CORS for the UI's origin only; the preflight carries no token, so it is answered before sign-in.
  router.use((req, res, next) => {
    if (req.get('origin') === options.uiOrigin) {
      res.setHeader('Access-Control-Allow-Origin', options.uiOrigin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return res.sendStatus(req.get('origin') === options.uiOrigin ? 204 : 403);
    next();
  });
  router.use(options.authenticate);

  for (const operation of ['decode', 'encode'] as const) {
    router.post(`/${operation}`, express.json({ limit: '4mb' }), async (req, res) => {
      const actor = res.locals.actor as Actor;
      // The same people who may read the referral form (domain/access.ts).
      if (!mayReadReferral(actor)) return sendError(res, 403, 'DecodeNotAllowed', 'Your role may not decode case payloads');
      const parsed = payloadsSchema.safeParse(req.body);
      if (!parsed.success) return sendError(res, 422, 'InvalidPayloads', 'Send {"payloads":[{"metadata":{...},"data":"<base64>"}]}');
      // Every decoding of a child's record is itself a record, written before the answer.
      migrated ??= migrateCodecAudit(db);
      await migrated;
      await db
        .insertInto('codec_audit')
        .values({
          at: now().toISOString(),
          actor_id: actor.id,
          actor_role: actor.role,
          operation,
          namespace: (req.get('x-namespace') ?? 'default').slice(0, 100),
          workflow_id: workflowOf(req.get('referer')),
          payloads: parsed.data.payloads.length,
        })
        .execute();
      const payloads = parsed.data.payloads.map(fromJson);
      try {
        const out = operation === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
        res.json({ payloads: out.map(toJson) });
      } catch {
        // The error names a key ID at most; the answer names nothing.
        sendError(res, 422, 'CannotDecode', 'These payloads cannot be decoded with the keys this server holds');
      }
    });
  }
  return router;
}

/** The audit rows, oldest first (for tests and the register's readers); any register database. */
export async function codecAuditRows(database: Kysely<never> | Kysely<CodecAuditTables> | object) {
  const db = database as Kysely<CodecAuditTables>;
  return db.selectFrom('codec_audit').selectAll().orderBy('at').execute();
}
