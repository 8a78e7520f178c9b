// Failure bookkeeping and the JSON API (spec §2.7, §4.1–4.3, §6 cases 67–70).
import { differentialSuite } from './differential-suite';
import type { Scenario } from './scenario';
import { get, post, put, withMessage } from './steps';

const API_HEADERS = [
  'header:content-type',
  'header:access-control-allow-origin',
  'header:access-control-allow-methods',
  'header:access-control-allow-headers',
  'header:access-control-expose-headers',
  'header:cache-control',
] as const;

const scenarios: Scenario[] = [
  {
    cases: [67],
    name: 'a failed push leaves the metrics alone, sets the failure time and last_push_successful=false',
    steps: [put('/metrics/job/j', 'a 1\n'), put('/metrics/job/j', 'a 2 1700000000000\n')],
    statuses: [200, 400],
  },
  {
    cases: [67],
    name: 'a failed POST and a failed consistency check count as failures too',
    steps: [
      put('/metrics/job/j', '# TYPE a counter\na 1\n'),
      // Which type the message names depends on which group upstream's map visits first.
      withMessage(
        post('/metrics/job/k', 'a 2\n'),
        /collected metric "a" \{…\} is not a (?:COUNTER|UNTYPED)\n$/,
      ),
      put('/metrics/job/j', 'b 1\nb 1\n'),
    ],
    statuses: [200, 400, 400],
  },
  {
    cases: [68],
    name: 'a later success keeps the old failure time and flips last_push_successful back',
    steps: [
      put('/metrics/job/j', 'a 1 1\n'),
      put('/metrics/job/j', 'a 2\n'),
      post('/metrics/job/j', 'b 3\n'),
    ],
    statuses: [400, 200, 200],
  },
  {
    cases: [69],
    name: 'parse and path errors touch nothing, not even the failure time',
    steps: [
      put('/metrics/job/j', 'a 1\n'),
      put('/metrics/job/j', 'a{ 1\n'),
      put('/metrics/job/new', 'a{ 1\n'),
      put('/metrics/job/new/0bad/v', 'a 1\n'),
    ],
    statuses: [200, 400, 400, 400],
  },
  {
    cases: [70],
    name: 'families named labels or last_push_successful take over those API keys',
    steps: [put('/metrics/job/j', 'labels 1\nlast_push_successful 2\n')],
    statuses: [200],
  },
  {
    cases: [],
    name: 'API JSON for every type, with HELP, NaN and large numbers',
    steps: [
      put(
        '/metrics/job/api/instance/i1',
        '# HELP g A gauge.\n# TYPE g gauge\ng{l="v"} 1.5\n# TYPE c counter\nc 3e9\nu NaN\n' +
          '# TYPE s summary\ns{quantile="0.5"} 2\ns_sum 10\ns_count 3\n' +
          '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1.2\nh_count 2\n',
      ),
      get('/api/v1/metrics', { compare: [...API_HEADERS] }),
    ],
    statuses: [200, 200],
  },
  {
    cases: [],
    name: 'api/v1 CORS answers and /api/v1/status envelope',
    steps: [
      { method: 'OPTIONS', path: '/api/v1/metrics', compare: ['body', ...API_HEADERS] },
      get('/api/v1/status', { compare: [...API_HEADERS] }),
      { method: 'POST', path: '/api/v1/metrics', body: '' },
    ],
    statuses: [200, 200, 405],
  },
];

differentialSuite('failure bookkeeping and API', ['--web.enable-admin-api'], scenarios);
