import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_ROOTS_HINT, LocalFileAccess } from '#adapters/files/file-access.ts';
import { createApiHarness, type ApiHarness } from '../support/api.ts';

let api: ApiHarness;
let targetId: string;
beforeAll(async () => {
  api = await createApiHarness();
  targetId = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
});

const cloudwatch = (overrides: Record<string, unknown> = {}) => ({
  target_id: targetId,
  name: 'orders-api',
  mode: 'cloudwatch_logs',
  config: { log_group_names: ['/ecs/orders-api'] },
  ...overrides,
});

describe('POST /log-sources', () => {
  it('creates each mode with its config and defaults', async () => {
    const cw = await api.call('POST', '/log-sources', { body: cloudwatch() });
    const ecs = await api.call('POST', '/log-sources', {
      body: cloudwatch({ mode: 'ecs', config: { cluster: 'prod', container_name: 'app', service_name: 'orders' } }),
    });
    const cost = await api.call('POST', '/log-sources', { body: cloudwatch({ mode: 'cost_explorer', config: {} }) });

    expect(cw.status).toBe(201);
    expect(cw.headers.location).toBe(`/prod/log-sources/${cw.body.id}`);
    expect(ecs.body.config).toEqual({ cluster: 'prod', container_name: 'app', service_name: 'orders' });
    expect(cost.body.config).toEqual({ metric: 'UnblendedCost', group_by: 'SERVICE' });
  });

  it.each([
    [{ target_id: '01MISSING' }, 'target_id', 'target 01MISSING does not exist'],
    [{ mode: 'syslog' }, 'mode', 'must be one of "cloudwatch_logs", "ecs", "cost_explorer", "file"'],
    [{ config: {} }, 'config', 'needs exactly one of log_group_names or log_group_name_prefix'],
    [{ config: { log_group_names: [] } }, 'config.log_group_names', 'must have at least 1 item(s)'],
    [{ config: { log_group_names: Array.from({ length: 11 }, (_, i) => `/g${i}`) } }, 'config.log_group_names', 'must have at most 10 items'],
    [{ config: { log_group_names: ['bad group!'] } }, 'config.log_group_names[0]', 'must be a CloudWatch log group name'],
    [{ mode: 'ecs', config: { cluster: 'c', container_name: 'app' } }, 'config', 'needs exactly one of service_name or task_family'],
    [{ mode: 'ecs', config: { container_name: 'app', task_family: 'web' } }, 'config.cluster', 'is required'],
    [{ mode: 'cost_explorer', config: { metric: 'Dollars' } }, 'config.metric', expect.stringMatching(/^must be one of "AmortizedCost"/)],
    [{ mode: 'cost_explorer', config: { group_by: 'COLOUR' } }, 'config.group_by', expect.stringMatching(/^must be one of AZ/)],
    [{ mode: 'file', config: { path: '/var/log/app.log' } }, 'mode', 'file sources exist only in local mode (npm start)'],
    [{ config: { log_group_names: ['/a'], extra: true } }, 'config.extra', 'is not a known field'],
  ])('rejects %j naming %s', async (overrides, path, message) => {
    const error = await api.expectRejected(400, 'POST', '/log-sources', { body: cloudwatch(overrides) });
    expect(error.error.details).toContainEqual({ path, message });
  });
});

describe('listing, updating and deleting log sources', () => {
  it('lists by target_id', async () => {
    const other = (await api.call('POST', '/targets', { body: { name: 'staging', type: 'aws_account' } })).body.id;
    const mine = (await api.call('POST', '/log-sources', { body: cloudwatch({ target_id: other, name: 'staging-api' }) })).body;

    const listed = await api.call('GET', '/log-sources', { query: { target_id: other } });

    expect(listed.body).toEqual({ items: [mine], next_token: null });
  });

  it('validates config against a changed mode and keeps config when the mode stays', async () => {
    const source = (await api.call('POST', '/log-sources', { body: cloudwatch() })).body;

    const renamed = await api.call('PUT', `/log-sources/${source.id}`, { body: { name: 'renamed' } });
    expect(renamed.body.config).toEqual(source.config);

    const error = await api.expectRejected(400, 'PUT', `/log-sources/${source.id}`, { body: { mode: 'ecs' } });
    expect(error.error.details).toContainEqual({ path: 'config.cluster', message: 'is required' });

    const toCost = await api.call('PUT', `/log-sources/${source.id}`, { body: { mode: 'cost_explorer' } });
    expect(toCost.body).toMatchObject({ mode: 'cost_explorer', config: { metric: 'UnblendedCost', group_by: 'SERVICE' } });
  });

  it('answers 404 for unknown sources and 409 while monitors use one', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      await api.expectRejected(404, method, '/log-sources/01NOPE', { body: { name: 'x' } });
    }
    const source = (await api.call('POST', '/log-sources', { body: cloudwatch() })).body;
    const monitor = (await api.call('POST', '/monitors', {
      body: { name: 'm', log_source_id: source.id, prompt: 'watch', inputs: [{ label: 'ALL', mode: 'filter' }] },
    })).body;

    const conflict = await api.expectRejected(409, 'DELETE', `/log-sources/${source.id}`);
    expect(conflict.error.message).toBe(`log source ${source.id} is used by 1 monitor(s); delete or change them first`);
    const modeChange = await api.expectRejected(409, 'PUT', `/log-sources/${source.id}`, {
      body: { mode: 'ecs', config: { cluster: 'c', container_name: 'app', task_family: 'web' } },
    });
    expect(modeChange.error.message).toMatch(/mode cannot change/);

    await api.call('DELETE', `/monitors/${monitor.id}`);
    expect((await api.call('DELETE', `/log-sources/${source.id}`)).status).toBe(204);
  });
});

