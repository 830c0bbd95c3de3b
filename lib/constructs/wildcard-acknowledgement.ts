import { Stack, Validations } from 'aws-cdk-lib';
import type { PolicyDocument } from 'aws-cdk-lib/aws-iam';
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
    if ('Fn::GetAtt' in value) return `<${(value['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Sub' in value && typeof value['Fn::Sub'] === 'string') return flatten(value['Fn::Sub']);
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

/**
 * Acknowledges AwsSolutions-IAM5 for every wildcard action and resource `policy` holds now, one
 * finding each: for a policy aws-cdk-lib writes itself (a BucketDeployment's), whose statements
 * are not ours to narrow. A statement added later is still reported.
 */
export function acknowledgeWildcardsOf(policy: IConstruct & { document: PolicyDocument }, reason: string): void {
  const resolved = Stack.of(policy).resolve(policy.document.toJSON()) as { Statement?: Array<{ Action?: unknown; Resource?: unknown }> };
  const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const ids = new Set<string>();
  for (const statement of resolved.Statement ?? []) {
    for (const action of list(statement.Action)) if (typeof action === 'string' && action.includes('*')) ids.add(`AwsSolutions-IAM5[Action::${action}]`);
    for (const resource of list(statement.Resource)) {
      const text = flatten(resource);
      if (text.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${text}]`);
    }
  }
  for (const id of ids) Validations.of(policy).acknowledge({ id, reason });
}
