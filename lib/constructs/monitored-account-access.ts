import { Stack, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { VigilFunction } from './vigil-function.ts';
import { acknowledgeWildcardResources } from './wildcard-acknowledgement.ts';
import { COST_EXPLORER_ACTIONS, LOG_GROUP_READ_ACTIONS, UNSCOPED_READ_ACTIONS } from '../monitored-account-actions.ts';

export { COST_EXPLORER_ACTIONS, LOG_GROUP_READ_ACTIONS, UNSCOPED_READ_ACTIONS };

/** What the API may tell Cost Anomaly Detection when `anomalyFeedback` is on. */
export const ANOMALY_FEEDBACK_ACTIONS = ['ce:ProvideAnomalyFeedback'] as const;

/** CloudWatch metric reads of `metrics` inputs and the source test; neither has a resource type. */
export const METRIC_READ_ACTIONS = ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'] as const;

/** Cost Optimization Hub's recommendations, for cost sources with `include_savings` (config `costSavings`). */
export const SAVINGS_READ_ACTIONS = ['cost-optimization-hub:ListRecommendations'] as const;

export interface MonitoredAccountAccessProps {
  /**
   * Log group ARN patterns the log readers may read (config `allowedLogGroupArns`).
   * @default every log group of this stack's account, in any Region
   */
  readonly logGroupArns?: readonly string[] | null;
  /** Roles of monitored accounts that may be assumed (config `assumableRoleArns`); empty: none. */
  readonly assumableRoleArns: readonly string[];
}

/**
 * Read access to the accounts Vigil monitors: log groups and ECS task definitions for the runner
 * and the API's log-source test, Cost Explorer for the cost collector, and `sts:AssumeRole` for
 * targets in other accounts. Each concern is one policy shared by the roles that need it, so every
 * reader gets exactly the same statements, and the wildcards each policy needs are acknowledged
 * on that policy alone.
 */
export class MonitoredAccountAccess extends Construct {
  private readonly props: MonitoredAccountAccessProps;
  private logsAndContainers?: Policy;
  private costExplorer?: Policy;
  private metrics?: Policy;
  private savings?: Policy;
  private assumeRoles?: Policy;

  constructor(scope: Construct, id: string, props: MonitoredAccountAccessProps) {
    super(scope, id);
    this.props = props;
  }

  /** Lets `fn` read CloudWatch Logs and resolve ECS containers, here or through an assumed role. */
  grantLogRead(fn: VigilFunction): void {
    this.attach(fn, (this.logsAndContainers ??= this.createLogsAndContainersPolicy()));
    this.grantAssumeRoles(fn);
  }

  /** Lets `fn` read Cost Explorer, here or through an assumed role. */
  grantCostRead(fn: VigilFunction): void {
    this.attach(fn, (this.costExplorer ??= this.createCostExplorerPolicy()));
    this.grantAssumeRoles(fn);
  }

  /** `ce:ProvideAnomalyFeedback` in the stack's own account (the `anomalyFeedback` setting). */
  grantAnomalyFeedback(fn: VigilFunction): void {
    this.attach(fn, this.unscopedReadPolicy('CostAnomalyFeedback', ANOMALY_FEEDBACK_ACTIONS,
      'ce:ProvideAnomalyFeedback names an anomaly by the id GetAnomalies returned at run time; anomalies have ' +
        'no ARN a policy could list. It only labels an anomaly YES or NO, and is off unless anomalyFeedback is set.'));
  }

  /** Lets `fn` read CloudWatch metrics, here or through an assumed role. */
  grantMetricRead(fn: VigilFunction): void {
    this.attach(fn, (this.metrics ??= this.unscopedReadPolicy('MetricsRead', METRIC_READ_ACTIONS,
      'cloudwatch:GetMetricData and cloudwatch:ListMetrics support no resource-level permissions (no resource ' +
        'types); metrics inputs name their namespaces and dimensions at run time; both only read.')));
    this.grantAssumeRoles(fn);
  }

  /** Lets `fn` read Cost Optimization Hub's recommendations, here or through an assumed role. */
  grantSavingsRead(fn: VigilFunction): void {
    this.attach(fn, (this.savings ??= this.unscopedReadPolicy('SavingsRead', SAVINGS_READ_ACTIONS,
      'cost-optimization-hub:ListRecommendations supports no resource-level permissions; it only reads the ' +
        "account's savings recommendations, and is granted only with the costSavings setting.")));
    this.grantAssumeRoles(fn);
  }

  private unscopedReadPolicy(id: string, actions: readonly string[], reason: string): Policy {
    const policy = new Policy(this, id, { statements: [new PolicyStatement({ actions: [...actions], resources: ['*'] })] });
    Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
    return policy;
  }

  private grantAssumeRoles(fn: VigilFunction): void {
    if (this.props.assumableRoleArns.length === 0) return;
    this.attach(fn, (this.assumeRoles ??= this.createAssumeRolePolicy()));
  }

  /** The function waits for the policy: its first invocation may already read. */
  private attach(fn: VigilFunction, policy: Policy): void {
    policy.attachToRole(fn.role);
    fn.function.node.addDependency(policy);
  }

  private createLogsAndContainersPolicy(): Policy {
    const stack = Stack.of(this);
    const services = `arn:${stack.partition}:ecs:*:${stack.account}:service/*`;
    // DescribeLogGroups with a name prefix is authorized against the account's log groups as a whole
    // (arn:...:log-group::log-stream:), not the groups it returns: it cannot follow logGroupArns.
    const accountLogGroups = `arn:${stack.partition}:logs:*:${stack.account}:log-group:*`;
    // By default, events of this account's log groups only: other accounts are read through roles.
    const logGroupArns = this.props.logGroupArns ?? [accountLogGroups];
    const policy = new Policy(this, 'LogsAndContainersRead', {
      statements: [
        new PolicyStatement({ actions: [...LOG_GROUP_READ_ACTIONS], resources: [...logGroupArns] }),
        new PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: [accountLogGroups] }),
        new PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [services] }),
        new PolicyStatement({ actions: [...UNSCOPED_READ_ACTIONS], resources: ['*'] }),
      ],
    });
    const chosenGroups =
      'Log groups are chosen at run time by operators, among this account\'s by default; narrow with ' +
      'allowedLogGroupArns (cdk.json context vigil).';
    const describeGroups =
      'logs:DescribeLogGroups expands the log_group_name_prefix of a log source; it returns names and settings, ' +
      'never events, and with a prefix it is authorized against every log group of the account.';
    // One finding per resource: the default list is the account's groups, acknowledged once for both.
    acknowledgeWildcardResources(policy, logGroupArns.filter((arn) => arn !== accountLogGroups), chosenGroups);
    acknowledgeWildcardResources(
      policy,
      [accountLogGroups],
      logGroupArns.includes(accountLogGroups) ? `${describeGroups} ${chosenGroups}` : describeGroups,
    );
    acknowledgeWildcardResources(
      policy,
      [services],
      'ecs:DescribeServices reads the service an operator names in an ecs log source at run time, in any ' +
        'Region of this account; it only returns the service description (the current task definition).',
    );
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'logs:GetQueryResults and logs:StopQuery name a query by its id and support no resource-level ' +
        'permissions, nor does ecs:DescribeTaskDefinition; all three only read.',
    });
    return policy;
  }

  private createCostExplorerPolicy(): Policy {
    const policy = new Policy(this, 'CostExplorerRead', {
      statements: [new PolicyStatement({ actions: [...COST_EXPLORER_ACTIONS], resources: ['*'] })],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ce:GetCostAndUsage and ce:GetCostForecast support no resource-level permissions, and ce:GetAnomalies ' +
        'reads the anomalies of every monitor in the account (Vigil names none); all three only read.',
    });
    return policy;
  }

  private createAssumeRolePolicy(): Policy {
    const roles = [...this.props.assumableRoleArns];
    const policy = new Policy(this, 'AssumeMonitoredRoles', {
      statements: [new PolicyStatement({ actions: ['sts:AssumeRole'], resources: roles })],
    });
    acknowledgeWildcardResources(
      policy,
      roles,
      'Cross-account targets name the role to read through at run time, and each role trusts Vigil in its ' +
        'own trust policy; list the actual roles in assumableRoleArns (cdk.json context vigil) to narrow this.',
    );
    return policy;
  }
}
