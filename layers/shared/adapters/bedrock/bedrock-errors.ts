/**
 * Bedrock Runtime errors, sorted into "try again" (throttling, transient service faults) and
 * "tell the operator what to fix" (model access, IAM, bad model id), with a reason an operator
 * can act on. The reason ends up on the run, so it carries no request data, only AWS's message.
 */

export interface BedrockFailure {
  /** The SDK error's name (`ThrottlingException`), for logs and tests. */
  name: string;
  retryable: boolean;
  /** What went wrong and what to do about it, for the run's `error`. */
  reason: string;
  /** The model rejected `toolChoice` (some non-Anthropic models only do `auto`). */
  toolChoiceUnsupported: boolean;
  /**
   * The service gave no answer (throttled, 5xx, timed out, unreachable): stays true when the
   * retries give up, so the circuit breaker can count it. False for refusals and bad requests.
   */
  unavailable: boolean;
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'InternalServerException',
  'ModelTimeoutException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

// Socket-level failures the SDK surfaces as plain errors: worth another attempt.
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

const MAX_MESSAGE_CHARS = 400;

interface ErrorShape {
  name: string;
  message: string;
  code?: string;
  status?: number;
}

function shapeOf(error: unknown): ErrorShape {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { $metadata, code } = error as Error & { $metadata?: { httpStatusCode?: number }; code?: unknown };
  return {
    name: error.name,
    message: error.message.length > MAX_MESSAGE_CHARS ? `${error.message.slice(0, MAX_MESSAGE_CHARS)}…` : error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...($metadata?.httpStatusCode === undefined ? {} : { status: $metadata.httpStatusCode }),
  };
}

function accessDenied(modelId: string, message: string): string {
  if (/(?:do not|don't) have access to the model|model access/i.test(message)) {
    return `This account may not use ${modelId} yet: in the Bedrock console, submit the model provider's one-time use-case details (Anthropic) or accept its Marketplace offer, for this account and Region. (${message})`;
  }
  const denied = /not authorized to perform:?\s*(\S+)\s+on resource:?\s*(\S+)/i.exec(message);
  if (denied?.[1] !== undefined && denied[2] !== undefined) {
    return `${denied[1]} denied for ${denied[2]}: allow it in the runner's IAM role (an inference profile needs it on the profile and on the foundation model in every Region it routes to).`;
  }
  return `Bedrock denied access to ${modelId}: check model access and the runner's bedrock:InvokeModel permission. (${message})`;
}

function validation(modelId: string, message: string): Pick<BedrockFailure, 'reason' | 'toolChoiceUnsupported'> {
  const failure = (reason: string, toolChoiceUnsupported = false) => ({ reason, toolChoiceUnsupported });
  if (/on-demand throughput isn.?t supported/i.test(message)) {
    return failure(
      `${modelId} cannot be called on demand in this Region: use an inference profile id instead (for example us.${modelId} or global.${modelId}). (${message})`,
    );
  }
  if (/model identifier is invalid|invalid model identifier|model id.*(?:invalid|not valid)/i.test(message)) {
    return failure(`The model id ${modelId} is not valid in this Region: check the id, or use an inference profile id. (${message})`);
  }
  if (/tool.?choice/i.test(message)) return failure(`${modelId} does not accept a forced tool choice. (${message})`, true);
  if (/(?:doesn.?t|does not) support tool|tool use is not supported/i.test(message)) {
    return failure(`${modelId} does not support tool use in the Converse API: choose a model that does (Claude, Nova, Llama 3.1+, Mistral Large). (${message})`);
  }
  return failure(`Bedrock rejected the request for ${modelId}: ${message}`);
}

/** Sorts a Bedrock Runtime error into retryable or not, with an actionable reason. */
export function classifyBedrockError(error: unknown, modelId: string): BedrockFailure {
  const { name, message, code, status } = shapeOf(error);
  const failure = (retryable: boolean, reason: string, toolChoiceUnsupported = false): BedrockFailure => ({
    name,
    retryable,
    reason,
    toolChoiceUnsupported,
    unavailable: retryable,
  });
  switch (name) {
    case 'AccessDeniedException':
      return failure(false, accessDenied(modelId, message));
    case 'ValidationException': {
      const { reason, toolChoiceUnsupported } = validation(modelId, message);
      return failure(false, reason, toolChoiceUnsupported);
    }
    case 'ResourceNotFoundException':
      return failure(
        false,
        /use case/i.test(message)
          ? `Anthropic models need a one-time use-case form before first use: submit it in the Bedrock console (Model access) for ${modelId}. (${message})`
          : `Model ${modelId} was not found in this Region: check the id or use an inference profile. (${message})`,
      );
    case 'ServiceQuotaExceededException':
      return failure(false, `A Bedrock quota was exceeded for ${modelId}: request an increase in Service Quotas. (${message})`);
    case 'ModelErrorException':
      return failure(false, `The model failed while processing the request: ${message}`);
    case 'CredentialsProviderError':
      return failure(false, `No AWS credentials for Bedrock: ${message}`);
  }
  const retryable =
    RETRYABLE_NAMES.has(name) ||
    (code !== undefined && RETRYABLE_CODES.has(code)) ||
    (status !== undefined && (status >= 500 || status === 429));
  return failure(retryable, `Bedrock call failed (${name}${status === undefined ? '' : ` ${status}`}): ${message}`);
}
