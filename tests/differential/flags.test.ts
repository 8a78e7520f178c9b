// Behaviour switched by flags: admin API, lifecycle API, route prefix, telemetry path and the
// disabled consistency check (spec §2.8, §4.3, §4.4, §4.6, §6 cases 71, 78, 79).
import { differentialSuite } from './differential-suite';
import { bodyText, family, response, seriesLabels, statusOf } from './run-accessors';
import type { Run, Scenario } from './scenario';
import { del, get, post, put } from './steps';

const ADMIN = '--web.enable-admin-api';

differentialSuite(
  'without admin and lifecycle APIs',
  [],
  [
    {
      cases: [71],
      name: 'the wipe route does not exist',
      steps: [put('/metrics/job/j', 'a 1\n'), put('/api/v1/admin/wipe'), get('/api/v1/admin/wipe')],
      statuses: [200, 404, 404],
    },
    {
      cases: [],
      name: 'quit is forbidden; GET /-/quit has its own 405',
      steps: [put('/-/quit'), post('/-/quit'), get('/-/quit'), del('/-/quit')],
      statuses: [403, 403, 405, 405],
    },
  ],
);

differentialSuite(
  'admin API',
  [ADMIN],
  [
    {
      cases: [71],
      name: 'wipe removes every group; other methods are not allowed',
      steps: [
        put('/metrics/job/a', 'a 1\n'),
        put('/metrics/job/b/instance/i', 'b 1\n'),
        get('/api/v1/admin/wipe'),
        post('/api/v1/admin/wipe'),
        del('/api/v1/admin/wipe'),
        put('/api/v1/admin/wipe'),
      ],
      statuses: [200, 200, 405, 405, 405, 202],
    },
    {
      cases: [71],
      name: 'pushes after a wipe start from nothing',
      steps: [
        put('/metrics/job/a', '# TYPE m counter\nm 1\n'),
        put('/api/v1/admin/wipe'),
        put('/metrics/job/b', '# TYPE m gauge\nm 1\n'),
      ],
      statuses: [200, 202, 200],
    },
  ],
);

differentialSuite(
  'route prefix',
  ['--web.route-prefix=/pg/', ADMIN],
  [
    {
      cases: [79],
      name: 'every route moves under the prefix, except the GET /-/quit stub',
      steps: [
        put('/pg/metrics/job/x', 'a 1\n'),
        put('/metrics/job/y', 'b 1\n'),
        get('/metrics'),
        get('/api/v1/metrics'),
        get('/pg/api/v1/status', { compare: ['header:content-type'] }),
        get('/-/healthy'),
        get('/pg/-/ready', { compare: ['body'] }),
        get('/-/quit'),
        put('/pg/-/quit'),
        del('/pg/metrics/job/nothing'),
      ],
      statuses: [200, 404, 404, 404, 200, 404, 200, 405, 403, 202],
    },
    {
      cases: [79],
      name: 'path cleaning and errors under the prefix',
      steps: [
        put('/pg/metrics/job/x//y/z', 'a 1\n'),
        put('/pg/metrics/job/x/y', 'a 1\n'),
        put('/pg//metrics/job/x', 'a 1\n'),
        get('/pg/metrics/'),
      ],
      statuses: [301, 400, 301, 301],
    },
  ],
);

differentialSuite(
  'telemetry path',
  ['--web.telemetry-path=/scrape', ADMIN],
  [
    {
      cases: [],
      name: 'the scrape moves, the push paths stay',
      steps: [
        put('/metrics/job/x', 'a 1\n'),
        get('/metrics'),
        get('/scrape', { compare: ['text-scrape'] }),
        del('/metrics/job/none'),
      ],
      statuses: [200, 404, 200, 202],
    },
  ],
);

/** With the check off, Pushgate still refuses what would break the scrape, but answers 202. */
function droppedInconsistentWrite(run: Run, group: string): void {
  expect(statusOf(run).every((s) => s === 202)).toBe(true);
  const failures = family(run, 'push_failure_time_seconds')?.series as Array<{
    labels: string;
    gauge: { value: string };
  }>;
  expect(failures.find((s) => s.labels === `{instance="",job="${group}"}`)?.gauge.value).toBe(
    'set',
  );
}

