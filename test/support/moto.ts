import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from '../../local/dynamo-local.ts';
import { stopGroup, trackGroup } from '../../local/process-group.ts';

/** Whether moto_server (an AWS emulator) is on the PATH; `.ci/run` installs it when missing. */
export const motoInstalled = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

export interface Moto {
  endpoint: string;
  /** moto's own view of what was sent (SES messages, SMS, ...). */
  data(): Promise<MotoData>;
  stop(): Promise<void>;
}

export interface MotoData {
  ses: { Message: { source: string; destinations: { ToAddresses: string[] }; subject: string }[] };
  sns: { SMS: { phone_number: string; message: string }[] };
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  // The emulator suites fail, never skip, without it: a green run must mean they ran.
  if (!motoInstalled) throw new Error("moto_server is not installed: pip install 'moto[server]' (.ci/run does this when it is missing)");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its own process group, killed as a group when the test file ends (or its process exits).
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', detached: true });
  trackGroup(child);
  for (let attempt = 0; ; attempt += 1) {
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 600) {
      await stopGroup(child);
      throw new Error(`moto_server did not start at ${endpoint}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    endpoint,
    data: async () => (await fetch(`${endpoint}/moto-api/data.json`)).json() as Promise<MotoData>,
    async stop() {
      await stopGroup(child);
    },
  };
}

/** Sets environment variables for the duration of a test file; returns the undo. */
export function setEnvironment(values: Record<string, string>): () => void {
  const saved = new Map(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
