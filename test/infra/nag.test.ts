/**
 * cdk-nag 3 runs as a CDK policy-validation plugin: violations fail `app.synth()` and are written
 * to validation-report.json in the cloud assembly. These tests read that report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestAppOptions, TestApp } from './support.ts';
import { buildTestApp } from './support.ts';

interface Finding {
  rule: string;
  severity: string;
  path: string;
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

const outdirs: string[] = [];

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function appWithNag(options: Omit<TestAppOptions, 'outdir'> = {}): TestApp & { outdir: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'vigil-nag-'));
  outdirs.push(outdir);
  const app = buildTestApp({ ...options, outdir });
  Validations.of(app.app).addPlugins(new AwsSolutionsChecks(app.app));
  return { ...app, outdir };
}

/** Synthesizes `app` as bin/vigil.ts does and returns every unacknowledged finding of any plugin. */
function findings(app: App, outdir: string): Finding[] {
  try {
    app.synth();
  } catch (error) {
    // Violations make synth throw, with or without the report in the message depending on how the
    // app runs; the report file is written either way.
    if (!(error instanceof Error && error.message.includes('A copy of this report can be found in'))) throw error;
  }
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => ({
        rule: violation.ruleName,
        severity: violation.severity,
        path: construct.constructPath,
      })),
    ),
  );
}

