import type { Clock } from '#domain/model/ports.ts';

/** The wall clock, for every function and local mode; tests hand in their own. */
export const systemClock: Clock = { now: () => new Date() };
