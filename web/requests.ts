// Which requests the staff pages answer. The pages live at the JSON API's own addresses (a case is
// /cases/DSP-2026-0001 in an email, in a browser and to curl): a browser's navigation asks for
// text/html first and gets the page; an API client (Accept: application/json, */* or none) gets
// JSON, as before. The pages' own addresses (/, /sign-in, /sign-out, /assets) are pages only.
import type { Request } from 'express';

/** Paths that are never pages: the API's documents, health, and the Temporal UI's codec. */
const NEVER_PAGES = /^\/(?:health|docs|openapi\.json|codec)(?:\/|$)/;
/** Paths that are always pages. */
const ALWAYS_PAGES = /^\/(?:$|sign-in(?:\/|$)|sign-out$|signed-out$|assets\/)/;

/** Whether the request is for a page (else the JSON API answers it). */
export function isPageRequest(req: Request): boolean {
  if (NEVER_PAGES.test(req.path)) return false;
  if (ALWAYS_PAGES.test(req.path)) return true;
  // A page's form posts back to the page's own address: a browser's form (urlencoded, signed in by
  // its session cookie, never a bearer token). The JSON API takes JSON only, so nothing of it is lost.
  if (req.method === 'POST') return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded' && !req.get('authorization');
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return prefersHtml(req);
}

/** text/html named explicitly and preferred to JSON (a wildcard alone is an API client's). */
export function prefersHtml(req: Request): boolean {
  const accept = req.get('accept') ?? '';
  if (!/text\/html/i.test(accept)) return false;
  return req.accepts(['text/html', 'application/json']) === 'text/html';
}

/** A path of ours to return to after sign-in: same origin, no scheme, no protocol-relative tricks. */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex -- a control character is never part of a path of ours
  if (/[\u0000-\u001f]/.test(value)) return undefined;
  if (/^\/(?:sign-in|sign-out)/.test(value)) return undefined;
  return value;
}
