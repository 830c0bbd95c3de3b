/**
 * Local mode's cost collector: the same use-case as the scheduled Lambda, run at start, every
 * `costCollectorHours`, and for one source right after it is created or changed (the API's
 * writes go through {@link watchCostSources}), so a new cost source has a snapshot within
 * seconds instead of at the next restart. Runs still never call Cost Explorer.
 */
import {
  collectCostSnapshots,
  CostCollectionError,
  type CostCollectionOutcome,
  type CostCollectorDeps,
} from '#domain/collect/collect-cost-snapshots.ts';
import type { LogSourceRepository } from '#domain/log-sources/ports.ts';
import type { LogSource } from '#domain/model/entities.ts';
import type { TargetRepository } from '#domain/targets/ports.ts';

export interface LocalCostCollectionOptions {
  /** Absent without AWS credentials: nothing is collected, and `/test` says why. */
  collector: CostCollectorDeps | null;
  targets: TargetRepository;
  hours: number;
  log: (line: string) => void;
}

export class LocalCostCollection {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Sources being collected now (by id). */
  private readonly pending = new Set<string>();
  private readonly failures = new Map<string, string>();

  constructor(private readonly options: LocalCostCollectionOptions) {}

  /** Collects every cost source now and then every `hours`. */
  start(): void {
    if (this.options.collector === null) return;
    this.track(this.collect(this.options.collector, 'every cost source'));
    this.timer = setInterval(() => {
      if (this.options.collector !== null) this.track(this.collect(this.options.collector, 'every cost source'));
    }, this.options.hours * 3_600_000);
    this.timer.unref();
  }

  /** A cost source was created or changed: collect it now. */
  sourceChanged(source: LogSource): void {
    const { collector } = this.options;
    if (collector === null || source.mode !== 'cost_explorer') return;
    this.pending.add(source.id);
    this.failures.delete(source.id);
    const one: CostCollectorDeps = {
      ...collector,
      listCostSources: async () => {
        const target = await this.options.targets.get(source.targetId);
        return target === null ? [] : [{ source, target }];
      },
    };
    this.track(this.collect(one, `cost source ${source.id}`).finally(() => this.pending.delete(source.id)));
  }

  /** The `/test` message for a cost source without a snapshot. */
  missingSnapshot(logSourceId: string): string {
    if (this.options.collector === null) {
      return 'local mode collects cost snapshots only with AWS credentials (VIGIL_AWS is off, or no credentials were found)';
    }
    const failure = this.failures.get(logSourceId);
    if (failure !== undefined) return `the last collection failed: ${failure}; it is tried again when the source changes and every ${this.options.hours} hours`;
    if (this.pending.has(logSourceId)) return 'collection is under way; test again in a few seconds';
    return `collection is under way (local mode collects a cost source when it is created or changed, at start and every ${this.options.hours} hours)`;
  }

  /** Stops the timer and waits for collections in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async collect(deps: CostCollectorDeps, what: string): Promise<void> {
    let outcomes: CostCollectionOutcome[];
    try {
      outcomes = await collectCostSnapshots(deps);
    } catch (error) {
      if (!(error instanceof CostCollectionError)) {
        this.options.log(`cost collection of ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      outcomes = error.outcomes;
    }
    for (const outcome of outcomes) {
      if (outcome.ok) this.failures.delete(outcome.logSourceId);
      else {
        this.failures.set(outcome.logSourceId, outcome.error);
        this.options.log(`cost snapshot of ${outcome.logSourceId} failed: ${outcome.error}`);
      }
    }
    const collected = outcomes.filter((outcome) => outcome.ok).length;
    if (collected > 0) this.options.log(`cost snapshots: ${collected} source(s) collected`);
  }
}

/** The log-source repository, telling `changed` about every source it created or updated. */
export function watchCostSources(repository: LogSourceRepository, changed: (source: LogSource) => void): LogSourceRepository {
  return {
    create: async (source) => {
      await repository.create(source);
      changed(source);
    },
    update: async (source, previous) => {
      await repository.update(source, previous);
      changed(source);
    },
    get: (id) => repository.get(id),
    getMany: (ids) => repository.getMany(ids),
    list: (page, filter) => repository.list(page, filter),
    delete: (id) => repository.delete(id),
  };
}
