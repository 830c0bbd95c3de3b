/**
 * A 32-bit FNV-1a hash of `text` (over UTF-16 code units), seeded so that independent uses of
 * the same id (the slot offset, the due shard) do not correlate. Stable across processes,
 * versions and runtimes: a monitor's slots and shard must never move on their own.
 */
export function stableHash(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Where within its interval a monitor's slots fall, in whole seconds: a stable hash of its id.
 * Aligned slots (every 300 s monitor at :00, :05, ...) would put every same-interval monitor on
 * the same tick; offset ones spread evenly over the interval.
 */
export function slotOffsetSeconds(monitorId: string, intervalSeconds: number): number {
  return stableHash(monitorId) % intervalSeconds;
}

/**
 * The monitor's first slot strictly after `now`. Slots are `offset + k × interval` since the
 * epoch, so a slot names one run everywhere: in the claim, in the run id, in the run record. A
 * scheduler that fell behind skips to the next slot instead of replaying every missed one.
 */
export function nextSlotAfter(now: Date, intervalSeconds: number, monitorId: string): Date {
  const step = intervalSeconds * 1000;
  const offset = slotOffsetSeconds(monitorId, intervalSeconds) * 1000;
  return new Date((Math.floor((now.getTime() - offset) / step) + 1) * step + offset);
}
