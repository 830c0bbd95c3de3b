import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { BEDROCK_RUNTIME_CLIENT_CONFIG } from '#adapters/bedrock/bedrock-judge.ts';
import { tracer } from '#adapters/powertools/index.ts';

/**
 * The runner's AWS clients beyond the store and the collectors. Endpoints come from the SDK's
 * own resolution (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, _SES, _SNS for emulators).
 */
export function createRunnerClients(options: { region?: string } = {}) {
  const region = options.region === undefined ? {} : { region: options.region };
  return {
    // The judge retries itself within the run's deadline; the SDK's retries would not know it.
    bedrock: tracer.captureAWSv3Client(new BedrockRuntimeClient({ ...BEDROCK_RUNTIME_CLIENT_CONFIG, ...region })),
    ses: tracer.captureAWSv3Client(new SESClient(region)),
    sns: tracer.captureAWSv3Client(new SNSClient(region)),
  };
}
