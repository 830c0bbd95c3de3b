import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoLocal, type DynamoLocal } from '../../local/dynamo-local.ts';
import { stopGroup, trackGroup } from '../../local/process-group.ts';

/** Spawned processes do not outlive what spawned them: DynamoDB Local is stopped as a group. */
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-groups-'));
const started: DynamoLocal[] = [];
const alive = (pid: number) => spawnSync('ps', ['-p', String(pid), '-o', 'stat='], { encoding: 'utf8' }).stdout.trim().replace(/^Z.*/, '') !== '';

afterAll(async () => {
  for (const dynamo of started) await dynamo.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** A child that starts DynamoDB Local; resolves with the child and DynamoDB Local's pid. */
async function childWithDynamo(data: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/dynamo-child.ts', data], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  trackGroup(child);
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  for (const deadline = Date.now() + 150_000; !/dynamodb \d+/.test(printed); ) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no DynamoDB Local: ${printed}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  const pid = Number(/dynamodb (\d+)/.exec(printed)?.[1]);
  return { child, pid, exited: new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done()))) };
}

async function gone(pid: number, withinMs = 15_000): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline; ) {
    if (!alive(pid)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}

describe('process groups', () => {
  it('takes DynamoDB Local along when the process that started it is terminated', async () => {
    const { child, pid, exited } = await childWithDynamo('-');
    expect(alive(pid)).toBe(true);

    child.kill('SIGTERM');
    await exited;

    expect(await gone(pid)).toBe(true);
  }, 200_000);

  it('kills, at the next start on the same data folder, a DynamoDB Local whose parent was killed with SIGKILL', async () => {
    const { child, pid, exited } = await childWithDynamo(dataDir);
    child.kill('SIGKILL');
    await exited;
    // SIGKILL leaves no chance to clean up: DynamoDB Local, in its own group, is an orphan now.
    expect(alive(pid)).toBe(true);

    const next = await startDynamoLocal({ dataDir });
    started.push(next);

    expect(await gone(pid)).toBe(true);
  }, 300_000);

  it('stops a whole group: what the leader started goes too', async () => {
    const child = spawn('sh', ['-c', 'sleep 300 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    trackGroup(child);
    const grandchild = await new Promise<number>((done) => child.stdout?.once('data', (chunk: Buffer) => done(Number(chunk.toString().trim()))));
    expect(alive(grandchild)).toBe(true);

    await stopGroup(child);

    expect(await gone(grandchild)).toBe(true);
  }, 60_000);
});
