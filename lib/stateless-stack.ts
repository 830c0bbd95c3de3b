import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Period } from 'aws-cdk-lib/aws-apigateway';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { DEFAULTS, ENV } from '#composition/contract.ts';
import type { VigilConfig } from './config.ts';
import { AlertChannels } from './constructs/alert-channels.ts';
import { ConsoleSite } from './constructs/console-site.ts';
import type { AlertTopic } from './constructs/alert-topic.ts';
import { ManagementApi } from './constructs/management-api.ts';
import { ModelAccess } from './constructs/model-access.ts';
import { MonitoredAccountAccess } from './constructs/monitored-account-access.ts';
import { Operations } from './constructs/operations.ts';
import type { QueueWithDlq } from './constructs/queue-with-dlq.ts';
import type { VigilFunctionProps } from './constructs/vigil-function.ts';
import { VigilFunction } from './constructs/vigil-function.ts';
import { TABLE_GRANTS, type VigilTable } from './constructs/vigil-table.ts';

/**
 * Seconds of the runner's timeout kept back to save a run's final status after its deadline
 * (the runner's `RUN_MARGIN_SECONDS`).
 */
export const RUN_MARGIN_SECONDS = DEFAULTS.runMarginSeconds;

/** A tick must end before the next one starts (the schedule is one minute). */
export const SCHEDULER_TIMEOUT = Duration.seconds(50);

/** Cost Explorer answers within seconds per source; five minutes leaves room for many sources and retries. */
export const COST_COLLECTOR_TIMEOUT = Duration.minutes(5);

export interface StatelessStackProps extends StackProps {
  readonly config: VigilConfig;
  readonly table: VigilTable;
  readonly runQueue: QueueWithDlq;
  readonly alertTopic: AlertTopic;
  /** Where Vigil's own alarms go. */
  readonly opsTopic: AlertTopic;
  /**
   * The API handler file.
   * @default lambdas/api/handler.ts
   */
  readonly apiEntry?: string;
  /** The built web console (`console/dist`; bin/vigil.ts builds it when missing). */
  readonly consoleAssetDir: string;
}

/**
 * What can be replaced at any time: the functions and the management API, wired to the stateful
 * stack's table, queue and topic through the constructs' binders.
 *
 * - API: the management API; reads monitored accounts for `POST /log-sources/{id}/test`.
 * - Console: the web console on CloudFront, the one origin the API's CORS allows.
 * - Scheduler: every minute, claims due monitors and enqueues their runs.
 * - Runner: consumes the run queue; collects, judges with Bedrock, alerts.
 * - Cost collector: every `costCollectorHours`, snapshots Cost Explorer for cost sources.
 */
export class StatelessStack extends Stack {
  readonly apiFunction: VigilFunction;
  readonly api: ManagementApi;
  readonly consoleSite: ConsoleSite;
  readonly schedulerFunction: VigilFunction;
  readonly runnerFunction: VigilFunction;
  readonly costCollectorFunction: VigilFunction;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    const { config, table, runQueue, alertTopic, opsTopic, apiEntry, consoleAssetDir, ...stackProps } = props;
    super(scope, id, { description: 'Vigil functions and management API', ...stackProps });

    const functionDefaults = { logRetention: config.logRetentionDays, logLevel: config.logLevel };
    const newFunction = (constructId: string, functionProps: Omit<VigilFunctionProps, keyof typeof functionDefaults>) =>
      new VigilFunction(this, constructId, { ...functionDefaults, ...functionProps });
    const monitoredAccounts = new MonitoredAccountAccess(this, 'MonitoredAccountAccess', {
      logGroupArns: config.allowedLogGroupArns,
      assumableRoleArns: config.assumableRoleArns,
    });

    // The console needs the API's URL (config.json, CSP) and the API the console's origin (CORS):
    // the site takes the API's values lazily, resolved once the API below exists.
    this.consoleSite = new ConsoleSite(this, 'Console', {
      assetDir: consoleAssetDir,
      apiUrl: Lazy.string({ produce: () => this.api.api.url }),
      apiOrigin: Lazy.string({ produce: () => `https://${this.api.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}` }),
      logRetention: config.logRetentionDays,
    });

