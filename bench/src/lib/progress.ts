/**
 * Progress on stderr: rewritten in place on a terminal, a plain line every 10 s otherwise
 * (logs of long unattended runs stay readable).
 */
export class Progress {
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly done: () => number,
  ) {
    this.timer = setInterval(() => this.print(false), this.tty ? 1000 : 10000);
    this.timer.unref();
  }

  /** Stops and prints the final line. */
  stop(): void {
    clearInterval(this.timer);
    this.print(true);
  }

  private print(final: boolean): void {
    const n = this.done();
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? n / elapsed : 0;
    let line = `${this.label}: ${n}${this.total ? `/${this.total}` : ''} in ${elapsed.toFixed(0)} s (${rate.toFixed(1)}/s)`;
    if (this.total && !final && rate > 0) line += `, ETA ${Math.ceil((this.total - n) / rate)} s`;
    process.stderr.write(this.tty ? `\r\x1b[K${line}${final ? '\n' : ''}` : `${line}\n`);
  }
}
