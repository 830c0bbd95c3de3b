/**
 * Reading one log source with one query: the path both a monitor's inputs and
 * `POST /log-sources/{id}/test` take, so the test reads exactly as a run would.
 */
import { INPUT_KINDS_BY_SOURCE_KIND, type CloudWatchLogsConfig, type InputKind, type LogSource, type Target } from '../model/entities.ts';
import type { Clock } from '../model/ports.ts';
import { renderCostSnapshot } from './cost-lines.ts';
import { SourceReadError } from './errors.ts';
import type { LogReader, SourceReaders } from './ports.ts';
import type { LogGroupSelection, ReadResult } from './types.ts';
import { compileLinePattern, type LinePattern } from '../model/line-pattern.ts';

/** What to read from a source; the mode must fit the source's mode. */
export type SourceQuery =
  | { mode: 'filter'; filterPattern: string }
  | { mode: 'insights'; query: string }
  | { mode: 'cost'; lookbackMinutes?: number }
  | { mode: 'tail'; match?: string };

/** The time range and bounds of a read. */
export interface ReadWindow {
  start: Date;
  end: Date;
  maxLines: number;
  /** Epoch milliseconds by which the reader must return. */
  deadline: number;
}

export interface ReadContext {
  readers: SourceReaders;
  clock: Clock;
  /** How often the cost collector runs, for the message when there is no snapshot yet. */
  costCollectorHours: number;
}

/** A read and what it covered (`log group /ecs/api`, `file /var/log/app.log`), for messages. */
export interface SourceRead extends ReadResult {
  where: string;
}

function mismatch(source: LogSource, mode: InputKind): SourceReadError {
  const fits = INPUT_KINDS_BY_SOURCE_KIND[source.mode].join(' or ');
  return new SourceReadError(`input mode ${mode} does not fit ${source.mode} source "${source.name}"; use ${fits}`, 'invalid');
}

function selectionOf(config: CloudWatchLogsConfig): { groups: LogGroupSelection; where: string } {
  const names = config.logGroupNames ?? [];
  if (names.length > 0) {
    return { groups: { kind: 'names', names }, where: `${names.length === 1 ? 'log group' : 'log groups'} ${names.join(', ')}` };
  }
  if (config.logGroupNamePrefix) {
    return { groups: { kind: 'prefix', prefix: config.logGroupNamePrefix }, where: `log groups starting with ${config.logGroupNamePrefix}` };
  }
  throw new SourceReadError('the log source has neither log_group_names nor log_group_name_prefix', 'invalid');
}

async function readLogs(
  reader: LogReader,
  request: { groups: LogGroupSelection; streamPrefix?: string },
  query: Extract<SourceQuery, { mode: 'filter' | 'insights' }>,
  window: ReadWindow,
): Promise<ReadResult> {
  const base = { ...request, ...window };
  return query.mode === 'filter'
    ? reader.filter({ ...base, filterPattern: query.filterPattern })
    : reader.insights({ ...base, query: query.query });
}

function compileMatch(match: string | undefined): LinePattern | undefined {
  if (match === undefined || match === '') return undefined;
  try {
    return compileLinePattern(match);
  } catch (error) {
    throw new SourceReadError(`match /${match}/ is not a valid regular expression`, 'invalid', { cause: error });
  }
}

/**
 * Reads `source` (of `target`) with `query` within `window`. Throws {@link SourceReadError}
 * with an actionable message when it cannot (the adapters map AWS and file errors to one).
 */
export async function readSource(
  source: LogSource,
  target: Target,
  query: SourceQuery,
  window: ReadWindow,
  context: ReadContext,
): Promise<SourceRead> {
  const { readers } = context;
  switch (source.mode) {
    case 'cloudwatch_logs': {
      if (query.mode !== 'filter' && query.mode !== 'insights') throw mismatch(source, query.mode);
      const { groups, where } = selectionOf(source.config);
      const read = await readLogs(readers.aws.forTarget(target).logs(), { groups }, query, window);
      return { ...read, where };
    }
    case 'ecs': {
      if (query.mode !== 'filter' && query.mode !== 'insights') throw mismatch(source, query.mode);
      const aws = readers.aws.forTarget(target);
      const { containerName } = source.config;
      const location = await aws.containers.locate(source.config);
      const streamPrefix = location.streamPrefix === null ? undefined : `${location.streamPrefix}/${containerName}/`;
      const read = await readLogs(
        aws.logs(location.region ?? undefined),
        { groups: { kind: 'names', names: [location.logGroup] }, ...(streamPrefix === undefined ? {} : { streamPrefix }) },
        query,
        window,
      );
      const notes =
        streamPrefix === undefined
          ? [`container ${containerName} sets no awslogs-stream-prefix, so every stream of ${location.logGroup} was read`]
          : [];
      const streams = streamPrefix === undefined ? '' : `, streams ${streamPrefix}*`;
      return {
        lines: read.lines,
        notes: [...notes, ...read.notes],
        where: `ECS container ${containerName} (${location.taskDefinition}): log group ${location.logGroup}${streams}`,
      };
    }
    case 'cost_explorer': {
      if (query.mode !== 'cost') throw mismatch(source, query.mode);
      const snapshot = await readers.costSnapshots.latest(source.id);
      if (snapshot === null) {
        throw new SourceReadError(`no cost snapshot yet; the cost collector runs every ${context.costCollectorHours} hours`, 'not_found');
      }
      const now = context.clock.now();
      const read = renderCostSnapshot(snapshot, query.lookbackMinutes === undefined ? { now } : { now, lookbackMinutes: query.lookbackMinutes });
      return { ...read, where: `the cost snapshot collected at ${snapshot.collectedAt}` };
    }
    case 'file': {
      if (query.mode !== 'tail') throw mismatch(source, query.mode);
      if (target.type !== 'local') {
        throw new SourceReadError(`file sources are read on local targets only; target "${target.name}" is ${target.type}`, 'unsupported');
      }
      if (!readers.files) throw new SourceReadError('file sources are read in local mode only (npm start)', 'unsupported');
      const match = compileMatch(query.match);
      const read = await readers.files.tail(source.config.path, {
        maxLines: window.maxLines,
        deadline: window.deadline,
        ...(match === undefined ? {} : { match }),
      });
      return { ...read, where: `file ${source.config.path}` };
    }
  }
}
