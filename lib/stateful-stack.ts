import type { StackProps } from 'aws-cdk-lib';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
 * and alarm, and the alert topic. Deployed apart from the functions so that changing code never
 * puts data at risk; termination protection is on unless the config turns it off.
 */
export class StatefulStack extends Stack {
  readonly table: VigilTable;
  readonly runQueue: QueueWithDlq;
  readonly alertTopic: AlertTopic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description: 'Vigil stateful resources: table, run queue, alert topic',
      terminationProtection: config.terminationProtection,
      ...stackProps,
    });

    this.table = new VigilTable(this, 'Table', {
      deletionProtection: config.tableDeletionProtection,
      removalPolicy: config.tableRemovalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.alertTopic = new AlertTopic(this, 'Alerts', { subscriptions: config.alertSubscriptions });
    this.runQueue = new QueueWithDlq(this, 'RunQueue', {
      purpose: 'monitor runs',
      visibilityTimeout: Duration.seconds(config.runQueueVisibilityTimeoutSeconds),
      alarmAction: this.alertTopic.alarmAction,
    });
  }
}
