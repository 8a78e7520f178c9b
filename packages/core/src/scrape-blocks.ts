/**
 * The series of one family (of one type) in scrape order, as a list of blocks of rendered text.
 * Each block keeps its series' sort keys and the bytes of their lines, so a change re-renders
 * only the blocks it touches, from bytes already rendered plus the lines of the changed series;
 * untouched blocks keep their text, and their segment object, scrape after scrape.
 */

/** Whose series a slot is: a group, or the gateway's own metrics. */
export interface SeriesOwner {
  /** Orders owners whose series have equal labels (core groupId; '' for the gateway itself). */
  readonly order: string;
}

/** A contiguous piece of a text scrape. Never changes: a change makes a new segment. */
export interface ScrapeSegment {
  readonly text: Buffer;
}

/** Blocks are rebuilt in pieces of about this many bytes of text. */
export const DEFAULT_BLOCK_BYTES = 32 * 1024;

/**
 * A block that grows between commits (a bulk load) to twice its series at the last commit, and at
 * least to this many series per block byte (256 at 32 KiB), is halved at once, so inserting stays
 * O(log n + block) rather than O(n). Commits merge the halves back into blocks of the target size.
 */
const SPLIT_SLOTS_PER_BYTE = 1 / 128;

/**
 * A block's slots. Rebuilt blocks are frozen into compact columns (node's builds have no pointer
 * compression, so a JS array slot costs 8 bytes, and a large store holds millions of slots): the
 * label-name key once when every slot shares it (the usual case), offsets and lengths in
 * Int32Arrays. The first insert or removal thaws them back into plain arrays.
 */
class Block {
  readonly keys: string[];
  readonly owners: SeriesOwner[];
  /** Every slot's label-name key, or the one they all share. */
  private names: string[] | string;
  /** A slot's lines: start offset in `text` (length in `lens`), or the lines until rendered. */
  private src: Array<number | string> | Int32Array;
  private lens: number[] | Int32Array;
  text: Buffer;
  /** Slots were added or removed since `text` was built. */
  dirty = true;
  /** More series than this (added between commits) and the block is halved at once. */
  limit = 0;
  /** `text` without repeated series, as scraped; undefined until computed. */
  out: ScrapeSegment | undefined;
  /** Labels of the slot before this block when `out` was computed (the repeat check of slot 0). */
  prevKey: string | undefined;
  prevNames: string | undefined;

  constructor(
    keys: string[] = [],
    names: string[] | string = [],
    owners: SeriesOwner[] = [],
    src: Array<number | string> | Int32Array = [],
    lens: number[] | Int32Array = [],
    text: Buffer = EMPTY,
  ) {
    this.keys = keys;
    this.names = names;
    this.owners = owners;
    this.src = src;
    this.lens = lens;
    this.text = text;
  }

  get length(): number {
    return this.keys.length;
  }

  nameAt(i: number): string {
    const names = this.names;
    return typeof names === 'string' ? names : (names[i] as string);
  }

  /** A slot's lines: offset into `text`, or the rendered lines of a slot added since. */
  srcAt(i: number): number | string {
    return this.src[i] as number | string;
  }

  lenAt(i: number): number {
    return this.lens[i] as number;
  }

  /** Every slot's label-name key (a new array when frozen). */
  allNames(): string[] {
    const names = this.names;
    return typeof names === 'string' ? new Array<string>(this.length).fill(names) : names;
  }

  /** Every slot's source (a new array when frozen). */
  allSrc(): Array<number | string> {
    return this.src instanceof Int32Array ? Array.from(this.src) : this.src;
  }

  /** Packs the columns of a block that was just built (see the class comment). */
  freeze(): void {
    const names = this.names;
    if (typeof names !== 'string' && names.length > 0 && names.every((n) => n === names[0]))
      this.names = names[0] as string;
    if (!(this.src instanceof Int32Array)) this.src = Int32Array.from(this.src as number[]);
    if (!(this.lens instanceof Int32Array)) this.lens = Int32Array.from(this.lens);
  }

  /** Plain arrays again, before slots are added or removed. */
  private thaw(): { names: string[]; src: Array<number | string>; lens: number[] } {
    if (typeof this.names === 'string') this.names = this.allNames();
    if (this.src instanceof Int32Array) this.src = Array.from(this.src);
    if (this.lens instanceof Int32Array) this.lens = Array.from(this.lens);
    return { names: this.names, src: this.src, lens: this.lens };
  }

  insertAt(a: number, key: string, names: string, owner: SeriesOwner, lines: string): void {
    const columns = this.thaw();
    this.keys.splice(a, 0, key);
    columns.names.splice(a, 0, names);
    this.owners.splice(a, 0, owner);
    columns.src.splice(a, 0, lines);
    columns.lens.splice(a, 0, 0);
    this.dirty = true;
  }

  removeAt(a: number): void {
    const columns = this.thaw();
    this.keys.splice(a, 1);
    columns.names.splice(a, 1);
    this.owners.splice(a, 1);
    columns.src.splice(a, 1);
    columns.lens.splice(a, 1);
    this.dirty = true;
  }

