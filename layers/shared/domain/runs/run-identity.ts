import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The id of a scheduled run: a ULID whose time is the slot and whose random part is a hash of
 * (monitor, slot). Redelivering the same slot yields the same id, so the conditional create
 * in the store makes a second run impossible; ids still sort by time like manual runs' ULIDs.
 */
export function scheduledRunId(monitorId: string, slot: Date): string {
  const digest = createHash('sha256').update(`${monitorId}|${slot.toISOString()}`).digest();
  let randomPart = '';
  for (let i = 0; i < 16; i += 1) randomPart += CROCKFORD[(digest[i] ?? 0) % 32];
  return encodeTime(slot.getTime(), 10) + randomPart;
}
