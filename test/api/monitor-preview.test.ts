import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileAccess } from '#adapters/files/file-access.ts';
import { NO_MODEL_IN_API } from '#composition/management.ts';
import { PREVIEW_RULES_REASON } from '#composition/preview.ts';
import { createApiHarness, type ApiHarness } from '../support/api.ts';
import { ScriptedModelJudge } from '../unit/judge/model-guard-fakes.ts';

let roots: string;
let api: ApiHarness;
let withModel: ApiHarness;
let model: ScriptedModelJudge;
let fileSource: string;
let modelFileSource: string;
let cwSource: string;

const LOG = ['INFO order 1 filled', 'ERROR payment gateway timeout after 30s', 'ERROR payment gateway timeout after 31s', 'INFO order 2 filled'].join('\n');

async function fileSourceIn(harness: ApiHarness): Promise<string> {
  const laptop = (await harness.call('POST', '/targets', { body: { name: 'laptop', type: 'local' } })).body.id;
  return (await harness.call('POST', '/log-sources', { body: { target_id: laptop, name: 'app', mode: 'file', config: { path: join(roots, 'app.log') } } })).body.id;
}

beforeAll(async () => {
  roots = await mkdtemp(join(tmpdir(), 'vigil-preview-'));
  await writeFile(join(roots, 'app.log'), `${LOG}\n`);
  api = await createApiHarness({ localMode: true }, { fileAccess: await LocalFileAccess.create({ roots: [roots] }) });
  fileSource = await fileSourceIn(api);
  const aws = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  cwSource = (await api.call('POST', '/log-sources', { body: { target_id: aws, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } } })).body.id;
  model = new ScriptedModelJudge([]);
  withModel = await createApiHarness({ localMode: true }, { fileAccess: await LocalFileAccess.create({ roots: [roots] }), model });
  modelFileSource = await fileSourceIn(withModel);
});

afterAll(async () => {
  await rm(roots, { recursive: true, force: true });
});

const monitor = (source: string, overrides: Record<string, unknown> = {}) => ({
  name: 'payments',
  log_source_id: source,
  prompt: 'Alert on payment failures.',
  inputs: [{ label: 'APP', mode: 'tail' }],
  rules: [{ label: 'APP', pattern: 'ERROR', min_count: 2, severity: 'alert' }],
  notification_config: { email_recipients: ['ops@example.com'] },
  ...overrides,
});

describe('POST /monitors/preview', () => {
  it('collects and judges with the rules alone, answers the run shape and stores nothing', async () => {
    const before = await api.scanAll();

    const response = await api.call('POST', '/monitors/preview', { body: monitor(fileSource) });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({
      id: null,
      monitor_id: null,
      preview: true,
      trigger: 'manual',
      status: 'alert',
      inputs: { APP: { error: null } },
      rules: [{ label: 'APP', pattern: 'ERROR', count: 2, breached: true, severity: 'alert' }],
      judge: { kind: 'rules', model_id: null, input_tokens: 0, estimated_cost_usd: 0 },
      notifications: [],
      notifications_pending: false,
      error: null,
    });
    expect(response.body.summary).toContain(PREVIEW_RULES_REASON);
    expect(response.body.findings[0].evidence.join('\n')).toContain('payment gateway timeout');
    expect(response.body.payload).toContain('[APP]');
    expect(await api.scanAll()).toEqual(before);
  });

  it('answers ok when no rule is breached', async () => {
    const response = await api.call('POST', '/monitors/preview', {
      body: monitor(fileSource, { rules: [{ label: 'APP', pattern: 'FATAL', min_count: 1, severity: 'alert' }] }),
    });
    expect(response.body).toMatchObject({ status: 'ok', rules: [{ count: 0, breached: false }] });
  });

  it('refuses what a create refuses, with the same details, and changes nothing', async () => {
    const body = monitor(fileSource, { interval_seconds: 5, inputs: [{ label: 'APP', mode: 'tail', log_source_id: 'nope' }] });
    const create = await api.expectRejected(400, 'POST', '/monitors', { body });
    const preview = await api.expectRejected(400, 'POST', '/monitors/preview', { body });
    expect(preview.error.details).toEqual(create.error.details);
    expect(preview.error.details.map((d: { path: string }) => d.path)).toEqual(['interval_seconds']);

    const missing = monitor(fileSource, { inputs: [{ label: 'APP', mode: 'tail', log_source_id: '01JMISSINGSOURCE0000000000' }] });
    const createRef = await api.expectRejected(400, 'POST', '/monitors', { body: missing });
    const previewRef = await api.expectRejected(400, 'POST', '/monitors/preview', { body: missing });
    expect(previewRef.error.details).toEqual(createRef.error.details);
    expect(previewRef.error.details).toEqual([{ path: 'inputs[0].log_source_id', message: 'log source 01JMISSINGSOURCE0000000000 does not exist' }]);

    const wrongMode = await api.expectRejected(400, 'POST', '/monitors/preview', { body: monitor(cwSource) });
    expect(wrongMode.error.details[0].path).toBe('inputs[0].mode');
  });

  it('refuses use_model that is not a boolean, naming use_model', async () => {
    const error = await api.expectRejected(400, 'POST', '/monitors/preview', { body: { ...monitor(fileSource), use_model: 'yes' } });
    expect(error.error.details.map((d: { path: string }) => d.path)).toEqual(['use_model']);
  });

  it('refuses use_model where previews may not call the model (the API in AWS), naming use_model', async () => {
    const error = await api.expectRejected(400, 'POST', '/monitors/preview', { body: { ...monitor(fileSource), use_model: true } });
    expect(error.error.details).toEqual([{ path: 'use_model', message: NO_MODEL_IN_API }]);
  });

  it('does not take use_model on a create', async () => {
    const error = await api.expectRejected(400, 'POST', '/monitors', { body: { ...monitor(fileSource), use_model: true } });
    expect(error.error.details.map((d: { path: string }) => d.path)).toEqual(['use_model']);
  });

  it('judges with the model when use_model is true, and its spend counts against the month', async () => {
    const calls = model.calls;
    const response = await withModel.call('POST', '/monitors/preview', { body: { ...monitor(modelFileSource), use_model: true } });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(model.calls).toBe(calls + 1);
    // The model said ok; the breached alert rule is the floor.
    expect(response.body).toMatchObject({ status: 'alert', judge: { kind: 'bedrock', input_tokens: 3000, output_tokens: 300 }, notifications: [] });
    expect(response.body.judge.estimated_cost_usd).toBeGreaterThan(0);
    expect(await withModel.ctx.monitors.list({ limit: 10 }, {})).toEqual({ items: [], nextToken: null });
    const items = await withModel.scanAll();
    expect(items.filter((item) => String(item.pk).startsWith('MONITOR#') || String(item.sk).startsWith('RUN#'))).toEqual([]);
    expect(items.some((item) => String(item.pk).includes('MODEL') || String(item.sk).includes('SPEND'))).toBe(true);
  });
});
