// The OpenAPI 3.1 document, generated from the operations table (api/openapi/operations.ts): its
// components (the sign-in schemes, the answers' headers, the schemas by their component names), a
// path for every operation, and its info and tags. Built once a London day: the request examples
// are dated the day the document is served.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { londonToday } from '../../config/example-referral';
import { referralFormSchema } from '../../domain/referral-form';
import { CODEC_SESSION_COOKIE } from '../codec-server';
import { documentedRequest, REFERRAL_FORM_RULES } from '../openapi-schemas';
import { apiOperations } from './operations';
import { BEARER, CODEC_SESSION, HEADERS, idempotencyKeySchema, type Content, type OperationSpec } from './spec';

export const API_TITLE = 'Serious child safeguarding incident procedure: staff API';
const API_VERSION = '0.1.0';

/** The sign-in schemes and the answers' headers: components the paths refer to. */
function registerComponents(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "An access token the partnership's OpenID Connect provider issues for this API (SIGN_IN=oidc: its iss, aud, exp and signature are checked; the person's id, role and agency come from its claims), or in development (SIGN_IN=dev-tokens) a token of the users file, e.g. dev-business-unit-token.",
  });
  registry.registerComponent('securitySchemes', CODEC_SESSION, { type: 'apiKey', in: 'cookie', name: CODEC_SESSION_COOKIE, description: 'The session of /codec/sign-in (the Temporal UI sends it with "include cross-origin credentials")' });
  for (const [name, header] of Object.entries(HEADERS)) registry.registerComponent('headers', name, header);
}

// registry.registerParameter would need zod's prototype patched (.openapi): the header is given per route.
const idempotencyKeyHeader = () => z.object({ 'Idempotency-Key': idempotencyKeySchema().optional() });

/** Component names, given once per schema instance (zod's registry keeps an id to one schema). */
function named(content: Content): z.ZodType {
  return content.name ? content.schema.meta({ id: content.name }) : content.schema;
}

/** A content's media types, each schema under its component name, with its examples (without the narrower schemas they are checked against). */
function contentWriter() {
  // One instance per component name: a name given twice would be two schemas to zod's registry.
  const namedSchemas = new Map<string, z.ZodType>();
  const schemaOf = (content: Content) => {
    if (!content.name) return content.schema;
    const existing = namedSchemas.get(content.name);
    if (existing) return existing;
    const schema = named(content);
    namedSchemas.set(content.name, schema);
    return schema;
  };
  const media = (content: Content) => ({
    schema: schemaOf(content),
    ...(content.examples ? { examples: Object.fromEntries(Object.entries(content.examples).map(([k, { summary, value }]) => [k, { ...(summary ? { summary } : {}), value }])) } : {}),
  });
  return (...contents: Content[]) => Object.fromEntries(contents.map((c) => [c.contentType ?? 'application/json', media(c)]));
}

type ContentOf = ReturnType<typeof contentWriter>;

/** An operation of the table as a path of the document. */
function routeOf(op: OperationSpec, contentOf: ContentOf, idempotencyKey: ReturnType<typeof idempotencyKeyHeader>): RouteConfig {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers?.length ? { headers: Object.fromEntries(r.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) } : {}),
      ...(r.content ? { content: contentOf(r.content, ...(r.alternatives ?? [])) } : {}),
    };
  }
  const route: RouteConfig = {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: op.tags,
    ...(op.security ? { security: op.security } : {}),
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.idempotent ? { headers: idempotencyKey } : {}),
      ...(op.body ? { body: { required: true, content: contentOf(op.body) } } : {}),
    },
    responses,
  };
  return route;
}

/** The document's info (title, version, what every answer shares), its default sign-in and its tags. */
function documentInfo(today: string): Parameters<OpenApiGeneratorV31['generateDocument']>[0] {
  return {
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description: [
        "Staff API of the Safeguarding Partnership's serious child safeguarding incident procedure (DSP 1.5): referrals open cases; staff record decisions; every deadline is watched by the case's workflow.",
        'Every answer is JSON with `Cache-Control: no-store` and an `X-Request-Id`; every error is `{ "error": { "code", "message", "problems"? } }`, its code one of the enum in the Error schema. A message never repeats what was sent. Examples are fictitious.',
        'A method a path does not have is answered 405 `MethodNotAllowed` with an `Allow` header listing those it has; a path that is not here, 404 `NotFound`.',
        `The request examples are dated ${today} (London), the day this document was served, and each says it is an example: replace its words before sending.`,
      ].join('\n\n'),
    },
    security: [{ [BEARER]: [] }],
    tags: [
      { name: 'Cases' },
      { name: 'Case decisions', description: 'One path per decision: who may record it, when, and its payload' },
      { name: 'Improvement actions', description: 'Action plans (§9.2, §16.2), the action log and the exception report' },
      { name: 'Codec server', description: 'For the Temporal UI to read encrypted payloads' },
      { name: 'Service' },
    ],
  };
}

function buildDocument(today: string) {
  const registry = new OpenAPIRegistry();
  registerComponents(registry);
  const idempotencyKey = idempotencyKeyHeader();
  const contentOf = contentWriter();

  // What the routes check that the generator cannot read (api/openapi-schemas.ts documentedRequest).
  documentedRequest(referralFormSchema, REFERRAL_FORM_RULES);
  for (const op of apiOperations(today)) {
    if (op.body) documentedRequest(op.body.schema);
    if (op.query) documentedRequest(op.query);
    // An answer's schema may be the same component as a request's (CodecPayloads): said the same way.
    for (const r of Object.values(op.responses)) if (r.content) documentedRequest(r.content.schema);
    registry.registerPath(routeOf(op, contentOf, idempotencyKey));
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument(documentInfo(today));
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;
let document: { today: string; document: OpenApiDocument; json: string } | undefined;

/** The document, built on first use and kept for the London day (its request examples are dated that day). */
export function openApiDocument(today: string = londonToday()): OpenApiDocument {
  if (document?.today !== today) {
    const built = buildDocument(today);
    document = { today, document: built, json: JSON.stringify(built) };
  }
  return document.document;
}

/** As served: serialised once a day (a few hundred kB). */
export function openApiJson(): string {
  const today = londonToday();
  openApiDocument(today);
  return document!.json;
}
