/** What the target use-cases need from the store (DynamoDB in AWS and local mode). */
import type { Page, PageRequest, Target } from '../model/entities.ts';

export interface TargetRepository {
  /** Fails with ConflictError when the id is taken. */
  create(target: Target): Promise<void>;
  get(id: string): Promise<Target | null>;
  list(page: PageRequest): Promise<Page<Target>>;
  /**
   * Replaces the target written at `previous.updatedAt`. ConflictError when it changed since,
   * or when its type changes while log sources use it; NotFoundError when it is gone.
   */
  update(target: Target, previous: Target): Promise<void>;
  /** NotFoundError when missing; ConflictError while log sources reference it. */
  delete(id: string): Promise<void>;
}
