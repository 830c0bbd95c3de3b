import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A resolved CloudFormation value as cdk-nag prints it in a finding id (`<AWS::Partition>`). */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    if ('Fn::Join' in value) {
      const [delimiter, parts] = value['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(delimiter);
    }
    if ('Ref' in value) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(value);
}

/**
 * The id under which cdk-nag's AwsSolutions-IAM5 reports a wildcard `resource` of a policy in
 * `scope`'s stack. It depends on the environment (`arn:aws:...` with a known Region,
 * `arn:<AWS::Partition>:...` without), so it is computed rather than written out.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

/**
 * Acknowledges AwsSolutions-IAM5 for each of `resources` that holds a wildcard, on `policy` only:
 * one finding per resource, so a wildcard added to the same policy later is still reported.
 */
export function acknowledgeWildcardResources(policy: IConstruct, resources: readonly string[], reason: string): void {
  for (const resource of resources.filter((r) => r.includes('*'))) {
    Validations.of(policy).acknowledge({ id: wildcardResourceFinding(policy, resource), reason });
  }
}
