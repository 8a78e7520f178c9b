import type { HttpResponse } from '../support/http-request';

/** What the comparison looks at in a response, beyond what every step compares. */
export type Extra =
  /** The body byte for byte (as text). */
  | 'body'
  /** The body as a text scrape (gunzipped when Content-Encoding says so), normalised. */
  | 'text-scrape'
  /** The body as a delimited protobuf scrape, decoded and normalised. */
  | 'protobuf-scrape'
  /** One response header, e.g. `header:content-type`. */
  | `header:${string}`;

/** One HTTP request of a scenario. */
export interface Step {
  method: string;
  /** The raw request target, sent as is (route prefix included where there is one). */
  path: string;
  headers?: Readonly<Record<string, string>>;
  body?: string | Buffer;
  compare?: readonly Extra[];
  /**
   * Where upstream's 4xx message is random (which group's type or family name it reports depends
   * on Go map order): both sides' normalised message must match this instead of being equal.
   */
  message?: RegExp;
}

/** What one gateway answered to a scenario. */
export interface Run {
  responses: HttpResponse[];
  /** `GET <scrape path>` after the steps (undefined when the gateway was stopped). */
  scrape?: HttpResponse;
  /** `GET <prefix>/api/v1/metrics` after the steps. */
  api?: HttpResponse;
}

/**
 * A request sequence sent to upstream and to Pushgate. Every step's status code, 4xx message,
 * `Location` and `Allow` must agree, then the scrape and /api/v1/metrics taken afterwards.
 */
export interface Scenario {
  /** Conformance cases of the spec (docs: spec §6) this scenario covers. */
  cases: readonly number[];
  name: string;
  steps: readonly Step[];
  /**
   * Upstream's status for each step, as the spec records it. Checked on upstream only: it keeps a
   * scenario honest (a typo in a path would otherwise just compare two 404s). A list means any of
   * these (upstream is not deterministic there); 0 stands for "connection closed, no response".
   */
  statuses: ReadonlyArray<number | readonly number[]>;
  /**
   * The last step stops the gateway (`/-/quit`): instead of scraping afterwards, the harness
   * checks that both processes exit. A connection closed without a response to that step is
   * recorded as status 0 rather than failing the run.
   */
  stopsGateway?: boolean;
  /**
   * Set where Pushgate deliberately behaves differently (docs/compatibility.md lists each): then
   * nothing is compared, `upstream` asserts what upstream does (so the difference stays
   * documented fact) and `pushgate` asserts what Pushgate does instead.
   */
  deliberateDifference?: DeliberateDifference;
}

export interface DeliberateDifference {
  reason: string;
  /** Steps (by index) that must still agree as in an ordinary scenario. */
  sameSteps?: readonly number[];
  upstream(run: Run): void;
  pushgate(run: Run): void;
}
