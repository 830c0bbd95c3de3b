import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  InternalServerException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BEDROCK_RUNTIME_CLIENT_CONFIG, BedrockJudge } from '#adapters/bedrock/bedrock-judge.ts';
import type { RetryEnvironment } from '#adapters/bedrock/bedrock-retry.ts';
import type { JudgeRequest } from '#domain/judge/ports.ts';
import { buildUserMessage, JUDGE_SYSTEM_PROMPT } from '#domain/judge/prompt.ts';
import { VERDICT_JSON_SCHEMA } from '#domain/judge/verdict.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const START = Date.parse('2026-11-21T10:00:00Z');
const EVIDENCE = '2026-11-21T10:02:11Z ERROR order 123 timeout after 30s';

const bedrock = mockClient(BedrockRuntimeClient);

/** A clock that only moves when the judge sleeps (or a fake call says it took time). */
class FakeTime implements RetryEnvironment {
  current = START;
  readonly sleeps: number[] = [];
  now = () => this.current;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.current += ms;
  };
  random = () => 0.5;
}

const request = (overrides: Partial<JudgeRequest> = {}): JudgeRequest => ({
  monitorName: 'orders',
  prompt: 'Look for failed orders.',
  payload: `[FULL_LOGS]\n2026-11-21T10:01:00Z INFO order 122 placed\n\n[ERRORS]\n${EVIDENCE}`,
  labels: ['FULL_LOGS', 'ERRORS'],
  ruleResults: [{ label: 'ERRORS', pattern: 'ERROR', count: 1, severity: 'alert', breached: true }],
  modelId: MODEL,
  ...overrides,
});

const validInput = {
  status: 'alert',
  summary: 'Order 123 timed out against the exchange.',
  findings: [
    {
      title: 'Exchange timeouts',
      severity: 'alert',
      label: 'ERRORS',
      evidence: [EVIDENCE, '2026-11-21T10:09:00Z ERROR order 999 invented'],
      recommendation: 'Check the exchange status.',
    },
  ],
};

function toolReply(input: unknown, tokens = { inputTokens: 2000, outputTokens: 300 }, id = 'tooluse_1'): ConverseCommandOutput {
  return {
    output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: id, name: 'report_verdict', input: input as never } }] } },
    stopReason: 'tool_use',
    usage: { ...tokens, totalTokens: tokens.inputTokens + tokens.outputTokens },
    metrics: { latencyMs: 900 },
    $metadata: {},
  };
}

function textReply(text: string): ConverseCommandOutput {
  return {
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 1500, outputTokens: 50, totalTokens: 1550 },
    metrics: { latencyMs: 500 },
    $metadata: {},
  };
}

const throttled = () => new ThrottlingException({ message: 'Too many requests, please wait before trying again.', $metadata: {} });

function judgeWith(time: FakeTime) {
  return new BedrockJudge(new BedrockRuntimeClient({ region: 'us-east-1' }), { environment: time });
}

