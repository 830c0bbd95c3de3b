import { COST_EXPLORER_ACTIONS, LOG_GROUP_READ_ACTIONS, UNSCOPED_READ_ACTIONS } from '../lib/monitored-account-actions.ts';
import { UsageError, type StackOutputs } from './connection.ts';

/** The outputs naming the roles a monitored account's role must trust. */
export const TRUSTED_ROLE_OUTPUTS = ['RunnerRoleArn', 'ApiRoleArn', 'CostCollectorRoleArn'] as const;

export interface TrustPolicyDocuments {
  /** The trust policy of the role to create in the monitored account. */
  trust_policy: object;
  /** Its permission policy: what Vigil reads there. */
  permission_policy: object;
}

/**
 * The IAM policies of the role a monitored account creates for Vigil: trust for Vigil's runner
 * (runs), API (a log source's test read) and cost collector roles, with the external id when one
 * is given; read-only permissions on that account's logs, ECS task definitions and Cost Explorer,
 * the same actions as Vigil's own policies (lib/monitored-account-actions.ts).
 */
export function trustPolicyDocuments(outputs: StackOutputs, account: string, externalId?: string): TrustPolicyDocuments {
  if (!/^\d{12}$/.test(account)) throw new UsageError(`--account must be a 12-digit AWS account id, got "${account}"`);
  const missing = TRUSTED_ROLE_OUTPUTS.filter((key) => !outputs[key]);
  if (missing.length > 0) throw new UsageError(`the CDK outputs file has no ${missing.join(', ')}: deploy this version of Vigil with --outputs-file`);
  const roles = TRUSTED_ROLE_OUTPUTS.map((key) => outputs[key] as string);
  const partition = /^arn:([^:]+):/.exec(roles[0] as string)?.[1] ?? 'aws';
  return {
    trust_policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'VigilReadsThisAccount',
          Effect: 'Allow',
          Principal: { AWS: roles },
          Action: 'sts:AssumeRole',
          ...(externalId !== undefined && { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
        },
      ],
    },
    permission_policy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadLogGroups', Effect: 'Allow', Action: [...LOG_GROUP_READ_ACTIONS, 'logs:DescribeLogGroups'], Resource: `arn:${partition}:logs:*:${account}:log-group:*` },
        { Sid: 'DescribeEcsServices', Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: `arn:${partition}:ecs:*:${account}:service/*` },
        { Sid: 'ReadWithoutResourceTypes', Effect: 'Allow', Action: [...UNSCOPED_READ_ACTIONS], Resource: '*' },
        { Sid: 'ReadCosts', Effect: 'Allow', Action: [...COST_EXPLORER_ACTIONS], Resource: '*' },
      ],
    },
  };
}