    this.apiFunction = newFunction('ApiFunction', {
      name: 'api',
      entry: apiEntry,
      description: 'Vigil management API',
      environment: {
        [ENV.RUN_RETENTION_DAYS]: String(config.runRetentionDays),
        [ENV.COST_COLLECTOR_HOURS]: String(config.costCollectorHours),
        // The runner may invoke only these (ModelAccess); the API refuses monitors naming others.
        [ENV.ALLOWED_MODEL_IDS]: config.allowedModelIds.join(','),
        [ENV.ANOMALY_FEEDBACK]: config.anomalyFeedback ? 'on' : 'off',
        [ENV.CONSOLE_ORIGIN]: this.consoleSite.origin,
        // A preview collects and judges as the runner does (rules only: no Bedrock grant here).
        [ENV.DEFAULT_MODEL_ID]: config.defaultModelId,
        [ENV.MAX_INPUT_TOKENS]: String(config.maxInputTokens),
        [ENV.COLLECT_CONCURRENCY]: String(config.collectConcurrency),
      },
    });
    table.bind(this.apiFunction, TABLE_GRANTS.api);
    if (config.anomalyFeedback) monitoredAccounts.grantAnomalyFeedback(this.apiFunction);
    runQueue.bindSender(this.apiFunction, ENV.RUN_QUEUE_URL);
    monitoredAccounts.grantLogRead(this.apiFunction);
    monitoredAccounts.grantMetricRead(this.apiFunction);

    this.api = new ManagementApi(this, 'Api', {
      handler: this.apiFunction.function,
      throttle: config.apiThrottle,
      quota: config.apiQuota ? { limit: config.apiQuota.limit, period: Period[config.apiQuota.period] } : undefined,
      accessLogRetention: config.logRetentionDays,
      waf: config.apiWaf,
      cloudWatchRole: config.apiCloudWatchRole,
      corsOrigin: this.consoleSite.origin,
    });

    this.schedulerFunction = newFunction('SchedulerFunction', {
      name: 'scheduler',
      description: 'Vigil scheduler tick: claims due monitors and enqueues their runs',
      timeout: SCHEDULER_TIMEOUT,
      environment: { [ENV.RUN_RETENTION_DAYS]: String(config.runRetentionDays) },
    });
    table.bind(this.schedulerFunction, TABLE_GRANTS.scheduler);
    runQueue.bindSender(this.schedulerFunction, ENV.RUN_QUEUE_URL);
    this.schedulerFunction.runOnSchedule('Tick', Schedule.rate(Duration.minutes(1)));
    // One failed tick is caught up by the next (claims are by slot); two in a row is an outage.
    this.schedulerFunction.alarmOnErrors('ErrorAlarm', {
      period: Duration.minutes(1),
      evaluationPeriods: 2,
      action: opsTopic.alarmAction,
      impact: 'due monitors are not being enqueued, so scheduled runs are late or missing.',
    });

