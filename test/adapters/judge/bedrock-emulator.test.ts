/**
 * The judge against a Bedrock emulator, reached the way local mode reaches one: a real
 * BedrockRuntimeClient whose endpoint comes from `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`.
 *
 * The emulator speaks cleartext HTTP/2: since 3.798 the Bedrock Runtime client's default request
 * handler is HTTP/2 only (aws/aws-sdk-js-v3#7041), so an HTTP/1.1 emulator fails with
 * "Protocol error" unless the client is given an HTTP/1.1 handler.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BEDROCK_RUNTIME_CLIENT_CONFIG, BedrockJudge } from '#adapters/bedrock/bedrock-judge.ts';
import { judgeRun } from '#domain/judge/judge-run.ts';
import type { JudgeMetricsRecord } from '#domain/judge/ports.ts';
import { startBedrockEmulator, type BedrockEmulator } from '../../support/bedrock-emulator.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const EVIDENCE = '2026-11-21T10:02:11Z ERROR order 123 timeout after 30s';

let emulator: BedrockEmulator;

beforeAll(async () => {
  emulator = await startBedrockEmulator(
    () => ({
      status: 'warn',
      summary: 'One order timed out.',
      findings: [{ title: 'Timeout', severity: 'warn', label: 'ERRORS', evidence: [EVIDENCE], recommendation: 'Watch it.' }],
    }),
    { inputTokens: 2110, outputTokens: 180 },
  );
  vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', emulator.endpoint);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator.stop();
});

describe('BedrockJudge with an emulator at AWS_ENDPOINT_URL_BEDROCK_RUNTIME', () => {
  it('sends the system prompt, fenced payload and forced tool, and the run keeps the verdict, usage and cost', async () => {
    // Prepare
    const client = new BedrockRuntimeClient({
      ...BEDROCK_RUNTIME_CLIENT_CONFIG,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' },
    });
    const records: JudgeMetricsRecord[] = [];

    // Act
    const result = await judgeRun(
      {
        monitorName: 'orders',
        prompt: 'Look for failed orders.',
        rules: [{ label: 'ERRORS', pattern: 'ERROR', minCount: 5, severity: 'alert' }],
        modelId: MODEL,
        payload: `[FULL_LOGS]\n2026-11-21T10:01:00Z INFO order 122 placed token=abcdef0123456789\n\n[ERRORS]\n${EVIDENCE}`,
        inputs: {
          FULL_LOGS: { lines: 1, chars: 60, truncated: false, error: null },
          ERRORS: { lines: 1, chars: 55, truncated: false, error: null },
        },
        previousRun: null,
        maxInputTokens: 30_000,
        deadline: Date.now() + 30_000,
      },
      { judge: new BedrockJudge(client), metrics: { record: (usage) => records.push(usage) } },
    );
    client.destroy();

    // Assess: the request the emulator saw
    expect(emulator.requests).toHaveLength(1);
    const [call] = emulator.requests;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(call?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEMULATOR\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    expect(call?.body.system[0]?.text).toContain('untrusted data');
    const userText = call?.body.messages[0]?.content[0]?.text ?? '';
    expect(userText).toContain(
      `<logs>\n[FULL_LOGS]\n2026-11-21T10:01:00Z INFO order 122 placed token=[REDACTED:token]\n\n[ERRORS]\n${EVIDENCE}\n</logs>`,
    );
    expect(call?.body.toolConfig.tools.map((tool) => tool.toolSpec.name)).toEqual(['report_verdict']);
    expect(call?.body.toolConfig.toolChoice).toEqual({ tool: { name: 'report_verdict' } });
    expect(call?.body.inferenceConfig).toEqual({ maxTokens: 2000, temperature: 0 });

    // Assess: what the run stores
    expect(result).toMatchObject({
      status: 'warn',
      summary: 'One order timed out.',
      findings: [{ title: 'Timeout', severity: 'warn', label: 'ERRORS', evidence: [EVIDENCE], recommendation: 'Watch it.' }],
      redactions: 1,
      error: null,
      priceKnown: true,
    });
    expect(result.judge).toMatchObject({ kind: 'bedrock', modelId: MODEL, inputTokens: 2110, outputTokens: 180, skipped: null });
    // us. profile of Haiku 4.5: $1.10 / $5.50 per million tokens
    expect(result.judge.estimatedCostUsd).toBe(0.003311);
    expect(records).toHaveLength(1);
  });
});
