import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

/** A bad command line: printed with the tool's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The gateway answered in a way that makes the measurement meaningless (a rejected warmup, a
 * failing scrape): reported as a one-line message, exit code 1, no stack trace.
 */
export class BenchFailure extends Error {
  override readonly name: string = 'BenchFailure';
}

type Flags = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses `--name=value` / `--name value` options: strings, booleans, and repeatable
 * strings (`lists`). Unknown options and positionals are usage errors, so a typo never
 * silently runs a different benchmark than the one asked for.
 */
export function parseFlags(
  argv: string[],
  strings: readonly string[],
  booleans: readonly string[] = [],
  lists: readonly string[] = [],
): Flags {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const s of strings) options[s] = { type: 'string' };
  for (const l of lists) options[l] = { type: 'string', multiple: true };
  for (const b of [...booleans, 'help']) options[b] = { type: 'boolean' };
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false })
      .values as Flags;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A required or defaulted string flag. */
export function str(flags: Flags, name: string, fallback?: string): string {
  const v = flags[name];
  if (typeof v === 'string') return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`--${name} is required`);
}

/** A numeric flag with bounds; `integer` rejects fractions. */
export function num(
  flags: Flags,
  name: string,
  fallback: number | undefined,
  { min = 0, integer = true }: { min?: number; integer?: boolean } = {},
): number {
  const raw = flags[name];
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const v = Number(raw);
  if (
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isFinite(v) ||
    (integer && !Number.isInteger(v)) ||
    v < min
  ) {
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${String(raw)}`,
    );
  }
  return v;
}

/** A repeatable positive-integer flag (`--pid 1 --pid 2`); empty when absent. */
export function ints(flags: Flags, name: string): number[] {
  const raw = flags[name];
  const list = Array.isArray(raw) ? raw : [];
  return list.map((v) => num({ [name]: v }, name, undefined, { min: 1 }));
}

/** One of a fixed set of values. */
export function oneOf<T extends string>(
  flags: Flags,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = str(flags, name, fallback);
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${v}`);
  }
  return v as T;
}

/** The gateway's base URL (`--url`), e.g. http://127.0.0.1:9091 or one with a route prefix. */
export function baseUrl(flags: Flags): URL {
  const raw = str(flags, 'url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url is not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--url must be http:// (got ${url.protocol})`);
  return url;
}

function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

/**
 * Runs a tool's main: prints usage for --help and usage errors (exit 2), the message of any
 * other failure (exit 1). Results go to stdout as JSON, everything for humans to stderr.
 */
export function runMain(usage: string, main: (argv: string[]) => Promise<number>): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return;
  }
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n\n${usage}`);
        process.exitCode = 2;
      } else if (err instanceof BenchFailure || isSystemError(err)) {
        // Expected failures (refused connection, bad answer): the message says it all.
        process.stderr.write(`${err.name}: ${err.message}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(
          `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
        process.exitCode = 1;
      }
    },
  );
}

/**
 * Writes the machine-readable result: one JSON document on stdout, stamped with the host's
 * load average at the end of the run, since on a shared machine that says how far to trust it.
 */
export function emitJson(result: object): void {
  const host = { node: process.version, cpus: cpus().length, loadavg: loadavg() };
  process.stdout.write(JSON.stringify({ ...result, host }, null, 2) + '\n');
}
