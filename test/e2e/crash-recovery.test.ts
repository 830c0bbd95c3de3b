import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createStore } from '#adapters/dynamo/index.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import { documentClient } from '#composition/table.ts';
import { FINAL_STATUSES, type MonitorRun } from '#domain/model/entities.ts';
import { ensureTable, freePort, localDynamoClient } from '../../local/dynamo-local.ts';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';

/**
 * `kill -9` of local mode while runs are queued and running, then a restart: every run ends
 * final within the run timeout plus the margin, and every slot claimed before the kill has a run.
 * Local mode runs as its own process over the suite's DynamoDB Local, so the test can read the
 * table while local mode is dead.
 */
const RUN_TIMEOUT_S = 5;
const MARGIN_S = 3;
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
// The watched log lives outside the data directory: file sources may never read Vigil's own files.
const logDir = mkdtempSync(join(tmpdir(), 'vigil-crash-logs-'));
const logFile = join(logDir, 'app.log');
const tableName = `vigil-crash-${process.pid}-${Date.now()}`;
const dynamo = localDynamoClient(inject('dynamoEndpoint'));
const client = documentClient(dynamo);
const store = createStore({ client, name: tableName });
let env: Record<string, string>;
let local: LocalProcess | undefined;

beforeAll(async () => {
  await ensureTable(dynamo, tableName);
  writeFileSync(logFile, Array.from({ length: 200 }, (_, i) => `2026-11-27T10:00:${String(i % 60).padStart(2, '0')}Z ${i % 7 === 0 ? 'ERROR' : 'INFO'} order ${i}`).join('\n'));
  env = {
    PORT: String(await freePort()),
    VIGIL_DATA_DIR: dataDir,
    VIGIL_FILE_ROOTS: logDir,
    VIGIL_AWS: 'off',
    VIGIL_TICK_SECONDS: '1',
    VIGIL_RUN_TIMEOUT_SECONDS: String(RUN_TIMEOUT_S),
    VIGIL_RUN_MARGIN_SECONDS: String(MARGIN_S),
    VIGIL_TABLE_NAME: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}, 30_000);

afterAll(async () => {
  await local?.stop();
  dynamo.destroy();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(logDir, { recursive: true, force: true });
}, 60_000);

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${env.PORT}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function runsOf(monitorIds: string[]): Promise<MonitorRun[]> {
  const lists = await Promise.all(monitorIds.map(async (id) => (await store.runs.list(id, { limit: 100 })).items));
  return lists.flat();
}

const isFinal = (run: MonitorRun) => (FINAL_STATUSES as readonly string[]).includes(run.status);

describe('crash recovery of local mode', () => {
  it('after kill -9 mid-run and a restart, every run is final within the run timeout plus the margin, and every claimed slot has its run', async () => {
    // Prepare: monitors due at a past slot, and a backlog of manual runs.
    local = await startLocalProcess(env);
    const target = (await call('POST', '/targets', { name: 'laptop', type: 'local' })).body;
    const source = await call('POST', '/log-sources', { target_id: target.id, name: 'app', mode: 'file', config: { path: logFile } });
    expect(source.status).toBe(201);
    const monitorIds: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const monitor = await call('POST', '/monitors', {
        name: `m${i}`,
        log_source_id: source.body.id,
        interval_seconds: 60,
        prompt: 'Look for errors.',
        inputs: [{ label: 'APP', mode: 'tail' }],
        rules: [{ label: 'APP', pattern: 'ERROR', min_count: 1000, severity: 'warn' }],
      });
      expect(monitor.status).toBe(201);
      monitorIds.push(monitor.body.id);
    }
    const manualIds: string[] = [];
    for (let round = 0; round < 8; round += 1) {
      for (const id of monitorIds) {
        const queued = await call('POST', `/monitors/${id}/run-once`);
        expect(queued.status).toBe(202);
        manualIds.push(queued.body.id);
      }
    }
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();
    for (const id of monitorIds) {
      await client.send(
        new UpdateCommand({ TableName: tableName, Key: keys.monitor(id), UpdateExpression: 'SET nextRunAt = :slot, dueAt = :slot', ExpressionAttributeValues: { ':slot': slot } }),
      );
    }

    // Act: kill -9 as soon as the tick has claimed the slots, while the backlog runs.
    for (const deadline = Date.now() + 60_000; ; ) {
      const monitors = await Promise.all(monitorIds.map((id) => store.monitors.get(id)));
      if (monitors.every((m) => m?.nextRunAt !== slot)) break;
      if (Date.now() > deadline) throw new Error(`the slots were not claimed:\n${local.output()}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    await local.kill9();
    // Writes the dead process had already handed to its sockets may still land: read the table
    // once it has stopped changing, so `atKill` is what the restart finds.
    let atKill = await runsOf(monitorIds);
    for (const settleBy = Date.now() + 30_000; Date.now() < settleBy; ) {
      await new Promise((done) => setTimeout(done, 500));
      const again = await runsOf(monitorIds);
      const same = JSON.stringify(again.map((run) => [run.id, run.status])) === JSON.stringify(atKill.map((run) => [run.id, run.status]));
      atKill = again;
      if (same) break;
    }
    const openAtKill = atKill.filter((run) => !isFinal(run));
    local = await startLocalProcess(env);
    const restartedAt = Date.now();
    let runs = await runsOf(monitorIds);
    while (runs.some((run) => !isFinal(run)) && Date.now() - restartedAt < 120_000) {
      await new Promise((done) => setTimeout(done, 250));
      runs = await runsOf(monitorIds);
    }
    const settledAfterMs = Date.now() - restartedAt;

    // Assess
    expect(openAtKill.length).toBeGreaterThan(0);
    expect(runs.filter((run) => !isFinal(run))).toEqual([]);
    // The reaper's bound plus a tick and slack for a busy machine.
    expect(settledAfterMs).toBeLessThan((RUN_TIMEOUT_S + MARGIN_S + 20) * 1000);
    for (const id of monitorIds) {
      expect(runs.filter((run) => run.monitorId === id && run.trigger === 'schedule' && run.scheduledFor === slot)).toHaveLength(1);
    }
    expect(runs.filter((run) => run.trigger === 'manual').map((run) => run.id).sort()).toEqual([...manualIds].sort());
    // A run cut off while running is closed as an error that says so; queued ones ran.
    for (const run of openAtKill) {
      const after = runs.find((r) => r.id === run.id);
      if (run.status === 'running') expect(after?.error ?? '').toMatch(/^stopped before it finished: running for \d+ s/);
      else expect(after, JSON.stringify(after)).toMatchObject({ status: 'ok' });
    }
    const queuedAtKill = openAtKill.filter((run) => run.status === 'queued').length;
    if (queuedAtKill > 0) expect(local.output()).toMatch(/resuming \d+ queued run\(s\)/);
  }, 300_000);
});
