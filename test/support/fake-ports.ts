/**
 * In-memory fakes of the management ports, for use-case tests without DynamoDB. Each keeps the
 * port's contract where a use-case relies on it (a missing entity is null, a taken id or a stale
 * `previous` is a ConflictError, a log source needs its target) and records what it was asked,
 * so a test can assert what reached the store. Lists page by id with the last id as the cursor.
 */
import type { AlertState, LogSource, Monitor, MonitorRun, Page, PageRequest, Target } from '#domain/model/entities.ts';
import { BrokenReferenceError, ConflictError, InvalidCursorError, NotFoundError } from '#domain/model/errors.ts';
import type { Clock, IdGenerator } from '#domain/model/ports.ts';
import type { LogSourceRepository } from '#domain/log-sources/ports.ts';
import type { MonitorRepository, SourceExpectations } from '#domain/monitors/ports.ts';
import type { RunQuery, RunQueue, RunRepository, RunRequest } from '#domain/runs/ports.ts';
import type { ClaimOutcome, DueMonitor, ScheduleRepository, SlotClaim } from '#domain/scheduling/ports.ts';
import type { TargetRepository } from '#domain/targets/ports.ts';
import type { ManagementContext } from '#domain/model/management-context.ts';
import { sumUsage, type MonthUsage, type UsageRepository, type UsageTotals } from '#domain/runs/usage.ts';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';
import { NO_MODEL_IN_API } from '#composition/management.ts';
import { monitorPreviewer, uncountedJudgeMetrics } from '#composition/preview.ts';
import { fakeReaders } from '../unit/collect/fakes.ts';
import type { FeedbackRepository } from '#domain/feedback/ports.ts';
import type { Feedback } from '#domain/feedback/types.ts';
import type { RunHistoryReader } from '#domain/insights/monitor-insights.ts';
import type { RunRecord } from '#domain/insights/insights.ts';
import { InMemoryBaselines } from '../unit/baseline/fakes.ts';

/** Items sorted by id, a page after the cursor (the last id of the previous page). */
function pageOf<T extends { id: string }>(all: Iterable<T>, page: PageRequest): Page<T> {
  const sorted = [...all].sort((a, b) => a.id.localeCompare(b.id));
  let start = 0;
  if (page.nextToken !== undefined) {
    const after = sorted.findIndex((item) => item.id === page.nextToken);
    if (after < 0) throw new InvalidCursorError();
    start = after + 1;
  }
  const items = sorted.slice(start, start + page.limit);
  const more = start + page.limit < sorted.length;
  return { items, nextToken: more ? (items.at(-1)?.id ?? null) : null };
}

export class FakeTargets implements TargetRepository {
  readonly items = new Map<string, Target>();
  readonly pageRequests: PageRequest[] = [];
  /** How many log sources count on each target (the store's `logSourceCount`). */
  readonly sourceCounts = new Map<string, number>();

  async create(target: Target): Promise<void> {
    if (this.items.has(target.id)) throw new ConflictError(`target ${target.id} already exists`);
    this.items.set(target.id, target);
  }

  async get(id: string): Promise<Target | null> {
    return this.items.get(id) ?? null;
  }

  async list(page: PageRequest): Promise<Page<Target>> {
    this.pageRequests.push(page);
    return pageOf(this.items.values(), page);
  }

  async update(target: Target, previous: Target): Promise<void> {
    const stored = this.items.get(target.id);
    if (!stored) throw new NotFoundError(`target ${target.id} not found`);
    if (stored.updatedAt !== previous.updatedAt) throw new ConflictError(`target ${target.id} was changed by another request; read it again and retry`);
    if (target.type !== stored.type && (this.sourceCounts.get(target.id) ?? 0) > 0) {
      throw new ConflictError(`target ${target.id} is used by ${this.sourceCounts.get(target.id)} log source(s); its type cannot change`);
    }
    this.items.set(target.id, target);
  }

  async delete(id: string): Promise<void> {
    if (!this.items.has(id)) throw new NotFoundError(`target ${id} not found`);
    const count = this.sourceCounts.get(id) ?? 0;
    if (count > 0) throw new ConflictError(`target ${id} is used by ${count} log source(s); delete them first`);
    this.items.delete(id);
  }
}

export class FakeLogSources implements LogSourceRepository {
  readonly items = new Map<string, LogSource>();
  readonly listed: Array<{ page: PageRequest; filter: { targetId?: string } }> = [];

  constructor(private readonly targets: FakeTargets) {}

