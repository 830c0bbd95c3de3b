import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsSourceClients } from '#adapters/aws-source-clients.ts';
import { costExplorerReader } from '#adapters/cost-explorer/cost-explorer-reader.ts';
import type { Target } from '#domain/model/entities.ts';
import { aTarget } from '../../support/builders.ts';

/**
 * These tests go over real HTTP to a local server: aws-sdk-client-mock replaces `send`, so only
 * a real request shows that `AWS_ENDPOINT_URL_<SERVICE>` is honoured and that the SDK's retry
 * strategy runs.
 */
interface Seen {
  target: string;
  body: string;
  authorization: string;
}

type Responder = (seen: Seen, res: ServerResponse) => void;

let server: Server;
let endpoint: string;
const seen: Seen[] = [];
let respond: Responder = (_seen, res) => json(res, 200, {});

function json(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  res.end(JSON.stringify(body));
}

const ENV = [
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_ECS',
  'AWS_ENDPOINT_URL_COST_EXPLORER',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;
const saved = new Map(ENV.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        target: String(req.headers['x-amz-target'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
        authorization: String(req.headers.authorization ?? ''),
      };
      seen.push(entry);
      respond(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const name of ['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', 'AWS_ENDPOINT_URL_ECS', 'AWS_ENDPOINT_URL_COST_EXPLORER', 'AWS_ENDPOINT_URL_STS'] as const) {
    process.env[name] = endpoint;
  }
  process.env.AWS_ACCESS_KEY_ID = 'AKIDRUNNER';
  process.env.AWS_SECRET_ACCESS_KEY = 'runner-secret';
});

afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  seen.length = 0;
  respond = (_seen, res) => json(res, 200, {});
});

const NOW_MS = Date.now();
const filter = (target: Target, clients: AwsSourceClients, deadline = NOW_MS + 60_000) =>
  clients.forTarget(target).logs().filter({
    groups: { kind: 'names', names: ['/ecs/orders'] },
    start: new Date(NOW_MS - 300_000),
    end: new Date(NOW_MS),
    maxLines: 10,
    deadline,
    filterPattern: '',
  });

