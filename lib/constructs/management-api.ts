import { CfnOutput, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IApiKey, Period, UsagePlan } from 'aws-cdk-lib/aws-apigateway';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKeySourceType,
  CfnAccount,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_BODY_BYTES } from '#composition/contract.ts';

/** The largest request body the API accepts (docs/api.md); the handler answers 413 above it. */
export { MAX_BODY_BYTES };

/**
 * Matches a `Content-Length` above MAX_BODY_BYTES (262144): seven or more digits, or six digits
 * above 262144, leading zeros allowed. A numeric comparison written as a regex because WAF only
 * measures the bytes it inspects (16 KB of the body by default), so a body size rule cannot see a
 * 256 KiB limit, while the declared length is exact.
 */
export const OVERSIZED_CONTENT_LENGTH_REGEX =
  '^0*([1-9][0-9]{6,}|[3-9][0-9]{5}|2[7-9][0-9]{4}|26[3-9][0-9]{3}|262[2-9][0-9]{2}|2621[5-9][0-9]|26214[5-9])$';

/** The stage in the API's URL: `https://<id>.execute-api.<region>.amazonaws.com/v1/`. */
export const API_STAGE_NAME = 'v1';

export interface ManagementApiProps {
  /** The API function: receives every path and method (Lambda proxy integration). */
  readonly handler: IFunction;
  /** Per API key. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Requests per key per period. @default no quota */
  readonly quota?: { readonly limit: number; readonly period: Period };
  readonly accessLogRetention: RetentionDays;
  /** Associate a WAF web ACL (size limit + AWS common rule set). */
  readonly waf: boolean;
  /** Create API Gateway's account-wide CloudWatch Logs role (needed once per account and Region). */
  readonly cloudWatchRole: boolean;
  /**
   * The one browser origin allowed to call the API (the web console's): answered preflights
   * (`OPTIONS`, no key) and API Gateway's own error answers carry it. The function adds it to its
   * answers (`CONSOLE_ORIGIN`).
   * @default no CORS: browsers on other origins cannot read the answers
   */
  readonly corsOrigin?: string;
}

function wafVisibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

/**
 * The management API: a regional REST API whose root and `{proxy+}` (any method) go to the API
 * function, every method requiring an API key, one usage plan throttling the key, JSON access
 * logs, ERROR-level execution logs, detailed metrics and X-Ray. Outputs `ApiUrl`, `ApiKeyId` and
 * `ApiKeyCommand` (prints the key's value; the value never appears in the template).
 */
export class ManagementApi extends Construct {
  readonly api: RestApi;
  readonly apiKey: IApiKey;
  readonly usagePlan: UsagePlan;
  readonly accessLogGroup: LogGroup;
  readonly webAcl?: CfnWebACL;

