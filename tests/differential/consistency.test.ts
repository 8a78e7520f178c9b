// The push-time consistency check across groups and against the gateway's own metrics
// (spec §2.6, §2.7, §3.1, §6 cases 58–66).
import { differentialSuite } from './differential-suite';
import { bodyText, family, groups, response, seriesLabels, statusOf } from './run-accessors';
import type { Run, Scenario } from './scenario';
import { get, put, withMessage } from './steps';

const REJECTED = 'pushed metrics are invalid or inconsistent with existing metrics: ';

/** Upstream's state after a push created a group whose bookkeeping gauges are invalid. */
function poisoned(run: Run, laterPushes: number[]): void {
  for (const step of laterPushes)
    expect(bodyText(response(run, step))).toMatch(new RegExp(`^${REJECTED}`));
  expect(run.scrape?.status).toBe(500);
  expect(bodyText(run.scrape)).toMatch(/^An error has occurred while serving metrics:/);
}

/**
 * client_golang reports a suffix collision from whichever family it gathers second, and upstream
 * gathers groups in random order.
 */
function suffixCollision(name: string, type: string, other: string): RegExp {
  return new RegExp(
    `^${REJECTED}(?:collected metric named "${other}" collides with previously collected ${type} named "${name}"|` +
      `collected histogram or summary named "${name}" collides with previously collected metric named "${other}")\n$`,
  );
}

