import { ExpiryQueue } from './memory-expiry';

describe('ExpiryQueue', () => {
  it('hands out due groups earliest first, at most `limit` at a time', () => {
    const queue = new ExpiryQueue();
    for (const [id, at] of [
      ['c', 30],
      ['a', 10],
      ['e', 50],
      ['b', 20],
      ['d', 40],
    ] as const)
      queue.set(id, at);
    expect(queue.nextAt()).toBe(10);
    expect(queue.takeDue(35, 2)).toEqual(['a', 'b']);
    expect(queue.takeDue(35, 10)).toEqual(['c']);
    expect(queue.takeDue(35, 10)).toEqual([]);
    expect(queue.nextAt()).toBe(40);
  });

  it('follows a group whose expiry moved, and forgets one whose expiry was removed', () => {
    const queue = new ExpiryQueue();
    queue.set('a', 10);
    queue.set('b', 20);
    queue.set('a', 100);
    queue.set('b', undefined);
    expect(queue.nextAt()).toBe(100);
    expect(queue.takeDue(99, 10)).toEqual([]);
    expect(queue.takeDue(100, 10)).toEqual(['a']);
    expect(queue.nextAt()).toBeUndefined();
  });

  it('treats an expiry at exactly now as due', () => {
    const queue = new ExpiryQueue();
    queue.set('a', 10);
    expect(queue.takeDue(10, 1)).toEqual(['a']);
  });

  it('stays bounded when the same groups are pushed again and again', () => {
    const queue = new ExpiryQueue();
    for (let round = 0; round < 1000; round++)
      for (let g = 0; g < 10; g++) queue.set(`g${g}`, 1000 + round);
    expect(queue.entries).toBeLessThanOrEqual(2 * 10 + 64 + 1);
    expect(queue.takeDue(Infinity, 100).sort()).toEqual(
      Array.from({ length: 10 }, (_, g) => `g${g}`).sort(),
    );
  });

  it('keeps heap order through many random changes', () => {
    const queue = new ExpiryQueue();
    const expected = new Map<string, number>();
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const id = `g${Math.floor(random() * 300)}`;
      const at = random() < 0.1 ? undefined : Math.floor(random() * 10_000);
      queue.set(id, at);
      if (at === undefined) expected.delete(id);
      else expected.set(id, at);
    }
    const order = queue.takeDue(Infinity, Infinity);
    expect(order.map((id) => expected.get(id))).toEqual(
      [...expected.values()].sort((a, b) => a - b),
    );
  });

  it('empties on clear', () => {
    const queue = new ExpiryQueue();
    queue.set('a', 1);
    queue.clear();
    expect(queue.nextAt()).toBeUndefined();
    expect(queue.entries).toBe(0);
  });
});
