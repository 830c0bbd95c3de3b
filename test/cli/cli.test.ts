import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../cli/main.ts';
import { parseDuration, parseSince } from '../../cli/durations.ts';

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
}
type Reply = { status: number; body?: unknown };
type Route = (request: Recorded) => Reply;

/** A fake Vigil API: routes by "METHOD /path", records every request. */
class FakeApi {
  readonly requests: Recorded[] = [];
  routes = new Map<string, Route>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: Recorded = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: text === '' ? undefined : JSON.parse(text),
        };
        this.requests.push(recorded);
        const route = this.routes.get(`${recorded.method} ${recorded.path}`);
        const reply = route ? route(recorded) : { status: 404, body: { error: { code: 'not_found', message: `no route ${recorded.path}` } } };
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((done) => this.server?.close(done));
  }
}

const api = new FakeApi();
let dir: string;
beforeAll(async () => {
  await api.start();
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
});
afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  api.requests.length = 0;
  api.routes = new Map();
});

const NOW = new Date('2026-11-27T12:00:00.000Z');

/** Runs the CLI in-process; what it printed and its exit code. */
async function vigil(args: string[], options: { env?: Record<string, string>; tty?: boolean; stdin?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
    env: { VIGIL_API_URL: api.url, VIGIL_API_KEY: 'k-123', ...options.env },
    cwd: dir,
    now: () => NOW,
    sleep: async () => undefined,
    readStdin: async () => options.stdin ?? '',
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const MONITOR = {
  id: '01MON',
  name: 'orders',
  enabled: true,
  interval_seconds: 300,
  schedule: null,
  snoozed_until: null,
  next_run_at: '2026-11-27T12:05:00.000Z',
  last_run: null,
};

function run(overrides: Record<string, unknown> = {}) {
  return {
    id: '01RUN',
    monitor_id: '01MON',
    trigger: 'manual',
    status: 'alert',
    scheduled_for: null,
    created_at: '2026-11-27T12:00:00.000Z',
    started_at: '2026-11-27T12:00:01.000Z',
    finished_at: '2026-11-27T12:00:03.000Z',
    summary: '12 timeouts against the exchange API.',
    findings: [{ title: 'Exchange API timeouts', severity: 'alert', label: 'ERRORS', evidence: ['ERROR order 1003 timeout after 30s'], recommendation: 'Check the exchange status.' }],
    inputs: { ERRORS: { lines: 12, chars: 600, truncated: false, error: null } },
    rules: [{ label: 'ERRORS', pattern: 'ERROR', kind: 'min_count', min_count: 10, count: 12, severity: 'alert', breached: true }],
    judge: { kind: 'bedrock', model_id: 'haiku', input_tokens: 2110, output_tokens: 180, latency_ms: 2300, estimated_cost_usd: 0.0009, skipped: null },
    notifications: [{ channel: 'email', target: 'ops@example.com', status: 'sent', reason: null }],
    notifications_pending: false,
    error: null,
    ...overrides,
  };
}

describe('vigil: connection', () => {
  it('takes the URL and key from flags before the environment, and sends the key as x-api-key', async () => {
    api.routes.set('GET /health', () => ({ status: 200, body: { status: 'ok', checks: { database: { ok: true } } } }));

    const fromEnv = await vigil(['health']);
    const fromFlags = await vigil(['--api-url', api.url, '--api-key', 'flag-key', 'health'], { env: { VIGIL_API_URL: 'http://127.0.0.1:1' } });

    expect(fromEnv.code).toBe(0);
    expect(fromFlags.code).toBe(0);
    expect(api.requests.map((r) => r.headers['x-api-key'])).toEqual(['k-123', 'flag-key']);
  });

  it('reads ApiUrl from the CDK outputs file, given or found in the current directory', async () => {
    api.routes.set('GET /health', () => ({ status: 200, body: { status: 'degraded', checks: { database: { ok: true } } } }));
    writeFileSync(join(dir, 'cdk-outputs.json'), JSON.stringify({ 'Vigil-Stateless': { ApiUrl: `${api.url}/` } }));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ 'Vigil-Stateless': { ApiUrl: api.url } }));
    try {
      const found = await vigil(['health'], { env: { VIGIL_API_URL: '' } });
      const named = await vigil(['--outputs', 'other.json', 'health'], { env: { VIGIL_API_URL: '' } });
      expect([found.code, named.code]).toEqual([1, 1]);
      expect(api.requests).toHaveLength(2);
    } finally {
      rmSync(join(dir, 'cdk-outputs.json'));
    }
  });

  it('says where to set the URL when there is none, and names an unreachable API', async () => {
    const none = await vigil(['targets', 'list'], { env: { VIGIL_API_URL: '' } });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('no API URL: pass --api-url, set VIGIL_API_URL');

    const closed = new FakeApi();
    await closed.start();
    await closed.stop();
    const down = await vigil(['targets', 'list'], { env: { VIGIL_API_URL: closed.url } });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`error: cannot reach ${closed.url}`);
  });
});

