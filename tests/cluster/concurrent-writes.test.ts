// Concurrent PUT/POST/DELETE on a few shared groups, sent through nginx and straight to each
// node: every group must end in a state some serial order of the acknowledged requests produces,
// never a mix of two writes, and the cross-group indexes must be left exact.
import { startCluster, type RunningCluster } from '../support/cluster';
import { httpRequest, type HttpRequest } from '../support/http-request';
import {
  TEXT,
  describeFailures,
  runClients,
  scrapeSamples,
  seriesKey,
  type Outcome,
} from './cluster-client';

const GROUPS = 3;
const CLIENTS = 8;
const WRITES_PER_CLIENT = 100;
/** A PUT writes this many families, all valued with its write id. */
const PUT_FAMILIES = ['cw_a', 'cw_b', 'cw_c', 'cw_d', 'cw_e'];
/** A POST replaces only these, also all valued with its write id. */
const POST_FAMILIES = ['cw_p', 'cw_q', 'cw_r'];

type Method = 'PUT' | 'POST' | 'DELETE';

interface Write {
  /** Unique, > 0: the value every family of the write carries. */
  id: number;
  group: number;
  method: Method;
  /** -1: through nginx; otherwise straight to that node. */
  via: number;
}

function body(families: readonly string[], id: number): string {
  return families.map((f) => `# TYPE ${f} gauge\n${f} ${id}\n`).join('');
}

function requestOf(w: Write): HttpRequest {
  const path = `/metrics/job/cw/group/g${w.group}`;
  switch (w.method) {
    case 'PUT':
      return { method: 'PUT', path, headers: TEXT, body: body(PUT_FAMILIES, w.id) };
    case 'POST':
      return { method: 'POST', path, headers: TEXT, body: body(POST_FAMILIES, w.id) };
    case 'DELETE':
      return { method: 'DELETE', path };
  }
}

/** Deterministic pseudo-random writes (a fixed seed keeps a failure reproducible). */
function plannedWrites(): Write[] {
  let seed = 0x2545f491;
  const random = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const methods: Method[] = ['PUT', 'PUT', 'POST', 'POST', 'DELETE'];
  return Array.from({ length: CLIENTS * WRITES_PER_CLIENT }, (_, i) => ({
    id: i + 1,
    group: random(GROUPS),
    method: methods[random(methods.length)] as Method,
    via: random(4) - 1,
  }));
}

/** A group as the scrape shows it: the value of each family, absent families left out. */
type GroupState = Record<string, number>;

/** An acknowledged write with when it was sent and answered. */
type Timed = Outcome<Write>;

/**
 * Why `state` is not what the acknowledged `writes` on one group can leave, or undefined. PUT sets
 * the PUT families and drops the POST ones, POST sets the POST families, DELETE drops both; so
 * the last PUT or DELETE and any POST after it decide the state. Two checks:
 * - some serial order of the writes ends in `state` (in particular no family set is a mix of
 *   two writes);
 * - real time is respected: a write answered before another conflicting one was even sent
 *   cannot be the one that decides the state.
 */
function serialisationProblem(state: GroupState, writes: readonly Timed[]): string | undefined {
  const valuesOf = (families: readonly string[]): Set<number | undefined> =>
    new Set(families.map((f) => state[f]));
  const put = valuesOf(PUT_FAMILIES);
  const post = valuesOf(POST_FAMILIES);
  if (put.size !== 1) return `half-applied PUT: ${JSON.stringify(state)}`;
  if (post.size !== 1) return `half-applied POST: ${JSON.stringify(state)}`;
  const [putId] = put;
  const [postId] = post;
  const find = (id: number | undefined, method: Method): Timed | undefined =>
    writes.find((w) => w.job.id === id && w.job.method === method);
  const sentAfter = (winner: Timed, methods: readonly Method[]): Timed | undefined =>
    writes.find(
      (w) => w !== winner && methods.includes(w.job.method) && w.sentAt > winner.settledAt,
    );
  const deletes = writes.filter((w) => w.job.method === 'DELETE');

  if (putId !== undefined) {
    const winner = find(putId, 'PUT');
    if (!winner) return `PUT ${putId} was never acknowledged on this group`;
    const later = sentAfter(winner, ['PUT', 'DELETE']);
    if (later)
      return `PUT ${putId} won over ${later.job.method} ${later.job.id}, sent after it was answered`;
  }
  if (postId !== undefined) {
    const winner = find(postId, 'POST');
    if (!winner) return `POST ${postId} was never acknowledged on this group`;
    const later = sentAfter(winner, ['PUT', 'POST', 'DELETE']);
    if (later)
      return `POST ${postId} survived ${later.job.method} ${later.job.id}, sent after it was answered`;
  }
  if (putId === undefined && postId === undefined) {
    // Gone: a DELETE came after every other write (or nothing was written at all).
    if (writes.length > 0 && !deletes.some((d) => !sentAfter(d, ['PUT', 'POST'])))
      return 'the group is gone, but no acknowledged DELETE can have come last';
  } else if (putId === undefined) {
    // Only POST families: no PUT was written, or a DELETE came after every PUT.
    const puts = writes.some((w) => w.job.method === 'PUT');
    if (puts && !deletes.some((d) => !sentAfter(d, ['PUT'])))
      return `POST families without PUT families, but no DELETE can have come after the PUTs: ${JSON.stringify(state)}`;
  }
  return undefined;
}