    this.runnerFunction = newFunction('RunnerFunction', {
      name: 'runner',
      description: 'Vigil runner: collects, judges and alerts for one monitor run per message',
      memorySize: 1024,
      timeout: Duration.seconds(config.runnerTimeoutSeconds),
      environment: {
        [ENV.DEFAULT_MODEL_ID]: config.defaultModelId,
        [ENV.RUN_RETENTION_DAYS]: String(config.runRetentionDays),
        [ENV.API_BASE_URL]: this.api.api.url,
        [ENV.COST_COLLECTOR_HOURS]: String(config.costCollectorHours),
        [ENV.RUN_MARGIN_SECONDS]: String(RUN_MARGIN_SECONDS),
        [ENV.MAX_INPUT_TOKENS]: String(config.maxInputTokens),
        [ENV.COLLECT_CONCURRENCY]: String(config.collectConcurrency),
        ...(Object.keys(config.modelPrices).length > 0 && { [ENV.MODEL_PRICES_JSON]: modelPricesJson(config.modelPrices) }),
        ...(config.modelMonthlyBudgetUsd !== null && { [ENV.MODEL_MONTHLY_BUDGET_USD]: String(config.modelMonthlyBudgetUsd) }),
      },
    });
    table.bind(this.runnerFunction, TABLE_GRANTS.runner);
    runQueue.bindConsumer(this.runnerFunction, { batchSize: 1, maxConcurrency: config.runnerMaxConcurrency });
    alertTopic.bindPublisher(this.runnerFunction);
    new AlertChannels(this, 'AlertChannels', { senderEmail: config.senderEmail }).bind(this.runnerFunction);
    new ModelAccess(this, 'ModelAccess', { modelIds: config.allowedModelIds }).grantInvoke(this.runnerFunction);
    monitoredAccounts.grantLogRead(this.runnerFunction);
    monitoredAccounts.grantMetricRead(this.runnerFunction);
    this.runnerFunction.alarmOnErrors('ErrorAlarm', {
      period: Duration.minutes(5),
      action: opsTopic.alarmAction,
      impact: 'monitor runs are retried and may end in the dead-letter queue.',
    });

    this.costCollectorFunction = newFunction('CostCollectorFunction', {
      name: 'cost-collector',
      description: 'Vigil cost collector: snapshots Cost Explorer for cost sources',
      timeout: COST_COLLECTOR_TIMEOUT,
      environment: { [ENV.COST_SAVINGS]: config.costSavings ? 'on' : 'off' },
    });
    table.bind(this.costCollectorFunction, TABLE_GRANTS.costCollector);
    monitoredAccounts.grantCostRead(this.costCollectorFunction);
    // Only when the deployment asks for it: CDK cannot see which sources set include_savings.
    if (config.costSavings) monitoredAccounts.grantSavingsRead(this.costCollectorFunction);
    // A late snapshot is still worth taking, as long as it comes before the next one.
    this.costCollectorFunction.runOnSchedule('Schedule', Schedule.rate(Duration.hours(config.costCollectorHours)), Duration.minutes(30));
    this.costCollectorFunction.alarmOnErrors('ErrorAlarm', {
      period: Duration.minutes(5),
      action: opsTopic.alarmAction,
      impact: 'no cost snapshot was taken, so cost monitors keep judging the previous one.',
    });
    this.apiFunction.alarmOnErrors('ErrorAlarm', {
      period: Duration.minutes(5),
      action: opsTopic.alarmAction,
      impact: 'management API calls failed with a 5xx.',
    });

    this.operations = new Operations(this, 'Operations', {
      api: this.api.api,
      apiFunction: this.apiFunction,
      schedulerFunction: this.schedulerFunction,
      runnerFunction: this.runnerFunction,
      runQueue,
      table: table.table,
      alarmAction: opsTopic.alarmAction,
      modelDailyCostAlarmUsd: config.modelDailyCostAlarmUsd,
    });

    // The roles a monitored account's role trusts (vigil trust-policy prints that policy).
    const roleOutputs = { RunnerRoleArn: this.runnerFunction, ApiRoleArn: this.apiFunction, CostCollectorRoleArn: this.costCollectorFunction };
    for (const [name, fn] of Object.entries(roleOutputs)) {
      new CfnOutput(this, name, { description: `Execution role of the ${fn.node.id}; trust it in monitored accounts`, value: fn.role.roleArn }).overrideLogicalId(name);
    }
  }
}

/**
 * `modelPrices` as the runner's `MODEL_PRICES_JSON`: the shape `parsePriceOverrides` reads
 * (`{"<model>": {"input": .., "output": .., "regionalPremium"?: ..}}`, USD per million tokens).
 */
export function modelPricesJson(prices: VigilConfig['modelPrices']): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(prices).map(([model, price]) => [
        model,
        {
          input: price.inputPerMillion,
          output: price.outputPerMillion,
          ...(price.regionalPremium !== undefined && { regionalPremium: price.regionalPremium }),
        },
      ]),
    ),
  );
}