const scenarios: Scenario[] = [
  {
    cases: [58],
    name: 'a family name with another type in another group is rejected',
    steps: [
      put('/metrics/job/a', '# TYPE m counter\nm 1\n'),
      withMessage(
        put('/metrics/job/b', '# TYPE m gauge\nm 2\n'),
        new RegExp(`^${REJECTED}collected metric "m" \\{…\\} is not a (?:COUNTER|GAUGE)\\n$`),
      ),
      put('/metrics/job/a', '# TYPE m gauge\nm 3\n'),
    ],
    statuses: [200, 400, 200],
  },
  {
    cases: [59],
    name: 'untyped and counter of one name clash too; the same type with another HELP does not',
    steps: [
      put('/metrics/job/a', '# TYPE m counter\n# HELP m first\nm 1\n'),
      withMessage(
        put('/metrics/job/b', 'm 2\n'),
        new RegExp(`^${REJECTED}collected metric "m" \\{…\\} is not a (?:COUNTER|UNTYPED)\\n$`),
      ),
      put('/metrics/job/c', '# TYPE m counter\n# HELP m first\nm{x="1"} 3\n'),
    ],
    statuses: [200, 400, 200],
  },
  {
    cases: [59],
    name: 'one family pushed by two groups with different HELP',
    steps: [
      put('/metrics/job/a', '# HELP m first\nm 1\n'),
      put('/metrics/job/b', '# HELP m second\nm 2\n'),
      put('/metrics/job/c', 'm 3\n'),
      get('/metrics'),
      get('/metrics'),
      get('/metrics'),
    ],
    statuses: [200, 200, 200, 200, 200, 200],
    deliberateDifference: {
      reason:
        'upstream takes the HELP of whichever group its map visits first, so it changes from scrape to scrape; Pushgate picks one deterministically',
      sameSteps: [0, 1, 2],
      upstream(run) {
        expect(['first', 'second', undefined]).toContain(family(run, 'm')?.help);
      },
      pushgate(run) {
        const helps = run.responses
          .slice(3)
          .map((res) => /^# HELP m (.*)$/m.exec(bodyText(res))?.[1]);
        helps.push(family(run, 'm')?.help);
        expect(['first', 'second']).toContain(helps[0]);
        expect(new Set(helps).size).toBe(1);
      },
    },
  },
  {
    cases: [60],
    name: 'pushing a gateway runtime family: wrong type rejected, same type merged with the gateway HELP',
    steps: [
      put('/metrics/job/rt', '# TYPE go_goroutines counter\ngo_goroutines 3\n'),
      put('/metrics/job/rt', 'go_goroutines 3\n'),
      put(
        '/metrics/job/rt',
        '# TYPE go_goroutines gauge\n# HELP go_goroutines mine\ngo_goroutines 3\n',
      ),
      put(
        '/metrics/job/rt2',
        '# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 4\n',
      ),
    ],
    statuses: [400, 400, 200, 200],
  },
  {
    cases: [61],
    name: 'pushing a pushgateway_* family without its HELP is rejected',
    steps: [
      put('/metrics/job/own', 'pushgateway_http_requests_total 3\n'),
      put('/metrics/job/own', '# TYPE pushgateway_build_info counter\npushgateway_build_info 1\n'),
    ],
    statuses: [400, 400],
  },
  {
    cases: [62],
    name: 'bookkeeping families in a body are silently replaced by the gateway',
    steps: [
      put(
        '/metrics/job/bk',
        '# TYPE push_time_seconds counter\npush_time_seconds 5\npush_failure_time_seconds{x="1"} 6\nkept 1\n',
      ),
    ],
    statuses: [200],
  },
  {
    cases: [63],
    name: 'summary and histogram suffixes collide with other families, in either order',
    steps: [
      put('/metrics/job/a', '# TYPE s summary\ns_count 1\ns_sum 1\n'),
      withMessage(put('/metrics/job/b', 's_count 1\n'), suffixCollision('s', 'summary', 's_count')),
      put('/metrics/job/c', '# TYPE hh_sum gauge\nhh_sum 1\n'),
      withMessage(
        put('/metrics/job/d', '# TYPE hh histogram\nhh_bucket{le="1"} 1\n'),
        suffixCollision('hh', 'histogram', 'hh_sum'),
      ),
      put('/metrics/job/e', 's_bucket 1\n'),
    ],
    statuses: [200, 400, 200, 400, 200],
  },
  {
    cases: [63],
    name: 'suffix collisions inside one push',
    steps: [
      put(
        '/metrics/job/a',
        '# TYPE hh histogram\nhh_bucket{le="1"} 1\n# TYPE hh_count gauge\nhh_count 1\n',
      ),
      put('/metrics/job/b', '# TYPE ss summary\nss_sum 1\n# TYPE ss_sum gauge\nss_sum 1\n'),
    ],
    statuses: [400, 400],
  },
  {
    cases: [64],
    name: 'the same series from two groups is rejected, and the failed group is created',
    steps: [
      put('/metrics/job/k1', 'm{instance="x"} 1\n'),
      put('/metrics/job/k1/instance/x', 'm 2\n'),
    ],
    statuses: [200, 400],
  },
  {
    cases: [64],
    name: 'an empty label differs from a missing one across groups too',
    steps: [
      put('/metrics/job/k1', 'm{x=""} 1\n'),
      put('/metrics/job/k1/y/1', 'm 2\n'),
      put('/metrics/job/k1/x/v', 'm{x="w"} 3\n'),
    ],
    statuses: [200, 200, 200],
  },
  {
    cases: [],
    name: 'a family merged from several groups: series by label count, then values; ties in any order',
    steps: [
      put('/metrics/job/j/a/1', 'm 1\n'),
      put('/metrics/job/j/b/1', 'm 2\n'),
      put('/metrics/job/i', 'm 3\n'),
      put('/metrics/job/k', 'm{z="0"} 4\nm{y="0"} 5\n'),
      put('/metrics/job/j/instance/x', 'm 6\n'),
      put('/metrics/job/%CE%A0', 'm 7\n'),
    ],
    statuses: [200, 200, 200, 200, 200, 200],
  },
  {
    cases: [65],
    name: 'a grouping key whose bookkeeping gauges collide with another group (instance="")',
    steps: [
      put('/metrics/job/k3', 'a 1\n'),
      put('/metrics/job/k3/instance@base64/=', 'b 1\n'),
      put('/metrics/job/other', 'c 1\n'),
    ],
    statuses: [200, 400, 400],
    deliberateDifference: {
      reason:
        "upstream creates the failed group anyway; its bookkeeping gauges duplicate the other group's, so every later push and every scrape fail until it is deleted",
      sameSteps: [0],
      upstream(run) {
        poisoned(run, [2]);
      },
      pushgate(run) {
        expect(statusOf(run)).toEqual([200, 400, 200]);
        expect(groups(run)).toEqual(['{"job":"k3"}', '{"job":"other"}']);
        expect(seriesLabels(run, 'push_failure_time_seconds')).toEqual([
          '{instance="",job="k3"}',
          '{instance="",job="other"}',
        ]);
      },
    },
  },
  {
    cases: [65],
    name: 'the instance="" collision the other way round',
    steps: [
      put('/metrics/job/k3/instance@base64/=', 'b 1\n'),
      put('/metrics/job/k3', 'a 1\n'),
      put('/metrics/job/other', 'c 1\n'),
    ],
    statuses: [200, 400, 400],
    deliberateDifference: {
      reason: 'as above',
      sameSteps: [0],
      upstream(run) {
        poisoned(run, [2]);
      },
      pushgate(run) {
        expect(statusOf(run)).toEqual([200, 400, 200]);
        expect(groups(run)).toEqual(['{"instance":"","job":"k3"}', '{"job":"other"}']);
      },
    },
  },
  {
    cases: [66],
    name: 'grouping values that are not UTF-8',
    steps: [
      put('/metrics/job/%FF', 'c 1\n'),
      put('/metrics/job/x/v@base64/_w', 'c 1\n'),
      put('/metrics/job/x/v/%C3', 'c 1\n'),
      put('/metrics/job/other', 'd 1\n'),
    ],
    statuses: [400, 400, 400, 400],
    deliberateDifference: {
      reason:
        'upstream accepts any bytes in the path but then fails the push and creates the group anyway, which poisons the gateway as above',
      upstream(run) {
        poisoned(run, [1, 2, 3]);
      },
      pushgate(run) {
        expect(statusOf(run)).toEqual([400, 400, 400, 200]);
        expect(groups(run)).toEqual(['{"job":"other"}']);
      },
    },
  },
];

differentialSuite('consistency checks', ['--web.enable-admin-api'], scenarios);
