import { resolve } from 'node:path';
import { parseFileRoots } from '#adapters/files/file-access.ts';
import { startLocalApp } from './app.ts';
import { quietSdkNodeWarning, withoutAwsReason } from './aws-detect.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../console/build.ts';
import { loadLocalConfig } from './local-config.ts';

/**
 * `npm start`: Vigil on this machine. DynamoDB Local keeps the data under VIGIL_DATA_DIR,
 * the API answers on http://HOST:PORT, and Ctrl-C stops everything this started.
 */
async function main(): Promise<void> {
  const config = loadLocalConfig(process.env);
  const log = (line: string) => console.log(`[vigil] ${line}`);
  const nodeNote = quietSdkNodeWarning(process.env, process.version);
  if (nodeNote) log(nodeNote);
  // The console is built once (a few seconds) when console/dist is missing; without Vite
  // (installed without dev dependencies) the API still starts.
  const consoleDir = await ensureConsoleBuilt({ log }).then(
    () => CONSOLE_DIST,
    (error: unknown) => {
      log(`the web console could not be built, so only the API is served: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    },
  );
  const app = await startLocalApp(config, { log, ...(consoleDir !== undefined && { consoleDir }) });
  log(`API on ${app.url} (data in ${resolve(config.VIGIL_DATA_DIR)})`);
  if (consoleDir !== undefined) log(`web console on ${app.url}/`);
  log(config.VIGIL_API_KEY ? 'x-api-key required (VIGIL_API_KEY is set)' : 'no API key required (set VIGIL_API_KEY to require one)');
  log(
    app.aws
      ? 'AWS credentials found: Bedrock judges runs, SES/SNS deliver notifications, CloudWatch sources are read'
      : `${withoutAwsReason(config.VIGIL_AWS)}: rules-only judge, notifications go to ${resolve(config.VIGIL_DATA_DIR, 'outbox')}`,
  );
  const roots = parseFileRoots(config.VIGIL_FILE_ROOTS);
  log(roots.length > 0 ? `file sources may read regular files under ${roots.join(', ')}` : 'file sources are off (set VIGIL_FILE_ROOTS to allow directories)');
  log(`scheduler ticks every ${config.VIGIL_TICK_SECONDS} s; Ctrl-C to stop`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C does not wait for runs in flight to finish.
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping`);
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`[vigil] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
