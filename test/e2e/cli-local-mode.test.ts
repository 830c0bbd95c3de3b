import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_API_KEY, LocalHarness } from '../support/local-harness.ts';

// The `vigil` command, as `npx vigil` starts it (package.json bin), against local mode without
// credentials: each step a real child process; notifications land in the outbox.
const local = new LocalHarness('cli');
const workDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-cli-files-'));
const logFile = join(local.logDir, 'app.log');
const BIN = join(import.meta.dirname, '../../cli/vigil.mjs');
let apiUrl = '';

function vigil(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: workDir, timeout: 90_000, env: { ...process.env, VIGIL_API_URL: apiUrl, VIGIL_API_KEY: LOCAL_API_KEY, NO_COLOR: '1' } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** An example file with the ids it needs filled in, written where the CLI reads it. */
function fromExample(example: string, fill: Record<string, unknown>): string {
  const body = { ...JSON.parse(readFileSync(join(import.meta.dirname, '../../examples', example), 'utf8')), ...fill };
  const path = join(workDir, example.replaceAll('/', '-'));
  writeFileSync(path, JSON.stringify(body));
  return path;
}

function writeLog(): void {
  const now = Date.now();
  const lines = Array.from({ length: 40 }, (_, i) => {
    const at = new Date(now - (40 - i) * 1000).toISOString();
    return i % 3 === 0 ? `${at} ERROR order ${1000 + i} timeout after 30s calling api.exchange.example` : `${at} INFO order ${1000 + i} filled`;
  });
  writeFileSync(logFile, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  writeLog();
  const app = await local.start({ now: () => new Date() });
  apiUrl = app.url;
}, 120_000);

afterAll(async () => {
  await local.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('vigil against local mode', () => {
  it('creates from the example files, runs to an alert (exit 2), snoozes, and deletes', async () => {
    // Create from the example files.
    const target = await vigil('--json', 'targets', 'create', '-f', join(import.meta.dirname, '../../examples/targets/local.json'));
    expect(target.code, target.stderr).toBe(0);
    const targetId = JSON.parse(target.stdout).id as string;
    const source = await vigil('--json', 'sources', 'create', '-f', fromExample('log-sources/local-file.json', { target_id: targetId, config: { path: logFile } }));
    expect(source.code, source.stderr).toBe(0);
    const sourceId = JSON.parse(source.stdout).id as string;
    const created = await vigil('--json', 'monitors', 'create', '-f', fromExample('monitors/app-errors-weekdays.json', { log_source_id: sourceId }));
    expect(created.code, created.stderr).toBe(0);
    const monitor = JSON.parse(created.stdout);
    expect(monitor).toMatchObject({ schedule: 'cron(0 9 ? * MON-FRI *)', interval_seconds: null });
    expect(new Date(monitor.next_run_at).getUTCHours()).toBe(9);
    expect([2, 3, 4, 5, 6]).toContain(new Date(monitor.next_run_at).getUTCDay() + 1);

    // A refused body prints the API's message and the field.
    const refused = await vigil('monitors', 'update', monitor.id, '-f', fromExample('monitors/app-errors-weekdays.json', { interval_seconds: 300 }));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('  schedule: cannot be set together with interval_seconds; a monitor has exactly one of them');

    // Run by name and wait: an alert, exit 2, delivered to the outbox.
    const first = await vigil('run', 'app errors', '--wait', '--timeout', '60');
    expect(first.code, first.stderr).toBe(2);
    expect(first.stdout).toMatch(/^ALERT {2}app errors {2}run /);
    expect(first.stdout).toMatch(/breached\s+alert\s+ERRORS\s+\/ERROR\/\s+14 matched, ≥ 10/);
    expect(first.stdout).toContain('rules only');
    // The run query: the alert, its notifications recorded (run --wait waited for them).
    const alerts = await vigil('--json', 'runs', monitor.id, '--status', 'alert', '--since', '1h');
    expect(alerts.code, alerts.stderr).toBe(0);
    const alertRuns = JSON.parse(alerts.stdout).items;
    expect(alertRuns.map((r: { status: string }) => r.status)).toEqual(['alert']);
    expect(alertRuns[0].notifications_pending).toBe(false);
    expect(alertRuns[0].notifications.map((n: { channel: string; status: string }) => [n.channel, n.status])).toEqual([['email', 'outbox'], ['topic', 'outbox']]);
    const none = await vigil('--json', 'runs', monitor.id, '--status', 'ok', '--since', '1h');
    expect(JSON.parse(none.stdout).items).toEqual([]);

    // Snoozed: the next alert run notifies nobody.
    const snooze = await vigil('snooze', monitor.id, '2h');
    expect(snooze.code, snooze.stderr).toBe(0);
    expect(snooze.stdout).toMatch(/^app errors snoozed until 20\d\d-/);
    const second = await vigil('--json', 'run', monitor.id, '--wait', '--timeout', '60');
    expect(second.code, second.stderr).toBe(2);
    const run = JSON.parse(second.stdout);
    expect(run.notifications_pending).toBe(false);
    expect(run.notifications).toEqual([
      { channel: 'email', target: 'ops@example.com', status: 'suppressed', reason: 'snoozed' },
      { channel: 'topic', target: 'vigil-alerts', status: 'suppressed', reason: 'snoozed' },
    ]);

    // Delete: the monitor and its runs are gone.
    const deleted = await vigil('monitors', 'delete', monitor.id);
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted monitor ${monitor.id}\n` });
    const gone = await vigil('monitors', 'get', monitor.id);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain(`no monitor has the id or name "${monitor.id}"`);
  }, 300_000);
});
