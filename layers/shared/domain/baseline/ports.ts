import type { LabelBaseline } from './types.ts';

/** Where a monitor's baselines live (one per label). */
export interface BaselineRepository {
  /** Every label's baseline of the monitor, by label. */
  load(monitorId: string): Promise<Map<string, LabelBaseline>>;
  /**
   * Applies `change` to the label's freshest baseline and writes the result only if nobody wrote
   * in between (else reads again and re-applies). `change` returning null writes nothing. Does
   * nothing once the monitor is gone, so a late run cannot leave a baseline behind.
   */
  update(monitorId: string, label: string, change: (current: LabelBaseline | null) => LabelBaseline | null): Promise<void>;
}
