/**
 * CloudWatch Logs reads for `filter` (FilterLogEvents) and `insights` (Logs Insights) inputs,
 * for `cloudwatch_logs` sources and ECS containers alike.
 */
import {
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type CloudWatchLogsClient,
  type ResultField,
} from '@aws-sdk/client-cloudwatch-logs';
import { mapBounded, seconds } from '#domain/collect/bounded.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { LogReader, LogReadRequest } from '#domain/collect/ports.ts';
import type { CollectedLine, LogGroupSelection, ReadResult } from '#domain/collect/types.ts';
import type { Clock } from '#domain/model/ports.ts';
import { callAws, type AwsCallContext } from '../aws-errors.ts';

export interface CloudWatchLogReaderOptions {
  /** The client's region, named in messages. */
  region: string;
  /** The client's retry budget, named in the throttled message. */
  maxAttempts: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Events read per input before stopping. @default 50000 */
  maxEventsScanned?: number;
  /** Time one input may spend reading, whatever the run's budget. @default 60000 */
  maxReadMs?: number;
  /** Log groups a prefix may expand to (StartQuery takes 50). @default 50 */
  maxGroups?: number;
  /** First wait between GetQueryResults polls, doubled up to `pollMaxMs`. @default 500 */
  pollInitialMs?: number;
  /** @default 5000 */
  pollMaxMs?: number;
}

/** FilterLogEvents returns at most 10,000 events a page. */
const MAX_PAGE_EVENTS = 10_000;
/** Log groups read at the same time for one input; FilterLogEvents has a low per-account rate. */
const GROUP_CONCURRENCY = 3;
/** How long StopQuery may take once the budget is spent (inside the collector's grace). */
const STOP_TIMEOUT_MS = 800;
const INSIGHTS_FIELDS_NOT_SHOWN = new Set(['@ptr', '@timestamp', '@log', '@logStream']);
const TERMINAL_FAILURES: Record<string, string> = {
  Failed: 'failed',
  Cancelled: 'was cancelled',
  Timeout: 'timed out in CloudWatch Logs (queries run at most 60 minutes)',
  Unknown: 'ended in an unknown state',
};

interface RawEvent {
  timestamp: string | null;
  text: string;
  group?: string;
  stream?: string;
  /** An Insights row's shown fields, unless it is a bare `@message` row (free text). */
  fields?: Array<[string, string]>;
}

