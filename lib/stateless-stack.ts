import type { StackProps } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Period } from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { VigilConfig } from './config.ts';
import { ManagementApi } from './constructs/management-api.ts';
import type { QueueWithDlq } from './constructs/queue-with-dlq.ts';
import { VigilFunction } from './constructs/vigil-function.ts';
import type { VigilTable } from './constructs/vigil-table.ts';

export interface StatelessStackProps extends StackProps {
  readonly config: VigilConfig;
  readonly table: VigilTable;
  readonly runQueue: QueueWithDlq;
  /**
   * The API handler file.
   * @default lambdas/api/handler.ts
   */
  readonly apiEntry?: string;
}

/**
 * What can be replaced at any time: the functions and the management API, wired to the stateful
 * stack's table, queue and topic through the constructs' binders.
 */
export class StatelessStack extends Stack {
  readonly apiFunction: VigilFunction;
  readonly api: ManagementApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    const { config, table, runQueue, apiEntry, ...stackProps } = props;
    super(scope, id, { description: 'Vigil functions and management API', ...stackProps });

    this.apiFunction = new VigilFunction(this, 'ApiFunction', {
      name: 'api',
      entry: apiEntry,
      description: 'Vigil management API',
      logRetention: config.logRetentionDays,
      logLevel: config.logLevel,
      environment: {
        RUN_RETENTION_DAYS: String(config.runRetentionDays),
        DEFAULT_MODEL_ID: config.defaultModelId,
      },
    });
    table.bind(this.apiFunction.function, 'rw');
    runQueue.bindSender(this.apiFunction.function, 'RUN_QUEUE_URL');

    this.api = new ManagementApi(this, 'Api', {
      handler: this.apiFunction.function,
      throttle: config.apiThrottle,
      quota: config.apiQuota ? { limit: config.apiQuota.limit, period: Period[config.apiQuota.period] } : undefined,
      accessLogRetention: config.logRetentionDays,
      waf: config.apiWaf,
      cloudWatchRole: config.apiCloudWatchRole,
    });
  }
}
