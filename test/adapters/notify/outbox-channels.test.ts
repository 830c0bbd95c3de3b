import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxChannels } from '#adapters/files/outbox-channels.ts';
import { notifyRun } from '#domain/notify/notify-run.ts';
import { API_BASE_URL, InMemoryAlertStates, NOW, makeMonitor, makeRun } from '../../unit/notify/fixtures.ts';

const context = { monitorId: '01JMONITOR0000000000000001', runId: '01JRUN00000000000000000001' };

describe('OutboxChannels', () => {
  let root: string;
  let dir: string;
  let lines: string[];
  let now: Date;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-outbox-'));
    dir = join(root, '.vigil', 'outbox');
    lines = [];
    now = NOW;
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const outbox = (topicName?: string | null) =>
    new OutboxChannels({ dir, from: 'vigil@localhost', topicName, clock: { now: () => now }, log: (line) => lines.push(line) });

  it('writes an email as a multipart .eml named by time and run, and prints one line', async () => {
    const delivery = await outbox().sendEmail('ops@example.com', { subject: 'Subject', html: '<p>Hi</p>', text: 'Hi' }, context);

    const expectedPath = join(dir, '20261121T100500.000Z_01JRUN00000000000000000001_email_ops@example.com.eml');
    expect(delivery).toEqual({ status: 'outbox', detail: expectedPath });
    const eml = await readFile(expectedPath, 'utf8');
    expect(eml).toContain('To: ops@example.com\r\nSubject: Subject\r\n');
    expect(eml).toContain('X-Vigil-Run-Id: 01JRUN00000000000000000001');
    expect(eml).toContain('Content-Type: multipart/alternative;');
    expect(eml).toContain('Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Hi</p>');
    expect(lines).toEqual([`outbox: email to ops@example.com: Subject -> ${expectedPath}`]);
  });

  it('writes an SMS and a topic message as JSON', async () => {
    const channels = outbox();

    const sms = await channels.sendSms('+15555550100', 'Vigil ALERT Bot: fails (run r)', context);
    const topic = await channels.publishTopic(
      {
        subject: '[Vigil] ALERT: Bot',
        message: JSON.stringify({ default: '{"kind":"alert"}', email: 'text', sms: 'short' }),
        structure: 'json',
        attributes: { monitor_id: 'm1', status: 'alert', severity: 'high', kind: 'alert' },
      },
      context,
    );

    expect(JSON.parse(await readFile(sms.detail!, 'utf8'))).toEqual({
      channel: 'sms',
      phone_number: '+15555550100',
      message: 'Vigil ALERT Bot: fails (run r)',
      monitor_id: context.monitorId,
      run_id: context.runId,
      created_at: NOW.toISOString(),
    });
    expect(topic.detail).toBe(join(dir, '20261121T100500.000Z_01JRUN00000000000000000001_topic_vigil-alerts.json'));
    expect(JSON.parse(await readFile(topic.detail!, 'utf8'))).toEqual({
      channel: 'topic',
      topic: 'vigil-alerts',
      subject: '[Vigil] ALERT: Bot',
      attributes: { monitor_id: 'm1', status: 'alert', severity: 'high', kind: 'alert' },
      message_structure: 'json',
      message: { default: '{"kind":"alert"}', email: 'text', sms: 'short' },
      monitor_id: context.monitorId,
      run_id: context.runId,
      created_at: NOW.toISOString(),
    });
    expect(lines).toHaveLength(2);
  });

  it('never overwrites a message written in the same millisecond', async () => {
    const channels = outbox();

    const first = await channels.sendSms('+15555550100', 'one', context);
    const second = await channels.sendSms('+15555550100', 'two', context);

    expect(second.detail).toBe(first.detail!.replace(/\.json$/, '-2.json'));
    expect(JSON.parse(await readFile(first.detail!, 'utf8')).message).toBe('one');
  });

  it('fails with a permanent DeliveryError when it cannot write', async () => {
    await writeFile(join(root, '.vigil'), 'a file where the folder should be');

    await expect(outbox().sendSms('+15555550100', 'x', context)).rejects.toMatchObject({
      name: 'DeliveryError',
      transient: false,
      errorName: expect.stringMatching(/^E[A-Z]+$/),
    });
  });

  it('has no topic when told so', () => {
    expect(outbox(null).topicName).toBeNull();
  });

  it('leaves a whole alert run in the outbox, one file per message, sortable by time', async () => {
    const monitor = makeMonitor();
    const deps = {
      monitors: new InMemoryAlertStates(),
      channels: outbox(),
      clock: { now: () => now },
      apiBaseUrl: API_BASE_URL,
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    };

    const outcomes = await notifyRun(makeRun(), monitor, deps);
    now = new Date(NOW.getTime() + 1000);
    await notifyRun(makeRun({ id: '01JRUN00000000000000000002', status: 'ok', findings: [], rules: [] }), deps.monitors.fresh(monitor), deps);

    expect(outcomes.map((outcome) => `${outcome.channel}:${outcome.status}`)).toEqual([
      'email:outbox',
      'email:outbox',
      'sms:outbox',
      'topic:outbox',
    ]);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([
      '20261121T100500.000Z_01JRUN00000000000000000001_email_oncall@example.com.eml',
      '20261121T100500.000Z_01JRUN00000000000000000001_email_ops@example.com.eml',
      '20261121T100500.000Z_01JRUN00000000000000000001_sms_+15555550100.json',
      '20261121T100500.000Z_01JRUN00000000000000000001_topic_vigil-alerts.json',
      '20261121T100501.000Z_01JRUN00000000000000000002_email_oncall@example.com.eml',
      '20261121T100501.000Z_01JRUN00000000000000000002_email_ops@example.com.eml',
      '20261121T100501.000Z_01JRUN00000000000000000002_sms_+15555550100.json',
      '20261121T100501.000Z_01JRUN00000000000000000002_topic_vigil-alerts.json',
    ]);
    expect(lines).toHaveLength(8);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(lines.filter((line) => line.includes('RECOVERED'))).toHaveLength(4);
  });
});
