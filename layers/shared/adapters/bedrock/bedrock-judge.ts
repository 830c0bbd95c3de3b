/**
 * The Bedrock judge: one Converse call with the verdict as a forced tool, validated with zod,
 * one repair turn when the reply is invalid, retries on throttling within the run's deadline.
 */
import {
  type BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  type ContentBlock,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { parseModelId } from '#domain/judge/prices.ts';
import type { Judge, JudgeBudget, JudgeCallUsage, JudgeOutcome, JudgeRequest } from '#domain/judge/ports.ts';
import { buildRepairMessage, buildUserMessage, JUDGE_SYSTEM_PROMPT } from '#domain/judge/prompt.ts';
import { parseVerdict, VERDICT_JSON_SCHEMA, VERDICT_TOOL_NAME, verifyEvidence, type VerdictParse } from '#domain/judge/verdict.ts';
import { classifyBedrockError } from './bedrock-errors.ts';
import {
  callWithinDeadline,
  DEFAULT_MODEL_CALL_RETRY,
  type RetryEnvironment,
  type ModelCallRetryPolicy,
  SYSTEM_RETRY_ENVIRONMENT,
} from './bedrock-retry.ts';

/**
 * How to create the client this judge is given: retries are ours (see bedrock-retry.ts), so the
 * SDK makes one attempt. Endpoint resolution stays the SDK's (`AWS_ENDPOINT_URL_BEDROCK_RUNTIME`).
 */
export const BEDROCK_RUNTIME_CLIENT_CONFIG = { maxAttempts: 1 } as const satisfies BedrockRuntimeClientConfig;

export interface BedrockJudgeOptions {
  /** Ceiling on the verdict's length. @default 2000 */
  maxOutputTokens?: number;
  retry?: Partial<ModelCallRetryPolicy>;
  /** Clock, sleep and randomness; tests pin them. */
  environment?: RetryEnvironment;
}

const TOOL_DESCRIPTION =
  'Report the verdict on the monitored data: status, a short summary and the findings with evidence lines quoted verbatim from <logs>.';

// Kept on the run for diagnosis; DynamoDB items are capped at 400 KB.
const MAX_RAW_REPLY_CHARS = 16_000;

// `toolResult.status` is only accepted by Anthropic Claude 3+ and Amazon Nova models.
const TOOL_RESULT_STATUS_PROVIDERS = new Set(['anthropic', 'amazon']);

interface Reply {
  message: Message | undefined;
  toolUse: { toolUseId: string; input: unknown } | undefined;
  text: string;
  raw: string;
}

function readReply(response: ConverseCommandOutput): Reply {
  const message = response.output && 'message' in response.output ? response.output.message : undefined;
  const content: ContentBlock[] = message?.content ?? [];
  const block = content.find((item) => item.toolUse?.name === VERDICT_TOOL_NAME)?.toolUse;
  const text = content.map((item) => item.text ?? '').join('\n').trim();
  const toolUse = block?.toolUseId === undefined ? undefined : { toolUseId: block.toolUseId, input: block.input };
  const raw = toolUse === undefined ? text : JSON.stringify(toolUse.input);
  return { message, toolUse, text, raw };
}

/** A verdict some models write as JSON text when they do not call the tool. */
function verdictFromText(text: string): VerdictParse {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) {
    return { success: false, error: text === '' ? 'the reply was empty' : `the reply did not call ${VERDICT_TOOL_NAME}` };
  }
  try {
    return parseVerdict(JSON.parse(text.slice(start, end + 1)));
  } catch {
    return { success: false, error: `the reply did not call ${VERDICT_TOOL_NAME} and holds no valid JSON` };
  }
}

function clipRaw(replies: readonly string[]): string | null {
  const raw = replies.filter((reply) => reply !== '').join('\n---\n');
  if (raw === '') return null;
  return raw.length > MAX_RAW_REPLY_CHARS ? `${raw.slice(0, MAX_RAW_REPLY_CHARS)}…` : raw;
}

/** A {@link Judge} over Amazon Bedrock's Converse API. */
export class BedrockJudge implements Judge {
  readonly kind = 'bedrock' as const;
  private readonly maxOutputTokens: number;
  private readonly policy: ModelCallRetryPolicy;
  private readonly environment: RetryEnvironment;

