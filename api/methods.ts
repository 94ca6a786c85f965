// 405 for a method a path does not have. A request whose path is a route of the app, but not for
// its method, is answered 405 MethodNotAllowed with an Allow header listing the methods the path
// has (RFC 9110 §15.5.6), before anything reads its body or asks who sent it: the methods of a path
// are public (the OpenAPI document says them). A path that is no route goes on, to its 404.
//
// The routes are read from the app itself (its router stack, nested routers with their mount path
// included), once, at the first request: every route is declared by then. OPTIONS goes on too
// (CORS preflights, and Express answers it with Allow); HEAD is allowed wherever GET is.
import type { Express, NextFunction, Request, Response } from 'express';
import { sendError } from './errors';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

interface RouteMethods {
  pattern: RegExp;
  methods: Set<string>;
}

/** A route path of ours (literal segments and :params only) as a regular expression, as Express matches it: any case, an optional trailing slash. */
function patternOf(path: string): RegExp {
  const segments = path.split('/').slice(1);
  const source = segments
    .map((segment) => {
      if (/^:\w+$/.test(segment)) return '/[^/]+';
      if (!/^[\w.-]*$/.test(segment)) throw new Error(`api/methods.ts reads only literal and :param segments, not ${path}`);
      return `/${segment.replace(/\./g, '\\.')}`;
    })
    .join('');
  return new RegExp(`^${source || '/'}/?$`, 'i');
}

/** Every route of the app with its methods, walking nested routers. */
export function routeMethods(stack: readonly Layer[], prefix = ''): RouteMethods[] {
  const byPath = new Map<string, Set<string>>();
  const walk = (layers: readonly Layer[], at: string) => {
    for (const layer of layers) {
      if (layer.route) {
        for (const path of Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]) {
          const full = `${at}${path}`;
          const methods = byPath.get(full) ?? new Set<string>();
          for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') methods.add(method.toUpperCase());
          byPath.set(full, methods);
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        walk(layer.handle.stack, `${at}${typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''}`);
      }
    }
  };
  walk(stack, prefix);
  return [...byPath].map(([path, methods]) => {
    if (methods.has('GET')) methods.add('HEAD');
    return { pattern: patternOf(path), methods };
  });
}

/** The methods a path has (empty: it is no route). */
export function allowedMethods(routes: readonly RouteMethods[], path: string): Set<string> {
  const allowed = new Set<string>();
  for (const route of routes) if (route.pattern.test(path)) for (const m of route.methods) allowed.add(m);
  return allowed;
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** The middleware: mount it before the body is read and before sign-in. */
export function methodNotAllowed(app: Express) {
  let routes: RouteMethods[] | undefined;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'OPTIONS') return next();
    // A path that does not decode is refused 400 MalformedPath by the router, whatever the method.
    if (!decodes(req.path)) return next();
    routes ??= routeMethods((app as unknown as { router: { stack: Layer[] } }).router.stack);
    const allowed = allowedMethods(routes, req.path);
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    res.setHeader('Allow', [...allowed].sort().join(', '));
    // Never the method as sent: it is the caller's text.
    sendError(res, 405, 'MethodNotAllowed', `This resource answers only ${[...allowed].sort().join(', ')}`);
  };
}
