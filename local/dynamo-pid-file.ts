import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from './process-group.ts';

/** Where local mode notes the pid of the DynamoDB Local serving a data folder. */
export const PID_FILE = 'dynamodb-local.pid';

export function writePidFile(dataDir: string, pid: number): string {
  const file = join(dataDir, PID_FILE);
  writeFileSync(file, `${pid}\n`);
  return file;
}

/** The command line of a live process, or null when there is none with that pid. */
function commandOf(pid: number): string | null {
  const result = spawnSync('ps', ['-p', String(pid), '-o', 'args='], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * A local mode killed with SIGKILL cannot stop its DynamoDB Local, which keeps the data folder
 * (and its port) busy. The next start finds its pid in the folder and kills its process group —
 * only if that pid still is a DynamoDB Local on this folder, so a reused pid is left alone.
 */
export async function killOrphanedDynamoLocal(dataDir: string): Promise<boolean> {
  const file = join(dataDir, PID_FILE);
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return false;
  }
  const command = Number.isInteger(pid) && pid > 1 ? commandOf(pid) : null;
  rmSync(file, { force: true });
  if (command === null || !command.includes('DynamoDBLocal') || !command.includes(dataDir)) return false;
  signalGroup(pid, 'SIGKILL');
  for (let waited = 0; commandOf(pid) !== null && waited < 10_000; waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
  }
  return true;
}