  async create(source: LogSource): Promise<void> {
    if (this.items.has(source.id)) throw new ConflictError(`log source ${source.id} already exists`);
    this.checkTarget(source);
    this.items.set(source.id, source);
    this.count(source.targetId, +1);
  }

  async get(id: string): Promise<LogSource | null> {
    return this.items.get(id) ?? null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, LogSource>> {
    return new Map(ids.flatMap((id) => (this.items.has(id) ? [[id, this.items.get(id) as LogSource] as const] : [])));
  }

  async list(page: PageRequest, filter: { targetId?: string } = {}): Promise<Page<LogSource>> {
    this.listed.push({ page, filter });
    const matching = [...this.items.values()].filter((source) => filter.targetId === undefined || source.targetId === filter.targetId);
    return pageOf(matching, page);
  }

  async update(source: LogSource, previous: LogSource): Promise<void> {
    const stored = this.items.get(source.id);
    if (!stored) throw new NotFoundError(`log source ${source.id} not found`);
    if (stored.updatedAt !== previous.updatedAt) throw new ConflictError(`log source ${source.id} was changed by another request; read it again and retry`);
    this.checkTarget(source);
    this.items.set(source.id, source);
    this.count(previous.targetId, -1);
    this.count(source.targetId, +1);
  }

  async delete(id: string): Promise<void> {
    const stored = this.items.get(id);
    if (!stored) throw new NotFoundError(`log source ${id} not found`);
    this.items.delete(id);
    this.count(stored.targetId, -1);
  }

  private checkTarget(source: LogSource): void {
    const target = this.targets.items.get(source.targetId);
    const reference = { kind: 'target', id: source.targetId } as const;
    if (!target) throw new BrokenReferenceError({ reason: 'missing', reference, message: `target ${source.targetId} does not exist` });
    if (source.mode === 'file' && target.type !== 'local') {
      throw new BrokenReferenceError({ reason: 'unfit', reference, message: `a file source needs a local target; ${target.id} is ${target.type}` });
    }
  }

  private count(targetId: string, delta: number): void {
    this.targets.sourceCounts.set(targetId, (this.targets.sourceCounts.get(targetId) ?? 0) + delta);
  }
}

export class FakeMonitors implements MonitorRepository {
  readonly items = new Map<string, Monitor>();
  readonly listed: Array<{ page: PageRequest; filter: { logSourceId?: string } }> = [];
  /** The source expectations each create or update was written with. */
  readonly expectations: SourceExpectations[] = [];
  /** When set, the next write fails with it (a race the store found inside its write). */
  failNextWrite: Error | null = null;

  async create(monitor: Monitor, sources: SourceExpectations): Promise<void> {
    this.takeFailure();
    if (this.items.has(monitor.id)) throw new ConflictError(`monitor ${monitor.id} already exists`);
    this.expectations.push(sources);
    this.items.set(monitor.id, monitor);
  }

  async get(id: string): Promise<Monitor | null> {
    return this.items.get(id) ?? null;
  }

  async list(page: PageRequest, filter: { logSourceId?: string } = {}): Promise<Page<Monitor>> {
    this.listed.push({ page, filter });
    const uses = (monitor: Monitor) =>
      filter.logSourceId === undefined ||
      monitor.logSourceId === filter.logSourceId ||
      monitor.inputs.some((input) => input.logSourceId === filter.logSourceId);
    return pageOf([...this.items.values()].filter(uses), page);
  }

  async update(monitor: Monitor, previous: Monitor, sources: SourceExpectations): Promise<void> {
    this.takeFailure();
    const stored = this.items.get(monitor.id);
    if (!stored) throw new NotFoundError(`monitor ${monitor.id} not found`);
    if (stored.version !== previous.version) throw new ConflictError(`monitor ${monitor.id} was changed by another request; read it again and retry`);
    this.expectations.push(sources);
    this.items.set(monitor.id, monitor);
  }

  async delete(id: string): Promise<void> {
    if (!this.items.delete(id)) throw new NotFoundError(`monitor ${id} not found`);
  }

  async swapAlertState(monitorId: string, expected: AlertState | null, next: AlertState | null): Promise<boolean> {
    const stored = this.items.get(monitorId);
    if (!stored || JSON.stringify(stored.alertState) !== JSON.stringify(expected)) return false;
    this.items.set(monitorId, { ...stored, alertState: next });
    return true;
  }

