import type { ChildProcess } from 'node:child_process';

/**
 * Child processes that run in their own process group (spawned with `detached: true`), so a
 * stop kills the whole group — a wrapper and what it started — and an exit of this process,
 * however it ends short of SIGKILL, takes them along instead of leaving orphans behind.
 */
const groups = new Set<number>();
let hooked = false;

/** Sends `signal` to the process group led by `pid`; false when the group is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function killAll(): void {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
  groups.clear();
}

function installHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      // Someone else handles this signal (local mode stops gracefully, then exits): leave it to them.
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Remembers a child spawned with `detached: true` until it exits; see {@link signalGroup}. */
export function trackGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  installHooks();
  groups.add(pid);
  child.once('exit', () => groups.delete(pid));
}

/** Stops a tracked group: SIGTERM, then SIGKILL after `graceMs`; resolves once the leader exited. */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Anything the leader left in its group goes too.
  signalGroup(child.pid, 'SIGKILL');
  groups.delete(child.pid);
}