describe('local mode', () => {
  let roots: string;
  let outside: string;
  let local: ApiHarness;
  let laptop: string;

  beforeAll(async () => {
    roots = await mkdtemp(join(tmpdir(), 'vigil-roots-'));
    outside = await mkdtemp(join(tmpdir(), 'vigil-outside-'));
    await writeFile(join(roots, 'app.log'), 'one line\n');
    await writeFile(join(outside, 'secret.txt'), 'not for the API\n');
    await symlink(join(outside, 'secret.txt'), join(roots, 'escape.log'));
    execFileSync('mkfifo', [join(roots, 'pipe.log')]);
    local = await createApiHarness({ localMode: true }, { fileAccess: await LocalFileAccess.create({ roots: [roots] }) });
    laptop = (await local.call('POST', '/targets', { body: { name: 'laptop', type: 'local' } })).body.id;
  });

  afterAll(async () => {
    await rm(roots, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('accepts file sources on local targets only', async () => {
    const aws = (await local.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
    const file = { name: 'app log', mode: 'file', config: { path: join(roots, 'app.log') } };

    expect((await local.call('POST', '/log-sources', { body: { ...file, target_id: laptop } })).status).toBe(201);
    const error = await local.expectRejected(400, 'POST', '/log-sources', { body: { ...file, target_id: aws } });
    const reason = `a file source needs a local target; ${aws} is aws_account`;
    expect(error.error).toEqual({ code: 'validation_error', message: `target_id: ${reason}`, details: [{ path: 'target_id', message: reason }] });
  });

  it('accepts a file that does not exist yet inside a root: it is read once it appears', async () => {
    const created = await local.call('POST', '/log-sources', {
      body: { target_id: laptop, name: 'later', mode: 'file', config: { path: join(roots, 'later', 'app.log') } },
    });
    expect(created.status).toBe(201);
  });

  it.each([
    ['/etc/shadow', () => '/etc/shadow', 'is outside the directories file sources may read'],
    ['a symlink out of the roots', () => join(roots, 'escape.log'), 'is outside the directories file sources may read'],
    ['.. out of the roots', () => `${roots}/../${basename(outside)}/secret.txt`, 'is outside the directories file sources may read'],
    ['a FIFO', () => join(roots, 'pipe.log'), 'is a FIFO (named pipe); file sources read regular files only'],
    ['a directory', () => roots, 'is a directory; file sources read regular files only'],
    ['a relative path', () => 'app.log', 'is not an absolute path'],
    ['.. through a missing directory', () => join(roots, 'missing') + '/../app.log', 'uses .. through a directory that does not exist'],
  ])('refuses %s with a 400 on config.path, and changes nothing', async (_case, pathOf, reason) => {
    const path = pathOf();
    const error = await local.expectRejected(400, 'POST', '/log-sources', {
      body: { target_id: laptop, name: 'bad', mode: 'file', config: { path } },
    });
    expect(error.error.details).toHaveLength(1);
    expect(error.error.details[0].path).toBe('config.path');
    expect(error.error.details[0].message).toContain(reason);
  });

  it('refuses to move a file source out of the roots on update', async () => {
    const source = (await local.call('POST', '/log-sources', {
      body: { target_id: laptop, name: 'moving', mode: 'file', config: { path: join(roots, 'app.log') } },
    })).body;
    const error = await local.expectRejected(400, 'PUT', `/log-sources/${source.id}`, { body: { config: { path: '/etc/passwd' } } });
    expect(error.error.details).toEqual([{ path: 'config.path', message: expect.stringContaining('/etc/passwd is outside') }]);
  });

  it('with no roots configured, says how to allow a directory', async () => {
    const closed = await createApiHarness({ localMode: true }, { fileAccess: await LocalFileAccess.create({ roots: [] }) });
    const target = (await closed.call('POST', '/targets', { body: { name: 'laptop', type: 'local' } })).body.id;
    const error = await closed.expectRejected(400, 'POST', '/log-sources', {
      body: { target_id: target, name: 'app', mode: 'file', config: { path: join(roots, 'app.log') } },
    });
    expect(error.error.details).toEqual([{ path: 'config.path', message: FILE_ROOTS_HINT }]);
    expect(FILE_ROOTS_HINT).toContain('VIGIL_FILE_ROOTS=');
  });
});

describe('POST /log-sources/{id}/test', () => {
  it('answers the tester result in the wire shape, and 404 for an unknown source', async () => {
    const source = (await api.call('POST', '/log-sources', { body: cloudwatch({ name: 'tested' }) })).body;

    const response = await api.call('POST', `/log-sources/${source.id}/test`);

    expect(response).toMatchObject({ status: 200, body: { ok: true, message: 'tested tested', sample: ['line 1'], line_count: 1 } });
    await api.expectRejected(404, 'POST', '/log-sources/01NOSUCH/test');
  });
});
