import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Schedule } from 'aws-cdk-lib/aws-events';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV, type EnvironmentVariable } from '#composition/contract.ts';

/** The repository root: entries, the lock file and package.json `imports` resolve from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Lambda's Node.js 22 runtime (LTS, supported until Node 22's end of life in April 2027). A new
 * runtime is a deliberate change, not something a CDK upgrade should do behind our back.
 */
export const VIGIL_RUNTIME = Runtime.NODEJS_22_X;

/**
 * Context key that makes esbuild also write `index.meta.json` (its metafile: which input
 * contributes how many bytes) beside each bundle. Only `npm run bench:bundles -- --inputs N` sets
 * it; a deployed asset never carries the file.
 */
export const BUNDLE_METAFILE_CONTEXT = 'vigil:bundleMetafile';

/**
 * The SDK's default credential chain, which the Lambda bundles replace (esbuild's `alias`) with the
 * environment credentials Lambda always sets, the chain's first link
 * (layers/shared/adapters/lambda-credential-provider.ts): the other links' SSO, ini-file,
 * web-identity and metadata code, and the clients they need, stay out of every bundle (~95 KB).
 * The module's path resolves from the working directory of esbuild, the project root.
 */
export const CREDENTIAL_CHAIN_ALIAS = '@aws-sdk/credential-provider-node=./layers/shared/adapters/lambda-credential-provider.ts';

/**
 * The bearer-token providers, which the Lambda bundles replace the same way with
 * `lambda-token-provider.ts`: the Bedrock client's SSO token path (an SSO-OIDC client) is never
 * used by a function that signs with its role.
 */
export const TOKEN_PROVIDER_ALIAS = { package: '@aws-sdk/token-providers', module: './layers/shared/adapters/lambda-token-provider.ts' } as const;

/** Powertools metrics namespace shared by every function. */
export const METRICS_NAMESPACE = 'Vigil';

/**
 * esbuild keeps the `require()` calls of the CommonJS code it inlines (the bundled AWS SDK needs
 * `require('util')`), and an ES module has no `require`: without this line the API bundle fails
 * to load with 'Dynamic require of "util" is not supported'.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __vigilCreateRequire } from 'node:module'; const require = __vigilCreateRequire(import.meta.url);";

export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface ErrorAlarmOptions {
  /** Length of one evaluated period. */
  readonly period: Duration;
  /**
   * Consecutive periods that must each hold at least `threshold` errors.
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * Errors per period that breach.
   * @default 1
   */
  readonly threshold?: number;
  /** Where the alarm and its recovery go, e.g. the alert topic. */
  readonly action: IAlarmAction;
  /** What failing means for this function, said in the alarm description. */
  readonly impact: string;
}

export interface VigilFunctionProps {
  /** The folder under `lambdas/` (kebab-case); also the Powertools service name, `vigil-<name>`. */
  readonly name: string;
  /**
   * The handler file, which exports `handler`.
   * @default `lambdas/<name>/handler.ts`
   */
  readonly entry?: string;
  readonly description: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  readonly logRetention: RetentionDays;
  readonly logLevel: PowertoolsLogLevel;
  /**
   * Settings beyond the Powertools ones, by their contract name; binders (`VigilTable.bind`, ...)
   * add theirs with {@link VigilFunction.setEnvironment}.
   */
  readonly environment?: Partial<Record<EnvironmentVariable, string>>;
}

/**
 * A Lambda function with Vigil's defaults: Node.js 22 on ARM64, active X-Ray tracing, its own log
 * group with retention, and a minified ESM bundle with source maps built by the esbuild in
 * node_modules (never Docker, so synth works offline).
 *
 * The role is created here without `AWSLambdaBasicExecutionRole`: that managed policy may write
 * to every log group in the account, while this function only needs its own.
 */
