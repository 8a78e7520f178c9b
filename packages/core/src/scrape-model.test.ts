import {
  renderText,
  type LabelPair,
  type Metric,
  type MetricFamily,
  type MetricType,
} from '@pushgate/exposition';
import { groupId } from './grouping-key';
import { mergeGroups } from './merge';
import type { MetricGroup, ReservedFamilies, StoredFamily } from './model';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';
import { ScrapeModel, type ScrapeSnapshot } from './scrape-model';

/** Runs a commit to its end. */
function commit(model: ScrapeModel): ScrapeSnapshot {
  const steps = model.commit();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function text(snapshot: ScrapeSnapshot): string {
  const joined = Buffer.concat(snapshot.segments.map((s) => s.text));
  expect(joined.length).toBe(snapshot.bytes);
  return joined.toString('utf8');
}

/** The simple path the model must equal: merge, normalise, render. */
function expected(
  groups: ReadonlyMap<string, MetricGroup>,
  own: readonly MetricFamily[],
  now: number,
  reserved: ReservedFamilies = UPSTREAM_OWN_FAMILIES,
): string {
  const live = [...groups.values()]
    .filter((g) => g.expiry === undefined || g.expiry.expiresAt > now)
    .map((g) => ({ id: groupId(g.labels), g }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ g }) => g);
  return renderText(mergeGroups(live, own, reserved));
}

function group(
  labels: Record<string, string>,
  families: MetricFamily[],
  expiresAt?: number,
): MetricGroup {
  const record: Record<string, StoredFamily> = Object.create(null) as Record<string, StoredFamily>;
  for (const family of families) record[family.name] = { family, timestamp: 1 };
  const g: MetricGroup = { labels, families: record };
  if (expiresAt !== undefined) g.expiry = { ttlSeconds: 60, expiresAt };
  return g;
}

function gauge(name: string, series: Array<[Record<string, string>, number]>, help?: string) {
  const family: MetricFamily = {
    name,
    type: 'GAUGE',
    metric: series.map(([labels, value]) => ({
      label: Object.keys(labels)
        .sort()
        .map((n) => ({ name: n, value: labels[n] as string })),
      gauge: { value },
    })),
  };
  if (help !== undefined) family.help = help;
  return family;
}

describe('ScrapeModel', () => {
  it('renders groups like the simple path and follows changes', () => {
    const model = new ScrapeModel();
    const groups = new Map<string, MetricGroup>();
    const set = (g: MetricGroup) => {
      groups.set(groupId(g.labels), g);
      model.setGroup(groupId(g.labels), g, 0);
    };
    set(group({ job: 'a' }, [gauge('m', [[{ job: 'a', x: '2' }, 1]], 'Help A.')]));
    set(group({ job: 'b' }, [gauge('m', [[{ job: 'b', x: '1' }, 2]], 'Help B.')]));
    expect(text(commit(model))).toBe(
      '# HELP m Help A.\n# TYPE m gauge\nm{job="a",x="2"} 1\nm{job="b",x="1"} 2\n',
    );
    expect(text(commit(model))).toBe(expected(groups, [], 0));

    // The HELP winner (first group by id) leaves: the next one's HELP takes over.
    groups.delete('job="a"');
    model.deleteGroup('job="a"');
    expect(text(commit(model))).toBe('# HELP m Help B.\n# TYPE m gauge\nm{job="b",x="1"} 2\n');

    model.clear();
    groups.clear();
    expect(text(commit(model))).toBe('');
  });

  it('keeps unchanged segments (same objects) across commits', () => {
    const model = new ScrapeModel({ blockBytes: 200 });
    for (let i = 0; i < 50; i++) {
      const labels = { job: 'j', instance: `i${String(i).padStart(2, '0')}` };
      model.setGroup(groupId(labels), group(labels, [gauge('m', [[labels, i]])]), 0);
    }
    const before = commit(model).segments;
    expect(before.length).toBeGreaterThan(5);
    const labels = { job: 'j', instance: 'i49' };
    model.setGroup(groupId(labels), group(labels, [gauge('m', [[labels, -1]])]), 0);
    const after = commit(model).segments;
    const reused = after.filter((s) => before.includes(s));
    // Only the block holding i49 was rebuilt.
    expect(reused.length).toBe(after.length - 1);
  });

  it('drops a group when its expiry comes, and skips one that already expired', () => {
    const model = new ScrapeModel();
    const a = group({ job: 'a' }, [gauge('m', [[{ job: 'a' }, 1]])], 100);
    const b = group({ job: 'b' }, [gauge('m', [[{ job: 'b' }, 2]])], 50);
    model.setGroup('a', a, 0);
    model.setGroup('b', b, 60);
    expect(text(commit(model))).toBe('# TYPE m gauge\nm{job="a"} 1\n');
    expect(model.expire(99.9)).toBe(0);
    expect(model.expire(100)).toBe(1);
    expect(text(commit(model))).toBe('');
    expect(model.groupCount).toBe(0);
  });

  it('ignores a stale expiry after the group was pushed again', () => {
    const model = new ScrapeModel();
    model.setGroup('a', group({ job: 'a' }, [gauge('m', [[{ job: 'a' }, 1]])], 10), 0);
    model.setGroup('a', group({ job: 'a' }, [gauge('m', [[{ job: 'a' }, 2]])], 20), 5);
    expect(model.expire(15)).toBe(0);
    expect(text(commit(model))).toBe('# TYPE m gauge\nm{job="a"} 2\n');
    model.setGroup('a', group({ job: 'a' }, [gauge('m', [[{ job: 'a' }, 3]])]), 16);
    expect(model.expire(1e12)).toBe(0);
  });

  it('merges own families first: their TYPE, HELP and series win', () => {
    const model = new ScrapeModel();
    const own = [gauge('process_open_fds', [[{}, 7]], 'Number of open file descriptors.')];
    const pushed = group({ job: 'a' }, [
      gauge('process_open_fds', [[{ instance: '', job: 'a' }, 3]], 'Other help.'),
    ]);
    model.setOwnFamilies(own);
    model.setGroup('a', pushed, 0);
    const out = text(commit(model));
    expect(out).toBe(expected(new Map([['a', pushed]]), own, 0));
    expect(out).toBe(
      '# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\nprocess_open_fds 7\nprocess_open_fds{instance="",job="a"} 3\n',
    );
  });

  it('orders label values by UTF-8 bytes, as Go does', () => {
    const model = new ScrapeModel();
    const groups = new Map<string, MetricGroup>();
    ['\u{1F600}', '\uFFFD', 'z', '', 'a\u0000', 'a'].forEach((v, i) => {
      const g = group({ job: `j${i}` }, [gauge('m', [[{ v }, i]])]);
      groups.set(groupId(g.labels), g);
      model.setGroup(groupId(g.labels), g, 0);
    });
    expect(text(commit(model))).toBe(expected(groups, [], 0));
  });
});