/** Upstream stored it; every scrape now fails. */
function brokenScrape(run: Run, error: RegExp): void {
  expect(run.scrape?.status).toBe(500);
  expect(bodyText(run.scrape)).toMatch(error);
}

const unchecked: Scenario[] = [
  {
    cases: [78],
    name: 'consistent pushes answer 202 and are stored',
    steps: [
      put('/metrics/job/a', '# TYPE m counter\nm 1\n'),
      post('/metrics/job/a', 'n 2\n'),
      put('/metrics/job/b', '# TYPE m counter\nm{x="1"} 3\n'),
    ],
    statuses: [202, 202, 202],
  },
  {
    cases: [78],
    name: 'a timestamped push answers 202, stores nothing and records the failure',
    steps: [
      put('/metrics/job/a', 'a 1\n'),
      put('/metrics/job/a', 'a 2 1700000000000\n'),
      put('/metrics/job/t', 'b 1 1\n'),
    ],
    statuses: [202, 202, 202],
  },
  {
    cases: [78],
    name: 'parse errors are still 400',
    steps: [put('/metrics/job/a', 'a{ 1\n'), put('/metrics/job/a/0bad/v', 'a 1\n')],
    statuses: [400, 400],
  },
  {
    cases: [78],
    name: 'a type clash between groups',
    steps: [
      put('/metrics/job/a', '# TYPE m counter\nm 1\n'),
      put('/metrics/job/b', '# TYPE m gauge\nm 2\n'),
    ],
    statuses: [202, 202],
    deliberateDifference: {
      reason:
        'upstream stores the clashing write, and every scrape fails with 500 until a group is deleted; Pushgate answers 202 as well but drops the write and records the failure, so scrapes keep working',
      sameSteps: [0, 1],
      upstream(run) {
        brokenScrape(run, /collected metric "m" .* is not a (?:COUNTER|GAUGE)/);
      },
      pushgate(run) {
        droppedInconsistentWrite(run, 'b');
        expect(seriesLabels(run, 'm')).toEqual(['{instance="",job="a"}']);
        expect(family(run, 'm')?.type).toBe('COUNTER');
      },
    },
  },
  {
    cases: [78],
    name: 'a duplicate series inside one push',
    steps: [put('/metrics/job/d', 'a 1\na 2\n'), put('/metrics/job/e', 'ok 1\n')],
    statuses: [202, 202],
    deliberateDifference: {
      reason: 'as above',
      sameSteps: [0, 1],
      upstream(run) {
        brokenScrape(run, /was collected before with the same name and label values/);
      },
      pushgate(run) {
        droppedInconsistentWrite(run, 'd');
        expect(family(run, 'a')).toBeUndefined();
        expect(seriesLabels(run, 'ok')).toEqual(['{instance="",job="e"}']);
        expect(response(run, 1).status).toBe(202);
      },
    },
  },
];

differentialSuite(
  'consistency check disabled',
  ['--push.disable-consistency-check', ADMIN],
  unchecked,
);

differentialSuite(
  'lifecycle API',
  ['--web.enable-lifecycle'],
  [
    {
      cases: [],
      name: 'PUT /-/quit answers and stops the gateway',
      steps: [get('/-/quit'), { ...put('/-/quit'), compare: ['body'] }],
      statuses: [405, [200, 0]],
      stopsGateway: true,
      deliberateDifference: {
        reason:
          'upstream sometimes closes the connection before its answer is out (its shutdown races the response); Pushgate always answers before it stops',
        sameSteps: [0],
        upstream(run) {
          const res = response(run, 1);
          if (res.status === 200) expect(bodyText(res)).toBe('Requesting termination... Goodbye!');
        },
        pushgate(run) {
          expect(response(run, 1).status).toBe(200);
          expect(bodyText(response(run, 1))).toBe('Requesting termination... Goodbye!');
        },
      },
    },
  ],
);
