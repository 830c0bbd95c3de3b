/** What the scheduler needs from the store: the due index, slot claims and its heartbeat. */
import type { LastRunSummary, Page, PageRequest } from '../model/entities.ts';

/** An entry of the due index: an enabled monitor whose next run time has come. */
export interface DueMonitor {
  monitorId: string;
  nextRunAt: string;
  intervalSeconds: number;
  /** The monitor's schedule expression, when it has one instead of an interval. */
  schedule?: string | null;
  /** The monitor's newest run, to close one the runner never finished. */
  lastRun: LastRunSummary | null;
  /** The monitor's daily digest hour (UTC); absent or null without a digest. */
  digestHourUtc?: number | null;
}

/** A claim of one monitor's slot: move `nextRunAt` from `from` to `to`. */
export interface SlotClaim {
  monitorId: string;
  from: string;
  to: string;
}

/**
 * How one claim ended: `claimed` (this tick won the slot), `lost` (another tick won it, or the
 * monitor changed), or `failed` — neither (a conflict with another write, throttling): the slot
 * stays due for the next tick, and `reason` says why.
 */
export type ClaimOutcome = { kind: 'claimed' } | { kind: 'lost' } | { kind: 'failed'; reason: string };

/** The most claims one `claimMany` call takes (DynamoDB's TransactWriteItems limit). */
export const CLAIM_BATCH_LIMIT = 100;

export interface ScheduleRepository {
  /**
   * Enabled monitors whose next run is due at `now`, a page at a time (oldest first within each
   * partition of the index; a page may hold more than `page.limit` when the index is sharded).
   */
  listDue(now: Date, page: PageRequest): Promise<Page<DueMonitor>>;
  /**
   * Moves the monitor's next run from `from` to `to` only if it is still `from`; false when
   * another scheduler claimed it (or the monitor changed) first.
   */
  claim(monitorId: string, from: string, to: string): Promise<boolean>;
  /**
   * {@link claim} for up to {@link CLAIM_BATCH_LIMIT} slots in as few requests as the store
   * allows; the outcome of each, in order.
   */
  claimMany(claims: readonly SlotClaim[]): Promise<ClaimOutcome[]>;
  recordHeartbeat(at: Date): Promise<void>;
  lastHeartbeat(): Promise<Date | null>;
}