  private takeFailure(): void {
    const failure = this.failNextWrite;
    this.failNextWrite = null;
    if (failure) throw failure;
  }
}

export class FakeRuns implements RunRepository, RunHistoryReader {
  readonly items = new Map<string, MonitorRun>();
  readonly listed: Array<{ monitorId: string; page: PageRequest }> = [];
  readonly queried: Array<{ query: RunQuery; page: PageRequest }> = [];
  /** When set, `create` fails with it (the table unreachable). */
  failCreate: Error | null = null;

  constructor(private readonly monitors: FakeMonitors) {}

  async create(run: MonitorRun): Promise<boolean> {
    if (this.failCreate) throw this.failCreate;
    if (!this.monitors.items.has(run.monitorId)) throw new NotFoundError(`monitor ${run.monitorId} not found`);
    if (this.items.has(run.id)) return false;
    this.items.set(run.id, run);
    return true;
  }

  async get(monitorId: string, runId: string): Promise<MonitorRun | null> {
    const run = this.items.get(runId);
    return run && run.monitorId === monitorId ? run : null;
  }

  async list(monitorId: string, page: PageRequest): Promise<Page<MonitorRun>> {
    this.listed.push({ monitorId, page });
    return pageOf([...this.items.values()].filter((run) => run.monitorId === monitorId), page);
  }

  /** Newest first by id, filtered like the store: time is the slot or the creation. */
  async query(query: RunQuery, page: PageRequest): Promise<Page<MonitorRun>> {
    this.queried.push({ query, page });
    const timeOf = (run: MonitorRun) => Date.parse(run.scheduledFor ?? run.createdAt);
    const matching = [...this.items.values()]
      .filter((run) => query.monitorId === undefined || run.monitorId === query.monitorId)
      .filter((run) => query.status === undefined || run.status === query.status)
      .filter((run) => query.since === undefined || timeOf(run) >= query.since.getTime())
      .filter((run) => query.until === undefined || timeOf(run) < query.until.getTime())
      .sort((a, b) => b.id.localeCompare(a.id));
    let start = 0;
    if (page.nextToken !== undefined) {
      start = matching.findIndex((run) => run.id === page.nextToken) + 1;
      if (start === 0) throw new InvalidCursorError();
    }
    const items = matching.slice(start, start + page.limit);
    return { items, nextToken: start + page.limit < matching.length ? (items.at(-1)?.id ?? null) : null };
  }

  async latest(monitorId: string): Promise<MonitorRun | null> {
    const runs = [...this.items.values()].filter((run) => run.monitorId === monitorId).sort((a, b) => a.id.localeCompare(b.id));
    return runs.at(-1) ?? null;
  }

  async save(run: MonitorRun): Promise<void> {
    if (!this.items.has(run.id)) throw new NotFoundError(`run ${run.id} of monitor ${run.monitorId} not found`);
    this.items.set(run.id, run);
  }

  async since(monitorId: string, since: Date, limit: number): Promise<RunRecord[]> {
    return [...this.items.values()]
      .filter((run) => run.monitorId === monitorId && run.createdAt >= since.toISOString())
      .sort((a, b) => b.id.localeCompare(a.id))
      .slice(0, limit);
  }
}

/** Feedback in memory, newest first, as the store lists it. */
export class FakeFeedback implements FeedbackRepository {
  readonly items: Feedback[] = [];

  async add(feedback: Feedback): Promise<void> {
    this.items.unshift(feedback);
  }

  async list(monitorId: string, page: PageRequest): Promise<Page<Feedback>> {
    const all = this.items.filter((item) => item.monitorId === monitorId);
    const start = page.nextToken === undefined ? 0 : all.findIndex((item) => item.id === page.nextToken) + 1;
    const items = all.slice(start, start + page.limit);
    return { items, nextToken: start + page.limit < all.length ? (items.at(-1)?.id ?? null) : null };
  }

  async recent(monitorId: string, limit: number): Promise<Feedback[]> {
    return this.items.filter((item) => item.monitorId === monitorId).slice(0, limit);
  }

  async since(monitorId: string, since: string): Promise<Feedback[]> {
    return this.items.filter((item) => item.monitorId === monitorId && item.createdAt >= since).reverse();
  }
}

/** A queue that records what it was given, or refuses with `failWith`. */
export class FakeQueue implements RunQueue {
  readonly sent: RunRequest[] = [];
  failWith: ((messages: RunRequest[]) => Error) | null = null;