describe('vigil: resources', () => {
  it('creates from a file and prints the id, or the whole body with --json', async () => {
    api.routes.set('POST /targets', (r) => ({ status: 201, body: { id: '01T', ...(r.body as object) } }));
    writeFileSync(join(dir, 'target.json'), JSON.stringify({ name: 'laptop', type: 'local' }));

    const text = await vigil(['targets', 'create', '-f', 'target.json']);
    const json = await vigil(['--json', 'targets', 'create', '-f', '-'], { stdin: '{"name": "prod", "type": "aws_account"}' });

    expect(text).toMatchObject({ code: 0, stdout: 'created target 01T "laptop"\n' });
    expect(JSON.parse(json.stdout)).toEqual({ id: '01T', name: 'prod', type: 'aws_account' });
    expect(api.requests.map((r) => [r.method, r.path, r.body, r.headers['content-type']])).toEqual([
      ['POST', '/targets', { name: 'laptop', type: 'local' }, 'application/json'],
      ['POST', '/targets', { name: 'prod', type: 'aws_account' }, 'application/json'],
    ]);
  });

  it('prints the API message and every details path of a refusal, exit 3', async () => {
    const error = {
      code: 'validation_error',
      message: 'invalid request',
      details: [
        { path: 'schedule', message: 'cannot be set together with interval_seconds' },
        { path: 'inputs[0].label', message: 'must be 1–64 of A-Z a-z 0-9 _ -' },
      ],
    };
    api.routes.set('PUT /monitors/01MON', () => ({ status: 400, body: { error } }));
    writeFileSync(join(dir, 'patch.json'), '{"schedule": "rate(5 minutes)"}');

    const text = await vigil(['monitors', 'update', '01MON', '-f', 'patch.json']);
    const json = await vigil(['--json', 'monitors', 'update', '01MON', '-f', 'patch.json']);

    expect(text.code).toBe(3);
    expect(text.stderr).toBe(
      'error: invalid request\n  schedule: cannot be set together with interval_seconds\n  inputs[0].label: must be 1–64 of A-Z a-z 0-9 _ -\n',
    );
    expect(JSON.parse(json.stdout)).toEqual({ error });
  });

  it('refuses a file that is not JSON before calling the API', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"name": ');
    const result = await vigil(['monitors', 'create', '-f', 'broken.json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error: broken.json is not JSON');
    expect(api.requests).toEqual([]);
  });

  it('lists every page as a table, tests a source, deletes', async () => {
    api.routes.set('GET /log-sources', (r) =>
      r.query.next_token === undefined
        ? { status: 200, body: { items: [{ id: '01A', name: 'app', mode: 'file', target_id: '01T' }], next_token: 'p2' } }
        : { status: 200, body: { items: [{ id: '01B', name: 'bill', mode: 'cost_explorer', target_id: '01T' }], next_token: null } },
    );
    api.routes.set('POST /log-sources/01A/test', () => ({ status: 200, body: { ok: false, message: 'no such file', sample: [], line_count: 0 } }));
    api.routes.set('DELETE /log-sources/01B', () => ({ status: 204 }));

    const list = await vigil(['sources', 'list']);
    const test = await vigil(['sources', 'test', '01A']);
    const deleted = await vigil(['sources', 'delete', '01B']);

    expect(list.stdout).toBe('ID   NAME  MODE           TARGET\n01A  app   file           01T\n01B  bill  cost_explorer  01T\n');
    expect(api.requests[1]?.query).toEqual({ limit: '100', next_token: 'p2' });
    expect(test).toMatchObject({ code: 3, stdout: 'failed no such file\n' });
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted log source 01B\n' });
  });
});

