import { UsageError } from './connection.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `30m`, `2h`, `1d`, `1w` (or combined: `1h30m`) in milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.trim().matchAll(/(\d+)\s*([smhdw])/gi)];
  const joined = parts.map((part) => part[0]).join('');
  if (parts.length === 0 || joined.replace(/\s/g, '') !== text.trim().replace(/\s/g, '')) {
    throw new UsageError(`${flag} "${text}" is not a duration like 30m, 2h, 1d or 1h30m`);
  }
  const ms = parts.reduce((sum, part) => sum + Number(part[1]) * (UNIT_MS[(part[2] as string).toLowerCase()] as number), 0);
  if (ms <= 0) throw new UsageError(`${flag} "${text}" must be longer than zero`);
  return ms;
}

/** A point in time: an RFC 3339 time as it is, or a duration ago (`24h` → 24 hours before now). */
export function parseSince(text: string, flag: string, now: Date): string {
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw new UsageError(`${flag} "${text}" is not a valid time`);
    return new Date(at).toISOString();
  }
  return new Date(now.getTime() - parseDuration(text, flag)).toISOString();
}