  async enqueue(messages: RunRequest[]): Promise<void> {
    const failure = this.failWith?.(messages);
    if (failure) throw failure;
    this.sent.push(...messages);
  }
}

/**
 * The due index as pages of monitors, and claims decided by `decide` (every claim wins unless
 * told otherwise); records each `listDue` page request and each `claimMany` batch.
 */
export class FakeSchedule implements ScheduleRepository {
  readonly pageRequests: PageRequest[] = [];
  readonly batches: SlotClaim[][] = [];
  heartbeat: Date | null = null;
  decide: (claim: SlotClaim) => ClaimOutcome = () => ({ kind: 'claimed' });
  /** When set, `claimMany` throws it for any batch holding one of these monitors. */
  failBatchesWith: { monitorIds: ReadonlySet<string>; error: Error } | null = null;

  constructor(private readonly pages: DueMonitor[][]) {}

  async listDue(_now: Date, page: PageRequest): Promise<Page<DueMonitor>> {
    this.pageRequests.push(page);
    const index = page.nextToken === undefined ? 0 : Number(page.nextToken.replace('page-', ''));
    const items = this.pages[index] ?? [];
    return { items, nextToken: index + 1 < this.pages.length ? `page-${index + 1}` : null };
  }

  async claim(monitorId: string, from: string, to: string): Promise<boolean> {
    const [outcome] = await this.claimMany([{ monitorId, from, to }]);
    if (outcome?.kind === 'failed') throw new Error(outcome.reason);
    return outcome?.kind === 'claimed';
  }

  async claimMany(claims: readonly SlotClaim[]): Promise<ClaimOutcome[]> {
    this.batches.push([...claims]);
    const failing = this.failBatchesWith;
    if (failing && claims.some((claim) => failing.monitorIds.has(claim.monitorId))) throw failing.error;
    return claims.map((claim) => this.decide(claim));
  }

  async recordHeartbeat(at: Date): Promise<void> {
    this.heartbeat = at;
  }

  async lastHeartbeat(): Promise<Date | null> {
    return this.heartbeat;
  }
}

/** A clock a test moves by hand. */
export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (next) => (now = new Date(next)) };
}

/** Ids `ID01`, `ID02`, … in creation order, so tests can name them. */
export function sequentialIds(prefix = 'ID'): IdGenerator {
  let next = 0;
  return { next: () => `${prefix}${String((next += 1)).padStart(2, '0')}` };
}

/** Usage counters in memory: what each monitor's days and each month hold. */
export class FakeUsage implements UsageRepository {
  readonly days = new Map<string, UsageTotals>();
  readonly months = new Map<string, Pick<MonthUsage, 'byMonitor' | 'byModel'>>();

  async monitorDays(monitorId: string, from: string, to: string): Promise<UsageTotals> {
    return sumUsage(
      [...this.days].filter(([key]) => {
        const [id, date] = key.split('|') as [string, string];
        return id === monitorId && date >= from && date <= to;
      }).map(([, day]) => day),
    );
  }

  async month(month: string): Promise<Pick<MonthUsage, 'byMonitor' | 'byModel'>> {
    return this.months.get(month) ?? { byMonitor: [], byModel: [] };
  }
}

/** A management context over fresh fakes; `settings` default to AWS mode with 90 days of runs. */
export function fakeManagementContext(overrides: Partial<ManagementContext> = {}) {
  const targets = new FakeTargets();
  const logSources = new FakeLogSources(targets);
  const monitors = new FakeMonitors();
  const runs = new FakeRuns(monitors);
  const queue = new FakeQueue();
  const schedule = new FakeSchedule([]);
  const clock = fixedClock('2026-11-21T10:00:00.000Z');
  const ctx = {
    targets,
    logSources,
    monitors,
    runs,
    usage: new FakeUsage(),
    runHistory: runs,
    feedback: new FakeFeedback(),
    baselines: new InMemoryBaselines(),
    queue,
    schedule,
    health: { pingDatabase: async () => undefined },
    costSnapshots: { latest: async () => null },
    clock,
    ids: sequentialIds(),
    settings: { localMode: false, runRetentionDays: 90 },
    sourceTester: { test: async () => ({ ok: true, message: 'read 0 lines', sample: [], lineCount: 0 }) },
    previewer: monitorPreviewer({
      store: { logSources, targets },
      readers: fakeReaders(),
      clock,
      judgeMetrics: uncountedJudgeMetrics,
      model: { unavailable: NO_MODEL_IN_API },
      settings: { defaultModelId: DEFAULT_MODEL_ID, maxInputTokens: 100_000, collectConcurrency: 2, costCollectorHours: 6 },
      timeoutMs: 5_000,
    }),
    ...overrides,
  } satisfies ManagementContext;
  return { ctx, targets, logSources, monitors, runs, queue, schedule, clock };
}
