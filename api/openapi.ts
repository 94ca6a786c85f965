// The API's OpenAPI 3.1 document, generated from the zod schemas the routes check requests with
// (the referral, every case decision and action decision, the queries) and the answers' schemas
// (api/openapi-schemas.ts), and a page that renders it (swagger-ui, from this server only).
//
//   GET /openapi.json   the document (public: it holds no personal data)
//   GET /docs           the page
//
// The operations are a table (apiOperations) from which the document is generated and which the
// tests read: each route's statuses, its request and answer schemas and its examples. Schemas get
// their component names through zod's own .meta({ id }), never by patching zod's prototype
// (extendZodWithOpenApi): zod is shared with the domain, whose modules stay free of openapi code.
//
// Its parts, in api/openapi/:
//   spec.ts        the table's shape and the parts operations are made of (headers, error answers,
//                  path parameters, the Idempotency-Key header)
//   examples.ts    the examples: a request for every decision, the answers', the errors' messages
//   operations.ts  the table: every route, and what the tests read of it
//   document.ts    the document: components, a path per operation, info and tags
//   routes.ts      GET /openapi.json and GET /docs (apiDocsRoutes, which api/app.ts mounts)
export { apiDocsRoutes } from './openapi/routes';
export { API_TITLE, openApiDocument, type OpenApiDocument } from './openapi/document';
export { apiOperations, documentedExamples, responseSchema } from './openapi/operations';
export { actionDecisionExamples, caseDecisionExamples } from './openapi/examples';
export { idempotencyKeySchema, type DocumentedExample, type OperationSpec, type ResponseSpec } from './openapi/spec';
