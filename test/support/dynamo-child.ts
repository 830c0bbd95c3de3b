import { startDynamoLocal } from '../../local/dynamo-local.ts';

/**
 * A process that starts DynamoDB Local and then idles, for the process-group tests: it prints
 * `dynamodb <pid>` once DynamoDB Local answers. argv[2]: a data folder, or `-` for in memory.
 */
const dataDir = process.argv[2] === '-' ? undefined : process.argv[2];
const dynamo = await startDynamoLocal({ ...(dataDir && { dataDir }) });
const pid = await pidOf(dynamo.endpoint);
process.stdout.write(`dynamodb ${pid}\n`);
setInterval(() => undefined, 60_000);

/** The pid of the java process listening on the endpoint's port, from ps. */
async function pidOf(endpoint: string): Promise<number> {
  const { execFileSync } = await import('node:child_process');
  const port = new URL(endpoint).port;
  const line = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .find((row) => row.includes('DynamoDBLocal') && row.includes(`-port ${port}`));
  return Number(line?.trim().split(/\s+/)[0] ?? 0);
}