describe('vigil run --wait', () => {
  it('waits for the verdict and the notifications, prints findings with evidence, rules and cost, exit 2 on alert', async () => {
    api.routes.set('GET /monitors/01MON', () => ({ status: 200, body: MONITOR }));
    api.routes.set('POST /monitors/01MON/run-once', () => ({ status: 202, body: run({ status: 'queued', finished_at: null, findings: [], rules: [], judge: null, notifications: [] }) }));
    const states = [run({ status: 'running' }), run({ notifications: [], notifications_pending: true }), run()];
    api.routes.set('GET /monitors/01MON/runs/01RUN', () => ({ status: 200, body: states.shift() }));

    const result = await vigil(['run', '01MON', '--wait']);

    expect(result.code).toBe(2);
    expect(api.requests.filter((r) => r.path === '/monitors/01MON/runs/01RUN')).toHaveLength(3);
    expect(result.stdout).toContain('ALERT  orders  run 01RUN (manual) 2026-11-27T12:00:03.000Z\n12 timeouts against the exchange API.');
    expect(result.stdout).toContain('[alert] Exchange API timeouts (ERRORS)\n      │ ERROR order 1003 timeout after 30s\n      → Check the exchange status.');
    expect(result.stdout).toMatch(/breached\s+alert\s+ERRORS\s+\/ERROR\/\s+12 matched, ≥ 10/);
    expect(result.stdout).toContain('model haiku: 2110 tokens in, 180 out, 2.3 s, cost $0.000900');
    expect(result.stdout).toMatch(/email\s+ops@example.com\s+sent/);
    // Not a terminal: no colour, no spinner.
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stderr).toBe('');
  });

  it('colours the verdict and spins on a terminal', async () => {
    api.routes.set('GET /monitors/01MON', () => ({ status: 200, body: MONITOR }));
    api.routes.set('POST /monitors/01MON/run-once', () => ({ status: 202, body: run({ status: 'queued' }) }));
    api.routes.set('GET /monitors/01MON/runs/01RUN', () => ({ status: 200, body: run({ status: 'warn' }) }));

    const result = await vigil(['run', '01MON', '--wait'], { tty: true });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('\u001b[33m\u001b[1mWARN\u001b[22m\u001b[39m');
    expect(result.stderr).toContain('⠋ run 01RUN queued…');
    expect(result.stderr.endsWith('\r\u001b[K')).toBe(true);
  });

  it.each([['ok', 0], ['warn', 1], ['alert', 2], ['error', 3]] as const)('exits %s as %i, and finds the monitor by name', async (status, code) => {
    api.routes.set('GET /monitors', () => ({ status: 200, body: { items: [MONITOR], next_token: null } }));
    api.routes.set('POST /monitors/01MON/run-once', () => ({ status: 202, body: run({ status: 'queued' }) }));
    api.routes.set('GET /monitors/01MON/runs/01RUN', () => ({ status: 200, body: run({ status }) }));

    const result = await vigil(['--json', 'run', 'orders', '--wait']);

    expect(result.code).toBe(code);
    expect(JSON.parse(result.stdout).status).toBe(status);
    expect(api.requests[0]?.path).toBe('/monitors/orders');
  });

  it('gives up after --timeout with exit 3, and without --wait only queues', async () => {
    api.routes.set('GET /monitors/01MON', () => ({ status: 200, body: MONITOR }));
    api.routes.set('POST /monitors/01MON/run-once', () => ({ status: 202, body: run({ status: 'queued' }) }));
    api.routes.set('GET /monitors/01MON/runs/01RUN', () => ({ status: 200, body: run({ status: 'running' }) }));

    const queued = await vigil(['run', '01MON']);
    const timedOut = await vigil(['run', '01MON', '--wait', '--timeout', '0']);

    expect(queued).toMatchObject({ code: 0, stdout: 'queued run 01RUN of orders; follow it with: vigil run 01MON --wait, or vigil runs 01MON\n' });
    expect(timedOut.code).toBe(3);
    expect(timedOut.stderr).toContain('error: run 01RUN is still queued after 0 s');
  });
});

