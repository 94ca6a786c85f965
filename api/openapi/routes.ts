// The document's routes: GET /openapi.json (the document as served, api/openapi/document.ts) and
// GET /docs, the page that renders it (swagger-ui, its files from this server only).
import express, { type Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { sendError } from '../errors';
import { API_TITLE, openApiJson } from './document';

/** What the page loads: swagger-ui's own files (swagger-ui-dist, through swagger-ui-express) and the init script. */
const DOCS_ASSETS = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js', '/swagger-ui-standalone-preset.js', '/swagger-ui-init.js', '/favicon-32x32.png', '/favicon-16x16.png']);

/**
 * The page's own policy, in place of the API's `default-src 'none'`: swagger-ui's script and style
 * from this server only (no inline script or style: the page below has none), the document fetched
 * from here, and the icons its stylesheet holds as data: URIs.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// swagger-ui-express's own page has inline styles; this one has none, so the policy needs no
// 'unsafe-inline' and no hashes. The symbols are those swagger-ui's icons refer to.
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${API_TITLE}</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true">
<defs>
<symbol viewBox="0 0 20 20" id="unlocked"><path d="M15.8 8H14V5.6C14 2.703 12.665 1 10 1 7.334 1 6 2.703 6 5.6V6h2v-.801C8 3.754 8.797 3 10 3c1.203 0 2 .754 2 2.199V8H4c-.553 0-1 .646-1 1.199V17c0 .549.428 1.139.951 1.307l1.197.387C5.672 18.861 6.55 19 7.1 19h5.8c.549 0 1.428-.139 1.951-.307l1.196-.387c.524-.167.953-.757.953-1.306V9.199C17 8.646 16.352 8 15.8 8z"/></symbol>
<symbol viewBox="0 0 20 20" id="locked"><path d="M15.8 8H14V5.6C14 2.703 12.665 1 10 1 7.334 1 6 2.703 6 5.6V8H4c-.553 0-1 .646-1 1.199V17c0 .549.428 1.139.951 1.307l1.197.387C5.672 18.861 6.55 19 7.1 19h5.8c.549 0 1.428-.139 1.951-.307l1.196-.387c.524-.167.953-.757.953-1.306V9.199C17 8.646 16.352 8 15.8 8zM12 8H8V5.199C8 3.754 8.797 3 10 3c1.203 0 2 .754 2 2.199V8z"/></symbol>
<symbol viewBox="0 0 20 20" id="close"><path d="M14.348 14.849c-.469.469-1.229.469-1.697 0L10 11.819l-2.651 3.029c-.469.469-1.229.469-1.697 0-.469-.469-.469-1.229 0-1.697l2.758-3.15-2.759-3.152c-.469-.469-.469-1.228 0-1.697.469-.469 1.228-.469 1.697 0L10 8.183l2.651-3.031c.469-.469 1.228-.469 1.697 0 .469.469.469 1.229 0 1.697l-2.758 3.152 2.758 3.15c.469.469.469 1.229 0 1.698z"/></symbol>
<symbol viewBox="0 0 20 20" id="large-arrow"><path d="M13.25 10L6.109 2.58c-.268-.27-.268-.707 0-.979.268-.27.701-.27.969 0l7.83 7.908c.268.271.268.709 0 .979l-7.83 7.908c-.268.271-.701.27-.969 0-.268-.269-.268-.707 0-.979L13.25 10z"/></symbol>
<symbol viewBox="0 0 20 20" id="large-arrow-down"><path d="M17.418 6.109c.272-.268.709-.268.979 0s.271.701 0 .969l-7.908 7.83c-.27.268-.707.268-.979 0l-7.908-7.83c-.27-.268-.27-.701 0-.969.271-.268.709-.268.979 0L10 13.25l7.418-7.141z"/></symbol>
<symbol viewBox="0 0 24 24" id="jump-to"><path d="M19 7v4H5.83l3.58-3.59L8 6l-6 6 6 6 1.41-1.41L5.83 13H21V7z"/></symbol>
<symbol viewBox="0 0 24 24" id="expand"><path d="M10 18h4v-2h-4v2zM3 6v2h18V6H3zm3 7h12v-2H6v2z"/></symbol>
</defs>
</svg>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/swagger-ui-init.js"></script>
</body>
</html>
`;

/**
 * GET /openapi.json and GET /docs, with the page's files. Public: the document holds no personal
 * data. Mounted before sign-in, after the request ID and security headers (it replaces the CSP).
 */
export function apiDocsRoutes(): Router {
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('json').send(openApiJson());
  });
  router.use('/docs', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    next();
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  // Only the files the page loads: not swagger-ui-dist's sample page, its source maps or package.json.
  router.use('/docs', (req, res, next) => (DOCS_ASSETS.has(req.path) ? next() : sendError(res, 404, 'NotFound', 'No such resource')));
  // The init script swagger-ui-express writes: the document from /openapi.json, no top bar (whose
  // box would load any address), no online validator (it would send the document elsewhere).
  router.use('/docs', ...swaggerUi.serveFiles(undefined, { swaggerUrl: '/openapi.json', swaggerOptions: { layout: 'BaseLayout', validatorUrl: null, deepLinking: true } }));
  return router;
}