  /** Moves the slots from `at` on into a new block (sharing `text`, which their offsets index). */
  splitOff(at: number): Block {
    const columns = this.thaw();
    const tail = new Block(
      this.keys.splice(at),
      columns.names.splice(at),
      this.owners.splice(at),
      columns.src.splice(at),
      columns.lens.splice(at),
      this.text,
    );
    tail.limit = this.limit;
    this.dirty = true;
    return tail;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Scrape order of two series: exposition's compareMetrics (as keys, see scrape-key.ts), then
 * the owner's order, which is the order mergeGroups sees series with equal labels in.
 */
function compareAt(
  key: string,
  names: string,
  owner: SeriesOwner,
  block: Block,
  i: number,
): number {
  const k = block.keys[i] as string;
  if (key !== k) return key < k ? -1 : 1;
  const n = block.nameAt(i);
  if (names !== n) return names < n ? -1 : 1;
  const o = (block.owners[i] as SeriesOwner).order;
  return owner.order === o ? 0 : owner.order < o ? -1 : 1;
}

/** The series of one family and type, sorted, in blocks of rendered text. */
export class SeriesList {
  private blocks: Block[] = [];
  private changed = false;
  /** Number of series held. */
  size = 0;

  private readonly splitSlots: number;

  constructor(private readonly blockBytes = DEFAULT_BLOCK_BYTES) {
    this.splitSlots = Math.max(8, Math.floor(blockBytes * SPLIT_SLOTS_PER_BYTE));
  }

  private newBlock(): Block {
    const block = new Block();
    block.limit = this.splitSlots;
    return block;
  }

  /**
   * Adds a series with its rendered lines. Series with equal labels and owner keep the order
   * they were added in (as a family's series do in mergeGroups).
   */
  insert(key: string, names: string, owner: SeriesOwner, lines: string): void {
    const blocks = this.blocks;
    if (blocks.length === 0) blocks.push(this.newBlock());
    // The last block whose first series is not after the new one (or the first block).
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareAt(key, names, owner, blocks[mid] as Block, 0) >= 0) lo = mid;
      else hi = mid - 1;
    }
    const block = blocks[lo] as Block;
    // After every series that is not after it.
    let a = 0;
    let b = block.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (compareAt(key, names, owner, block, mid) >= 0) a = mid + 1;
      else b = mid;
    }
    block.insertAt(a, key, names, owner, lines);
    this.changed = true;
    this.size++;
    if (block.length > block.limit) blocks.splice(lo + 1, 0, block.splitOff(block.length >> 1));
  }

  /** Removes one series of `owner` with these keys; false if there is none. */
  remove(key: string, names: string, owner: SeriesOwner): boolean {
    const blocks = this.blocks;
    // The last block whose first series is before this one: it, or the next, holds it.
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareAt(key, names, owner, blocks[mid] as Block, 0) > 0) lo = mid;
      else hi = mid - 1;
    }
    for (let j = lo; j < blocks.length && j <= lo + 1; j++) {
      const block = blocks[j] as Block;
      let a = 0;
      let b = block.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (compareAt(key, names, owner, block, mid) > 0) a = mid + 1;
        else b = mid;
      }
      if (a < block.length && compareAt(key, names, owner, block, a) === 0) {
        block.removeAt(a);
        if (block.length === 0) blocks.splice(j, 1);
        this.changed = true;
        this.size--;
        return true;
      }
      if (a < block.length) break;
    }
    return false;
  }

  /**
   * Brings the rendered text up to date: rebuilds every block series were added to or removed
   * from (with small neighbours merged in and large results split), then the scrape output of
   * every block whose repeats may have changed. Yields after each rebuilt block; returns the
   * number of blocks built.
   */
  *commit(): Generator<void, number, void> {
    if (!this.changed) return 0;
    let built = 0;
    const blocks = this.blocks;
    const next: Block[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i] as Block;
      if (!block.dirty) {
        next.push(block);
        continue;
      }
      // A small result takes small neighbours along, so removals and loads leave no trail of
      // tiny blocks.
      const run = [block];
      let bytes = estimateBytes(block);
      const previous = next[next.length - 1];
      if (bytes < this.blockBytes / 2 && previous !== undefined) {
        const more = estimateBytes(previous);
        if (bytes + more <= this.blockBytes) {
          run.unshift(next.pop() as Block);
          bytes += more;
        }
      }
      while (bytes < this.blockBytes / 2 && i + 1 < blocks.length) {
        const more = estimateBytes(blocks[i + 1] as Block);
        if (bytes + more > this.blockBytes) break;
        run.push(blocks[++i] as Block);
        bytes += more;
      }
      for (const rebuilt of rebuild(run, this.blockBytes)) {
        rebuilt.limit = Math.max(2 * rebuilt.length, this.splitSlots);
        next.push(rebuilt);
        built++;
        yield;
      }
    }
    this.blocks = next;
    let prevKey: string | undefined;
    let prevNames: string | undefined;
    for (const block of next) {
      if (block.out === undefined || block.prevKey !== prevKey || block.prevNames !== prevNames)
        computeOut(block, prevKey, prevNames);
      prevKey = block.keys[block.length - 1];
      prevNames = block.nameAt(block.length - 1);
    }
    this.changed = false;
    return built;
  }

  /** The scrape text, as segments (valid after commit). */
  segments(out: ScrapeSegment[]): void {
    for (const block of this.blocks) {
      const segment = block.out as ScrapeSegment;
      if (segment.text.length > 0) out.push(segment);
    }
  }

  /** Bytes of scrape text (valid after commit). */
  get bytes(): number {
    let n = 0;
    for (const block of this.blocks) n += (block.out as ScrapeSegment).text.length;
    return n;
  }
}

