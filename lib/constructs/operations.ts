import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IAlarmAction, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  HEARTBEAT_METRIC,
  INPUT_TOKENS_METRIC,
  MODEL_COST_METRIC,
  NOTIFICATIONS_METRIC,
  OUTPUT_TOKENS_METRIC,
  RUN_DURATION_METRIC,
  RUNS_METRIC,
  SLOT_LAG_METRIC,
} from '#composition/contract.ts';
import type { QueueWithDlq } from './queue-with-dlq.ts';
import type { VigilFunction } from './vigil-function.ts';

/** An API answer slower than this at p99, three 5-minute periods in a row, alarms. */
export const API_P99_LATENCY_ALARM_MS = 5_000;
/** A run waiting this long in the queue means the runner is not keeping up (or not running). */
export const RUN_QUEUE_AGE_ALARM_SECONDS = 900;
/** Minutes without a scheduler heartbeat before the alarm. */
export const HEARTBEAT_MISSING_MINUTES = 5;

export interface OperationsProps {
  readonly api: RestApi;
  readonly apiFunction: VigilFunction;
  readonly schedulerFunction: VigilFunction;
  readonly runnerFunction: VigilFunction;
  readonly runQueue: QueueWithDlq;
  readonly table: Table;
  /** Where every alarm and its recovery go: the operations topic. */
  readonly alarmAction: IAlarmAction;
  /** Estimated model spend per UTC day above which the cost alarm fires (config `modelDailyCostAlarmUsd`). */
  readonly modelDailyCostAlarmUsd: number;
}

/**
 * Vigil watching itself: alarms to the operations topic for what the function error alarms do
 * not see (API 5xx and p99 latency, the run queue's oldest message, DynamoDB throttling, a
 * scheduler that stopped ticking, model spend per day), and one CloudWatch dashboard of runs,
 * model usage, notifications, the scheduler, the queue and the API. Outputs `DashboardUrl`.
 */
export class Operations extends Construct {
  readonly alarms: Record<string, Alarm> = {};
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { api, runQueue, table, runnerFunction, schedulerFunction } = props;
    const fiveMinutes = Duration.minutes(5);

    const alarm = (alarmId: string, description: string, options: {
      metric: IMetric;
      threshold: number;
      comparison: ComparisonOperator;
      evaluationPeriods?: number;
      missing?: TreatMissingData;
    }) => {
      const periods = options.evaluationPeriods ?? 1;
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric: options.metric,
        threshold: options.threshold,
        comparisonOperator: options.comparison,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(props.alarmAction);
      created.addOkAction(props.alarmAction);
      this.alarms[alarmId] = created;
      return created;
    };

