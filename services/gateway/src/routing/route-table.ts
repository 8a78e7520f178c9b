import { GoRouter, type RouteDef } from './go-router';

/** Every endpoint the gateway serves. */
export type RouteName =
  | 'push'
  | 'push-base64'
  | 'delete'
  | 'delete-base64'
  | 'scrape'
  | 'healthy'
  | 'ready'
  | 'status-page'
  | 'quit'
  | 'quit-get'
  | 'api-status'
  | 'api-metrics'
  | 'api-options'
  | 'wipe';

export interface RouteTableOptions {
  /** Normalised route prefix: '' or `/name`. */
  routePrefix: string;
  telemetryPath: string;
  enableAdminApi: boolean;
}

/**
 * Upstream's registrations (main.go of 1.5.1), in httprouter syntax. Not served: `/static/*`
 * (the status page has no external assets) and `/debug/pprof/*` (Go only).
 */
export function createRouter({
  routePrefix: p,
  telemetryPath,
  enableAdminApi,
}: RouteTableOptions): GoRouter<RouteName> {
  const main: RouteDef<RouteName>[] = [
    { method: 'GET', pattern: `${p}/-/healthy`, name: 'healthy' },
    { method: 'GET', pattern: `${p}/-/ready`, name: 'ready' },
    { method: 'GET', pattern: `${p}${telemetryPath}`, name: 'scrape' },
    { method: 'GET', pattern: `${p}/status`, name: 'status-page' },
    { method: 'GET', pattern: `${p}/`, name: 'status-page' },
    { method: 'PUT', pattern: `${p}/-/quit`, name: 'quit' },
    { method: 'POST', pattern: `${p}/-/quit`, name: 'quit' },
    // Registered without the prefix upstream, so it answers at /-/quit whatever the prefix.
    { method: 'GET', pattern: '/-/quit', name: 'quit-get' },
  ];
  for (const [suffix, push, del] of [
    ['', 'push', 'delete'],
    ['@base64', 'push-base64', 'delete-base64'],
  ] as const) {
    for (const tail of ['/:job', '/:job/*labels']) {
      const pattern = `${p}/metrics/job${suffix}${tail}`;
      main.push(
        { method: 'PUT', pattern, name: push },
        { method: 'POST', pattern, name: push },
        { method: 'DELETE', pattern, name: del },
      );
    }
  }

  const api: RouteDef<RouteName>[] = [
    { method: 'OPTIONS', pattern: '/*path', name: 'api-options' },
    { method: 'GET', pattern: '/status', name: 'api-status' },
    { method: 'GET', pattern: '/metrics', name: 'api-metrics' },
  ];
  // Without the flag the route does not exist at all (404, not 403), as upstream.
  if (enableAdminApi) api.push({ method: 'PUT', pattern: '/admin/wipe', name: 'wipe' });

  return new GoRouter({
    main,
    mainQuirks: [
      {
        methods: ['PUT', 'POST', 'DELETE'],
        path: `${p}/metrics/job/`,
        redirectTo: `${p}/metrics/job`,
      },
    ],
    apiMount: `${p}/api/v1/`,
    api,
  });
}