/** Text bytes of a block, counting unrendered lines by their length in UTF-16 units. */
function estimateBytes(block: Block): number {
  let n = 0;
  for (let i = 0; i < block.length; i++) {
    const src = block.srcAt(i);
    n += typeof src === 'number' ? block.lenAt(i) : src.length;
  }
  return n;
}

/** New blocks holding the series of `run`, each with text of about `target` bytes. */
function rebuild(run: readonly Block[], target: number): Block[] {
  const single = run.length === 1 ? (run[0] as Block) : undefined;
  const keys = single?.keys ?? run.flatMap((b) => b.keys);
  const names = single?.allNames() ?? run.flatMap((b) => b.allNames());
  const seriesOwners = single?.owners ?? run.flatMap((b) => b.owners);
  const lines = single?.allSrc() ?? run.flatMap((b) => b.allSrc());
  // Every slot's source block (kept only when several blocks are merged) and byte size.
  const sources = single === undefined ? run.flatMap((b) => b.keys.map(() => b)) : undefined;
  const sizes: number[] = new Array<number>(keys.length);
  let total = 0;
  let k = 0;
  for (const block of run) {
    for (let i = 0; i < block.length; i++, k++) {
      const line = block.srcAt(i);
      const size = typeof line === 'number' ? block.lenAt(i) : Buffer.byteLength(line);
      sizes[k] = size;
      total += size;
    }
  }
  // Equal parts of about `target` bytes (a single series may be larger).
  const part = total / Math.max(1, Math.round(total / target));
  const result: Block[] = [];
  let start = 0;
  while (start < keys.length) {
    let end = start;
    let bytes = 0;
    while (end < keys.length && (end === start || bytes < part)) bytes += sizes[end++] as number;
    const text = Buffer.allocUnsafe(bytes);
    const src: number[] = new Array<number>(end - start);
    // Rendered neighbours are usually adjacent in their old text: copy them in one go.
    let copyFrom: Buffer | undefined;
    let copyStart = 0;
    let copyEnd = 0;
    let copyTo = 0;
    const flush = () => {
      if (copyFrom !== undefined) copyFrom.copy(text, copyTo, copyStart, copyEnd);
      copyFrom = undefined;
    };
    let offset = 0;
    for (let s = start; s < end; s++) {
      const line = lines[s] as number | string;
      const size = sizes[s] as number;
      if (typeof line === 'number') {
        const source = (sources === undefined ? single : sources[s]) as Block;
        if (copyFrom !== source.text || copyEnd !== line) {
          flush();
          copyFrom = source.text;
          copyStart = line;
          copyTo = offset;
        }
        copyEnd = line + size;
      } else {
        flush();
        text.write(line, offset, 'utf8');
      }
      src[s - start] = offset;
      offset += size;
    }
    flush();
    // Exact-size arrays: a block lives long, and push() leaves up to half its capacity unused.
    const built = new Block(
      keys.slice(start, end),
      names.slice(start, end),
      seriesOwners.slice(start, end),
      src,
      sizes.slice(start, end),
      text,
    );
    built.dirty = false;
    built.freeze();
    result.push(built);
    start = end;
  }
  return result;
}

/**
 * The block's scrape output: its text, less every series whose labels equal those of the series
 * before it (mergeGroups keeps the first of such repeats). Stores never hold repeats; this only
 * keeps the output valid, and identical to mergeGroups', if one ever did.
 */
function computeOut(
  block: Block,
  prevKey: string | undefined,
  prevNames: string | undefined,
): void {
  block.prevKey = prevKey;
  block.prevNames = prevNames;
  let pk = prevKey;
  let pn = prevNames;
  let repeats: number[] | undefined;
  for (let i = 0; i < block.length; i++) {
    const k = block.keys[i] as string;
    const n = block.nameAt(i);
    if (k === pk && n === pn) (repeats ??= []).push(i);
    pk = k;
    pn = n;
  }
  if (repeats === undefined) {
    if (block.out?.text !== block.text) block.out = { text: block.text };
    return;
  }
  const parts: Buffer[] = [];
  let r = 0;
  for (let i = 0; i < block.length; i++) {
    if (repeats[r] === i) {
      r++;
      continue;
    }
    const start = block.srcAt(i) as number;
    parts.push(block.text.subarray(start, start + block.lenAt(i)));
  }
  block.out = { text: Buffer.concat(parts) };
}