function isoFromEpoch(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** Insights writes `2026-11-21 10:02:11.123` (UTC). */
function isoFromInsights(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Lines oldest first. Several groups or streams: each line says where it came from (`group`,
 * `stream` or `group:stream`; a stream is shortened to what follows the ECS prefix).
 */
function toLines(events: RawEvent[], streamPrefix: string | undefined): CollectedLine[] {
  const several = (values: Array<string | undefined>) => new Set(values.filter((v) => v !== undefined)).size > 1;
  const showGroup = several(events.map((e) => e.group));
  const showStream = several(events.map((e) => e.stream));
  const sorted = events.every((e) => e.timestamp !== null)
    ? [...events].sort((a, b) => (a.timestamp as string).localeCompare(b.timestamp as string))
    : events;
  return sorted.map((event) => {
    const stream =
      streamPrefix !== undefined && event.stream?.startsWith(streamPrefix) ? event.stream.slice(streamPrefix.length) : event.stream;
    const origin = [showGroup ? event.group : undefined, showStream ? stream : undefined].filter(Boolean).join(':');
    const line: CollectedLine = origin === '' ? { timestamp: event.timestamp, text: event.text } : { timestamp: event.timestamp, text: event.text, origin };
    if (event.fields !== undefined) line.fields = event.fields;
    return line;
  });
}

function rowToEvent(row: ResultField[]): RawEvent {
  const fields = new Map(row.map((f) => [f.field ?? '', f.value ?? '']));
  const shown = row.filter((f) => f.field !== undefined && !INSIGHTS_FIELDS_NOT_SHOWN.has(f.field));
  const bareMessage = shown.length === 1 && shown[0]?.field === '@message';
  const text = bareMessage ? (shown[0]?.value ?? '') : shown.map((f) => `${f.field}=${f.value ?? ''}`).join(' ');
  const event: RawEvent = { timestamp: isoFromInsights(fields.get('@timestamp')), text };
  // A row of named values (`stats` results, `fields a, b`) is structured: the payload shows it in a table.
  if (!bareMessage && shown.length > 0) event.fields = shown.map((f) => [f.field ?? '', f.value ?? '']);
  // `@log` is `account-id:group-name`.
  const log = fields.get('@log');
  if (log) event.group = log.slice(log.indexOf(':') + 1);
  const stream = fields.get('@logStream');
  if (stream) event.stream = stream;
  return event;
}

/** Reads one region's CloudWatch Logs with one identity, within caps on events and time. */
export class CloudWatchLogReader implements LogReader {
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxEventsScanned: number;
  private readonly maxReadMs: number;
  private readonly maxGroups: number;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;

  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly options: CloudWatchLogReaderOptions,
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxEventsScanned = options.maxEventsScanned ?? 50_000;
    this.maxReadMs = options.maxReadMs ?? 60_000;
    this.maxGroups = options.maxGroups ?? 50;
    this.pollInitialMs = options.pollInitialMs ?? 500;
    this.pollMaxMs = options.pollMaxMs ?? 5_000;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private context(action: string, resource: string, notFound?: string): AwsCallContext {
    const base = { service: 'CloudWatch Logs', action, resource, region: this.options.region, maxAttempts: this.options.maxAttempts };
    return notFound === undefined ? base : { ...base, notFound };
  }

  /**
   * FilterLogEvents over each group, newest first (`startFromHead: false`), following
   * `nextToken` until the group gave `maxLines` events, its range is exhausted, or a cap
   * (events scanned, time) is hit; the newest `maxLines` across groups are kept.
   */
  async filter(request: LogReadRequest & { filterPattern: string }): Promise<ReadResult> {
    const stopAt = Math.min(request.deadline, this.now() + this.maxReadMs);
    const notes: string[] = [];
    const groups = await this.groupsOf(request.groups, stopAt, notes);
    const scanned = { events: 0 };
    const perGroup = await mapBounded(groups, GROUP_CONCURRENCY, (group) => this.filterGroup(group, request, stopAt, scanned));
    for (const read of perGroup) notes.push(...read.notes);
    const lines = toLines(perGroup.flatMap((read) => read.events), request.streamPrefix);
    return { lines: lines.slice(Math.max(0, lines.length - request.maxLines)), notes };
  }

  private async filterGroup(
    group: string,
    request: LogReadRequest & { filterPattern: string },
    stopAt: number,
    scanned: { events: number },
  ): Promise<{ events: RawEvent[]; notes: string[] }> {
    const started = this.now();
    const events: RawEvent[] = [];
    const timeCapped = () => ({
      events,
      notes: [`stopped reading ${group} after ${seconds(this.now() - started)} (time cap); older events were not read`],
    });
    let nextToken: string | undefined;
    do {
      if (this.now() >= stopAt) return timeCapped();
      if (scanned.events >= this.maxEventsScanned) {
        return { events, notes: [`stopped reading ${group} after ${this.maxEventsScanned} events in all (scan cap); older events were not read`] };
      }
      let page;
      try {
        page = await callAws(this.context('logs:FilterLogEvents', `log group ${group}`), { clock: this.clock, deadline: stopAt }, (options) =>
          this.client.send(
            new FilterLogEventsCommand({
              logGroupName: group,
              ...(request.streamPrefix ? { logStreamNamePrefix: request.streamPrefix } : {}),
              startTime: request.start.getTime(),
              endTime: request.end.getTime(),
              ...(request.filterPattern === '' ? {} : { filterPattern: request.filterPattern }),
              startFromHead: false,
              limit: Math.min(MAX_PAGE_EVENTS, request.maxLines - events.length),
              ...(nextToken === undefined ? {} : { nextToken }),
            }),
            options,
          ),
        );
      } catch (error) {
        // A page cut off by the cap keeps the newer pages already read; with none, it is a timeout.
        if (error instanceof SourceReadError && error.reason === 'timeout' && events.length > 0) return timeCapped();
        throw error;
      }
      for (const event of page.events ?? []) {
        const raw: RawEvent = { timestamp: isoFromEpoch(event.timestamp), text: event.message ?? '', group };
        if (event.logStreamName) raw.stream = event.logStreamName;
        events.push(raw);
      }
      scanned.events += page.events?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken !== undefined && events.length < request.maxLines);
    return { events, notes: [] };
  }

  /**
   * A Logs Insights query over the groups: StartQuery, then GetQueryResults with a growing
   * wait until it ends. When the budget runs out first, StopQuery, and the rows so far are
   * returned as partial results (or a timeout when there are none).
   */
  async insights(request: LogReadRequest & { query: string }): Promise<ReadResult> {
    const started = this.now();
    const stopAt = Math.min(request.deadline, started + this.maxReadMs);
    const notes: string[] = [];
    const groups = await this.groupsOf(request.groups, stopAt, notes);
    const resource = groups.length === 1 ? `log group ${groups[0]}` : `log groups ${groups.join(', ')}`;
    const notFound =
      groups.length === 1 ? undefined : `one or more of the log groups ${groups.join(', ')} not found in ${this.options.region}`;
    // StartQuery has no stream filter: the ECS container's streams are selected in the query.
    const queryString = request.streamPrefix ? `filter @logStream like /^${escapeRegex(request.streamPrefix)}/\n| ${request.query}` : request.query;
    const { queryId } = await callAws(this.context('logs:StartQuery', resource, notFound), { clock: this.clock, deadline: stopAt }, (options) =>
      this.client.send(
        new StartQueryCommand({
          logGroupNames: groups,
          startTime: Math.floor(request.start.getTime() / 1000),
          endTime: Math.ceil(request.end.getTime() / 1000),
          queryString,
        }),
        options,
      ),
    );
    if (!queryId) throw new SourceReadError(`StartQuery on ${resource} returned no query id`, 'other');

    let rows: ResultField[][] = [];
    let wait = this.pollInitialMs;
    for (;;) {
      const remaining = stopAt - this.now();
      if (remaining <= 0) break;
      await this.sleep(Math.min(wait, remaining));
      if (this.now() >= stopAt) break;
      let page;
      try {
        page = await callAws(this.context('logs:GetQueryResults', resource), { clock: this.clock, deadline: stopAt }, (options) =>
          this.client.send(new GetQueryResultsCommand({ queryId }), options),
        );
      } catch (error) {
        if (error instanceof SourceReadError && error.reason === 'timeout') break;
        throw error;
      }
      rows = page.results ?? rows;
      const status = page.status ?? 'Unknown';
      if (status === 'Complete') return { lines: toLines(rows.map(rowToEvent), request.streamPrefix), notes };
      const failure = TERMINAL_FAILURES[status];
      if (failure !== undefined) throw new SourceReadError(`the Logs Insights query on ${resource} ${failure}`, 'other');
      wait = Math.min(wait * 2, this.pollMaxMs);
    }
    return this.stopQuery(queryId, resource, rows, request.streamPrefix, notes, this.now() - started);
  }

  private async stopQuery(
    queryId: string,
    resource: string,
    rows: ResultField[][],
    streamPrefix: string | undefined,
    notes: string[],
    elapsedMs: number,
  ): Promise<ReadResult> {
    try {
      await callAws(this.context('logs:StopQuery', `query ${queryId}`), { clock: this.clock, deadline: this.now() + STOP_TIMEOUT_MS }, (options) =>
        this.client.send(new StopQueryCommand({ queryId }), options),
      );
    } catch (error) {
      notes.push(`could not stop the query: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (rows.length === 0) {
      throw new SourceReadError(`the Logs Insights query on ${resource} did not finish within ${seconds(elapsedMs)}, so it was stopped`, 'timeout');
    }
    notes.push(`the Logs Insights query was stopped after ${seconds(elapsedMs)} (time budget); its results are partial`);
    return { lines: toLines(rows.map(rowToEvent), streamPrefix), notes };
  }

  /** The named groups, or those under the prefix (DescribeLogGroups, at most `maxGroups`). */
  private async groupsOf(selection: LogGroupSelection, stopAt: number, notes: string[]): Promise<string[]> {
    if (selection.kind === 'names') return selection.names;
    const { prefix } = selection;
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await callAws(
        this.context('logs:DescribeLogGroups', `log groups starting with ${prefix}`),
        { clock: this.clock, deadline: stopAt },
        (options) =>
          this.client.send(
            new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, limit: 50, ...(nextToken === undefined ? {} : { nextToken }) }),
            options,
          ),
      );
      for (const group of page.logGroups ?? []) if (group.logGroupName) names.push(group.logGroupName);
      nextToken = page.nextToken;
    } while (nextToken !== undefined && names.length < this.maxGroups);
    if (names.length === 0) throw new SourceReadError(`no log group starts with ${prefix} in ${this.options.region}`, 'not_found');
    if (names.length > this.maxGroups || nextToken !== undefined) {
      notes.push(`more than ${this.maxGroups} log groups start with ${prefix}; the first ${this.maxGroups} were read`);
    }
    return names.slice(0, this.maxGroups);
  }
}