describe('AwsSourceClients', () => {
  it('sends CloudWatch Logs, ECS and Cost Explorer calls to AWS_ENDPOINT_URL_<SERVICE>', async () => {
    // Prepare
    respond = (request, res) => {
      if (request.target.endsWith('FilterLogEvents')) return json(res, 200, { events: [{ timestamp: NOW_MS - 1000, message: 'hello' }] });
      if (request.target.endsWith('DescribeTaskDefinition')) {
        return json(res, 200, {
          taskDefinition: {
            family: 'orders',
            revision: 3,
            containerDefinitions: [{ name: 'api', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/orders' } } }],
          },
        });
      }
      return json(res, 200, { ResultsByTime: [] });
    };
    const clients = new AwsSourceClients({ defaultRegion: 'eu-west-1', costExplorer: costExplorerReader });
    const target = aTarget();

    // Act
    const read = await filter(target, clients);
    const location = await clients.forTarget(target).containers.locate({ cluster: 'prod', taskFamily: 'orders', containerName: 'api' });
    await clients.costExplorerFor(target).costAndUsage({ start: '2026-10-17', end: '2026-11-22', metric: 'UnblendedCost', groupBy: 'SERVICE' });

    // Assess
    expect(read.lines.map((l) => l.text)).toEqual(['hello']);
    expect(location.logGroup).toBe('/ecs/orders');
    expect(seen.map((s) => s.target)).toEqual([
      'Logs_20140328.FilterLogEvents',
      'AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition',
      'AWSInsightsIndexService.GetCostAndUsage',
    ]);
    expect(seen[0]?.authorization).toContain('/eu-west-1/logs/aws4_request');
    expect(seen[2]?.authorization).toContain('/us-east-1/ce/aws4_request');
    expect(JSON.parse(seen[0]?.body ?? '{}')).toMatchObject({ logGroupName: '/ecs/orders', startFromHead: false });
  });

  it('signs as the assumed role of a cross-account target, in its region', async () => {
    // Prepare
    respond = (request, res) => {
      if (request.target === '') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>' +
            '<AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-token</SessionToken>' +
            `<Expiration>${new Date(NOW_MS + 3_600_000).toISOString()}</Expiration>` +
            '</Credentials></AssumeRoleResult></AssumeRoleResponse>',
        );
        return;
      }
      json(res, 200, { events: [] });
    };
    const clients = new AwsSourceClients({ defaultRegion: 'eu-west-1' });
    const target = aTarget({
      connectionConfig: { region: 'ap-southeast-2', roleArn: 'arn:aws:iam::210987654321:role/VigilRead', externalId: 'ext-123' },
    });

    // Act
    await filter(target, clients);
    await filter(target, clients);

    // Assess
    const assume = seen.filter((s) => s.target === '');
    expect(assume).toHaveLength(1);
    expect(new URLSearchParams(assume[0]?.body)).toEqual(
      new URLSearchParams({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: 'arn:aws:iam::210987654321:role/VigilRead',
        RoleSessionName: 'vigil',
        DurationSeconds: '3600',
        ExternalId: 'ext-123',
      }),
    );
    expect(assume[0]?.authorization).toContain('Credential=AKIDRUNNER/');
    const reads = seen.filter((s) => s.target.endsWith('FilterLogEvents'));
    expect(reads.map((r) => r.authorization.match(/Credential=([^/]+)\/\d+\/([^/]+)\//)?.slice(1))).toEqual([
      ['ASIAASSUMED', 'ap-southeast-2'],
      ['ASIAASSUMED', 'ap-southeast-2'],
    ]);
  });

  it('retries throttling with the SDK strategy, then reports it throttled', async () => {
    // Prepare
    respond = (_request, res) => json(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
    const clients = new AwsSourceClients({ defaultRegion: 'eu-west-1', maxAttempts: 2 });

    // Act
    const read = filter(aTarget(), clients);

    // Assess
    await expect(read).rejects.toThrow('throttled by CloudWatch Logs (logs:FilterLogEvents on log group /ecs/orders) after 2 attempts');
    expect(seen).toHaveLength(2);
  });

  it('aborts a call that outlives the deadline and reports the timeout', async () => {
    // Prepare
    respond = () => undefined;
    const clients = new AwsSourceClients({ defaultRegion: 'eu-west-1' });

    // Act
    const read = filter(aTarget(), clients, Date.now() + 300);

    // Assess
    await expect(read).rejects.toMatchObject({ reason: 'timeout', message: 'timed out after 0s (logs:FilterLogEvents on log group /ecs/orders)' });
  });

  it('builds a client once per region and identity', () => {
    // Prepare
    const clients = new AwsSourceClients({ defaultRegion: 'eu-west-1', costExplorer: costExplorerReader });
    const home = aTarget({ connectionConfig: {} });
    const same = aTarget({ connectionConfig: { region: 'eu-west-1' } });
    const other = aTarget({ connectionConfig: { region: 'us-east-2' } });

    // Act
    const a = clients.forTarget(home);
    const b = clients.forTarget(same);
    const c = clients.forTarget(other);

    // Assess
    expect(a.logs()).toBe(b.logs());
    expect(a.containers).toBe(b.containers);
    expect(a.logs()).not.toBe(c.logs());
    expect(a.logs('us-east-2')).toBe(c.logs());
    expect(clients.costExplorerFor(home)).toBe(clients.costExplorerFor(other));
  });

  it('refuses Cost Explorer where no reader factory was given (functions that never call it do not bundle it)', () => {
    const clients = new AwsSourceClients({ defaultRegion: 'eu-west-1' });

    expect(() => clients.costExplorerFor(aTarget())).toThrow('Cost Explorer is not wired into this function (AwsSourceClients option costExplorer)');
  });
});
