import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { onlyKey, synthTemplates, TEST_ENV } from './support.ts';

// The web console in AWS: a private bucket, CloudFront with origin access control, security
// headers, a generated config.json, and the API's CORS allowing that one origin.
let stateless: Template;
let bucket: string;
let distribution: string;
let api: string;
const consoleOrigin = () => ({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] });

beforeAll(() => {
  stateless = synthTemplates().stateless;
  bucket = onlyKey(stateless, 'AWS::S3::Bucket');
  distribution = onlyKey(stateless, 'AWS::CloudFront::Distribution');
  api = onlyKey(stateless, 'AWS::ApiGateway::RestApi');
});

describe('the console bucket', () => {
  it('is private, encrypted, owner-enforced and no website', () => {
    const { Properties: properties } = stateless.toJSON().Resources[bucket];
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(properties.WebsiteConfiguration).toBeUndefined();
  });

  it('refuses requests without TLS and lets only this distribution read, through CloudFront', () => {
    const policy = Object.values(stateless.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucket } } }));
    expect(policy).toHaveLength(1);
    const statements = policy[0]?.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distribution }]],
            },
          },
        },
      },
    ]);
  });
});

describe('the console distribution', () => {
  it('reads the bucket through origin access control, redirects to HTTPS and serves index.html at /', () => {
    const config = stateless.toJSON().Resources[distribution].Properties.DistributionConfig;
    const oac = onlyKey(stateless, 'AWS::CloudFront::OriginAccessControl');
    expect(config).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        Compress: true,
        ResponseHeadersPolicyId: { Ref: onlyKey(stateless, 'AWS::CloudFront::ResponseHeadersPolicy') },
      },
      Origins: [
        {
          DomainName: { 'Fn::GetAtt': [bucket, 'RegionalDomainName'] },
          OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] },
          S3OriginConfig: { OriginAccessIdentity: '' },
        },
      ],
    });
    expect(config.Origins).toHaveLength(1);
    stateless.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    stateless.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('sends security headers, with a CSP that allows only the site and the API', () => {
    const policy = stateless.toJSON().Resources[onlyKey(stateless, 'AWS::CloudFront::ResponseHeadersPolicy')].Properties.ResponseHeadersPolicyConfig;
    expect(policy.SecurityHeadersConfig).toEqual({
      ContentSecurityPolicy: {
        Override: true,
        ContentSecurityPolicy: {
          'Fn::Join': [
            '',
            [
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' https://",
              { Ref: api },
              `.execute-api.${TEST_ENV.region}.`,
              { Ref: 'AWS::URLSuffix' },
              "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ],
          ],
        },
      },
      StrictTransportSecurity: { Override: true, AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { Override: true, FrameOption: 'DENY' },
      ReferrerPolicy: { Override: true, ReferrerPolicy: 'no-referrer' },
    });
  });

  it('is published with a config.json naming the API URL, and outputs ConsoleUrl', () => {
    const deployment = Object.values(stateless.findResources('Custom::CDKBucketDeployment'));
    expect(deployment).toHaveLength(1);
    const properties = deployment[0]?.Properties;
    expect(properties).toMatchObject({
      DestinationBucketName: { Ref: bucket },
      DistributionId: { Ref: distribution },
      DistributionPaths: ['/index.html', '/config.json'],
      Prune: true,
    });
    // Two sources: the built bundle, and config.json whose api_url marker is the stage URL.
    expect(properties.SourceObjectKeys).toHaveLength(2);
    const markers = properties.SourceMarkers as Array<Record<string, unknown>>;
    expect(markers[0]).toEqual({});
    expect(JSON.stringify(Object.values(markers[1] ?? {}))).toContain(`.execute-api.${TEST_ENV.region}.`);
    expect(stateless.toJSON().Outputs.ConsoleUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] });
  });
});

describe("the API's CORS", () => {
  it('answers preflights on the root and every path, without a key, for the console origin alone', () => {
    const preflights = Object.values(stateless.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }));
    expect(preflights).toHaveLength(2);
    for (const method of preflights) {
      expect(method.Properties).toMatchObject({ ApiKeyRequired: false, AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
      const headers = method.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers).toEqual({
        'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Api-Key'",
        'method.response.header.Access-Control-Allow-Origin': { 'Fn::Join': ['', ["'https://", { 'Fn::GetAtt': [distribution, 'DomainName'] }, "'"]] },
        'method.response.header.Vary': "'Origin'",
        'method.response.header.Access-Control-Allow-Methods': "'GET,POST,PUT,DELETE'",
        'method.response.header.Access-Control-Max-Age': "'3600'",
      });
    }
  });

  it("puts the console origin on API Gateway's own error answers", () => {
    const responses = Object.values(stateless.findResources('AWS::ApiGateway::GatewayResponse'));
    expect(responses).toHaveLength(5);
    for (const response of responses) {
      expect(response.Properties.ResponseParameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': { 'Fn::Join': ['', ["'https://", { 'Fn::GetAtt': [distribution, 'DomainName'] }, "'"]] },
        'gatewayresponse.header.Vary': "'Origin'",
      });
    }
  });

  it('tells the API function the console origin, the one its answers allow', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'vigil-api', CONSOLE_ORIGIN: consoleOrigin() }) },
    });
  });
});
