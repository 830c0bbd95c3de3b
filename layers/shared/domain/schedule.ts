/**
 * Schedule slots are aligned to the interval (a 300 s monitor runs at :00, :05, ...), so a
 * slot names one run everywhere: in the claim, in the run id, in the run record. A scheduler
 * that fell behind skips to the next slot instead of replaying every missed one.
 */
export function nextSlotAfter(now: Date, intervalSeconds: number): Date {
  const step = intervalSeconds * 1000;
  return new Date((Math.floor(now.getTime() / step) + 1) * step);
}
