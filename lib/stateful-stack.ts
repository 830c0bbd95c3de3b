import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { VigilConfig } from './config.ts';
import { AlertTopic } from './constructs/alert-topic.ts';
import { QueueWithDlq } from './constructs/queue-with-dlq.ts';
import { VigilTable } from './constructs/vigil-table.ts';

export interface StatefulStackProps extends StackProps {
  readonly config: VigilConfig;
}

/**
 * What Vigil cannot lose or recreate freely: the table, the run queue with its dead-letter queue
 * and alarm, the alert topic and the operations topic. Deployed apart from the functions so that changing code never
 * puts data at risk; termination protection is on unless the config turns it off.
 */
export class StatefulStack extends Stack {
  readonly table: VigilTable;
  readonly runQueue: QueueWithDlq;
  readonly alertTopic: AlertTopic;
  /** Vigil's own alarms go here, apart from the monitors' alerts. */
  readonly opsTopic: AlertTopic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description: 'Vigil stateful resources: table, run queue, alert and operations topics',
      terminationProtection: config.terminationProtection,
      ...stackProps,
    });

    this.table = new VigilTable(this, 'Table', {
      deletionProtection: config.tableDeletionProtection,
      removalPolicy: config.tableRemovalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.alertTopic = new AlertTopic(this, 'Alerts', { subscriptions: config.alertSubscriptions });
    this.opsTopic = new AlertTopic(this, 'Operations', {
      subscriptions: config.opsSubscriptions,
      displayName: 'Vigil operations',
      acceptAlarms: true,
    });
    this.runQueue = new QueueWithDlq(this, 'RunQueue', {
      purpose: 'monitor runs',
      visibilityTimeout: Duration.seconds(config.runQueueVisibilityTimeoutSeconds),
      alarmAction: this.opsTopic.alarmAction,
    });
    new CfnOutput(this, 'AlertTopicArn', {
      description: "Topic every monitor notice is published to; subscribe your own endpoints",
      value: this.alertTopic.topic.topicArn,
    }).overrideLogicalId('AlertTopicArn');
    new CfnOutput(this, 'OpsTopicArn', {
      description: "Topic of Vigil's own alarms (errors, latency, queue age, throttling, scheduler heartbeat, model cost)",
      value: this.opsTopic.topic.topicArn,
    }).overrideLogicalId('OpsTopicArn');
  }
}
