import { spawn, type ChildProcess } from 'node:child_process';
import { signalGroup, stopGroup, trackGroup } from '../../local/process-group.ts';

/** Local mode (`npm start`) as a separate process, in its own process group. */
export interface LocalProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL to local mode alone, as `kill -9 <pid>` does; resolves once it is gone. */
  kill9(): Promise<void>;
  /** Stops the whole group (the exit hook does the same if the test file dies first). */
  stop(): Promise<void>;
}

/**
 * Starts `local/start.ts` with `env` added to this process's environment, and resolves once it
 * says its API is listening (up to `startTimeoutMs`; DynamoDB Local may take long on a busy machine).
 */
export async function startLocalProcess(env: Record<string, string>, startTimeoutMs = 120_000): Promise<LocalProcess> {
  // node --import tsx runs the TypeScript in this one process (the tsx CLI would add a parent).
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackGroup(child);
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const handle: LocalProcess = {
    child,
    output: () => printed,
    async kill9() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      await exited;
    },
    async stop() {
      await stopGroup(child);
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    },
  };
  const deadline = Date.now() + startTimeoutMs;
  while (!printed.includes('API on ')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await handle.stop();
      throw new Error(`local mode did not start:\n${printed}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return handle;
}
