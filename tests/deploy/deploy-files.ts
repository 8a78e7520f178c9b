import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root. */
export const REPO_ROOT = join(__dirname, '..', '..');

/** An absolute path from a path relative to the repository root. */
export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

/**
 * Every YAML document in `file`; fails on any syntax error or warning (duplicate keys, ...).
 * `<<` merge keys are resolved, as docker compose does.
 */
export function readYamlDocuments(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true, merge: true });
  const problems = docs.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
  if (problems.length > 0) {
    throw new Error(`${relative(REPO_ROOT, file)}: ${problems.join('; ')}`);
  }
  return docs.map((d) => d.toJS() as unknown).filter((d) => d !== null);
}

/** The single YAML document in `file`. */
export function readYaml<T>(file: string): T {
  const docs = readYamlDocuments(file);
  if (docs.length !== 1) throw new Error(`${file}: expected one document, found ${docs.length}`);
  return docs[0] as T;
}

/** Files below `dir` (recursively) whose names end in one of `suffixes`, sorted. */
export function filesUnder(dir: string, suffixes: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffixes));
    else if (suffixes.some((s) => name.endsWith(s))) out.push(path);
  }
  return out.sort();
}

/** The result of running a tool to completion. */
export interface ToolRun {
  status: number | null;
  output: string;
}

/** Runs `command` synchronously (no shell) and returns its exit status and combined output. */
export function runTool(command: string, args: readonly string[], cwd = REPO_ROOT): ToolRun {
  const run = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60000 });
  if (run.error) throw new Error(`could not run ${command}: ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** True when `command` can be found on PATH. */
export function haveTool(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}
