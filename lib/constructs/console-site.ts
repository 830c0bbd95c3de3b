import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardsOf } from './wildcard-acknowledgement.ts';

export interface ConsoleSiteProps {
  /** The built console (`console/dist`): index.html and its hashed assets. */
  readonly assetDir: string;
  /** The management API's base URL (`https://…/v1/`), written to `config.json` for the page. */
  readonly apiUrl: string;
  /** The API's origin (`https://<id>.execute-api.<region>.amazonaws.com`), the only host the page may call (CSP). */
  readonly apiOrigin: string;
  /** Retention of the deployment function's log group (the stack's `logRetentionDays`). */
  readonly logRetention: RetentionDays;
}

/**
 * The Content-Security-Policy of the console: scripts, styles and images from the site itself,
 * requests to the site (config.json) and the API only, no frames, no plugins.
 */
export function consoleContentSecurityPolicy(apiOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The web console: the built bundle in a private S3 bucket (public access blocked, TLS only,
 * encrypted, no website hosting) read by CloudFront through origin access control; viewers are
 * redirected to HTTPS and every answer carries the security headers (a CSP naming only the site
 * and the API). A generated `config.json` beside the bundle tells the page the API's URL, so the
 * bundle holds no deployment value (and never the API key). Outputs `ConsoleUrl`.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  readonly deployment: BucketDeployment;
  /** `https://<distribution>.cloudfront.net`: the origin the API's CORS allows. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
    });

    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Vigil console: CSP allowing only the site and the API, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy(props.apiOrigin), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Vigil web console',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;

    this.deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(props.assetDir), Source.jsonData('config.json', { api_url: props.apiUrl })],
      destinationBucket: this.bucket,
      // index.html and config.json keep their names across deploys: drop CloudFront's copies.
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      memoryLimit: 256,
      // The copy's logs expire like every other log of the stack, and go with it.
      logGroup: new LogGroup(this, 'DeployLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY }),
    });

    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The Vigil web console',
      value: `${this.origin}/`,
    }).overrideLogicalId('ConsoleUrl');

    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public console bundle and config.json (the API URL, no data, no key); CloudFront ' +
        'is its only reader through origin access control, and writes come only from the deployment.',
    });
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Operators open the console from wherever they work; the API key, not geography, guards the data.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves a static bundle with no data; every data request goes to the API, which has its ' +
        'own key, usage plan and optional WAF (apiWaf). A web ACL here would cost money for nothing to protect.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Access logs of a static bundle say nothing the API access logs do not: every use of the console is an API ' +
        'call, logged by API Gateway with its key id.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The console is served on the default cloudfront.net certificate, whose viewer TLS policy CloudFront fixes; ' +
        'a custom domain and certificate (and with them TLSv1.2_2021) are the operator\'s choice.',
    });
    // The deployment's function (a CDK singleton at stack level) copies the bundle into the bucket.
    const stack = Stack.of(this);
    const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler === undefined) throw new Error('the BucketDeployment handler was not found in the stack');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The runtime of the CDK BucketDeployment function is chosen by aws-cdk-lib and moves with its releases.',
    });
    const policy = this.deployment.handlerRole.node.findChild('DefaultPolicy') as Policy;
    acknowledgeWildcardsOf(
      policy,
        'The CDK BucketDeployment function copies the bundle from the CDK asset bucket into the console bucket ' +
        '(object-level actions on those two buckets, granted by aws-cdk-lib) and invalidates the distribution ' +
        '(CloudFront invalidation actions have no resource-level permissions).',
    );
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The CDK BucketDeployment function logs through the AWS managed basic execution role, which grants only CloudWatch Logs writes.',
    });
  }
}
