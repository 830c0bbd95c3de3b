import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startLocalApp, type LocalApp } from '../../local/app.ts';
import { freePort } from '../../local/dynamo-local.ts';
import { loadLocalConfig } from '../../local/local-config.ts';

export const LOCAL_API_KEY = 'local-secret';

/**
 * Local mode for an end-to-end test, without AWS credentials: a data directory of its own and,
 * apart from it (file sources may not read inside the data directory), a root for log files.
 * `stop` stops the app and removes both directories.
 */
export class LocalHarness {
  readonly dataDir: string;
  readonly logDir: string;
  private app: LocalApp | undefined;

  constructor(name: string) {
    this.dataDir = mkdtempSync(join(tmpdir(), `vigil-e2e-${name}-`));
    this.logDir = mkdtempSync(join(tmpdir(), `vigil-e2e-${name}-logs-`));
  }

  /**
   * Starts local mode with the log directory as its only file root; `env` adds or overrides
   * settings; `consoleDir`, a built console, is served at `/`.
   */
  async start(clock: { now(): Date }, env: Record<string, string> = {}, options: { consoleDir?: string } = {}): Promise<LocalApp> {
    const config = loadLocalConfig({
      PORT: String(await freePort()),
      VIGIL_DATA_DIR: this.dataDir,
      VIGIL_API_KEY: LOCAL_API_KEY,
      VIGIL_AWS: 'off',
      VIGIL_TICK_SECONDS: '3600',
      VIGIL_FILE_ROOTS: this.logDir,
      ...env,
    });
    this.app = await startLocalApp(config, { log: () => undefined, clock, ...options });
    return this.app;
  }

  private started(): LocalApp {
    if (this.app === undefined) throw new Error('local mode is not started');
    return this.app;
  }

  /** The running app's management context (its repositories), for what no API call writes. */
  context(): LocalApp['ctx'] {
    return this.started().ctx;
  }

  /** One API call with the key; the body parsed from JSON (null when empty). */
  async call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${this.started().url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': LOCAL_API_KEY },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** Runs a monitor once through the API and the in-process queue; the finished run. */
  async runOnce(monitorId: string) {
    const queued = await this.call('POST', `/monitors/${monitorId}/run-once`);
    expect(queued.status).toBe(202);
    await this.started().queue.idle();
    return (await this.call('GET', `/monitors/${monitorId}/runs/${queued.body.id}`)).body;
  }

  /** One scheduler tick now, then waits until the in-process queue has run what it queued. */
  async tick(): Promise<void> {
    await this.started().tickNow();
    await this.started().queue.idle();
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.logDir, { recursive: true, force: true });
  }
}
