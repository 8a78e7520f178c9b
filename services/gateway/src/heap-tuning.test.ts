import { HEAP_FLAG, tuneHeap } from './heap-tuning';

describe('tuneHeap', () => {
  it('leaves a heap-growing flag of the operator alone', () => {
    const apply = jest.fn();
    expect(tuneHeap(['--heap-growing-percent=80'], apply)).toBe(false);
    expect(tuneHeap(['--max-old-space-size=900', '--heap_growing_percent=30'], apply)).toBe(false);
    expect(apply).not.toHaveBeenCalled();
  });

  it('sets the flag otherwise', () => {
    const apply = jest.fn();
    expect(tuneHeap(['--enable-source-maps', '--max-old-space-size=900'], apply)).toBe(true);
    expect(apply).toHaveBeenCalledWith(HEAP_FLAG);
  });
});