describe('vigil runs, snooze, health, trust-policy', () => {
  it('asks for runs by status and since a duration ago, of one monitor or all', async () => {
    api.routes.set('GET /monitors/01MON', () => ({ status: 200, body: MONITOR }));
    api.routes.set('GET /monitors/01MON/runs', () => ({ status: 200, body: { items: [run()], next_token: null } }));
    api.routes.set('GET /runs', () => ({ status: 200, body: { items: [], next_token: null } }));

    const one = await vigil(['runs', '01MON', '--status', 'alert', '--since', '24h', '--limit', '5']);
    const all = await vigil(['runs', '--since', '2026-11-01T00:00:00+01:00', '--until', '1h']);

    expect(api.requests[1]?.query).toEqual({ status: 'alert', since: '2026-11-26T12:00:00.000Z', limit: '5' });
    expect(one.stdout).toMatch(/2026-11-27T12:00:00.000Z\s+alert\s+manual\s+01MON\s+01RUN\s+\$0.000900\s+12 timeouts/);
    expect(api.requests[2]).toMatchObject({ path: '/runs', query: { since: '2026-10-31T23:00:00.000Z', until: '2026-11-27T11:00:00.000Z', limit: '20' } });
    expect(all.stdout).toBe('no runs\n');
    const bad = await vigil(['runs', '--since', 'yesterday']);
    expect(bad).toMatchObject({ code: 3, stderr: 'error: --since "yesterday" is not a duration like 30m, 2h, 1d or 1h30m\n' });
  });

  it('snoozes for a duration from now and ends a snooze with off', async () => {
    api.routes.set('GET /monitors/01MON', () => ({ status: 200, body: MONITOR }));
    api.routes.set('PUT /monitors/01MON', (r) => ({ status: 200, body: { ...MONITOR, ...(r.body as object) } }));

    const snoozed = await vigil(['snooze', '01MON', '2h']);
    const ended = await vigil(['snooze', '01MON', 'off']);

    expect(api.requests.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([
      { snoozed_until: '2026-11-27T14:00:00.000Z' },
      { snoozed_until: null },
    ]);
    expect(snoozed.stdout).toBe('orders snoozed until 2026-11-27T14:00:00.000Z\n');
    expect(ended.stdout).toBe('orders is no longer snoozed\n');
  });

  it('reports a down API from its 503 report with exit 3', async () => {
    api.routes.set('GET /health', () => ({ status: 503, body: { status: 'down', checks: { database: { ok: false } } } }));
    const result = await vigil(['health']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('Vigil down');
    expect(result.stdout).toMatch(/database\s+failing/);
  });

  it('prints the trust and permission policy with the role ARNs of the outputs file', async () => {
    const roles = {
      RunnerRoleArn: 'arn:aws:iam::111111111111:role/Vigil-Runner',
      ApiRoleArn: 'arn:aws:iam::111111111111:role/Vigil-Api',
      CostCollectorRoleArn: 'arn:aws:iam::111111111111:role/Vigil-Cost',
    };
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ 'Vigil-Stateless': { ApiUrl: api.url, ...roles } }));

    const result = await vigil(['--json', '--outputs', 'outputs.json', 'trust-policy', '--account', '222222222222', '--external-id', 'vigil-ext']);
    const printed = JSON.parse(result.stdout);

    expect(result.code).toBe(0);
    expect(printed.trust_policy.Statement).toEqual([
      {
        Sid: 'VigilReadsThisAccount',
        Effect: 'Allow',
        Principal: { AWS: [roles.RunnerRoleArn, roles.ApiRoleArn, roles.CostCollectorRoleArn] },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'vigil-ext' } },
      },
    ]);
    expect(printed.permission_policy.Statement[0]).toEqual({
      Sid: 'ReadLogGroups',
      Effect: 'Allow',
      Action: ['logs:FilterLogEvents', 'logs:StartQuery', 'logs:DescribeLogGroups'],
      Resource: 'arn:aws:logs:*:222222222222:log-group:*',
    });
    expect(printed.permission_policy.Statement.flatMap((s: { Action: string | string[] }) => s.Action)).toContain('ce:GetCostAndUsage');

    const noRoles = await vigil(['--outputs', 'other.json', 'trust-policy', '--account', '222222222222']);
    expect(noRoles).toMatchObject({ code: 3, stderr: 'error: the CDK outputs file has no RunnerRoleArn, ApiRoleArn, CostCollectorRoleArn: deploy this version of Vigil with --outputs-file\n' });
    const badAccount = await vigil(['--outputs', 'outputs.json', 'trust-policy', '--account', '12']);
    expect(badAccount.stderr).toBe('error: --account must be a 12-digit AWS account id, got "12"\n');
  });
});

describe('durations', () => {
  it('reads s, m, h, d, w and combinations, and refuses the rest', () => {
    expect(parseDuration('90s', 'd')).toBe(90_000);
    expect(parseDuration('2h', 'd')).toBe(7_200_000);
    expect(parseDuration('1h30m', 'd')).toBe(5_400_000);
    expect(parseDuration('1w', 'd')).toBe(604_800_000);
    expect(() => parseDuration('2 hours', 'd')).toThrow('is not a duration');
    expect(() => parseDuration('0m', 'd')).toThrow('longer than zero');
    expect(parseSince('2026-11-27T10:00:00Z', '--since', NOW)).toBe('2026-11-27T10:00:00.000Z');
    expect(() => parseSince('2026-13-45T00:00:00Z', '--since', NOW)).toThrow('not a valid time');
  });
});
