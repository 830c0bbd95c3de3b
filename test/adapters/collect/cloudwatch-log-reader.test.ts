import {
  AccessDeniedException,
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  LimitExceededException,
  MalformedQueryException,
  ResourceNotFoundException,
  StartQueryCommand,
  StopQueryCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchLogReader, type CloudWatchLogReaderOptions } from '#adapters/cloudwatch-logs/cloudwatch-log-reader.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { LogReadRequest } from '#domain/collect/ports.ts';
import { awsError, fakeTime } from './fake-time.ts';

const logs = mockClient(CloudWatchLogsClient);
const NOW = '2026-11-21T10:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const START_MS = NOW_MS - 5 * 60_000;
const at = (second: number) => NOW_MS - 60_000 + second * 1000;

function reader(time = fakeTime(NOW), options: Partial<CloudWatchLogReaderOptions> = {}) {
  return new CloudWatchLogReader(new CloudWatchLogsClient({ region: 'eu-west-1' }), {
    region: 'eu-west-1',
    maxAttempts: 5,
    clock: time.clock,
    sleep: time.sleep,
    ...options,
  });
}

function request(overrides: Partial<LogReadRequest> = {}): LogReadRequest {
  return {
    groups: { kind: 'names', names: ['/ecs/orders'] },
    start: new Date(START_MS),
    end: new Date(NOW_MS),
    maxLines: 500,
    deadline: NOW_MS + 30_000,
    ...overrides,
  };
}

const inputs = <T>(calls: Array<{ args: [{ input: T }] }>): T[] => calls.map((c) => c.args[0].input);