describe('BedrockJudge', () => {
  let time: FakeTime;

  beforeEach(() => {
    bedrock.reset();
    time = new FakeTime();
  });

  it("explains the payload's notation in the system prompt it sends", async () => {
    // Prepare
    bedrock.on(ConverseCommand).resolves(toolReply(validInput));

    // Act
    await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    // Assess: counts, <*> and numeric ranges, examples and outliers, NEW, usual ranges, MISSING,
    // the learning phase, and that counts are facts like rule results.
    const system = bedrock.commandCalls(ConverseCommand)[0]?.args[0].input.system ?? [];
    expect(system).toHaveLength(1);
    const text = system[0] && 'text' in system[0] ? String(system[0].text) : '';
    for (const phrase of [
      '"6x ERROR container app task <*> stopped" means 6 lines of that shape at level ERROR',
      '<*> stands for a part that varies',
      '<12–9500> for a number that ranged from 12 to 9500',
      'Indented "e.g." lines are real example lines',
      '"outlier:" lines are real lines',
      'NEW after the count marks a template this monitor has never seen',
      '"[usual 3–15 a window]" after a template says its count this window is outside',
      '"MISSING: <template> [seen in 19 of the last 20 runs, usual 1–2 a window]"',
      'still learning, nothing is marked NEW or MISSING yet',
      'computed in code over every line, like the rule results: they are facts',
      'Structured inputs (cost data, Logs Insights results with named fields) are not templated: they are tables',
      'cells separated by " | "',
    ]) {
      expect(text).toContain(phrase);
    }
  });

  it('sends the system prompt, the fenced payload and the forced verdict tool', async () => {
    // Prepare
    bedrock.on(ConverseCommand).resolves(toolReply(validInput));

    // Act
    await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    // Assess
    const calls = bedrock.commandCalls(ConverseCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toStrictEqual({
      modelId: MODEL,
      system: [{ text: JUDGE_SYSTEM_PROMPT }],
      messages: [{ role: 'user', content: [{ text: buildUserMessage(request()) }] }],
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'report_verdict',
              description:
                'Report the verdict on the monitored data: status, a short summary and the findings with evidence lines quoted verbatim from <logs>.',
              inputSchema: { json: VERDICT_JSON_SCHEMA },
            },
          },
        ],
        toolChoice: { tool: { name: 'report_verdict' } },
      },
      inferenceConfig: { maxTokens: 2000, temperature: 0 },
    });
    const text = input?.messages?.[0]?.content?.[0]?.text ?? '';
    expect(text).toContain(`<logs>\n[FULL_LOGS]\n2026-11-21T10:01:00Z INFO order 122 placed\n\n[ERRORS]\n${EVIDENCE}\n</logs>`);
    expect(text).toContain('- ERRORS /ERROR/: 1 matching line (alert): BREACHED');
    // send(command, options): the options carry the signal that aborts at the deadline
    expect((calls[0]?.args as unknown[] | undefined)?.[1]).toMatchObject({ abortSignal: expect.any(AbortSignal) });
  });

  it('returns the validated verdict with usage, dropping evidence that is not in the payload', async () => {
    bedrock.on(ConverseCommand).callsFake(() => {
      time.current += 1200;
      return toolReply(validInput);
    });

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    expect(outcome).toEqual({
      verdict: {
        status: 'alert',
        summary: 'Order 123 timed out against the exchange.',
        findings: [
          { title: 'Exchange timeouts', severity: 'alert', label: 'ERRORS', evidence: [EVIDENCE], recommendation: 'Check the exchange status.' },
        ],
      },
      usage: { kind: 'bedrock', modelId: MODEL, inputTokens: 2000, outputTokens: 300, latencyMs: 1200, modelCalls: 1 },
      error: null,
      rawReply: null,
      droppedEvidence: 1,
    });
  });

  it('repairs an invalid reply once by sending the validation error back as an error tool result', async () => {
    // Prepare
    const invalid = { status: 'critical', summary: 'Bad.', findings: [] };
    bedrock
      .on(ConverseCommand)
      .resolvesOnce(toolReply(invalid, { inputTokens: 2000, outputTokens: 40 }, 'tooluse_bad'))
      .resolvesOnce(toolReply(validInput, { inputTokens: 2100, outputTokens: 300 }));

    // Act
    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    // Assess
    const calls = bedrock.commandCalls(ConverseCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.messages).toHaveLength(1);
    const messages = calls[1]?.args[0].input.messages ?? [];
    expect(messages).toHaveLength(3);
    expect(messages[1]).toStrictEqual({
      role: 'assistant',
      content: [{ toolUse: { toolUseId: 'tooluse_bad', name: 'report_verdict', input: invalid } }],
    });
    const toolResult = messages[2]?.content?.[0]?.toolResult;
    expect(messages[2]?.role).toBe('user');
    expect(toolResult?.toolUseId).toBe('tooluse_bad');
    expect(toolResult?.status).toBe('error');
    expect(toolResult?.content?.[0]?.text).toMatch(/not valid:[\s\S]*status/);
    expect(calls[1]?.args[0].input.toolConfig?.toolChoice).toStrictEqual({ tool: { name: 'report_verdict' } });
    expect(outcome.verdict?.status).toBe('alert');
    expect(outcome.usage).toMatchObject({ inputTokens: 4100, outputTokens: 340, modelCalls: 2 });
  });

  it('fails with the validation error and keeps both raw replies when the repair is invalid too', async () => {
    bedrock
      .on(ConverseCommand)
      .resolvesOnce(toolReply({ status: 'critical', summary: 'Bad.' }))
      .resolvesOnce(toolReply({ status: 'alert', summary: '' }));

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(2);
    expect(outcome.verdict).toBeNull();
    expect(outcome.error).toMatch(/^invalid model reply: [\s\S]*summary/);
    expect(outcome.rawReply).toBe('{"status":"critical","summary":"Bad."}\n---\n{"status":"alert","summary":""}');
    expect(outcome.usage.modelCalls).toBe(2);
  });

  it('accepts a verdict written as JSON text and repairs a prose reply with a plain user turn', async () => {
    bedrock
      .on(ConverseCommand)
      .resolvesOnce(textReply('I think everything is fine.'))
      .resolvesOnce(textReply(`Here it is: ${JSON.stringify({ status: 'ok', summary: 'Quiet.', findings: [] })}`));

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    const repair = bedrock.commandCalls(ConverseCommand)[1]?.args[0].input.messages?.[2];
    expect(repair?.content?.[0]?.text).toContain('the reply did not call report_verdict');
    expect(repair?.content?.[0]?.toolResult).toBeUndefined();
    expect(outcome.verdict).toEqual({ status: 'ok', summary: 'Quiet.', findings: [] });
  });

  it('leaves out toolResult.status for models that do not accept it', async () => {
    bedrock
      .on(ConverseCommand)
      .resolvesOnce(toolReply({ status: 'bad', summary: 'x' }))
      .resolvesOnce(toolReply(validInput));

    await judgeWith(time).judge(request({ modelId: 'us.meta.llama3-3-70b-instruct-v1:0' }), { deadline: START + 60_000 });

    const toolResult = bedrock.commandCalls(ConverseCommand)[1]?.args[0].input.messages?.[2]?.content?.[0]?.toolResult;
    expect(toolResult).toBeDefined();
    expect(toolResult).not.toHaveProperty('status');
  });

  it('retries throttling and transient errors with jittered back-off', async () => {
    // Prepare
    bedrock
      .on(ConverseCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(new ServiceUnavailableException({ message: 'unavailable', $metadata: { httpStatusCode: 503 } }))
      .rejectsOnce(new InternalServerException({ message: 'oops', $metadata: { httpStatusCode: 500 } }))
      .resolvesOnce(toolReply(validInput));

    // Act
    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    // Assess: random 0.5 → 3/4 of 1 s, 2 s, 4 s
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(4);
    expect(time.sleeps).toEqual([750, 1500, 3000]);
    expect(outcome.verdict?.status).toBe('alert');
    expect(outcome.usage).toMatchObject({ modelCalls: 1, latencyMs: 5250 });
  });

  it('retries a generic 5xx error too', async () => {
    const error = Object.assign(new Error('Bad Gateway'), { name: 'Unknown', $metadata: { httpStatusCode: 502 } });
    bedrock.on(ConverseCommand).rejectsOnce(error).resolvesOnce(toolReply(validInput));

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(2);
    expect(outcome.error).toBeNull();
  });

  it('stops retrying before the deadline and says why', async () => {
    bedrock.on(ConverseCommand).rejects(throttled());

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 10_000 });

    // 750 + 1500 + 3000 = 5250 ms slept; the next back-off (6000) plus 3 s minimum would pass the deadline
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(4);
    expect(time.current).toBeLessThanOrEqual(START + 10_000);
    expect(outcome.verdict).toBeNull();
    expect(outcome.error).toBe(
      "Bedrock call failed (ThrottlingException): Too many requests, please wait before trying again. (gave up after 4 attempts: the run's deadline leaves no time for another)",
    );
    expect(outcome.usage.modelCalls).toBe(0);
    // What the circuit breaker counts: the service gave no answer.
    expect(outcome.unavailable).toBe(true);
  });

  it('does not call Bedrock when the deadline leaves no time for a call', async () => {
    bedrock.on(ConverseCommand).resolves(toolReply(validInput));

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 2_000 });

    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(0);
    expect(outcome.error).toBe("Bedrock was not called: the run's deadline left no time for a model call.");
    expect(outcome.unavailable).toBeUndefined();
  });

  it('reports a call that fails at the deadline as a deadline error', async () => {
    bedrock.on(ConverseCommand).callsFake(() => {
      time.current = START + 30_000;
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    });

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 30_000 });

    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
    expect(outcome.error).toBe("Bedrock did not answer before the run's deadline (AbortError).");
    expect(outcome.unavailable).toBe(true);
  });

  it.each([
    [
      'model access not enabled',
      new AccessDeniedException({ message: "You don't have access to the model with the specified model ID.", $metadata: { httpStatusCode: 403 } }),
      `This account may not use ${MODEL} yet: in the Bedrock console, submit the model provider's one-time use-case details (Anthropic) or accept its Marketplace offer, for this account and Region.`,
    ],
    [
      'an IAM denial',
      new AccessDeniedException({
        message:
          'User: arn:aws:sts::123456789012:assumed-role/vigil-runner/fn is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0 because no identity-based policy allows the bedrock:InvokeModel action',
        $metadata: { httpStatusCode: 403 },
      }),
      'bedrock:InvokeModel denied for arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0: allow it in the runner',
    ],
    [
      'an invalid model id',
      new ValidationException({ message: 'The provided model identifier is invalid.', $metadata: { httpStatusCode: 400 } }),
      `The model id ${MODEL} is not valid in this Region`,
    ],
    [
      'a model that needs an inference profile',
      new ValidationException({
        message:
          "Invocation of model ID anthropic.claude-haiku-4-5-20251001-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
        $metadata: { httpStatusCode: 400 },
      }),
      'cannot be called on demand in this Region: use an inference profile id instead',
    ],
    [
      'the Anthropic use-case form',
      new ResourceNotFoundException({
        message: 'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model.',
        $metadata: { httpStatusCode: 404 },
      }),
      'Anthropic models need a one-time use-case form before first use',
    ],
  ])('does not retry %s and gives an actionable reason', async (_name, error, reason) => {
    bedrock.on(ConverseCommand).rejects(error);

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
    expect(outcome.verdict).toBeNull();
    expect(outcome.error).toContain(reason);
    expect(outcome.rawReply).toBeNull();
    // A refusal is an answer: the circuit breaker does not count it.
    expect(outcome.unavailable).toBeUndefined();
  });

  it('asks again without forcing the tool when the model rejects toolChoice', async () => {
    bedrock
      .on(ConverseCommand)
      .rejectsOnce(new ValidationException({ message: 'This model doesn\'t support the toolConfig.toolChoice.tool field.', $metadata: {} }))
      .resolvesOnce(toolReply(validInput));

    const outcome = await judgeWith(time).judge(request({ modelId: 'meta.llama3-3-70b-instruct-v1:0' }), { deadline: START + 60_000 });

    const calls = bedrock.commandCalls(ConverseCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.toolConfig).toHaveProperty('toolChoice');
    expect(calls[1]?.args[0].input.toolConfig).not.toHaveProperty('toolChoice');
    expect(outcome.verdict?.status).toBe('alert');
  });

  it('fails when a guardrail stops the reply', async () => {
    bedrock.on(ConverseCommand).resolves({ ...textReply('blocked'), stopReason: 'guardrail_intervened' });

    const outcome = await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    expect(outcome.error).toBe('Bedrock stopped the reply (guardrail_intervened).');
    expect(outcome.rawReply).toBe('blocked');
    expect(outcome.usage.inputTokens).toBe(1500);
  });

  it('tells the model its reply was cut off at the output limit', async () => {
    bedrock
      .on(ConverseCommand)
      .resolvesOnce({ ...toolReply({ status: 'alert' }), stopReason: 'max_tokens' })
      .resolvesOnce(toolReply(validInput));

    await judgeWith(time).judge(request(), { deadline: START + 60_000 });

    const repair = bedrock.commandCalls(ConverseCommand)[1]?.args[0].input.messages?.[2]?.content?.[0]?.toolResult;
    expect(repair?.content?.[0]?.text).toContain('cut off at the output limit');
  });

  it('recommends a client without SDK retries', () => {
    expect(BEDROCK_RUNTIME_CLIENT_CONFIG).toEqual({ maxAttempts: 1 });
  });
});
