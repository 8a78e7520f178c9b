import { readFileSync } from 'node:fs';
import { BenchFailure } from './cli';

/** Resident memory of a process, from the kernel's accounting. */
export interface Rss {
  /** VmRSS: resident set size now. */
  rssBytes: number;
  /** VmHWM: peak resident set size since the process started. */
  peakBytes: number;
}

function field(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!m) throw new Error(`no ${name} line in /proc/<pid>/status`);
  return Number(m[1]) * 1024;
}

/** Parses the VmRSS and VmHWM lines of a /proc/<pid>/status text. */
export function parseProcStatus(status: string): Rss {
  return { rssBytes: field(status, 'VmRSS'), peakBytes: field(status, 'VmHWM') };
}

/** Reads the memory of `pid` (Linux only). */
export function readRss(pid: number): Rss {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new BenchFailure(`cannot read /proc/${pid}/status: is process ${pid} running?`);
  }
  return parseProcStatus(status);
}

/** A byte count in B, KiB or MiB, for the human summaries. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Memory of one process over a measurement. */
export interface MemoryReport {
  pid: number;
  before: Rss;
  after: Rss;
  /** Highest VmRSS seen while measuring (sampled every 100 ms): a scrape's transient peak. */
  maxDuringBytes: number;
}

/**
 * Watches the resident memory of some processes (a gateway; in a cluster, every node and
 * redis-server) from construction to `stop()`.
 */
export class MemoryWatch {
  private readonly before: Rss[];
  private readonly max: number[];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: readonly number[]) {
    this.before = pids.map(readRss);
    this.max = this.before.map((r) => r.rssBytes);
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): MemoryReport[] {
    clearInterval(this.timer);
    this.sample();
    return this.pids.map((pid, i) => ({
      pid,
      before: this.before[i] as Rss,
      after: readRss(pid),
      maxDuringBytes: this.max[i] as number,
    }));
  }

  private sample(): void {
    this.pids.forEach((pid, i) => {
      try {
        this.max[i] = Math.max(this.max[i] as number, readRss(pid).rssBytes);
      } catch {
        // The process is gone; stop() reports that when it reads the final value.
      }
    });
  }
}