describe('CloudWatchLogReader.filter', () => {
  afterEach(() => {
    logs.reset();
  });

  it('reads newest first over the time range, follows nextToken and returns lines oldest first', async () => {
    // Prepare
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [
          { timestamp: at(30), message: 'ERROR order 3 timeout\n', logStreamName: 's-1' },
          { timestamp: at(20), message: 'ERROR order 2 timeout', logStreamName: 's-1' },
        ],
        nextToken: 'older',
      })
      .resolvesOnce({ events: [{ timestamp: at(10), message: 'ERROR order 1 timeout', logStreamName: 's-1' }] });

    // Act
    const read = await reader().filter({ ...request(), filterPattern: '?ERROR ?Exception' });

    // Assess
    expect(inputs(logs.commandCalls(FilterLogEventsCommand))).toEqual([
      { logGroupName: '/ecs/orders', startTime: START_MS, endTime: NOW_MS, filterPattern: '?ERROR ?Exception', startFromHead: false, limit: 500 },
      {
        logGroupName: '/ecs/orders',
        startTime: START_MS,
        endTime: NOW_MS,
        filterPattern: '?ERROR ?Exception',
        startFromHead: false,
        limit: 498,
        nextToken: 'older',
      },
    ]);
    expect(read).toEqual({
      lines: [
        { timestamp: '2026-11-21T09:59:10.000Z', text: 'ERROR order 1 timeout' },
        { timestamp: '2026-11-21T09:59:20.000Z', text: 'ERROR order 2 timeout' },
        { timestamp: '2026-11-21T09:59:30.000Z', text: 'ERROR order 3 timeout\n' },
      ],
      notes: [],
    });
  });

  it('stops paginating once the window is full', async () => {
    // Prepare
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        { timestamp: at(3), message: 'c' },
        { timestamp: at(2), message: 'b' },
      ],
      nextToken: 'more',
    });

    // Act
    const read = await reader().filter({ ...request({ maxLines: 2 }), filterPattern: '' });

    // Assess
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(1);
    expect(read.lines.map((l) => l.text)).toEqual(['b', 'c']);
  });

  it('reads an ECS container by stream prefix and names each line by its task', async () => {
    // Prepare
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        { timestamp: at(2), message: 'from task b', logStreamName: 'ecs/api/task-b' },
        { timestamp: at(1), message: 'from task a', logStreamName: 'ecs/api/task-a' },
      ],
    });

    // Act
    const read = await reader().filter({ ...request({ streamPrefix: 'ecs/api/' }), filterPattern: '' });

    // Assess
    expect(inputs(logs.commandCalls(FilterLogEventsCommand))).toEqual([
      { logGroupName: '/ecs/orders', logStreamNamePrefix: 'ecs/api/', startTime: START_MS, endTime: NOW_MS, startFromHead: false, limit: 500 },
    ]);
    expect(read.lines).toEqual([
      { timestamp: '2026-11-21T09:59:01.000Z', text: 'from task a', origin: 'task-a' },
      { timestamp: '2026-11-21T09:59:02.000Z', text: 'from task b', origin: 'task-b' },
    ]);
  });

  it('merges several groups by time, keeps the newest lines and says which group each came from', async () => {
    // Prepare
    logs
      .on(FilterLogEventsCommand, { logGroupName: '/ecs/orders' })
      .resolves({ events: [{ timestamp: at(3), message: 'o3', logStreamName: 's' }, { timestamp: at(1), message: 'o1', logStreamName: 's' }] })
      .on(FilterLogEventsCommand, { logGroupName: '/ecs/payments' })
      .resolves({ events: [{ timestamp: at(2), message: 'p2', logStreamName: 's' }] });

    // Act
    const read = await reader().filter({
      ...request({ groups: { kind: 'names', names: ['/ecs/orders', '/ecs/payments'] }, maxLines: 2 }),
      filterPattern: '',
    });

    // Assess
    expect(read.lines).toEqual([
      { timestamp: '2026-11-21T09:59:02.000Z', text: 'p2', origin: '/ecs/payments' },
      { timestamp: '2026-11-21T09:59:03.000Z', text: 'o3', origin: '/ecs/orders' },
    ]);
  });

  it('expands a prefix with DescribeLogGroups, at most the group cap, and says when more match', async () => {
    // Prepare
    logs
      .on(DescribeLogGroupsCommand)
      .resolvesOnce({ logGroups: [{ logGroupName: '/aws/lambda/orders-a' }], nextToken: 'p2' })
      .resolvesOnce({ logGroups: [{ logGroupName: '/aws/lambda/orders-b' }, { logGroupName: '/aws/lambda/orders-c' }], nextToken: 'p3' });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });

    // Act
    const read = await reader(fakeTime(NOW), { maxGroups: 2 }).filter({
      ...request({ groups: { kind: 'prefix', prefix: '/aws/lambda/orders-' } }),
      filterPattern: '',
    });

    // Assess
    expect(inputs(logs.commandCalls(DescribeLogGroupsCommand))).toEqual([
      { logGroupNamePrefix: '/aws/lambda/orders-', limit: 50 },
      { logGroupNamePrefix: '/aws/lambda/orders-', limit: 50, nextToken: 'p2' },
    ]);
    expect(inputs(logs.commandCalls(FilterLogEventsCommand)).map((i) => i.logGroupName)).toEqual(['/aws/lambda/orders-a', '/aws/lambda/orders-b']);
    expect(read.notes).toEqual(['more than 2 log groups start with /aws/lambda/orders-; the first 2 were read']);
  });

  it('fails with the prefix and region when no group starts with the prefix', async () => {
    // Prepare
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });

    // Act
    const read = reader().filter({ ...request({ groups: { kind: 'prefix', prefix: '/nothing/' } }), filterPattern: '' });

    // Assess
    await expect(read).rejects.toThrow(new SourceReadError('no log group starts with /nothing/ in eu-west-1', 'not_found'));
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
  });

  it('stops at the cap on events scanned and records it', async () => {
    // Prepare
    logs.on(FilterLogEventsCommand).resolves({ events: [{ timestamp: at(2), message: 'b' }, { timestamp: at(1), message: 'a' }], nextToken: 'more' });

    // Act
    const read = await reader(fakeTime(NOW), { maxEventsScanned: 3 }).filter({ ...request(), filterPattern: '' });

    // Assess
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(2);
    expect(read.lines).toHaveLength(4);
    expect(read.notes).toEqual(['stopped reading /ecs/orders after 3 events in all (scan cap); older events were not read']);
  });

  it('stops at the time cap and records it, keeping the newer pages', async () => {
    // Prepare
    const time = fakeTime(NOW);
    logs.on(FilterLogEventsCommand).callsFake(() => {
      time.advance(4_000);
      return { events: [{ timestamp: at(1), message: 'a' }], nextToken: 'more' };
    });

    // Act
    const read = await reader(time, { maxReadMs: 10_000 }).filter({ ...request(), filterPattern: '' });

    // Assess
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(3);
    expect(read.notes).toEqual(['stopped reading /ecs/orders after 12s (time cap); older events were not read']);
  });

  it.each([
    [
      'AccessDeniedException',
      new AccessDeniedException({ message: 'User is not authorized to perform logs:FilterLogEvents', $metadata: {} }),
      'missing permission logs:FilterLogEvents on log group /ecs/orders in eu-west-1',
      'permission',
    ],
    [
      'ResourceNotFoundException',
      new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }),
      'log group /ecs/orders not found in eu-west-1',
      'not_found',
    ],
    [
      'ThrottlingException',
      new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }),
      'throttled by CloudWatch Logs (logs:FilterLogEvents on log group /ecs/orders) after 5 attempts',
      'throttled',
    ],
    ['TimeoutError', awsError('TimeoutError', 'socket timed out'), 'timed out after 0s (logs:FilterLogEvents on log group /ecs/orders)', 'timeout'],
  ] as const)('maps %s to an actionable message', async (_name, error, message, reason) => {
    // Prepare
    logs.on(FilterLogEventsCommand).rejects(error);

    // Act
    const read = reader().filter({ ...request(), filterPattern: '' });

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'SourceReadError', message, reason });
  });
});