  constructor(scope: Construct, id: string, props: ManagementApiProps) {
    super(scope, id);

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention,
      // Who called the API, and when, outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new RestApi(this, 'Api', {
      description: 'Vigil management API',
      endpointTypes: [EndpointType.REGIONAL],
      apiKeySourceType: ApiKeySourceType.HEADER,
      defaultMethodOptions: { apiKeyRequired: true },
      ...(props.corsOrigin !== undefined && {
        defaultCorsPreflightOptions: {
          allowOrigins: [props.corsOrigin],
          allowHeaders: ['Content-Type', 'X-Api-Key'],
          allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
          maxAge: Duration.hours(1),
        },
      }),
      cloudWatchRole: false,
      deployOptions: {
        stageName: API_STAGE_NAME,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            sourceIp: AccessLogField.contextIdentitySourceIp(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
            apiKeyId: AccessLogField.contextIdentityApiKeyId(),
            httpMethod: AccessLogField.contextHttpMethod(),
            path: AccessLogField.contextPath(),
            resourcePath: AccessLogField.contextResourcePath(),
            protocol: AccessLogField.contextProtocol(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            responseLatency: AccessLogField.contextResponseLatency(),
            integrationStatus: AccessLogField.contextIntegrationStatus(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            errorMessage: AccessLogField.contextErrorMessage(),
            wafResponseCode: AccessLogField.contextWafResponseCode(),
            xrayTraceId: AccessLogField.contextXrayTraceId(),
          }),
        ),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Bodies may hold log excerpts and prompts: never copy them into execution logs.
        dataTraceEnabled: false,
        // Detailed (per-method) metrics are billed and add nothing over the free API-level ones
        // here: every route is the one {proxy+} method.
        metricsEnabled: false,
        tracingEnabled: true,
      },
    });
    // RestApi always adds an `Endpoint` output; ApiUrl below is the one operators use.
    this.api.node.tryRemoveChild('Endpoint');

    // Errors API Gateway answers itself (a missing or wrong key, throttling, a Lambda timeout)
    // take the API's error shape too: {"error": {"code", "message", "details"}}.
    const errorBody = (code: string) =>
      `{"error": {"code": "${code}", "message": $context.error.messageString, "details": []}}`;
    for (const [id, type, code] of [
      ['Default4xx', ResponseType.DEFAULT_4XX, '$context.error.responseType.toLowerCase()'],
      ['Default5xx', ResponseType.DEFAULT_5XX, 'internal_error'],
      ['Forbidden', ResponseType.INVALID_API_KEY, 'forbidden'],
      ['Throttled', ResponseType.THROTTLED, 'throttled'],
      ['QuotaExceeded', ResponseType.QUOTA_EXCEEDED, 'quota_exceeded'],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        templates: { 'application/json': errorBody(code) },
        // So the console can read a refused key or a throttle (the function's answers carry it too).
        ...(props.corsOrigin !== undefined && {
          responseHeaders: { 'Access-Control-Allow-Origin': `'${props.corsOrigin}'`, Vary: "'Origin'" },
        }),
      });
    }

    const integration = new LambdaIntegration(props.handler, { allowTestInvoke: false });
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ defaultIntegration: integration, anyMethod: true });

    this.apiKey = this.api.addApiKey('ApiKey', { description: 'Vigil operators' });
    this.usagePlan = this.api.addUsagePlan('UsagePlan', {
      description: 'Throttles the Vigil API key',
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      quota: props.quota,
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    this.usagePlan.addApiKey(this.apiKey);

    if (props.cloudWatchRole) this.addCloudWatchRole();
    if (props.waf) this.webAcl = this.addWebAcl();
    this.acknowledgeFindings(props.waf);

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the Vigil management API',
      value: this.api.url,
    }).overrideLogicalId('ApiUrl');
    new CfnOutput(this, 'ApiKeyId', {
      description: 'Id of the API key; send its value in the x-api-key header',
      value: this.apiKey.keyId,
    }).overrideLogicalId('ApiKeyId');
    new CfnOutput(this, 'ApiKeyCommand', {
      description: 'Prints the API key value',
      value: Fn.join('', [
        'aws apigateway get-api-key --api-key ',
        this.apiKey.keyId,
        ' --include-value --query value --output text',
      ]),
    }).overrideLogicalId('ApiKeyCommand');
  }

  /**
   * API Gateway writes access and execution logs with one role set per account and Region; a
   * stage with logging fails to deploy until it is set. Retained on delete: other APIs in the
   * account rely on the same setting.
   */
  private addCloudWatchRole(): void {
    const role = new Role(this, 'CloudWatchRole', {
      description: 'Lets API Gateway write API logs to CloudWatch Logs (account-wide setting)',
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.api.deploymentStage.node.addDependency(account);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-wide API Gateway logging role must create and write the execution log groups of every API in ' +
        'the Region; AWS maintains this managed policy for exactly that role.',
    });
  }

  private addWebAcl(): CfnWebACL {
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Vigil management API: request size limit and AWS common rule set',
      defaultAction: { allow: {} },
      visibilityConfig: wafVisibility('VigilApi'),
      customResponseBodies: {
        PayloadTooLarge: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: { code: 'payload_too_large', message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes.` },
          }),
        },
      },
      rules: [
        {
          name: 'BodySizeLimit',
          priority: 0,
          statement: {
            regexMatchStatement: {
              fieldToMatch: { singleHeader: { Name: 'content-length' } },
              regexString: OVERSIZED_CONTENT_LENGTH_REGEX,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'PayloadTooLarge' } } },
          visibilityConfig: wafVisibility('VigilApiBodySizeLimit'),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 1,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // The set blocks bodies over 8 KB; ours may reach 256 KiB (BodySizeLimit enforces it).
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: wafVisibility('VigilApiCommonRuleSet'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }

  private acknowledgeFindings(waf: boolean): void {
    const validations = Validations.of(this.api);
    validations.acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The API function validates every request against the API contract and answers 400 with the path of each ' +
        'bad field; API Gateway models would duplicate that schema and answer in a different error shape.',
    });
    validations.acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Access is by API key on every method (x-api-key, usage plan): Vigil is operated by a few people from the ' +
        'command line, and the design has no user directory for IAM or Cognito authorization.',
    });
    validations.acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'No Cognito user pool: the API is operated with an API key, see AwsSolutions-APIG4.',
    });
    if (!waf) {
      validations.acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'WAF is off by default because it costs money (a web ACL and its rules, about 10 USD a month, plus ' +
          'requests); the key and usage plan throttle callers and the function rejects bodies over 256 KiB. ' +
          'Set context vigil.apiWaf=true to add it.',
      });
    }
  }
}
