/** What the health check probes. */

export interface HealthProbe {
  /** Resolves when the database answers. */
  pingDatabase(): Promise<void>;
}
