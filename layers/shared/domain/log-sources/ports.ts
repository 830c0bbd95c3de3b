/** What the log-source use-cases need from the store. */
import type { LogSource, Page, PageRequest } from '../model/entities.ts';

export interface LogSourceRepository {
  /**
   * Creates the source and counts it on its target in one transaction. BrokenReferenceError
   * (the target reference) when the target is missing, or is not `local` for a `file` source.
   */
  create(source: LogSource): Promise<void>;
  get(id: string): Promise<LogSource | null>;
  /** Several at once, for a monitor's references; missing ids are absent from the map. */
  getMany(ids: readonly string[]): Promise<Map<string, LogSource>>;
  list(page: PageRequest, filter?: { targetId?: string }): Promise<Page<LogSource>>;
  /** ConflictError when changed since `previous`, or when the mode changes while monitors use it. */
  update(source: LogSource, previous: LogSource): Promise<void>;
  /** NotFoundError when missing; ConflictError while monitors reference it. */
  delete(id: string): Promise<void>;
}
