import { errorKind, ok, type TimedResponse } from './http';
import { summarize, type LatencySummary } from './stats';

/** JSON form of a run's outcomes. */
export interface OutcomesReport {
  requests: number;
  succeeded: number;
  /** Responses by status code, 2xx included (upstream answers 200 checked, 202 unchecked). */
  statuses: Record<string, number>;
  /** Requests that got no HTTP answer, by errno code. */
  errors: Record<string, number>;
  /** First body per non-2xx status and first message per error kind, to tell why. */
  firstFailures: Record<string, string>;
  /** Latency of the successful requests only, so fast rejections can't flatter it. */
  latencySeconds: LatencySummary | null;
}

/** Tallies what happened to every request of a run. */
export class Outcomes {
  private readonly latencies: number[] = [];
  private readonly statuses: Record<string, number> = {};
  private readonly errors: Record<string, number> = {};
  private readonly firstFailures: Record<string, string> = {};
  private requests = 0;

  /** Records an HTTP answer. */
  response(res: TimedResponse): void {
    this.requests++;
    const key = String(res.status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    if (ok(res.status)) {
      this.latencies.push(res.seconds);
    } else if (!(key in this.firstFailures)) {
      this.firstFailures[key] = (res.body?.toString('utf8') ?? '').slice(0, 500);
    }
  }

  /** Records a request that failed below HTTP (refused, reset, timed out). */
  error(err: unknown): void {
    this.requests++;
    const kind = errorKind(err);
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    if (!(kind in this.firstFailures))
      this.firstFailures[kind] = err instanceof Error ? err.message : String(err);
  }

  get count(): number {
    return this.requests;
  }

  get failed(): number {
    return this.requests - this.latencies.length;
  }

  report(): OutcomesReport {
    return {
      requests: this.requests,
      succeeded: this.latencies.length,
      statuses: { ...this.statuses },
      errors: { ...this.errors },
      firstFailures: { ...this.firstFailures },
      latencySeconds: summarize(this.latencies),
    };
  }
}
