import { Stack } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { parseModelId } from '#domain/judge/prices.ts';
import type { VigilFunction } from './vigil-function.ts';
import { acknowledgeWildcardResources } from './wildcard-acknowledgement.ts';

/** Where the ARNs are built: the deployment's partition, Region and account (tokens or literals). */
export interface ArnEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** The resources `bedrock:InvokeModel` needs for a set of model and inference profile ids. */
export interface ModelInvokeResources {
  /** Inference profiles (in this Region) and in-Region foundation models: allowed outright. */
  readonly direct: string[];
  /** Foundation models the profiles route to: allowed only through `profiles`. */
  readonly routed: string[];
  /** The inference profile ARNs among `direct`. */
  readonly profiles: string[];
}

/**
 * Maps model ids to ARNs, following AWS's IAM guidance for inference profiles
 * (docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html):
 *
 * - a plain model id (`anthropic.claude-3-haiku-20240307-v1:0`): the foundation model in this Region;
 * - a profile id (`eu.anthropic...`, `global.anthropic...`): the profile in this Region, plus the
 *   foundation model in every Region it may route to (`arn:...:bedrock:*::foundation-model/<model>`);
 *   a `global.` profile is also authorized against the Region-less
 *   `arn:...:bedrock:::foundation-model/<model>`, which AWS's example lists explicitly.
 *
 * A profile is recognised as the pricing code does ({@link parseModelId}): a dotted prefix before
 * `provider.model`.
 */
export function modelInvokeResources(modelIds: readonly string[], env: ArnEnvironment): ModelInvokeResources {
  const bedrock = `arn:${env.partition}:bedrock`;
  const profiles = new Set<string>();
  const inRegion = new Set<string>();
  const routed = new Set<string>();
  for (const modelId of modelIds) {
    const { baseModelId, profilePrefix } = parseModelId(modelId);
    if (profilePrefix === null) {
      inRegion.add(`${bedrock}:${env.region}::foundation-model/${baseModelId}`);
      continue;
    }
    profiles.add(`${bedrock}:${env.region}:${env.account}:inference-profile/${modelId}`);
    routed.add(`${bedrock}:*::foundation-model/${baseModelId}`);
    if (profilePrefix === 'global') routed.add(`${bedrock}:::foundation-model/${baseModelId}`);
  }
  return { direct: [...profiles, ...inRegion], routed: [...routed], profiles: [...profiles] };
}

export interface ModelAccessProps {
  /** Model and inference profile ids (config `allowedModelIds`). */
  readonly modelIds: readonly string[];
}

/**
 * Permission to call Bedrock Converse on the configured models only. Converse is authorized as
 * `bedrock:InvokeModel`; streaming is not used, so InvokeModelWithResponseStream is not granted.
 */
export class ModelAccess extends Construct {
  readonly resources: ModelInvokeResources;
  private policy?: Policy;

  constructor(scope: Construct, id: string, props: ModelAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.resources = modelInvokeResources(props.modelIds, {
      partition: stack.partition,
      region: stack.region,
      account: stack.account,
    });
  }

  /** Lets `fn` invoke the models; the function waits for the policy so its first run may call Bedrock. */
  grantInvoke(fn: VigilFunction): void {
    const policy = (this.policy ??= this.createPolicy());
    policy.attachToRole(fn.role);
    fn.function.node.addDependency(policy);
  }

  private createPolicy(): Policy {
    const { direct, routed, profiles } = this.resources;
    const policy = new Policy(this, 'InvokePolicy', {
      statements: [new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: direct })],
    });
    if (routed.length > 0) {
      policy.addStatements(
        new PolicyStatement({
          actions: ['bedrock:InvokeModel'],
          resources: routed,
          conditions: { StringLike: { 'bedrock:InferenceProfileArn': profiles } },
        }),
      );
      acknowledgeWildcardResources(
        policy,
        routed,
        'A cross-Region inference profile serves a request from the foundation model in any Region of its ' +
          'geography (every commercial Region for global. profiles), and IAM checks the model in the Region that ' +
          'serves it. The statement names the configured models only and applies only through the configured ' +
          'profiles (bedrock:InferenceProfileArn condition).',
      );
    }
    return policy;
  }
}
