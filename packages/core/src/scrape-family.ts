/**
 * One family of the scrape model: its series by type, and which contribution decides its TYPE and
 * HELP. mergeGroups takes them from the first contribution with series in its order (the
 * gateway's own family, then groups by groupId) and drops series of any other type; here every
 * type's series are kept sorted apart, and the winner's type picks the list that is scraped.
 */
import type { MetricType } from '@pushgate/exposition';
import { type ScrapeSegment, SeriesList, type SeriesOwner } from './scrape-blocks';
import { byteOrderKey } from './scrape-key';
import { FamilyText } from './scrape-lines';

/** What one owner's family of this name brings: its type and HELP (after the reserved rewrite). */
export interface Contribution {
  readonly owner: SeriesOwner;
  readonly type: MetricType;
  readonly help: string | undefined;
}

export class FamilyState {
  /** Orders families as exposition does (byte order of names). */
  readonly sortKey: string;
  /** Contributions, i.e. owners holding the family with at least one series. */
  contributors = 0;
  /** The first contribution in owner order; undefined when unknown or there is none. */
  winner: Contribution | undefined;
  /**
   * Set when the winner left while others remain: every remaining contribution comes after this
   * order, so a new one not after it is the winner without looking at the others.
   */
  lostOrder: string | undefined;
  private readonly lists = new Map<MetricType, SeriesList>();
  private readonly texts = new Map<MetricType, FamilyText>();
  private header:
    { segment: ScrapeSegment; help: string | undefined; type: MetricType } | undefined;

  constructor(
    readonly name: string,
    private readonly blockBytes: number,
  ) {
    this.sortKey = byteOrderKey(name);
  }

  /**
   * Records a new contribution of `owner` (before its series are inserted). An owner contributes
   * a family at most once, so the owner identifies its contribution; only the winner's is kept as
   * an object.
   */
  contribute(owner: SeriesOwner, type: MetricType, help: string | undefined): void {
    this.contributors++;
    if (this.lostOrder === undefined) {
      if (this.winner === undefined || owner.order < this.winner.owner.order)
        this.winner = { owner, type, help };
    } else if (owner.order <= this.lostOrder) {
      if (this.winner === undefined || owner.order < this.winner.owner.order)
        this.winner = { owner, type, help };
      this.lostOrder = undefined;
    }
  }

  /** Forgets the contribution of `owner` (after its series were removed). */
  withdraw(owner: SeriesOwner): void {
    this.contributors--;
    if (this.contributors === 0) {
      this.winner = undefined;
      this.lostOrder = undefined;
      return;
    }
    if (owner !== this.winner?.owner) return;
    this.winner = undefined;
    this.lostOrder = owner.order;
  }

  /** True when the winner must be found among all contributions. */
  get winnerUnknown(): boolean {
    return this.winner === undefined && this.contributors > 0;
  }

  list(type: MetricType): SeriesList {
    let list = this.lists.get(type);
    if (list === undefined) {
      list = new SeriesList(this.blockBytes);
      this.lists.set(type, list);
    }
    return list;
  }

  text(type: MetricType): FamilyText {
    let text = this.texts.get(type);
    if (text === undefined) {
      text = new FamilyText(this.name, type);
      this.texts.set(type, text);
    }
    return text;
  }

  /** The series list that is scraped: the winner type's, if it holds any series. */
  get scraped(): SeriesList | undefined {
    const list = this.winner && this.lists.get(this.winner.type);
    return list !== undefined && list.size > 0 ? list : undefined;
  }

  /** Every list, for committing. */
  allLists(): IterableIterator<SeriesList> {
    return this.lists.values();
  }

  /** The `# HELP`/`# TYPE` segment of the winner (call only when there is one). */
  headerSegment(): ScrapeSegment {
    const { type, help } = this.winner as Contribution;
    if (this.header?.type !== type || this.header.help !== help) {
      const text = Buffer.from(this.text(type).header(help), 'utf8');
      this.header = { segment: { text }, help, type };
    }
    return this.header.segment;
  }
}
