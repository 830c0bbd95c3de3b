import { describe, expect, it } from 'vitest';
import type { DynamoLocal } from '../../../local/dynamo-local.ts';
import { superviseDynamoLocal } from '../../../local/dynamo-supervisor.ts';

/** A DynamoDB Local stand-in whose exit the test decides. */
function fakeDynamo(port: number) {
  let exit!: (value: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => (exit = done));
  let stopped = false;
  const instance: DynamoLocal = {
    endpoint: `http://127.0.0.1:${port}`,
    exited,
    async stop() {
      stopped = true;
      exit({ code: 0, signal: null });
    },
  };
  return { instance, crash: () => exit({ code: null, signal: 'SIGKILL' }), stopped: () => stopped };
}

describe('the DynamoDB Local supervisor', () => {
  it('restarts an unexpected exit on the same port with doubling backoff, logs it, and reports the outage', async () => {
    const log: string[] = [];
    const first = fakeDynamo(4567);
    const second = fakeDynamo(4567);
    const ports: Array<number | undefined> = [];
    let starts = 0;
    const supervisor = await superviseDynamoLocal({
      dataDir: '/tmp/unused',
      log: (line) => log.push(line),
      initialBackoffMs: 100,
      start: async (options) => {
        starts += 1;
        ports.push(options?.port);
        if (starts === 1) return first.instance;
        if (starts <= 3) throw new Error(`port busy (${starts})`);
        return second.instance;
      },
    });
    const restarted: string[] = [];
    supervisor.onRestart(async () => void restarted.push('ensureTable+resume'));
    expect(supervisor.available()).toBe(true);

    first.crash();
    await new Promise((done) => setTimeout(done, 0));
    expect(supervisor.available()).toBe(false);
    await supervisor.whenAvailable();

    expect(supervisor.available()).toBe(true);
    expect(ports).toEqual([undefined, 4567, 4567, 4567]);
    expect(restarted).toEqual(['ensureTable+resume']);
    expect(log).toEqual([
      'DynamoDB Local exited unexpectedly (killed by SIGKILL); the API answers 503 until it is back',
      'restarting DynamoDB Local in 0.1 s',
      'DynamoDB Local did not restart: port busy (2)',
      'restarting DynamoDB Local in 0.2 s',
      'DynamoDB Local did not restart: port busy (3)',
      'restarting DynamoDB Local in 0.4 s',
      'DynamoDB Local is back on http://127.0.0.1:4567',
    ]);
    await supervisor.stop();
    expect(second.stopped()).toBe(true);
  });

  it('does not restart what it was asked to stop', async () => {
    const only = fakeDynamo(4568);
    let starts = 0;
    const supervisor = await superviseDynamoLocal({
      dataDir: '/tmp/unused',
      log: () => undefined,
      start: async () => {
        starts += 1;
        return only.instance;
      },
    });

    await supervisor.stop();
    await new Promise((done) => setTimeout(done, 20));

    expect(only.stopped()).toBe(true);
    expect(starts).toBe(1);
  });
});
