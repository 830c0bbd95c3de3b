/** What feedback needs from the store and, optionally, from Cost Anomaly Detection. */
import type { Page, PageRequest } from '../model/entities.ts';
import type { AnomalyFeedbackValue, Feedback } from './types.ts';

export interface FeedbackRepository {
  /**
   * Writes the feedback item in the monitor's history and appends its short form to the run, in
   * one transaction. NotFoundError when the run is gone; ConflictError when the run already holds
   * MAX_FEEDBACK_PER_RUN (types.ts) items.
   */
  add(feedback: Feedback): Promise<void>;
  /** Newest first. */
  list(monitorId: string, page: PageRequest): Promise<Page<Feedback>>;
  /** The newest `limit` items, newest first. */
  recent(monitorId: string, limit: number): Promise<Feedback[]>;
  /** Every item given at or after `since` (ISO time), oldest first. */
  since(monitorId: string, since: string): Promise<Feedback[]>;
}

/** Cost Explorer's `ProvideAnomalyFeedback`; absent when the stack does not allow it. */
export interface AnomalyFeedbackSender {
  provide(anomalyId: string, value: AnomalyFeedbackValue): Promise<void>;
}
