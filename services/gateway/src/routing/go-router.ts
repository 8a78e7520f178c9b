import { decodePathBytes } from '@pushgate/core';
import { cleanPath, escapePath } from './go-url';
import { type Params, RoutePattern } from './route-pattern';

/**
 * Routing as upstream's Go stack does it, decided before any handler runs: net/http's ServeMux
 * (path cleaning, `/api/v1` → `/api/v1/`), in front of two httprouter instances (the main one,
 * and the API one mounted with http.StripPrefix). Pure: (method, request target) → Resolution.
 *
 * Observable rules reproduced (checked against prometheus-pushgateway 1.5.1):
 * - the path is percent-decoded before routing, so `%2F` separates segments; a malformed escape
 *   is a 400 from the HTTP server itself;
 * - `//`, `/./`, `/../` → 301 to the cleaned path, for every method;
 * - per-method lookup; a miss may redirect (GET 301, other methods 307) to the path with the
 *   trailing slash toggled, or to the path with static segments in their registered case;
 * - redirects from the API router lose the mount point (`/api/v1/status/` → `/status`);
 * - otherwise OPTIONS → 200 with `Allow`, a known path with another method → 405 with a sorted
 *   `Allow` that includes OPTIONS, anything else → 404. HEAD is not GET.
 */

export interface RouteDef<Name extends string> {
  method: string;
  pattern: string;
  name: Name;
}

/**
 * A trailing-slash redirect httprouter's radix tree produces where no route matches after the
 * redirect (PUT `/metrics/job/` → 307 `/metrics/job`, which then 404s). Listed explicitly
 * because it falls out of the tree's shape, not out of any rule.
 */
export interface TreeQuirk {
  methods: readonly string[];
  path: string;
  redirectTo: string;
}

export type Resolution<Name extends string> =
  | { kind: 'handle'; route: Name; params: Params }
  | { kind: 'redirect'; status: 301 | 307; location: string }
  | { kind: 'options'; allow: string }
  | { kind: 'method-not-allowed'; allow: string }
  | { kind: 'not-found' }
  | { kind: 'bad-request' };

interface CompiledRoute<Name extends string> {
  method: string;
  pattern: RoutePattern;
  name: Name;
}

class Tree<Name extends string> {
  private readonly routes: CompiledRoute<Name>[];

  constructor(
    defs: readonly RouteDef<Name>[],
    private readonly quirks: readonly TreeQuirk[] = [],
  ) {
    this.routes = defs.map((d) => ({
      method: d.method,
      name: d.name,
      pattern: new RoutePattern(d.pattern),
    }));
  }

  resolve(method: string, path: string, query: string): Resolution<Name> {
    const own = this.routes.filter((r) => r.method === method);
    for (const r of own) {
      const params = r.pattern.match(path);
      if (params) return { kind: 'handle', route: r.name, params };
    }
    if (own.length > 0 && method !== 'CONNECT' && path !== '/') {
      const status = method === 'GET' ? 301 : 307;
      const redirect = (to: string): Resolution<Name> => ({
        kind: 'redirect',
        status,
        location: escapePath(to) + query,
      });
      const matches = (p: string) => own.some((r) => r.pattern.match(p));
      if (path.length > 1 && path.endsWith('/') && matches(path.slice(0, -1)))
        return redirect(path.slice(0, -1));
      if (!path.endsWith('/') && matches(`${path}/`)) return redirect(`${path}/`);
      const quirk = this.quirks.find((q) => q.path === path && q.methods.includes(method));
      if (quirk) return redirect(quirk.redirectTo);
      const toggled = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
      for (const candidate of [path, toggled]) {
        for (const r of own) {
          const fixed = r.pattern.fixCase(candidate);
          if (fixed !== undefined) return redirect(fixed);
        }
      }
    }
    const allow = this.allowed(method, path);
    if (allow === '') return { kind: 'not-found' };
    return method === 'OPTIONS'
      ? { kind: 'options', allow }
      : { kind: 'method-not-allowed', allow };
  }

  /** httprouter's `allowed`: other methods (OPTIONS excluded) with a route here, plus OPTIONS, sorted. */
  private allowed(method: string, path: string): string {
    const methods = new Set<string>();
    for (const r of this.routes) {
      if (r.method !== method && r.method !== 'OPTIONS' && r.pattern.match(path))
        methods.add(r.method);
    }
    if (methods.size === 0) return '';
    methods.add('OPTIONS');
    return [...methods].sort().join(', ');
  }
}

export interface GoRouterOptions<Name extends string> {
  main: readonly RouteDef<Name>[];
  mainQuirks?: readonly TreeQuirk[];
  /** ServeMux pattern of the API router, with trailing slash, e.g. `/api/v1/`. */
  apiMount: string;
  api: readonly RouteDef<Name>[];
}

export class GoRouter<Name extends string> {
  private readonly main: Tree<Name>;
  private readonly api: Tree<Name>;
  private readonly apiMount: string;

  constructor(opts: GoRouterOptions<Name>) {
    this.main = new Tree(opts.main, opts.mainQuirks);
    this.api = new Tree(opts.api);
    this.apiMount = opts.apiMount;
  }

  /** `target` is the raw request target as received (`req.originalUrl`). */
  resolve(method: string, requestTarget: string): Resolution<Name> {
    // Absolute-form targets (`GET http://host/metrics`, sent through forward proxies) route by path.
    const target = requestTarget.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?]*/, '') || '/';
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const rawQuery = q < 0 ? '' : target.slice(q + 1);
    const query = rawQuery === '' ? '' : `?${rawQuery}`;
    const path = decodePathBytes(rawPath);
    if (path === undefined || !path.startsWith('/')) return { kind: 'bad-request' };

    if (method !== 'CONNECT') {
      const clean = cleanPath(path);
      if (`${clean}/` === this.apiMount)
        return { kind: 'redirect', status: 301, location: escapePath(`${clean}/`) + query };
      if (clean !== path)
        return { kind: 'redirect', status: 301, location: escapePath(clean) + query };
    }
    if (path.startsWith(this.apiMount)) {
      return this.api.resolve(method, path.slice(this.apiMount.length - 1), query);
    }
    return this.main.resolve(method, path, query);
  }
}
