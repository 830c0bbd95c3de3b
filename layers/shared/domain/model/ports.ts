/** Ports every feature shares: the time and new ids. Adapters implement them; tests hand in fakes. */

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new sortable id (a ULID) for the given time. */
  next(at: Date): string;
}