describe('CloudWatchLogReader.insights', () => {
  afterEach(() => {
    logs.reset();
  });

  it('starts the query over the groups, polls with a growing wait until Complete and renders rows', async () => {
    // Prepare
    const time = fakeTime(NOW);
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Scheduled' })
      .resolvesOnce({ status: 'Running', results: [] })
      .resolvesOnce({
        status: 'Complete',
        results: [
          [
            { field: '@timestamp', value: '2026-11-21 09:59:20.000' },
            { field: '@message', value: 'ERROR late fill' },
            { field: '@ptr', value: 'abc' },
          ],
          [
            { field: '@timestamp', value: '2026-11-21 09:59:10.000' },
            { field: '@message', value: 'WARN slow' },
          ],
        ],
      });

    // Act
    const read = await reader(time).insights({
      ...request({ groups: { kind: 'names', names: ['/ecs/orders', '/ecs/payments'] } }),
      query: 'fields @timestamp, @message | filter @message like /ERROR|WARN/',
    });

    // Assess
    expect(inputs(logs.commandCalls(StartQueryCommand))).toEqual([
      {
        logGroupNames: ['/ecs/orders', '/ecs/payments'],
        startTime: START_MS / 1000,
        endTime: NOW_MS / 1000,
        queryString: 'fields @timestamp, @message | filter @message like /ERROR|WARN/',
      },
    ]);
    expect(inputs(logs.commandCalls(GetQueryResultsCommand))).toEqual([{ queryId: 'q-1' }, { queryId: 'q-1' }, { queryId: 'q-1' }]);
    expect(time.slept).toEqual([500, 1000, 2000]);
    expect(logs.commandCalls(StopQueryCommand)).toHaveLength(0);
    expect(read).toEqual({
      lines: [
        { timestamp: '2026-11-21T09:59:10.000Z', text: 'WARN slow' },
        { timestamp: '2026-11-21T09:59:20.000Z', text: 'ERROR late fill' },
      ],
      notes: [],
    });
  });

  it('selects an ECS container streams in the query and renders stats rows as fields', async () => {
    // Prepare
    logs.on(StartQueryCommand).resolves({ queryId: 'q-2' });
    logs.on(GetQueryResultsCommand).resolves({
      status: 'Complete',
      results: [
        [
          { field: 'bin(1m)', value: '2026-11-21 09:58:00.000' },
          { field: 'avg(duration)', value: '120.5' },
        ],
      ],
    });

    // Act
    const read = await reader().insights({ ...request({ streamPrefix: 'ecs/api/' }), query: 'stats avg(duration) by bin(1m)' });

    // Assess
    expect(inputs(logs.commandCalls(StartQueryCommand))[0]?.queryString).toBe(
      'filter @logStream like /^ecs\\/api\\//\n| stats avg(duration) by bin(1m)',
    );
    expect(read.lines).toEqual([
      {
        timestamp: null,
        text: 'bin(1m)=2026-11-21 09:58:00.000 avg(duration)=120.5',
        fields: [
          ['bin(1m)', '2026-11-21 09:58:00.000'],
          ['avg(duration)', '120.5'],
        ],
      },
    ]);
  });

  it('names the group and stream of each row when the query returns them', async () => {
    // Prepare
    logs.on(StartQueryCommand).resolves({ queryId: 'q-3' });
    logs.on(GetQueryResultsCommand).resolves({
      status: 'Complete',
      results: [
        [
          { field: '@timestamp', value: '2026-11-21 09:59:01.000' },
          { field: '@log', value: '123456789012:/ecs/orders' },
          { field: '@logStream', value: 'ecs/api/task-a' },
          { field: '@message', value: 'one' },
        ],
        [
          { field: '@timestamp', value: '2026-11-21 09:59:02.000' },
          { field: '@log', value: '123456789012:/ecs/payments' },
          { field: '@logStream', value: 'ecs/api/task-b' },
          { field: '@message', value: 'two' },
        ],
      ],
    });

    // Act
    const read = await reader().insights({
      ...request({ groups: { kind: 'names', names: ['/ecs/orders', '/ecs/payments'] } }),
      query: 'fields @timestamp, @log, @logStream, @message',
    });

    // Assess
    expect(read.lines.map((l) => l.origin)).toEqual(['/ecs/orders:ecs/api/task-a', '/ecs/payments:ecs/api/task-b']);
  });

  it('stops the query when the time budget ends and returns the rows so far as partial', async () => {
    // Prepare
    const time = fakeTime(NOW);
    logs.on(StartQueryCommand).resolves({ queryId: 'q-4' });
    logs.on(GetQueryResultsCommand).resolves({
      status: 'Running',
      results: [[{ field: '@timestamp', value: '2026-11-21 09:59:01.000' }, { field: '@message', value: 'early row' }]],
    });
    logs.on(StopQueryCommand).resolves({ success: true });

    // Act
    const read = await reader(time).insights({ ...request({ deadline: NOW_MS + 8_000 }), query: 'fields @message' });

    // Assess
    expect(time.slept).toEqual([500, 1000, 2000, 4000, 500]);
    expect(inputs(logs.commandCalls(StopQueryCommand))).toEqual([{ queryId: 'q-4' }]);
    expect(read).toEqual({
      lines: [{ timestamp: '2026-11-21T09:59:01.000Z', text: 'early row' }],
      notes: ['the Logs Insights query was stopped after 8s (time budget); its results are partial'],
    });
  });

  it('stops the query and times out when the budget ends before any row', async () => {
    // Prepare
    const time = fakeTime(NOW);
    logs.on(StartQueryCommand).resolves({ queryId: 'q-5' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running', results: [] });
    logs.on(StopQueryCommand).resolves({ success: true });

    // Act
    const read = reader(time).insights({ ...request({ deadline: NOW_MS + 3_000 }), query: 'fields @message' });

    // Assess
    await expect(read).rejects.toMatchObject({
      message: 'the Logs Insights query on log group /ecs/orders did not finish within 3s, so it was stopped',
      reason: 'timeout',
    });
    expect(inputs(logs.commandCalls(StopQueryCommand))).toEqual([{ queryId: 'q-5' }]);
  });

  it('fails with the query status when the query fails', async () => {
    // Prepare
    logs.on(StartQueryCommand).resolves({ queryId: 'q-6' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Failed' });

    // Act
    const read = reader().insights({ ...request(), query: 'fields @message' });

    // Assess
    await expect(read).rejects.toThrow('the Logs Insights query on log group /ecs/orders failed');
  });

  it.each([
    [
      new MalformedQueryException({ message: 'unexpected symbol found |', $metadata: {} }),
      'the Logs Insights query is malformed: unexpected symbol found |',
    ],
    [
      new LimitExceededException({ message: 'Account maximum query concurrency limit of [30] reached.', $metadata: {} }),
      'throttled by CloudWatch Logs (logs:StartQuery on log group /ecs/orders) after 5 attempts',
    ],
    [
      new AccessDeniedException({ message: 'not authorized', $metadata: {} }),
      'missing permission logs:StartQuery on log group /ecs/orders in eu-west-1',
    ],
    [new ResourceNotFoundException({ message: 'Log group does not exist', $metadata: {} }), 'log group /ecs/orders not found in eu-west-1'],
  ])('maps a StartQuery failure to %s', async (error, message) => {
    // Prepare
    logs.on(StartQueryCommand).rejects(error);

    // Act
    const read = reader().insights({ ...request(), query: 'fields @message' });

    // Assess
    await expect(read).rejects.toThrow(message);
    expect(logs.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });
});
