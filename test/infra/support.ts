/**
 * Builds Vigil's app the way bin/vigil.ts does, with cdk.json's context (feature flags and the
 * `vigil` defaults), for template assertions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CONFIG_CONTEXT_KEY, parseVigilConfig } from '../../lib/config.ts';
import { PROJECT_ROOT } from '../../lib/constructs/vigil-function.ts';
import type { VigilStacks } from '../../lib/vigil-app.ts';
import { addVigilStacks } from '../../lib/vigil-app.ts';

/** cdk.json's `context`, which the CLI hands to the app. */
export const CDK_CONTEXT: Record<string, unknown> & { vigil: Record<string, unknown> } = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

/** A stand-in for the built console, so template tests need no Vite build. */
export const CONSOLE_FIXTURE = path.join(PROJECT_ROOT, 'test', 'infra', 'fixtures', 'console');

/** Pinned so templates do not depend on the machine's AWS settings. */
export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

export interface TestAppOptions {
  /** Replaces keys of cdk.json's `vigil` settings. */
  readonly config?: Record<string, unknown>;
  /** Run esbuild and record asset metadata; off by default, as most tests look at the template only. */
  readonly bundle?: boolean;
  readonly outdir?: string;
}

export interface TestApp extends VigilStacks {
  readonly app: App;
}

/** A new app with both stacks; `aws:cdk:bundling-stacks: []` skips esbuild unless `bundle`. */
export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...CDK_CONTEXT,
      // As the CLI does, so a test can find the bundle through the function's asset metadata.
      ...(options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const config = parseVigilConfig({
    ...CDK_CONTEXT[CONFIG_CONTEXT_KEY],
    ...TEST_ENV,
    ...options.config,
  });
  return { app, ...addVigilStacks(app, config, { consoleAssetDir: CONSOLE_FIXTURE }) };
}

/** Both templates of a new app. */
export function synthTemplates(options: TestAppOptions = {}): { stateful: Template; stateless: Template; app: TestApp } {
  const app = buildTestApp(options);
  return { stateful: Template.fromStack(app.stateful), stateless: Template.fromStack(app.stateless), app };
}

/** One statement of an IAM policy document, as synthesized. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A Lambda function of a template: its logical id, properties and execution role's logical id. */
export interface SynthesizedFunction {
  readonly id: string;
  readonly properties: { Environment: { Variables: Record<string, unknown> } } & Record<string, unknown>;
  readonly role: string;
}

/** The function whose Powertools service is `vigil-<name>` (`api`, `runner`, ...). */
export function functionNamed(template: Template, name: string): SynthesizedFunction {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
    ([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === `vigil-${name}`,
  );
  if (found.length !== 1) throw new Error(`expected one function vigil-${name}, found ${found.length}`);
  const [id, fn] = found[0] as [string, { Properties: SynthesizedFunction['properties'] & { Role: { 'Fn::GetAtt': [string, string] } } }];
  return { id, properties: fn.Properties, role: fn.Properties.Role['Fn::GetAtt'][0] };
}

/** The logical ids of the IAM policies attached to `role`. */
export function policiesOf(template: Template, role: string): string[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })))
    .map(([id]) => id);
}

/** Every statement `role` is granted, across all policies attached to it. */
export function statementsOf(template: Template, role: string): Statement[] {
  const resources = template.toJSON().Resources;
  return policiesOf(template, role).flatMap((id) => resources[id].Properties.PolicyDocument.Statement as Statement[]);
}

/** The actions of `statements`, one per entry. */
export function actionsOf(statements: readonly Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** The statements granting `action`. */
export function granting(statements: readonly Statement[], action: string): Statement[] {
  return statements.filter((s) => actionsOf([s]).includes(action));
}

/** The logical id of the one resource of `type` matching `pattern` (a whole-resource pattern). */
export function onlyKey(template: Template, type: string, pattern?: object): string {
  const keys = Object.keys(template.findResources(type, pattern));
  if (keys.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(pattern)}, found ${keys.length}`);
  return keys[0] as string;
}

/** The stateful stack's outputs for people, beside the ones CDK makes for cross-stack references. */
export const NAMED_OUTPUTS = ['AlertTopicArn', 'OpsTopicArn'];

/** The logical id of the topic with this display name: `Vigil alerts` or `Vigil operations`. */
export function topicNamed(stateful: Template, displayName: 'Vigil alerts' | 'Vigil operations'): string {
  return onlyKey(stateful, 'AWS::SNS::Topic', { Properties: { DisplayName: displayName } });
}

/** The logical id of the KMS key that encrypts the topic. */
export function keyOfTopic(stateful: Template, topic: string): string {
  const master = stateful.toJSON().Resources[topic].Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] };
  return master['Fn::GetAtt'][0];
}

/**
 * How the stateless stack reads `value` of the `stateful` template: `Fn::GetStackOutput` of the
 * output that holds it (weak cross-stack reference).
 */
export function statefulOutput(stateful: Template, value: unknown): unknown {
  const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown }>;
  // The outputs named for people (AlertTopicArn, ...) hold the same values as CDK's references.
  const names = Object.keys(outputs).filter(
    (name) => !NAMED_OUTPUTS.includes(name) && JSON.stringify(outputs[name]?.Value) === JSON.stringify(value),
  );
  if (names.length !== 1) throw new Error(`expected one stateful output of ${JSON.stringify(value)}, found ${names.length}`);
  return { 'Fn::GetStackOutput': { StackName: 'Vigil-Stateful', Region: TEST_ENV.region, OutputName: names[0] } };
}
