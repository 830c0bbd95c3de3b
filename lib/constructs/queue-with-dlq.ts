import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EnvironmentVariable } from '#composition/contract.ts';
import type { VigilFunction } from './vigil-function.ts';

/** Receives before a message moves to the DLQ: one delivery and two retries. */
export const MAX_RECEIVE_COUNT = 3;

export interface QueueWithDlqProps {
  /** Must exceed the consumer function's timeout (`bindConsumer` checks). */
  readonly visibilityTimeout: Duration;
  /** Said in the alarm description, e.g. "monitor runs". */
  readonly purpose: string;
  /** Where the DLQ alarm goes, e.g. the alert topic. @default no action, the alarm only shows */
  readonly alarmAction?: IAlarmAction;
}

export interface ConsumerOptions {
  /** @default 1: each message is one monitor run, so a failure retries only that run */
  readonly batchSize?: number;
  /** Caps the concurrent functions the queue drives (2-1000). @default no cap beyond the account's */
  readonly maxConcurrency?: number;
}

/**
 * An SQS queue with a dead-letter queue (after 3 receives) and an alarm as soon as the DLQ holds a
 * message. Both queues are encrypted with SQS-managed keys (no KMS grants for producers or
 * consumers) and refuse requests without TLS.
 */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dlqAlarm: Alarm;
  readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.visibilityTimeout = props.visibilityTimeout;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to find out why a message failed before it is gone.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.dlqAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Failed ${props.purpose} are waiting in the dead-letter queue ${this.deadLetterQueue.node.path}.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // SQS stops publishing metrics for a queue that stays empty; silence means nothing failed.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) {
      this.dlqAlarm.addAlarmAction(props.alarmAction);
      this.dlqAlarm.addOkAction(props.alarmAction);
    }
  }

  /**
   * Lets a function enqueue: sets `variable` (e.g. `RUN_QUEUE_URL`) to the queue URL and grants
   * `sqs:SendMessage` (which also covers SendMessageBatch) on this queue only.
   */
  bindSender(vigilFunction: VigilFunction, variable: EnvironmentVariable): void {
    const fn = vigilFunction.function;
    vigilFunction.setEnvironment(variable, this.queue.queueUrl);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
  }

  /**
   * Makes a function the queue's consumer, reporting partial batch failures so one bad message
   * does not send the whole batch back.
   *
   * @throws Error when the queue's visibility timeout does not exceed the function's timeout:
   *   messages would reappear while still being processed and run twice
   */
  bindConsumer(vigilFunction: VigilFunction, options: ConsumerOptions = {}): void {
    const fn = vigilFunction.function;
    const visibility = this.visibilityTimeout.toSeconds();
    const timeout = fn.timeout?.toSeconds() ?? 3;
    if (visibility <= timeout) {
      throw new Error(
        `${this.node.path}: the visibility timeout (${visibility} s) must exceed the timeout of ` +
          `${fn.node.path} (${timeout} s); AWS advises at least six times it.`,
      );
    }
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: options.batchSize ?? 1,
        reportBatchItemFailures: true,
        maxConcurrency: options.maxConcurrency,
      }),
    );
  }
}
