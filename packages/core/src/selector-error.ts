/**
 * A `match[]` series selector could not be parsed (HTTP 400). The message has the layout of
 * Prometheus' own parse errors, `<line>:<column>: parse error: <reason>`, which is also what
 * Prometheus' /federate answers with, so tooling that shows those errors shows ours alike.
 */
export class SelectorParseError extends Error {
  override name = 'SelectorParseError';
  /** 1-based line of the offending token within `selector`. */
  readonly line: number;
  /** 1-based column (in characters) of the offending token within its line. */
  readonly column: number;

  constructor(
    /** The selector as given. */
    readonly selector: string,
    /** Index into `selector` (UTF-16 units) where the problem starts. */
    readonly offset: number,
    /** What is wrong, without position, e.g. `unexpected end of input inside braces`. */
    readonly reason: string,
  ) {
    const before = selector.slice(0, offset);
    const line = before.split('\n').length;
    const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
    super(`${line}:${column}: parse error: ${reason}`);
    this.line = line;
    this.column = column;
  }
}
