import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '#adapters/powertools/index.ts';

/**
 * AWS clients, created once per container. Region, credentials and endpoints come from the
 * SDK's own resolution (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>, ...): nothing is hard-coded.
 */
export function createDynamoClient(): DynamoDBClient {
  return tracer.captureAWSv3Client(new DynamoDBClient({}));
}

export function createSqsClient(): SQSClient {
  return tracer.captureAWSv3Client(new SQSClient({}));
}
