#!/usr/bin/env node
// The only module of the worker that touches the process: argv/env in, signals, exit code.
import { parseWorkerCommandLine, WorkerConfigError } from './config';
import { createWorkerLogger } from './logger';
import { createWorker } from './worker';

async function main(): Promise<void> {
  let commandLine;
  try {
    commandLine = parseWorkerCommandLine(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof WorkerConfigError)) throw err;
    process.stderr.write(err.problems.map((p) => `pushgate-worker: error: ${p}\n`).join(''));
    process.exitCode = 2;
    return;
  }
  if (commandLine.action === 'help') {
    process.stdout.write(commandLine.text);
    return;
  }
  const { config } = commandLine;
  const logger = createWorkerLogger({ level: config.logLevel });
  let worker;
  try {
    worker = await createWorker(config, { logger });
    await worker.listen();
  } catch (err) {
    logger.error({ err }, 'worker could not start');
    await worker?.close();
    process.exitCode = 1;
    return;
  }
  const started = worker;
  // once: a second signal while a job finishes gets Node's default action and ends the process.
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn({ signal }, 'received signal, finishing the running job and exiting...');
    started.close().catch((err: unknown) => {
      logger.error({ err }, 'graceful stop failed');
      process.exitCode = 1;
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `pushgate-worker: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
