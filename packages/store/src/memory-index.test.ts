import {
  applyPush,
  preparePush,
  seriesId,
  UPSTREAM_OWN_FAMILIES,
  type GroupingLabels,
  type MetricGroup,
} from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import { ConsistencyIndex, IndexConflictError } from './memory-index';

function group(
  labels: GroupingLabels,
  body: string,
  mode: 'replace' | 'merge' = 'replace',
  before?: MetricGroup,
): MetricGroup {
  return applyPush(
    before,
    preparePush({ labels, families: parseText(body), mode, receivedAt: 1 }, UPSTREAM_OWN_FAMILIES),
  );
}

const series = (family: string, job: string, extra: Array<{ name: string; value: string }> = []) =>
  seriesId(family, [{ name: 'instance', value: '' }, { name: 'job', value: job }, ...extra]);

describe(ConsistencyIndex, () => {
  it('answers family types and series owners of the other groups', () => {
    const index = new ConsistencyIndex();
    const a = group({ job: 'a' }, '# TYPE m counter\nm 1\n');
    index.update('A', undefined, a);
    const view = index.view('B', undefined, undefined);
    expect(view.familyType('m')).toBe('COUNTER');
    expect(view.familyType('push_time_seconds')).toBe('GAUGE');
    expect(view.familyType('x')).toBeUndefined();
    expect(view.seriesOwner(series('m', 'a'))).toBe('A');
    expect(index.view('A', a, undefined).seriesOwner(series('m', 'a'))).toBeUndefined();
  });

  it("leaves out of a write's view exactly the families the write replaces", () => {
    const index = new ConsistencyIndex();
    const a = group({ job: 'a' }, '# TYPE m counter\nm 1\n# TYPE s summary\ns_count 1\n');
    index.update('A', undefined, a);
    expect(index.view('A', a, undefined).familyType('m')).toBeUndefined();
    expect(index.view('A', a, ['m']).familyType('m')).toBeUndefined();
    expect(index.view('A', a, ['m']).familyType('s')).toBe('SUMMARY');
    index.update('B', undefined, group({ job: 'b' }, '# TYPE m counter\nm 1\n'));
    expect(index.view('A', a, undefined).familyType('m')).toBe('COUNTER');
  });

  it('counts the groups holding a family and forgets it with the last one', () => {
    const index = new ConsistencyIndex();
    const a = group({ job: 'a' }, '# TYPE m counter\nm 1\n');
    const b = group({ job: 'b' }, '# TYPE m counter\nm 1\n');
    index.update('A', undefined, a);
    index.update('B', undefined, b);
    index.update('A', a, undefined);
    expect(index.view('C', undefined, undefined).familyType('m')).toBe('COUNTER');
    index.update('B', b, group({ job: 'b' }, 'other 1\n'));
    expect(index.view('C', undefined, undefined).familyType('m')).toBeUndefined();
    expect(index.view('C', undefined, undefined).seriesOwner(series('m', 'b'))).toBeUndefined();
  });

  it('touches only the families a POST rewrote', () => {
    const index = new ConsistencyIndex();
    const a = group({ job: 'a' }, 'm 1\nn 1\n');
    index.update('A', undefined, a);
    const posted = group({ job: 'a' }, 'n 2\n', 'merge', a);
    expect(posted.families.m).toBe(a.families.m);
    index.update('A', a, posted);
    expect(index.view('B', undefined, undefined).seriesOwner(series('m', 'a'))).toBe('A');
    expect(index.view('B', undefined, undefined).seriesOwner(series('n', 'a'))).toBe('A');
  });

  it('refuses a conflicting update and leaves itself unchanged', () => {
    const index = new ConsistencyIndex();
    const a = group({ job: 'a' }, '# TYPE m counter\nm 1\n');
    index.update('A', undefined, a);
    const before = group({ job: 'b' }, 'x 1\n');
    index.update('B', undefined, before);
    expect(() =>
      index.update('B', before, group({ job: 'b' }, '# TYPE m gauge\nm 1\ny 1\n')),
    ).toThrow(IndexConflictError);
    const view = index.view('C', undefined, undefined);
    expect(view.familyType('m')).toBe('COUNTER');
    expect(view.seriesOwner(series('x', 'b'))).toBe('B');
    expect(view.seriesOwner(series('y', 'b'))).toBeUndefined();
    expect(() => index.update('A2', undefined, a)).toThrow(IndexConflictError);
  });
});
