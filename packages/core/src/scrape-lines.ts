/**
 * Text of single series and of family headers, cut out of exposition's renderText, so the scrape
 * model's output is renderText's byte for byte without re-implementing any of it. It relies only
 * on renderText's contract: a family renders as its header (`# HELP`, `# TYPE`) followed by the
 * renderings of its metrics, one after the other.
 */
import { renderText, type Metric, type MetricType } from '@pushgate/exposition';

/** Carries a value for every type, so it renders as a series of any family. */
const PROBE: Metric = {
  label: [],
  counter: { value: 0 },
  gauge: { value: 0 },
  untyped: { value: 0 },
  summary: { quantile: [] },
  histogram: { bucket: [] },
};

/** A family's header and how to render its series; one per family name and type. */
export class FamilyText {
  /** `# TYPE` line as renderText writes it for this name and type. */
  private readonly typeLine: string;

  constructor(
    readonly name: string,
    readonly type: MetricType,
  ) {
    const one = renderText([{ name, type, metric: [PROBE] }]);
    const two = renderText([{ name, type, metric: [PROBE, PROBE] }]);
    this.typeLine = one.slice(0, one.length - (two.length - one.length));
  }

  /** `# HELP` (if `help` is defined) and `# TYPE` lines. */
  header(help: string | undefined): string {
    if (help === undefined) return this.typeLine;
    const withHelp = renderText([{ name: this.name, help, type: this.type, metric: [PROBE] }]);
    const withoutHelp = renderText([{ name: this.name, type: this.type, metric: [PROBE] }]);
    return withHelp.slice(0, withHelp.length - withoutHelp.length) + this.typeLine;
  }

  /** The lines of one series, which must carry the value field the type needs. */
  series(metric: Metric): string {
    const text = renderText([{ name: this.name, type: this.type, metric: [metric] }]);
    if (!text.startsWith(this.typeLine)) {
      throw new Error(`renderText no longer starts family ${this.name} with its TYPE line`);
    }
    return text.slice(this.typeLine.length);
  }
}
