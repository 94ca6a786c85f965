// The shape of the operations table (api/openapi/operations.ts) and the parts its operations are
// made of: the answers' headers, the error answers every route shares, the path parameters, the
// Idempotency-Key header, and the helpers that name a content's schema and give it an example.
import { z } from 'zod';
import { ACTION_ID_PATTERN } from '../../domain/action-snapshot';
import { CASE_REFERENCE_PATTERN } from '../../domain/case';
import { CODEC_SESSION_COOKIE } from '../codec-server';
import { RETRY_AFTER_SECONDS, type ErrorCode } from '../errors';
import { errorSchema } from '../openapi-schemas';
import { BODY_LIMIT, IDEMPOTENCY_KEY } from '../requests';
import { EXAMPLE_PROBLEMS, exampleMessages } from './examples';

/** An example, and the zod schema it must pass (the one the document shows for it). */
export interface DocumentedExample {
  /** Where it is documented, e.g. "POST /referrals request". */
  where: string;
  schema: z.ZodType;
  value: unknown;
}

export interface Content {
  schema: z.ZodType;
  /** The component name the schema is given (absent: inlined). */
  name?: string;
  contentType?: string;
  /** Named examples, each checked against `schema` or a narrower schema of its own. */
  examples?: Record<string, { summary?: string; value: unknown; schema?: z.ZodType }>;
}

export interface ResponseSpec {
  description: string;
  content?: Content;
  /** More representations of the same answer (the CSV of a listing). */
  alternatives?: Content[];
  /** Names of components/headers. */
  headers?: HeaderName[];
  /** For an error answer: the codes it may carry. */
  codes?: readonly ErrorCode[];
}

export interface OperationSpec {
  method: 'get' | 'post';
  /** OpenAPI's template: /cases/{caseReference}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Who may call it: absent, the bearer token; [] public; or the alternatives given. */
  security?: Array<Record<string, string[]>>;
  params?: z.ZodObject;
  query?: z.ZodObject;
  idempotent?: boolean;
  body?: Content;
  responses: Record<number, ResponseSpec>;
}

export type HeaderName = 'Retry-After' | 'Location' | 'Idempotent-Replayed' | 'WWW-Authenticate' | 'Content-Disposition' | 'Set-Cookie';

export const HEADERS: Record<HeaderName, { description: string; schema: { type: 'string' | 'integer' } }> = {
  'Retry-After': { description: `Seconds to wait before trying again (${RETRY_AFTER_SECONDS} on a 503; the window's reset on a 429)`, schema: { type: 'integer' } },
  Location: { description: 'Where the case or action is read (GET)', schema: { type: 'string' } },
  'Idempotent-Replayed': { description: '"true" when the answer is that of the first request with this Idempotency-Key: nothing was applied again', schema: { type: 'string' } },
  'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
  'Content-Disposition': { description: 'attachment; filename="<listing>-YYYY-MM-DD.csv"', schema: { type: 'string' } },
  'Set-Cookie': { description: `${CODEC_SESSION_COOKIE}: HttpOnly, SameSite=Strict, Path=/codec, 8 hours`, schema: { type: 'string' } },
};

export function errorResponse(codes: readonly ErrorCode[], description: string, headers: HeaderName[] = []): ResponseSpec {
  const code = codes[0]!;
  const problems = EXAMPLE_PROBLEMS[code];
  return {
    description: `${description}: ${codes.join(', ')}`,
    codes,
    headers,
    content: {
      schema: errorSchema(),
      name: 'Error',
      examples: { [code]: { value: { error: { code, message: exampleMessages()[code] ?? code, ...(problems ? { problems } : {}) } } } },
    },
  };
}

/** What any route behind sign-in may answer, besides its own. */
export function signedInErrors(): Record<number, ResponseSpec> {
  return {
    400: errorResponse(['MalformedPath'], 'The path is not validly encoded'),
    401: errorResponse(['Unauthenticated'], 'No bearer token that signs someone in (answered before the body is read)', ['WWW-Authenticate']),
    429: errorResponse(['RateLimited'], 'Too many requests from this address or person, or too many failed sign-ins', ['Retry-After']),
    500: errorResponse(['InternalError'], 'A defect; its cause is logged by name only'),
    503: errorResponse(['SignInUnavailable', 'TemporalUnavailable'], 'Try again later', ['Retry-After']),
  };
}

/** What reading a JSON body may answer. */
export function bodyErrors(): Record<number, ResponseSpec> {
  return {
    400: errorResponse(['MalformedJson', 'MalformedBody', 'MalformedPath'], 'The body is not JSON, nests more than 16 levels, or could not be read (or the path is badly encoded)'),
    413: errorResponse(['BodyTooLarge'], `The body is larger than ${BODY_LIMIT}`),
    415: errorResponse(['UnsupportedMediaType', 'UnsupportedCharset', 'UnsupportedContentEncoding'], 'Not application/json, not UTF-8, or a compression other than gzip, deflate, br'),
  };
}

export const json = (schema: z.ZodType, name?: string, examples?: Content['examples']): Content => ({ schema, ...(name ? { name } : {}), ...(examples ? { examples } : {}) });
export const one = (value: unknown, summary?: string) => ({ example: { value, ...(summary ? { summary } : {}) } });

/**
 * What GET /cases takes as limit (api/case-list.ts: 1 to 3 digits, read as a number from 1 to
 * `max`; leading zeros allowed), for a max that is a power of ten. The test samples it.
 */
export function pageSizePattern(max: number): string {
  const digits = String(max).length - 1;
  if (max !== 10 ** digits || digits < 1 || digits > 2) throw new Error(`pageSizePattern: ${max} is not 10 or 100`);
  // 1-9, 10-99 (below 100), 100, each with leading zeros up to three digits.
  return digits === 2 ? '^(?:0{0,2}[1-9]|0?[1-9][0-9]|100)$' : '^(?:0{0,2}[1-9]|0?10)$';
}

export const caseReferenceParam = () => z.string().regex(CASE_REFERENCE_PATTERN).meta({ description: 'The case reference the system allocated', example: 'DSP-2026-0001' });
export const actionIdParam = () => z.string().regex(ACTION_ID_PATTERN).meta({ description: "The action's reference within its case", example: 'A01' });

/** The Idempotency-Key header, with the pattern api/app.ts checks it against. */
export const idempotencyKeySchema = () =>
  z
    .string()
    .regex(IDEMPOTENCY_KEY)
    .meta({
      description:
        'Optional. The same key with the same body gives the first answer again (Idempotent-Replayed: true), applied once; with another body, 422 IdempotencyKeyReused. Scoped to the signed-in person.',
      example: 'ssp-informed-DSP-2026-0001',
    });

// ---- Names ---------------------------------------------------------------------------------------

export const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

export const rolesOf = (roles: readonly string[]) => roles.map((r) => `\`${r}\``).join(', ');

export const csv = (): Content => ({ schema: z.string().meta({ description: 'RFC 4180, CRLF, with a byte order mark; cells a spreadsheet would read as formulas are made text' }), contentType: 'text/csv' });
export const html = (description: string): Content => ({ schema: z.string().meta({ description }), contentType: 'text/html' });

export const BEARER = 'bearer';
export const CODEC_SESSION = 'codecSession';