    alarm('ApiServerErrorAlarm', 'The management API answered 5xx: bad input never does, so this is a fault (see the api function\'s logs).', {
      metric: api.metricServerError({ period: fiveMinutes, statistic: Stats.SUM }),
      threshold: 1,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm('ApiLatencyAlarm', `The management API's p99 latency stayed above ${API_P99_LATENCY_ALARM_MS} ms for 15 minutes.`, {
      metric: api.metricLatency({ period: fiveMinutes, statistic: Stats.p(99) }),
      threshold: API_P99_LATENCY_ALARM_MS,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    alarm('RunQueueAgeAlarm', `A run has waited more than ${RUN_QUEUE_AGE_ALARM_SECONDS} s in the run queue for 5 minutes: the runner is not keeping up, throttled, or failing.`, {
      metric: runQueue.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: Stats.MAXIMUM }),
      threshold: RUN_QUEUE_AGE_ALARM_SECONDS,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
    });
    alarm('TableThrottleAlarm', 'DynamoDB throttled reads or writes of the Vigil table (on-demand capacity adapts; repeated throttling delays runs and API calls).', {
      metric: new MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: table.metric('ReadThrottleEvents', { period: fiveMinutes, statistic: Stats.SUM }),
          writes: table.metric('WriteThrottleEvents', { period: fiveMinutes, statistic: Stats.SUM }),
        },
        label: 'Throttle events',
        period: fiveMinutes,
      }),
      threshold: 1,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm('SchedulerHeartbeatAlarm', `No scheduler tick finished for ${HEARTBEAT_MISSING_MINUTES} minutes: scheduled runs are not being enqueued.`, {
      metric: schedulerFunction.customMetric(HEARTBEAT_METRIC, { statistic: Stats.SUM, period: Duration.minutes(1) }),
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: HEARTBEAT_MISSING_MINUTES,
      // No datapoint is the symptom itself.
      missing: TreatMissingData.BREACHING,
    });
    alarm('ModelDailyCostAlarm', `The estimated model spend of one UTC day passed ${props.modelDailyCostAlarmUsd} USD (modelDailyCostAlarmUsd).`, {
      metric: runnerFunction.customMetric(MODEL_COST_METRIC, { statistic: Stats.SUM, period: Duration.days(1) }),
      threshold: props.modelDailyCostAlarmUsd,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const byDimension = (fn: VigilFunction, metricName: string, dimension: string, values: readonly string[], period = fiveMinutes) =>
      values.map((value) => fn.customMetric(metricName, { statistic: Stats.SUM, period, dimensions: { [dimension]: value }, label: value }));
    const perModel = (metricName: string) =>
      new MathExpression({
        expression: `SEARCH('{Vigil,ModelId,service} MetricName="${metricName}" service="${runnerFunction.serviceName}"', 'Sum', 86400)`,
        usingMetrics: {},
        label: metricName,
        period: Duration.days(1),
      });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) => new GraphWidget({ title, left, right, width: 12, height: 6 });
    this.dashboard.addWidgets(new TextWidget({ markdown: '# Vigil\nRuns, model usage, notifications, the scheduler, the run queue and the API. Alarms go to the operations topic.', width: 24, height: 2 }));
    this.dashboard.addWidgets(
      graph('Runs by status', byDimension(runnerFunction, RUNS_METRIC, 'Status', ['ok', 'warn', 'alert', 'error'])),
      graph('Run duration (ms)', [
        runnerFunction.customMetric(RUN_DURATION_METRIC, { statistic: Stats.p(50), period: fiveMinutes, label: 'p50' }),
        runnerFunction.customMetric(RUN_DURATION_METRIC, { statistic: Stats.p(99), period: fiveMinutes, label: 'p99' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Model tokens per day', [perModel(INPUT_TOKENS_METRIC), perModel(OUTPUT_TOKENS_METRIC)]),
      graph('Model cost per day (USD)', [
        runnerFunction.customMetric(MODEL_COST_METRIC, { statistic: Stats.SUM, period: Duration.days(1), label: 'estimated cost' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Notifications by outcome', byDimension(runnerFunction, NOTIFICATIONS_METRIC, 'Outcome', ['sent', 'failed', 'suppressed'])),
      graph(
        'Scheduler: lag (s) and claims',
        [schedulerFunction.customMetric(SLOT_LAG_METRIC, { statistic: Stats.MAXIMUM, period: Duration.minutes(1), label: 'slot lag' })],
        ['ClaimedSlots', 'LostClaims', 'FailedClaims'].map((name) =>
          schedulerFunction.customMetric(name, { statistic: Stats.SUM, period: Duration.minutes(1), label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Run queue',
        [
          runQueue.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: Stats.MAXIMUM, label: 'waiting' }),
          runQueue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: Stats.MAXIMUM, label: 'dead letters' }),
        ],
        [runQueue.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: Stats.MAXIMUM, label: 'oldest (s)' })],
      ),
      graph(
        'API latency (ms) and errors',
        [
          api.metricLatency({ period: fiveMinutes, statistic: Stats.p(50), label: 'p50' }),
          api.metricLatency({ period: fiveMinutes, statistic: Stats.p(99), label: 'p99' }),
        ],
        [
          api.metricClientError({ period: fiveMinutes, statistic: Stats.SUM, label: '4xx' }),
          api.metricServerError({ period: fiveMinutes, statistic: Stats.SUM, label: '5xx' }),
        ],
      ),
    );

    new CfnOutput(this, 'DashboardUrl', {
      description: "Vigil's CloudWatch dashboard",
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`,
    }).overrideLogicalId('DashboardUrl');
  }
}
