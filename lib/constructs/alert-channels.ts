import { Stack } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '#composition/contract.ts';
import type { VigilFunction } from './vigil-function.ts';

/** SES v1 actions the email sender may use: SendEmail today, SendRawEmail for attachments. */
export const SES_SEND_ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail'] as const;

export interface AlertChannelsProps {
  /** The verified SES sender (config `senderEmail`); null: no email, and no SES permission. */
  readonly senderEmail: string | null;
}

/**
 * What notifying people directly needs, beyond the alert topic (AlertTopic.bindPublisher):
 * email through SES from the sender identity, and SMS through SNS to monitors' phone numbers.
 */
export class AlertChannels extends Construct {
  private readonly senderEmail: string | null;
  private policy?: Policy;

  constructor(scope: Construct, id: string, props: AlertChannelsProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
  }

  /**
   * The SES identities a send from the sender is authorized against: the address, and its domain
   * for when the domain rather than the address is verified.
   */
  private senderIdentityArns(): string[] {
    if (this.senderEmail === null) return [];
    const stack = Stack.of(this);
    const identity = (name: string) => `arn:${stack.partition}:ses:${stack.region}:${stack.account}:identity/${name}`;
    const domain = this.senderEmail.slice(this.senderEmail.lastIndexOf('@') + 1);
    return [identity(this.senderEmail), identity(domain)];
  }

  /** Lets `fn` send email and SMS, and sets `SENDER_EMAIL` when there is a sender. */
  bind(fn: VigilFunction): void {
    if (this.senderEmail !== null) fn.setEnvironment(ENV.SENDER_EMAIL, this.senderEmail);
    const policy = (this.policy ??= this.createPolicy());
    policy.attachToRole(fn.role);
    fn.function.node.addDependency(policy);
  }

  private createPolicy(): Policy {
    const stack = Stack.of(this);
    const policy = new Policy(this, 'SendPolicy', {
      statements: [
        // SNS has neither a resource type nor a condition key for phone numbers: an SMS publish is
        // authorized against "*". NotResource on every SNS ARN allows exactly what is not a topic
        // (or platform endpoint), so this statement cannot publish to any topic; the alert topic
        // has its own grant (AlertTopic.bindPublisher). A Deny would not do: no pattern excludes
        // only our topic while leaving "*" alone, so a Deny with NotResource [our topic] also
        // refuses every SMS, and one with NotResource [every SNS ARN] refuses only SMS.
        new PolicyStatement({ sid: 'SmsToPhoneNumbersOnly', actions: ['sns:Publish'], notResources: [snsArnsOf(stack.partition)] }),
      ],
    });
    const identities = this.senderIdentityArns();
    if (identities.length > 0) {
      policy.addStatements(new PolicyStatement({ sid: 'EmailFromSender', actions: [...SES_SEND_ACTIONS], resources: identities }));
    }
    return policy;
  }
}

/** Every SNS ARN (topics, platform applications and endpoints) of a partition. */
export function snsArnsOf(partition: string): string {
  return `arn:${partition}:sns:*:*:*`;
}
