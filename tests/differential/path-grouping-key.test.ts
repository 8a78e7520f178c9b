// Push paths, grouping keys and router-level answers (spec §1.2–1.4, §6 cases 1–21).
import { differentialSuite } from './differential-suite';
import type { Scenario } from './scenario';
import { del, get, put } from './steps';

const BODY = 'a 1\n';

const scenarios: Scenario[] = [
  {
    cases: [1, 2],
    name: 'odd number of path components is rejected',
    steps: [put('/metrics/job/j/a', BODY), put('/metrics/job/j/a/b/c', BODY)],
    statuses: [400, 400],
  },
  {
    cases: [3, 4],
    name: 'trailing slash: none after the job, empty value after a label name',
    steps: [put('/metrics/job/j1/', BODY), put('/metrics/job/j2/inst/', 'b 2\n')],
    statuses: [200, 200],
  },
  {
    cases: [5],
    name: 'empty job redirects, bare /metrics/job is not a route',
    steps: [
      put('/metrics/job/', BODY),
      put('/metrics/job', BODY),
      put('/metrics/job@base64/', BODY),
    ],
    statuses: [307, 404, 404],
  },
  {
    cases: [6],
    name: 'paths with // or /./ are redirected to the cleaned path, even for PUT and DELETE',
    steps: [
      put('/metrics/job/j/x//y/z', BODY),
      put('/metrics/job/j/./x/y', BODY),
      del('/metrics//job/j'),
    ],
    statuses: [301, 301, 301],
  },
  {
    cases: [7],
    name: 'improper label names in the path',
    steps: [
      put('/metrics/job/j/0bad/v', BODY),
      put('/metrics/job/j/__x/v', BODY),
      put('/metrics/job/j/a-b/v', BODY),
      put('/metrics/job/j/ok/v/a-b/v', BODY),
    ],
    statuses: [400, 400, 400, 400],
  },
  {
    cases: [8],
    name: 'a job label in the label part is overridden by the job',
    steps: [put('/metrics/job/j/job/other', BODY)],
    statuses: [200],
  },
  {
    cases: [9],
    name: 'a repeated label name: the last value wins',
    steps: [put('/metrics/job/j/x/1/x/2', BODY)],
    statuses: [200],
  },
  {
    cases: [10],
    name: 'label order in the path does not matter: the second PUT replaces the first group',
    steps: [
      put('/metrics/job/j/a/1/b/2', 'first 1\n'),
      put('/metrics/job/j/b/2/a/1', 'second 2\n'),
    ],
    statuses: [200, 200],
  },
  {
    cases: [11],
    name: '%2F is decoded before routing and splits the path',
    steps: [put('/metrics/job/a%2Fb', BODY), put('/metrics/job/j/v/a%2Fb', BODY)],
    statuses: [400, 400],
  },
  {
    cases: [12],
    name: 'percent escapes in values are decoded, + stays literal, multi-byte UTF-8 works',
    steps: [
      put('/metrics/job/j/sp/a%20b', BODY),
      put('/metrics/job/j/plus/a+b', 'b 1\n'),
      put('/metrics/job/%CE%A0/pi/%CE%A0', 'c 1\n'),
    ],
    statuses: [200, 200, 200],
  },
  {
    cases: [13],
    name: 'base64url values with and without padding',
    steps: [
      put('/metrics/job/j/path@base64/L3Zhci90bXA', 'unpadded 1\n'),
      put('/metrics/job/k/path@base64/L3Zhci90bXA=', 'padded 1\n'),
      put('/metrics/job@base64/L3Zhci90bXA', 'job_b64 1\n'),
    ],
    statuses: [200, 200, 200],
  },
  {
    cases: [14],
    name: 'base64 is the URL-safe alphabet: _ decodes, + is illegal',
    steps: [put('/metrics/job/j/v@base64/Pj4_', BODY), put('/metrics/job/k/v@base64/Pj4+', BODY)],
    statuses: [200, 400],
  },
  {
    cases: [15],
    name: 'base64 `=` and `===` are the empty value',
    steps: [put('/metrics/job/j/v@base64/=', BODY), put('/metrics/job/k/v@base64/===', 'b 1\n')],
    statuses: [200, 200],
  },
  {
    cases: [16],
    name: 'malformed base64 values are rejected',
    steps: [
      put('/metrics/job/j/v@base64/Y', BODY),
      put('/metrics/job/j/v@base64/YQ=x', BODY),
      put('/metrics/job/j/v@base64/YQ==', BODY),
    ],
    statuses: [400, 400, 200],
  },
  {
    cases: [17, 18],
    name: 'base64 job: empty after decoding, or malformed',
    steps: [
      put('/metrics/job@base64/=', BODY),
      put('/metrics/job@base64/!!', BODY),
      put('/metrics/job@base64/=/0bad/v', BODY),
    ],
    statuses: [400, 400, 400],
  },
  {
    cases: [19],
    name: 'only one @base64 suffix is stripped from a label name',
    steps: [put('/metrics/job/j/@base64/YQ', BODY), put('/metrics/job/j/v@base64@base64/YQ', BODY)],
    statuses: [400, 400],
  },
  {
    cases: [20],
    name: 'other methods on a push path: 405 with Allow, OPTIONS answers 200',
    steps: [
      get('/metrics/job/j'),
      { method: 'PATCH', path: '/metrics/job/j', body: BODY },
      { method: 'OPTIONS', path: '/metrics/job/j', compare: ['header:allow'] },
      { method: 'HEAD', path: '/metrics' },
      { method: 'POST', path: '/metrics', body: BODY },
    ],
    statuses: [405, 405, 200, 405, 405],
  },
  {
    cases: [21],
    name: 'DELETE removes exactly one grouping key, missing groups are fine',
    steps: [
      put('/metrics/job/x/instance/i', BODY),
      put('/metrics/job/x', 'b 1\n'),
      del('/metrics/job/nonexistent'),
      del('/metrics/job/x'),
      del('/metrics/job/x/a-b/1'),
    ],
    statuses: [200, 200, 202, 202, 400],
  },
  {
    cases: [21],
    name: 'DELETE with base64 labels and an empty value',
    steps: [
      put('/metrics/job/d/v@base64/=', BODY),
      put('/metrics/job/d/w/%2B', 'b 1\n'),
      del('/metrics/job@base64/ZA/v@base64/='),
      del('/metrics/job/d/w/+'),
    ],
    statuses: [200, 200, 202, 202],
  },
  {
    cases: [],
    name: 'router answers: unknown paths 404, trailing-slash GETs redirect',
    steps: [
      get('/nope'),
      put('/metrics/jobs/j', BODY),
      get('/metrics/'),
      get('/-/healthy/'),
      get('/api/v1/status/'),
      get('/-/healthy', { compare: ['body'] }),
      get('/-/ready', { compare: ['body'] }),
    ],
    statuses: [404, 404, 301, 301, 301, 200, 200],
  },
];

differentialSuite('push paths and grouping keys', ['--web.enable-admin-api'], scenarios);
