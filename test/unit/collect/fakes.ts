/** In-memory fakes of the collect ports, recording what they were asked. */
import { SourceReadError } from '#domain/collect/errors.ts';
import type {
  ContainerLogLocation,
  CostSnapshotReader,
  FileTailer,
  LogReader,
  LogReadRequest,
  SourceReaders,
  TailOptions,
} from '#domain/collect/ports.ts';
import type { CostSnapshot, ReadResult } from '#domain/collect/types.ts';
import type { EcsConfig, Target } from '#domain/model/entities.ts';

export type LogCall =
  | { kind: 'filter'; region: string; request: LogReadRequest & { filterPattern: string } }
  | { kind: 'insights'; region: string; request: LogReadRequest & { query: string } };

export interface FakeReaders extends SourceReaders {
  logCalls: LogCall[];
  locateCalls: EcsConfig[];
  tailCalls: Array<{ path: string; options: TailOptions }>;
  targetsAsked: Target[];
}

export interface FakeBehaviour {
  /** What a log read returns (or throws), by the first log group name. */
  logs?: (call: LogCall) => Promise<ReadResult>;
  location?: ContainerLogLocation | SourceReadError;
  snapshot?: CostSnapshot | null;
  files?: ((path: string, options: TailOptions) => Promise<ReadResult>) | null;
}

export const lines = (...texts: string[]): ReadResult => ({
  lines: texts.map((text, i) => ({ timestamp: new Date(Date.UTC(2026, 10, 21, 9, 59, i)).toISOString(), text })),
  notes: [],
});

export function fakeReaders(behaviour: FakeBehaviour = {}): FakeReaders {
  const logCalls: LogCall[] = [];
  const locateCalls: EcsConfig[] = [];
  const tailCalls: Array<{ path: string; options: TailOptions }> = [];
  const targetsAsked: Target[] = [];
  const answer = behaviour.logs ?? (async () => lines('a line'));
  const reader = (region: string): LogReader => ({
    filter: (request) => {
      const call: LogCall = { kind: 'filter', region, request };
      logCalls.push(call);
      return answer(call);
    },
    insights: (request) => {
      const call: LogCall = { kind: 'insights', region, request };
      logCalls.push(call);
      return answer(call);
    },
  });
  const costSnapshots: CostSnapshotReader = { latest: async () => behaviour.snapshot ?? null };
  const files: FileTailer | undefined =
    behaviour.files === null
      ? undefined
      : {
          tail: (path, options) => {
            tailCalls.push({ path, options });
            return (behaviour.files ?? (async () => lines('file line')))(path, options);
          },
        };
  return {
    logCalls,
    locateCalls,
    tailCalls,
    targetsAsked,
    aws: {
      forTarget: (target) => {
        targetsAsked.push(target);
        const home = target.connectionConfig.region ?? 'eu-west-1';
        return {
          logs: (region) => reader(region ?? home),
          containers: {
            locate: async (config) => {
              locateCalls.push(config);
              const location = behaviour.location ?? { logGroup: '/ecs/orders', region: null, streamPrefix: 'ecs', taskDefinition: 'orders:7' };
              if (location instanceof SourceReadError) throw location;
              return location;
            },
          },
        };
      },
    },
    costSnapshots,
    ...(files === undefined ? {} : { files }),
  };
}

export function fixedClock(iso: string) {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export function aSnapshot(logSourceId: string, overrides: Partial<CostSnapshot> = {}): CostSnapshot {
  return {
    logSourceId,
    collectedAt: '2026-11-21T06:00:00.000Z',
    metric: 'UnblendedCost',
    groupBy: 'SERVICE',
    unit: 'USD',
    estimatedFrom: '2026-11-20',
    daily: [
      { day: '2026-11-20', group: 'Amazon EC2', amount: 12.5 },
      { day: '2026-11-20', group: 'AWS Lambda', amount: 0.75 },
      { day: '2026-11-21', group: 'Amazon EC2', amount: 3.25 },
    ],
    monthToDate: [
      { group: 'Amazon EC2', amount: 250 },
      { group: 'AWS Lambda', amount: 10.5 },
    ],
    forecast: { start: '2026-11-21', end: '2026-12-01', amount: 180 },
    anomalies: [
      {
        id: 'a-1',
        start: '2026-11-18',
        end: '2026-11-19',
        impact: 42,
        totalImpact: 80,
        rootCauses: ['Amazon EC2 / us-east-1 / account 123456789012 / BoxUsage:m5.large / contribution 80.00'],
      },
    ],
    notes: [],
    ...overrides,
  };
}