describe('the serialisation check', () => {
  // The check is what makes the cluster test able to fail: it must reject what a broken store
  // leaves behind. Writes are [id, method, sentAt, settledAt].
  const history = (...rows: Array<[number, Method, number, number]>): Timed[] =>
    rows.map(([id, method, sentAt, settledAt]) => ({
      job: { id, group: 0, method, via: -1 },
      sentAt,
      settledAt,
      response: { status: method === 'DELETE' ? 202 : 200, headers: {}, body: Buffer.alloc(0) },
    }));
  const putState = (id: number): GroupState => Object.fromEntries(PUT_FAMILIES.map((f) => [f, id]));
  const postState = (id: number): GroupState =>
    Object.fromEntries(POST_FAMILIES.map((f) => [f, id]));
  const overlapping = history([1, 'PUT', 0, 10], [2, 'PUT', 1, 11], [3, 'POST', 2, 12]);

  it.each<[string, GroupState, Timed[], RegExp | undefined]>([
    ['either of two overlapping PUTs', putState(1), overlapping, undefined],
    ['a POST after a PUT', { ...putState(2), ...postState(3) }, overlapping, undefined],
    ['a mix of two PUTs', { ...putState(1), cw_e: 2 }, overlapping, /half-applied PUT/],
    ['a write nobody sent', putState(9), overlapping, /never acknowledged/],
    [
      'a PUT that finished before the next began',
      putState(1),
      history([1, 'PUT', 0, 1], [2, 'PUT', 2, 3]),
      /won over PUT 2/,
    ],
    ['a group gone without a DELETE', {}, overlapping, /no acknowledged DELETE/],
    [
      'a DELETE overtaken by a later PUT',
      {},
      history([1, 'DELETE', 0, 1], [2, 'PUT', 2, 3]),
      /no acknowledged DELETE/,
    ],
    [
      'POST families after a DELETE',
      postState(3),
      history([1, 'PUT', 0, 1], [2, 'DELETE', 2, 3], [3, 'POST', 4, 5]),
      undefined,
    ],
  ])('%s', (_what, state, writes, problem) => {
    const found = serialisationProblem(state, writes);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe('concurrent writes to shared groups through different nodes', () => {
  let cluster: RunningCluster | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('leave every group as some serial order of the acknowledged writes would', async () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    const c = cluster;
    const outcomes = await runClients(CLIENTS, plannedWrites(), (w) => ({
      url: w.via < 0 ? c.url : (c.nodes[w.via]?.url ?? ''),
      request: requestOf(w),
    }));
    expect(describeFailures(outcomes)).toEqual([]);

    const samples = await scrapeSamples(c.url);
    const problems: string[] = [];
    for (let g = 0; g < GROUPS; g++) {
      const labels = { group: `g${g}`, instance: '', job: 'cw' };
      const state: GroupState = {};
      for (const f of [...PUT_FAMILIES, ...POST_FAMILIES]) {
        const value = samples.get(seriesKey(f, labels));
        if (value !== undefined) state[f] = value;
      }
      const exists = samples.has(seriesKey('push_time_seconds', labels));
      if (exists !== Object.keys(state).length > 0)
        problems.push(`g${g}: push_time_seconds ${exists ? 'without' : 'missing next to'} metrics`);
      const writes = outcomes.filter((o) => o.job.group === g);
      const problem = serialisationProblem(state, writes);
      if (problem) problems.push(`g${g}: ${problem}`);
    }
    expect(problems).toEqual([]);
  }, 60000);

  it('leaves no trace of the families in the consistency indexes once the groups are gone', async () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    for (let g = 0; g < GROUPS; g++) {
      const res = await httpRequest(cluster.url, {
        method: 'DELETE',
        path: `/metrics/job/cw/group/g${g}`,
      });
      expect(res.status).toBe(202);
    }
    // Were a family still counted as a gauge somewhere, a counter of the same name would clash.
    const retype = await httpRequest(cluster.url, {
      method: 'PUT',
      path: '/metrics/job/retyped',
      headers: TEXT,
      body: [...PUT_FAMILIES, ...POST_FAMILIES]
        .map((f) => `# TYPE ${f} counter\n${f} 1\n`)
        .join(''),
    });
    expect({ status: retype.status, body: retype.body.toString('utf8') }).toEqual({
      status: 200,
      body: '',
    });
  });
});