/** Every acknowledgement recorded in the tree, as `path: id -> reason`. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

interface Checked {
  readonly findings: Finding[];
  readonly acknowledgements: { path: string; id: string; reason: string }[];
}

function check(options: Omit<TestAppOptions, 'outdir'> = {}): Checked {
  const { app, outdir } = appWithNag(options);
  return { findings: findings(app, outdir), acknowledgements: acknowledgements(app) };
}

describe('AwsSolutionsChecks', () => {
  let defaults: Checked;
  let everyOption: Checked;
  let unknownAccount: Checked;

  beforeAll(() => {
    defaults = check();
    // As `cdk synth` without credentials: the account is a token in every ARN the stacks build.
    unknownAccount = check({ config: { account: undefined } });
    everyOption = check({
      config: {
        senderEmail: 'vigil@example.com',
        defaultModelId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
        allowedModelIds: ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.nova-micro-v1:0'],
        modelPrices: { 'amazon.nova-micro': { inputPerMillion: 0.035, outputPerMillion: 0.14 } },
        allowedLogGroupArns: ['arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/orders', 'arn:aws:logs:eu-west-1:123456789012:log-group:/app/*'],
        assumableRoleArns: [],
        costCollectorHours: 1,
        costSavings: true,
        apiWaf: true,
        apiCloudWatchRole: false,
        apiQuota: { limit: 1000, period: 'DAY' },
        tableDeletionProtection: false,
        tableRemovalPolicy: 'destroy',
        terminationProtection: false,
        alertSubscriptions: {
          emails: ['ops@example.com'],
          smsNumbers: ['+15555550100'],
          httpsEndpoints: ['https://hooks.example.com/vigil'],
        },
      },
    });
  });

  it('finds nothing unacknowledged in the default app', () => {
    expect(defaults.findings).toEqual([]);
  });

  it('finds nothing unacknowledged with every option turned on or off', () => {
    expect(everyOption.findings).toEqual([]);
  });

  it('finds nothing unacknowledged when the account is not known at synth time', () => {
    expect(unknownAccount.findings).toEqual([]);
    expect(unknownAccount.acknowledgements.map(({ id }) => id)).toContain(
      'AwsSolutions-IAM5[Resource::arn:aws:ecs:*:<AWS::AccountId>:service/*]',
    );
  });

  it('still reports a wildcard added next to the acknowledged ones of a policy', () => {
    // Prepare: every model of every Region, in the policy whose per-model wildcards are acknowledged.
    const { app, outdir, stateless } = appWithNag();
    const invokePolicy = stateless.node.findChild('ModelAccess').node.findChild('InvokePolicy') as Policy;
    invokePolicy.addStatements(
      new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:*::foundation-model/*'] }),
    );
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    // Act
    const found = findings(app, outdir);
    quiet.mockRestore();

    // Assess
    expect(found).toEqual([
      {
        rule: 'AwsSolutions-IAM5[Resource::arn:aws:bedrock:*::foundation-model/*]',
        severity: 'error',
        path: 'Vigil-Stateless/ModelAccess/InvokePolicy/Resource',
      },
    ]);
  });

  it('reports what nobody acknowledged, so the two tests above can fail', () => {
    // Prepare: an unencrypted queue without a DLQ, and a wildcard grant in the API function's
    // default policy (where only the separate X-Ray policy's wildcard is acknowledged).
    const { app, outdir, stateless } = appWithNag();
    new Queue(stateless, 'Unsafe', { encryption: QueueEncryption.UNENCRYPTED });
    stateless.apiFunction.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    // Act
    const found = findings(app, outdir);
    quiet.mockRestore();

    // Assess
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: 'AwsSolutions-SQS2', severity: 'error', path: 'Vigil-Stateless/Unsafe/Resource' },
        { rule: 'AwsSolutions-SQS3', severity: 'error', path: 'Vigil-Stateless/Unsafe/Resource' },
        { rule: 'AwsSolutions-SQS4', severity: 'error', path: 'Vigil-Stateless/Unsafe/Resource' },
        {
          rule: 'AwsSolutions-IAM5[Resource::*]',
          severity: 'error',
          path: 'Vigil-Stateless/ApiFunction/Role/DefaultPolicy/Resource',
        },
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it('acknowledges only the reviewed findings, each with its reason', () => {
    const acks = defaults.acknowledgements;
    expect(acks.map(({ path: where, id }) => `${where}: ${id}`).sort()).toEqual([
      'Vigil-Stateless/Api/Api: AwsSolutions-APIG2',
      'Vigil-Stateless/Api/Api: AwsSolutions-APIG3',
      'Vigil-Stateless/Api/Api: AwsSolutions-APIG4',
      'Vigil-Stateless/Api/Api: AwsSolutions-COG4',
      'Vigil-Stateless/Api/CloudWatchRole: AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'Vigil-Stateless/ApiFunction/Function: AwsSolutions-L1',
      'Vigil-Stateless/ApiFunction/TracingPolicy: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/Console/Bucket: AwsSolutions-S1',
      'Vigil-Stateless/Console/Distribution: AwsSolutions-CFR1',
      'Vigil-Stateless/Console/Distribution: AwsSolutions-CFR2',
      'Vigil-Stateless/Console/Distribution: AwsSolutions-CFR3',
      'Vigil-Stateless/Console/Distribution: AwsSolutions-CFR4',
      'Vigil-Stateless/CostCollectorFunction/Function: AwsSolutions-L1',
      'Vigil-Stateless/CostCollectorFunction/TracingPolicy: AwsSolutions-IAM5[Resource::*]',
      // aws-cdk-lib's BucketDeployment function, which copies the console into its bucket.
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Action::s3:Abort*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Action::s3:GetObject*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Action::s3:List*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Resource::<ConsoleBucket86B6957C.Arn>/*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy: AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1/*]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB: AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Vigil-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB: AwsSolutions-L1',
      'Vigil-Stateless/ModelAccess/InvokePolicy: AwsSolutions-IAM5[Resource::arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0]',
      'Vigil-Stateless/MonitoredAccountAccess/AssumeMonitoredRoles: AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/VigilRead*]',
      'Vigil-Stateless/MonitoredAccountAccess/CostExplorerRead: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/MonitoredAccountAccess/LogsAndContainersRead: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/MonitoredAccountAccess/LogsAndContainersRead: AwsSolutions-IAM5[Resource::arn:aws:ecs:*:123456789012:service/*]',
      'Vigil-Stateless/MonitoredAccountAccess/LogsAndContainersRead: AwsSolutions-IAM5[Resource::arn:aws:logs:*:123456789012:log-group:*]',
      'Vigil-Stateless/MonitoredAccountAccess/MetricsRead: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/RunnerFunction/Function: AwsSolutions-L1',
      'Vigil-Stateless/RunnerFunction/Role: AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Vigil-Stateless/RunnerFunction/TracingPolicy: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/SchedulerFunction/Function: AwsSolutions-L1',
      'Vigil-Stateless/SchedulerFunction/TracingPolicy: AwsSolutions-IAM5[Resource::*]',
    ]);
    for (const { reason } of acks) expect(reason.length).toBeGreaterThan(50);
  });

  it('drops the WAF acknowledgement when the WAF is on, and the logging role one without the role', () => {
    const ids = everyOption.acknowledgements.map(({ id }) => id);
    expect(ids).not.toContain('AwsSolutions-APIG3');
    // Only the console's deployment function (aws-cdk-lib's) keeps a managed policy.
    expect(ids.filter((id) => id.startsWith('AwsSolutions-IAM4'))).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    ]);
  });

  it('acknowledges exactly the wildcards of the narrowed resources: one log group pattern, no roles', () => {
    const monitoredAndModels = everyOption.acknowledgements
      .filter(({ path: where }) => /\/(MonitoredAccountAccess|ModelAccess)\//.test(where))
      .map(({ path: where, id }) => `${where}: ${id}`)
      .sort();
    expect(monitoredAndModels).toEqual([
      'Vigil-Stateless/ModelAccess/InvokePolicy: AwsSolutions-IAM5[Resource::arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0]',
      'Vigil-Stateless/MonitoredAccountAccess/CostExplorerRead: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/MonitoredAccountAccess/LogsAndContainersRead: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/MonitoredAccountAccess/LogsAndContainersRead: AwsSolutions-IAM5[Resource::arn:aws:ecs:*:123456789012:service/*]',
      'Vigil-Stateless/MonitoredAccountAccess/LogsAndContainersRead: AwsSolutions-IAM5[Resource::arn:aws:logs:*:123456789012:log-group:*]',
      'Vigil-Stateless/MonitoredAccountAccess/LogsAndContainersRead: AwsSolutions-IAM5[Resource::arn:aws:logs:eu-west-1:123456789012:log-group:/app/*]',
      'Vigil-Stateless/MonitoredAccountAccess/MetricsRead: AwsSolutions-IAM5[Resource::*]',
      'Vigil-Stateless/MonitoredAccountAccess/SavingsRead: AwsSolutions-IAM5[Resource::*]',
    ]);
  });
});
