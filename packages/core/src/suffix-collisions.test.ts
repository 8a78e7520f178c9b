import type { MetricType } from '@pushgate/exposition';
import { suffixCollision } from './suffix-collisions';

describe(suffixCollision, () => {
  // Wording and cases of client_golang's checkSuffixCollisions.
  it.each<[string, MetricType, Record<string, MetricType>, string | undefined]>([
    [
      's_count',
      'GAUGE',
      { s: 'SUMMARY' },
      'collected metric named "s_count" collides with previously collected summary named "s"',
    ],
    [
      's_sum',
      'UNTYPED',
      { s: 'SUMMARY' },
      'collected metric named "s_sum" collides with previously collected summary named "s"',
    ],
    ['s_bucket', 'GAUGE', { s: 'SUMMARY' }, undefined],
    [
      'h_bucket',
      'GAUGE',
      { h: 'HISTOGRAM' },
      'collected metric named "h_bucket" collides with previously collected histogram named "h"',
    ],
    [
      'h_count',
      'COUNTER',
      { h: 'HISTOGRAM' },
      'collected metric named "h_count" collides with previously collected histogram named "h"',
    ],
    ['g_count', 'GAUGE', { g: 'GAUGE' }, undefined],
    ['gh_count', 'GAUGE', { gh: 'GAUGE_HISTOGRAM' }, undefined],
    ['_count', 'GAUGE', { '': 'SUMMARY' }, undefined],
    [
      'x',
      'SUMMARY',
      { x_count: 'GAUGE' },
      'collected histogram or summary named "x" collides with previously collected metric named "x_count"',
    ],
    [
      'x',
      'HISTOGRAM',
      { x_sum: 'GAUGE' },
      'collected histogram or summary named "x" collides with previously collected metric named "x_sum"',
    ],
    [
      'x',
      'HISTOGRAM',
      { x_bucket: 'GAUGE' },
      'collected histogram named "x" collides with previously collected metric named "x_bucket"',
    ],
    ['x', 'SUMMARY', { x_bucket: 'GAUGE' }, undefined],
    ['x', 'GAUGE', { x_count: 'GAUGE' }, undefined],
    [
      'x_count',
      'SUMMARY',
      { x_count_count: 'GAUGE' },
      'collected histogram or summary named "x_count" collides with previously collected metric named "x_count_count"',
    ],
  ])('%s (%s) next to %j', (name, type, collected, error) => {
    expect(suffixCollision(name, type, (n) => collected[n])).toBe(error);
  });
});
