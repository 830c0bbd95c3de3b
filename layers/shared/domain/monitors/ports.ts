/** What the monitor use-cases need from the store. */
import type { AlertState, SourceKind, Monitor, Page, PageRequest } from '../model/entities.ts';

/** The log sources a monitor references, with the mode each was validated against. */
export type SourceExpectations = ReadonlyMap<string, SourceKind>;

export interface MonitorRepository {
  /**
   * Creates the monitor and its references in one transaction; BrokenReferenceError (the
   * monitor's reference to the source) when a source vanished or changed mode meanwhile.
   */
  create(monitor: Monitor, sources: SourceExpectations): Promise<void>;
  get(id: string): Promise<Monitor | null>;
  list(page: PageRequest, filter?: { logSourceId?: string }): Promise<Page<Monitor>>;
  /** Replaces the monitor at `previous.version`, moving its references with it (BrokenReferenceError as for create). */
  update(monitor: Monitor, previous: Monitor, sources: SourceExpectations): Promise<void>;
  /** Deletes the run history, then the monitor and its references. NotFoundError when missing. */
  delete(id: string): Promise<void>;
  /**
   * Sets the alert state only if it is still `expected` (compare-and-set), so two concurrent
   * runs cannot both notify. Returns false when another run got there first.
   */
  swapAlertState(monitorId: string, expected: AlertState | null, next: AlertState | null): Promise<boolean>;
}
