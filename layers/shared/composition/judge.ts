import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { BEDROCK_RUNTIME_CLIENT_CONFIG, BedrockJudge } from '#adapters/bedrock/bedrock-judge.ts';
import type { Judge } from '#domain/judge/ports.ts';

/**
 * The Bedrock judge over its own client. The judge retries itself within the run's deadline, so
 * the client's config turns the SDK's retries off; the endpoint comes from the SDK's resolution
 * (AWS_ENDPOINT_URL_BEDROCK_RUNTIME for emulators).
 */
export function bedrockJudge(options: { region?: string } = {}): Judge {
  const region = options.region === undefined ? {} : { region: options.region };
  return new BedrockJudge(new BedrockRuntimeClient({ ...BEDROCK_RUNTIME_CLIENT_CONFIG, ...region }));
}