  constructor(
    private readonly client: BedrockRuntimeClient,
    options: BedrockJudgeOptions = {},
  ) {
    this.maxOutputTokens = options.maxOutputTokens ?? 2000;
    this.policy = { ...DEFAULT_MODEL_CALL_RETRY, ...options.retry };
    this.environment = options.environment ?? SYSTEM_RETRY_ENVIRONMENT;
  }

  /** The Converse request for `messages`, with the verdict tool forced unless the model refuses forcing. */
  private converseInput(modelId: string, messages: Message[], forceTool: boolean): ConverseCommandInput {
    return {
      modelId,
      system: [{ text: JUDGE_SYSTEM_PROMPT }],
      messages,
      toolConfig: {
        tools: [{ toolSpec: { name: VERDICT_TOOL_NAME, description: TOOL_DESCRIPTION, inputSchema: { json: VERDICT_JSON_SCHEMA } } }],
        ...(forceTool ? { toolChoice: { tool: { name: VERDICT_TOOL_NAME } } } : {}),
      },
      inferenceConfig: { maxTokens: this.maxOutputTokens, temperature: 0 },
    };
  }

  /** The user turn that asks for a corrected verdict after `reply` failed validation. */
  private repairTurn(modelId: string, reply: Reply, error: string): Message {
    const text = buildRepairMessage(error);
    if (reply.toolUse === undefined) return { role: 'user', content: [{ text }] };
    const withStatus = TOOL_RESULT_STATUS_PROVIDERS.has(parseModelId(modelId).baseModelId.split('.')[0] ?? '');
    return {
      role: 'user',
      content: [
        { toolResult: { toolUseId: reply.toolUse.toolUseId, content: [{ text }], ...(withStatus ? { status: 'error' as const } : {}) } },
      ],
    };
  }

  async judge(request: JudgeRequest, budget: JudgeBudget): Promise<JudgeOutcome> {
    const started = this.environment.now();
    const usage: JudgeCallUsage = { kind: 'bedrock', modelId: request.modelId, inputTokens: 0, outputTokens: 0, latencyMs: 0, modelCalls: 0 };
    const replies: string[] = [];
    const finish = (outcome: Omit<JudgeOutcome, 'usage'>): JudgeOutcome => ({
      ...outcome,
      usage: { ...usage, latencyMs: Math.max(0, this.environment.now() - started) },
    });
    const failed = (error: string, unavailable = false) =>
      finish({ verdict: null, error, rawReply: clipRaw(replies), droppedEvidence: 0, ...(unavailable && { unavailable }) });

    let messages: Message[] = [{ role: 'user', content: [{ text: buildUserMessage(request) }] }];
    let forceTool = true;
    let repaired = false;
    for (;;) {
      const input = this.converseInput(request.modelId, messages, forceTool);
      const result = await callWithinDeadline(
        (abortSignal) => this.client.send(new ConverseCommand(input), { abortSignal }),
        (error) => classifyBedrockError(error, request.modelId),
        budget.deadline,
        this.policy,
        this.environment,
      );
      if (!result.ok) {
        if (result.failure.toolChoiceUnsupported && forceTool) {
          // Models that only do `auto` tool choice still call the only tool when the prompt says so.
          forceTool = false;
          continue;
        }
        return failed(result.failure.reason, result.failure.unavailable);
      }

      const response = result.value;
      usage.modelCalls += 1;
      usage.inputTokens += response.usage?.inputTokens ?? 0;
      usage.outputTokens += response.usage?.outputTokens ?? 0;
      const reply = readReply(response);
      replies.push(reply.raw);
      if (response.stopReason === 'guardrail_intervened' || response.stopReason === 'content_filtered') {
        return failed(`Bedrock stopped the reply (${response.stopReason}).`);
      }

      const parsed = reply.toolUse === undefined ? verdictFromText(reply.text) : parseVerdict(reply.toolUse.input);
      if (parsed.success) {
        const { findings, dropped } = verifyEvidence(parsed.verdict.findings, request.payload, request.labels);
        return finish({ verdict: { ...parsed.verdict, findings }, error: null, rawReply: null, droppedEvidence: dropped });
      }
      const problem =
        response.stopReason === 'max_tokens' ? `${parsed.error}\n(The reply was cut off at the output limit: keep it shorter.)` : parsed.error;
      if (repaired || reply.message === undefined) return failed(`invalid model reply: ${problem}`);
      repaired = true;
      messages = [...messages, reply.message, this.repairTurn(request.modelId, reply, problem)];
    }
  }
}
