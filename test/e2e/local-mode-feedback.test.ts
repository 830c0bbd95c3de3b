/**
 * Feedback and insights end to end in local mode: with the rules-only judge (no AWS), and with
 * Bedrock behind the Converse emulator (reached through AWS_ENDPOINT_URL_BEDROCK_RUNTIME), where
 * the run after a false positive sends the operator's feedback and the previous verdict.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBedrockEmulator, type BedrockEmulator } from '../support/bedrock-emulator.ts';
import { LocalHarness } from '../support/local-harness.ts';
import { setEnvironment } from '../support/moto.ts';

const clock = { now: () => new Date('2026-11-27T10:00:10.000Z') };

function writeWindow(file: string) {
  const lines = Array.from({ length: 24 }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 27, 9, 59, i * 2)).toISOString();
    return i % 4 === 0 ? `${at} ERROR order ${1000 + i} timeout after ${20 + i}s` : `${at} INFO order ${1000 + i} filled in ${20 + (i % 9)}ms`;
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function fileMonitor(local: LocalHarness, file: string, rules: unknown[]) {
  const target = (await local.call('POST', '/targets', { name: 'laptop', type: 'local' })).body;
  const source = (await local.call('POST', '/log-sources', { target_id: target.id, name: 'app', mode: 'file', config: { path: file } })).body;
  const monitor = await local.call('POST', '/monitors', {
    name: 'orders',
    log_source_id: source.id,
    prompt: 'Alert on order timeouts.',
    inputs: [{ label: 'APP', mode: 'tail' }],
    rules,
  });
  expect(monitor.status).toBe(201);
  return monitor.body.id as string;
}

describe('feedback and insights in local mode with the rules-only judge', () => {
  const local = new LocalHarness('feedback');
  const file = join(local.logDir, 'app.log');

  beforeAll(async () => {
    writeWindow(file);
    await local.start(clock);
  }, 120_000);

  afterAll(() => local.stop());

  it('takes feedback on a run, marks its template expected in the next run, lists it and counts it in insights', async () => {
    // Prepare
    const monitorId = await fileMonitor(local, file, [{ label: 'APP', pattern: 'timeout', min_count: 3, severity: 'alert' }]);
    const first = await local.runOnce(monitorId);

    // Act
    const feedback = await local.call('POST', `/monitors/${monitorId}/runs/${first.id}/feedback`, {
      verdict: 'false_positive',
      finding_index: 0,
      note: 'the nightly batch retries these',
    });
    const second = await local.runOnce(monitorId);
    const history = await local.call('GET', `/monitors/${monitorId}/feedback`);
    const insights = await local.call('GET', `/monitors/${monitorId}/insights?days=7`);

    // Assess
    expect(first).toMatchObject({ status: 'alert', judge: { kind: 'rules' } });
    expect(feedback.status).toBe(201);
    expect(feedback.body.expected_templates).toEqual([{ label: 'APP', template: expect.stringMatching(/^order <[^>]+> timeout after <[^>]+>s$/) }]);
    expect(feedback.body.rule_breaches).toEqual([{ label: 'APP', pattern: 'timeout', severity: 'alert', threshold: 3, count: 6 }]);
    expect(second.payload).toMatch(/^6x ERROR order <[^>]+> timeout after <[^>]+>s @ \S+ \[expected per feedback\]$/m);
    // a rule breached: the operator's feedback does not lower it
    expect(second.status).toBe('alert');
    expect((await local.call('GET', `/monitors/${monitorId}/runs/${first.id}`)).body.feedback).toEqual([
      expect.objectContaining({ id: feedback.body.id, verdict: 'false_positive', finding_index: 0 }),
    ]);
    expect(history.body.items.map((item: { id: string }) => item.id)).toEqual([feedback.body.id]);
    expect(insights.status).toBe(200);
    expect(insights.body).toMatchObject({
      days: 7,
      runs: { total: 2, by_status: { ok: 0, warn: 0, alert: 2, error: 0, open: 0 }, complete: true },
      feedback: { total: 1, false_positive: 1, false_positive_rate: 1 },
    });
    expect(insights.body.suggestions).toContainEqual(expect.objectContaining({ kind: 'raise_min_count', current: 3, suggested: 7 }));
    expect((await local.call('GET', `/monitors/${monitorId}/insights?days=91`)).body.error.details).toEqual([
      { path: 'days', message: expect.any(String) },
    ]);
  });
});

describe('feedback in local mode with Bedrock behind the Converse emulator', () => {
  const local = new LocalHarness('feedback-bedrock');
  const file = join(local.logDir, 'app.log');
  let bedrock: BedrockEmulator;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    writeWindow(file);
    bedrock = await startBedrockEmulator((payload) => ({
      status: 'alert',
      summary: 'Orders time out.',
      findings: [
        {
          title: 'Order timeouts',
          severity: 'alert',
          label: 'APP',
          evidence: [/^ {4}e\.g\. (.*timeout.*)$/m.exec(payload)?.[1] ?? ''],
          recommendation: 'Check the exchange.',
        },
      ],
    }));
    restoreEnvironment = setEnvironment({
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint,
    });
    await local.start(clock, { VIGIL_AWS: 'on', AWS_REGION: 'us-east-1' });
  }, 120_000);

  afterAll(async () => {
    await local.stop();
    await bedrock?.stop();
    restoreEnvironment?.();
  });

  it('sends the false positive and the previous verdict with the next request, and that run is capped at warn', async () => {
    // Prepare
    const monitorId = await fileMonitor(local, file, []);
    const first = await local.runOnce(monitorId);

    // Act
    const feedback = await local.call('POST', `/monitors/${monitorId}/runs/${first.id}/feedback`, {
      verdict: 'false_positive',
      finding_index: 0,
      note: 'the nightly batch retries these',
    });
    const second = await local.runOnce(monitorId);

    // Assess
    expect(first).toMatchObject({ status: 'alert', judge: { kind: 'bedrock' } });
    expect(feedback.status).toBe(201);
    expect(bedrock.requests).toHaveLength(2);
    const message = (index: number) => bedrock.requests[index]!.body.messages[0]!.content.map((block) => block.text ?? '').join('\n');
    expect(message(0)).not.toContain('<operator_feedback>');
    expect(message(1)).toContain('<operator_feedback>');
    expect(message(1)).toContain('FALSE POSITIVE');
    expect(message(1)).toContain('"the nightly batch retries these"');
    expect(message(1)).toContain('<previous_run>\nFinished: ');
    expect(message(1)).toContain('Status: alert\nSummary: Orders time out.\nFindings:\n- Order timeouts');
    expect(second.payload).toContain('[expected per feedback]');
    expect(second).toMatchObject({ status: 'warn', judge: { kind: 'bedrock' } });
  });
});
