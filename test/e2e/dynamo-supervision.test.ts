import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '../../local/app.ts';
import { freePort } from '../../local/dynamo-local.ts';
import { PID_FILE } from '../../local/dynamo-pid-file.ts';
import { loadLocalConfig } from '../../local/local-config.ts';

/** Local mode's own DynamoDB Local killed alone: 503s, a restart without local mode's, the queued runs finish. */
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-supervise-'));
const logFile = join(dataDir, 'app.log');
const printed: string[] = [];
let app: LocalApp | undefined;

beforeAll(async () => {
  writeFileSync(logFile, Array.from({ length: 100 }, (_, i) => `2026-11-27T10:00:00Z INFO order ${i}`).join('\n'));
  const config = loadLocalConfig({
    PORT: String(await freePort()),
    VIGIL_DATA_DIR: dataDir,
    VIGIL_FILE_ROOTS: dataDir,
    VIGIL_AWS: 'off',
    VIGIL_TICK_SECONDS: '3600',
  });
  app = await startLocalApp(config, { log: (line) => printed.push(line) });
}, 150_000);

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${app?.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

describe('DynamoDB Local supervision', () => {
  it('answers 503 while DynamoDB Local is down, restarts it without a restart of local mode, and finishes the queued runs', async () => {
    // Prepare: a backlog of runs for the in-process runner.
    const target = (await call('POST', '/targets', { name: 'laptop', type: 'local' })).body;
    const source = (await call('POST', '/log-sources', { target_id: target.id, name: 'app', mode: 'file', config: { path: logFile } })).body;
    const monitor = (await call('POST', '/monitors', { name: 'orders', log_source_id: source.id, prompt: 'p', inputs: [{ label: 'APP', mode: 'tail' }] })).body;
    const runIds: string[] = [];
    for (let i = 0; i < 20; i += 1) runIds.push((await call('POST', `/monitors/${monitor.id}/run-once`)).body.id);
    const pid = Number(readFileSync(join(dataDir, 'dynamodb', PID_FILE), 'utf8'));

    // Act: kill -9 DynamoDB Local's process group, then call the API until it answers again.
    process.kill(-pid, 'SIGKILL');
    const killedAt = Date.now();
    const statuses: number[] = [];
    let unavailable: Awaited<ReturnType<typeof call>> | undefined;
    for (;;) {
      const response = await call('GET', `/monitors/${monitor.id}`);
      statuses.push(response.status);
      if (response.status === 503) unavailable ??= response;
      if (response.status === 200 && unavailable) break;
      if (Date.now() - killedAt > 150_000) throw new Error(`no recovery: ${statuses.join(',')}\n${printed.join('\n')}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    const recoveredAt = Date.now();
    await app?.queue.idle();
    const runs = await Promise.all(runIds.map(async (id) => (await call('GET', `/monitors/${monitor.id}/runs/${id}`)).body));

    // Assess
    expect(unavailable?.body).toEqual({
      error: { code: 'service_unavailable', message: expect.stringContaining('DynamoDB Local'), details: [] },
    });
    expect(unavailable?.headers.get('retry-after')).toBe('5');
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(runs.map((run) => run.status)).toEqual(runIds.map(() => 'ok'));
    // Some runs were still queued at the kill and ran once DynamoDB Local was back.
    expect(runs.filter((run) => Date.parse(run.finished_at) >= recoveredAt - 1_000).length).toBeGreaterThan(0);
    expect(printed.join('\n')).toMatch(/DynamoDB Local exited unexpectedly \(killed by SIGKILL\)[\s\S]*restarting DynamoDB Local in 1\.0 s[\s\S]*DynamoDB Local is back/);
  }, 300_000);
});
