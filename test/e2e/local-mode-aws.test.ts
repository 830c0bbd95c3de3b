/**
 * Local mode with AWS credentials, every AWS service behind an emulator reached only through
 * `AWS_ENDPOINT_URL_<SERVICE>`: CloudWatch Logs, SES, SNS and SQS in moto_server, Bedrock in an
 * HTTP/2 Converse emulator. Proves the collectors, the judge and the notifications go through
 * the SDK's endpoint resolution. Skipped where moto_server is not installed.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '../../local/app.ts';
import { freePort } from '../../local/dynamo-local.ts';
import { loadLocalConfig } from '../../local/local-config.ts';
import { startBedrockEmulator, type BedrockEmulator } from '../support/bedrock-emulator.ts';
import { setEnvironment, startMoto, type Moto } from '../support/moto.ts';

const SENDER = 'vigil@example.com';
const GROUP = '/vigil/e2e/orders';

describe('local mode with AWS behind emulators', () => {
  let moto: Moto;
  let bedrock: BedrockEmulator;
  let app: LocalApp;
  let restoreEnvironment: () => void;
  let queueUrl: string;
  let sqs: SQSClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-aws-'));

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  beforeAll(async () => {
    moto = await startMoto();
    bedrock = await startBedrockEmulator((payload) => ({
      status: 'alert',
      summary: 'Order placement fails: 12 timeouts against the exchange API.',
      findings: [
        {
          title: 'Exchange API timeouts',
          severity: 'alert',
          label: 'ERRORS',
          evidence: payload.split('\n').filter((line) => line.includes('ERROR order')).slice(0, 1),
          recommendation: 'Check the exchange status and the client timeout.',
        },
      ],
    }));
    restoreEnvironment = setEnvironment({
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.endpoint,
      AWS_ENDPOINT_URL_SES: moto.endpoint,
      AWS_ENDPOINT_URL_SNS: moto.endpoint,
      AWS_ENDPOINT_URL_SQS: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_COST_EXPLORER: moto.endpoint,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint,
    });

    // The monitored account: a log group with 12 ERROR lines among 30.
    const logs = new CloudWatchLogsClient({});
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'web/app/task-1' }));
    const start = Date.now() - 60_000;
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 'web/app/task-1',
        logEvents: Array.from({ length: 30 }, (_, i) => ({
          timestamp: start + i * 1000,
          message: i % 2 === 0 && i < 24 ? `ERROR order ${1000 + i} timeout after 30s` : `INFO order ${1000 + i} filled`,
        })),
      }),
    );
    // The alerting side: a verified sender, the topic and a queue subscribed to alerts only.
    await new SESClient({}).send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
    const sns = new SNSClient({});
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts' }))).TopicArn as string;
    sqs = new SQSClient({});
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts' }))).QueueUrl as string;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { FilterPolicy: JSON.stringify({ status: ['alert'] }) },
      }),
    );

    const config = loadLocalConfig({
      PORT: String(await freePort()),
      VIGIL_DATA_DIR: dataDir,
      VIGIL_AWS: 'on',
      VIGIL_TICK_SECONDS: '3600',
      AWS_REGION: 'us-east-1',
      VIGIL_SENDER_EMAIL: SENDER,
      VIGIL_ALERT_TOPIC_ARN: topicArn,
      // The first run's call (~$0.003) reaches it: later runs are judged by the rules alone.
      VIGIL_MODEL_MONTHLY_BUDGET_USD: '0.002',
    });
    app = await startLocalApp(config, { log: () => undefined });
  });

  afterAll(async () => {
    await app?.stop();
    await bedrock?.stop();
    await moto?.stop();
    restoreEnvironment?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('collects from CloudWatch, asks Bedrock, stores its verdict, usage and cost, and notifies once', async () => {
    expect(app.aws).toBe(true);
    const target = (await call('POST', '/targets', { name: 'emulated', type: 'aws_account', connection_config: { region: 'us-east-1' } })).body;
    const source = (await call('POST', '/log-sources', { target_id: target.id, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: [GROUP] } })).body;
    const test = await call('POST', `/log-sources/${source.id}/test`);
    expect(test.body).toMatchObject({ ok: true, line_count: 30 });
    const monitor = (await call('POST', '/monitors', {
      name: 'orders',
      log_source_id: source.id,
      prompt: 'Look for order timeouts.',
      inputs: [{ label: 'ERRORS', mode: 'filter', filter_pattern: 'ERROR', lookback_minutes: 10 }],
      rules: [{ label: 'ERRORS', pattern: 'ERROR', min_count: 10, severity: 'alert' }],
      window_config: { mode: 'raw' },
      notification_config: { email_recipients: ['ops@example.com', 'oncall@example.com'], sms_numbers: ['+15555550100', '+15555550101'] },
    })).body;

    const first = (await call('POST', `/monitors/${monitor.id}/run-once`)).body;
    await app.queue.idle();
    const run = (await call('GET', `/monitors/${monitor.id}/runs/${first.id}`)).body;

    // The Converse request: system prompt, fenced payload, forced tool.
    const request = bedrock.requests[0];
    expect(request?.path).toBe('/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse');
    expect(request?.body.system.map((s) => s.text).join('\n')).toMatch(/untrusted/i);
    const userText = request?.body.messages[0]?.content.map((c) => c.text).join('\n') ?? '';
    expect(userText).toContain('<logs>');
    expect(userText).toContain('ERROR order 1000 timeout after 30s');
    expect(request?.body.toolConfig.toolChoice).toEqual({ tool: { name: 'report_verdict' } });
    // The run: the emulator's verdict, the rule counted in code, usage and cost, one of each notice.
    expect(run).toMatchObject({
      status: 'alert',
      summary: 'Order placement fails: 12 timeouts against the exchange API.',
      findings: [{ title: 'Exchange API timeouts', evidence: [expect.stringContaining('ERROR order 1000 timeout after 30s')] }],
      rules: [{ count: 12, breached: true }],
      inputs: { ERRORS: { lines: 12, error: null } },
      judge: { kind: 'bedrock', model_id: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', input_tokens: 2110, output_tokens: 180, skipped: null },
    });
    expect(run.judge.estimated_cost_usd).toBeCloseTo(2110 / 1e6 + (180 * 5) / 1e6, 6);
    // The run shows what was sent: the payload in the Converse request, as the judge read it.
    expect(run.payload).toContain('ERROR order 1000 timeout after 30s');
    expect(userText).toContain(run.payload);
    expect(run.notifications.map((n: any) => `${n.channel}:${n.target}:${n.status}`).sort()).toEqual([
      'email:oncall@example.com:sent',
      'email:ops@example.com:sent',
      'sms:+15555550100:sent',
      'sms:+15555550101:sent',
      expect.stringMatching(/^topic:arn:aws:sns:us-east-1:\d+:vigil-alerts:sent$/),
    ]);
    const sent = await moto.data();
    expect(sent.ses.Message.map((m) => m.destinations.ToAddresses).flat().sort()).toEqual(['oncall@example.com', 'ops@example.com']);
    expect(sent.sns.SMS.map((m) => m.phone_number).sort()).toEqual(['+15555550100', '+15555550101']);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(received.Messages).toHaveLength(1);
    const envelope = JSON.parse(received.Messages?.[0]?.Body ?? '{}');
    expect(envelope.MessageAttributes).toMatchObject({
      monitor_id: { Value: monitor.id },
      status: { Value: 'alert' },
      severity: { Value: 'high' },
    });

    // The same alert again inside the cooldown: the verdict is reused and nothing is sent.
    const second = (await call('POST', `/monitors/${monitor.id}/run-once`)).body;
    await app.queue.idle();
    const again = (await call('GET', `/monitors/${monitor.id}/runs/${second.id}`)).body;

    expect(again.status).toBe('alert');
    expect(again.judge.skipped).toBe('unchanged');
    expect(again.notifications.every((n: any) => n.status === 'suppressed' && n.reason === 'cooldown')).toBe(true);
    expect(again.notifications).toHaveLength(5);
    expect((await moto.data()).ses.Message).toHaveLength(2);
    expect(bedrock.requests).toHaveLength(1);

    // New lines, but the month's model budget (VIGIL_MODEL_MONTHLY_BUDGET_USD) is spent: rules only, and it says so.
    await new CloudWatchLogsClient({}).send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 'web/app/task-1',
        logEvents: [{ timestamp: Date.now() - 1000, message: 'ERROR order 2000 timeout after 30s' }],
      }),
    );
    const third = (await call('POST', `/monitors/${monitor.id}/run-once`)).body;
    await app.queue.idle();
    const capped = (await call('GET', `/monitors/${monitor.id}/runs/${third.id}`)).body;

    expect(bedrock.requests).toHaveLength(1);
    expect(capped.status).toBe('alert');
    expect(capped.judge).toMatchObject({ kind: 'rules', model_id: null, estimated_cost_usd: 0, skipped: null, fallback: 'budget_reached' });
    expect(capped.judge.fallback_reason).toMatch(/^the monthly model budget is reached: \$0\.0030 of \$0\.0020 estimated for \d{4}-\d{2} \(UTC\); model calls resume on \d{4}-\d{2}-01/);
    expect(capped.summary).toMatch(/^Rules only, the model was not consulted \(the monthly model budget is reached/);
    expect(run.judge).toMatchObject({ fallback: null, fallback_reason: null });
  });
});
