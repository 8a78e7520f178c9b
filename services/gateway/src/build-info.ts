import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What this build is, under upstream's keys (`/api/v1/status` build_information and the
 * `pushgateway_build_info` labels), so dashboards built for the Go binary keep working. The
 * `go*` fields describe the runtime actually running: Node.
 */
export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
  goos: string;
  goarch: string;
}

const GO_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
};
const GO_OS: Readonly<Record<string, string>> = { win32: 'windows' };

/** The running build, from the gateway's package.json and the Node runtime. */
export function currentBuildInfo(): BuildInfo {
  // Same relative path from src/ (tests) and dist/ (built): the package root is one level up.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version?: string;
  };
  return {
    version: pkg.version ?? 'unknown',
    revision: '',
    branch: '',
    buildUser: '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    goos: GO_OS[process.platform] ?? process.platform,
    goarch: GO_ARCH[process.arch] ?? process.arch,
  };
}