// ---- property test: random groups, random changes, compared with the simple path ----------

/** Deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES: MetricType[] = [
  'COUNTER',
  'GAUGE',
  'SUMMARY',
  'UNTYPED',
  'HISTOGRAM',
  'GAUGE_HISTOGRAM',
];
// Names that collide by suffix, one HELP-rewritten reserved name, one the reserved list types.
const FAMILY_NAMES = [
  'm',
  'm_count',
  'm_sum',
  'm_bucket',
  'h',
  'h_bucket',
  'go_goroutines',
  'x\u00e9',
];
const HELPS = [undefined, '', 'Help A.', 'Help B.', 'back\\slash\nnewline'];
const LABEL_NAMES = ['a', 'b', 'instance', 'job', 'z'];
const VALUES = [
  '',
  'x',
  'y',
  '1',
  'q"\\',
  'n\nl',
  '\u0000',
  '\u00e9',
  '\uFFFD',
  '\u{1F600}',
  'x\u0000',
];

function generator(seed: number) {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number) => Math.floor(random() * n);

  const labels = (): LabelPair[] => {
    const names = LABEL_NAMES.filter(() => random() < 0.4);
    return names.map((name) => ({ name, value: pick(VALUES) }));
  };
  const metric = (type: MetricType): Metric => {
    // Now and then a series without the value its type needs (mergeGroups drops it).
    const kind = random() < 0.1 ? pick(TYPES) : type;
    const m: Metric = { label: labels() };
    const v = pick([0, 1, -2.5, 1e21, NaN, Infinity]);
    if (kind === 'COUNTER') m.counter = { value: v };
    else if (kind === 'GAUGE') m.gauge = { value: v };
    else if (kind === 'UNTYPED') m.untyped = { value: v };
    else if (kind === 'SUMMARY')
      m.summary = { sampleCount: int(5), sampleSum: v, quantile: [{ quantile: 0.5, value: v }] };
    else
      m.histogram = {
        sampleCount: int(9),
        sampleSum: v,
        bucket: [
          { upperBound: 1, cumulativeCount: 1 },
          ...(random() < 0.5 ? [{ upperBound: Infinity, cumulativeCount: 2 }] : []),
        ],
      };
    return m;
  };
  const family = (name: string): MetricFamily => {
    const type = random() < 0.7 ? (name.startsWith('h') ? 'HISTOGRAM' : 'GAUGE') : pick(TYPES);
    const f: MetricFamily = {
      name,
      type,
      metric: Array.from({ length: int(4) }, () => metric(type)),
    };
    const help = pick(HELPS);
    if (help !== undefined) f.help = help;
    return f;
  };
  const families = (): MetricFamily[] => FAMILY_NAMES.filter(() => random() < 0.35).map(family);
  const groupLabels = () => ({
    job: pick(['j1', 'j2', 'j3', 'j\u00e9']),
    ...(random() < 0.5 ? { instance: pick(['', 'i1', 'i2']) } : {}),
  });
  return { random, pick, int, families, groupLabels };
}

describe('ScrapeModel against renderText(mergeGroups(...))', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random groups and changes, seed %i', (seed) => {
    const gen = generator(seed);
    // Tiny blocks make every change split, merge and re-render blocks.
    const model = new ScrapeModel({ blockBytes: gen.pick([48, 256, 32 * 1024]) });
    const groups = new Map<string, MetricGroup>();
    let own: MetricFamily[] = [];
    let now = 1000;
    for (let step = 0; step < 300; step++) {
      const r = gen.random();
      if (r < 0.6) {
        const expiresAt = gen.random() < 0.3 ? now + gen.int(20) - 2 : undefined;
        const g = group(gen.groupLabels(), gen.families(), expiresAt);
        const key = groupId(g.labels);
        groups.set(key, g);
        model.setGroup(key, g, now);
      } else if (r < 0.8) {
        const key = gen.pick([...groups.keys(), 'job="none"']);
        groups.delete(key);
        model.deleteGroup(key);
      } else if (r < 0.9) {
        own = gen.random() < 0.3 ? [] : gen.families();
        model.setOwnFamilies(own);
      } else if (r < 0.98) {
        now += gen.int(10);
        model.expire(now);
      } else {
        groups.clear();
        model.clear();
      }
      if (gen.random() < 0.5) continue;
      for (const [key, g] of groups) if (g.expiry && g.expiry.expiresAt <= now) groups.delete(key);
      expect(text(commit(model))).toBe(expected(groups, own, now));
    }
  });
});
