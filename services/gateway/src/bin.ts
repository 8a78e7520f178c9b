#!/usr/bin/env node
// The only module that touches the process: argv/env in, signals, exit code.
import { currentBuildInfo } from './build-info';
import { ConfigError, parseCommandLine } from './config';
import { createGateway } from './gateway';
import { tuneHeap } from './heap-tuning';

// Before anything allocates much: the heap-growing factor applies from the next collection on.
tuneHeap();

function versionText(): string {
  const b = currentBuildInfo();
  return [
    `pushgate, version ${b.version} (branch: ${b.branch}, revision: ${b.revision})`,
    `  build user:       ${b.buildUser}`,
    `  build date:       ${b.buildDate}`,
    `  go version:       ${b.goVersion}`,
    `  platform:         ${b.goos}/${b.goarch}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let commandLine;
  try {
    commandLine = parseCommandLine(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(err.problems.map((p) => `pushgate: error: ${p}\n`).join(''));
    process.exitCode = 1;
    return;
  }
  if (commandLine.action === 'help') {
    process.stdout.write(commandLine.text);
    return;
  }
  if (commandLine.action === 'version') {
    process.stdout.write(versionText());
    return;
  }

  const gateway = await createGateway(commandLine.config);
  const { logger } = gateway;
  // once: a second signal during the drain gets Node's default action and ends the process.
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn({ signal }, 'received signal, exiting gracefully...');
    gateway.close().catch((err: unknown) => {
      logger.error({ err }, 'graceful stop failed');
      process.exitCode = 1;
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  try {
    await gateway.listen();
  } catch (err) {
    logger.error({ err, address: commandLine.config.flags['web.listen-address'] }, 'cannot listen');
    process.exitCode = 1;
    await gateway.close();
  }
  await gateway.closed;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `pushgate: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