export class VigilFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** Powertools' `service` dimension on the custom metrics this function publishes. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: VigilFunctionProps) {
    super(scope, id);
    this.serviceName = `vigil-${props.name}`;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      // Function logs are operational, not an audit trail: they go with the function.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Vigil ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry ?? path.join(PROJECT_ROOT, 'lambdas', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: VIGIL_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        [ENV.POWERTOOLS_SERVICE_NAME]: this.serviceName,
        [ENV.POWERTOOLS_METRICS_NAMESPACE]: METRICS_NAMESPACE,
        [ENV.POWERTOOLS_LOG_LEVEL]: props.logLevel,
        [ENV.NODE_OPTIONS]: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        banner: ESM_REQUIRE_BANNER,
        // Prefer the ESM builds of dependencies so esbuild can drop what is not imported.
        mainFields: ['module', 'main'],
        minify: true,
        // No keepNames (it costs ~50 KB of `__name` calls per bundle): every error class states its
        // `name` explicitly, so logs and error mapping still say ValidationError, not `t`.
        keepNames: false,
        sourceMap: true,
        // Stack traces need the mappings, not a second copy of the sources in the bundle.
        sourcesContent: false,
        metafile: this.node.tryGetContext(BUNDLE_METAFILE_CONTEXT) === true,
        // The bundle carries the SDK version we test against instead of the runtime's, which
        // lags behind and may differ between Regions.
        bundleAwsSDK: true,
        forceDockerBundling: false,
        esbuildArgs: { '--alias': CREDENTIAL_CHAIN_ALIAS, [`--alias:${TOKEN_PROVIDER_ALIAS.package}`]: TOKEN_PROVIDER_ALIAS.module },
      },
    });
    this.enableActiveTracing();
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        `Vigil pins ${VIGIL_RUNTIME.name}, an LTS runtime in Lambda's standard support; moving to a newer runtime ` +
        'is a deliberate, tested change rather than a side effect of upgrading the CDK.',
    });
  }

  /** Sets one of the runtime's variables (layers/shared/composition/contract.ts names them all). */
  setEnvironment(name: EnvironmentVariable, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /**
   * Active X-Ray tracing, with its permissions in a policy of their own. `tracing: Tracing.ACTIVE`
   * would put them in the role's default policy, and acknowledging their `Resource: *` there would
   * also hide any later wildcard grant in it.
   */
  private enableActiveTracing(): void {
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    const policy = new Policy(this, 'TracingPolicy', {
      roles: [this.role],
      statements: [
        new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      ],
    });
    // Traces of the first invocations would be rejected if the function came up before the policy.
    this.function.node.addDependency(policy);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /**
   * Invokes the function on an EventBridge schedule (the scheduler tick, the cost collector).
   *
   * @param id construct id of the rule, unique within this function
   * @param schedule for example `Schedule.rate(Duration.minutes(1))`
   * @param maxEventAge how long EventBridge retries a failed invocation; a tick older than the
   *   next one is worthless, so keep it below the schedule's period
   */
  runOnSchedule(id: string, schedule: Schedule, maxEventAge: Duration = Duration.minutes(1)): Rule {
    return new Rule(this, id, {
      description: `Runs the ${this.node.id} function on a schedule`,
      schedule,
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge })],
    });
  }

  /** One of the custom metrics this function publishes (namespace Vigil, its `service` dimension). */
  customMetric(metricName: string, options: { statistic: string; period: Duration; dimensions?: Record<string, string>; label?: string }): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.serviceName, ...options.dimensions },
      statistic: options.statistic,
      period: options.period,
      ...(options.label !== undefined && { label: options.label }),
    });
  }

  /**
   * Alarms when invocations fail (Lambda's `Errors`: exceptions and timeouts) in `evaluationPeriods`
   * consecutive periods, and tells `action` when it fires and when it recovers. No invocations is
   * no news: a missing datapoint does not breach.
   */
  alarmOnErrors(id: string, options: ErrorAlarmOptions): Alarm {
    const threshold = options.threshold ?? 1;
    const evaluationPeriods = options.evaluationPeriods ?? 1;
    const alarm = new Alarm(this, id, {
      alarmDescription:
        `The ${this.node.id} function failed (at least ${threshold} error(s) per ${options.period.toHumanString()}, ` +
        `${evaluationPeriods} period(s) in a row): ${options.impact} Its logs are in ${this.logGroup.logGroupName}.`,
      metric: this.function.metricErrors({ period: options.period, statistic: Stats.SUM }),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(options.action);
    alarm.addOkAction(options.action);
    return alarm;
  }
}
