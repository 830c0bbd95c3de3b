import type { BaselineRepository, LabelBaseline } from '#domain/baseline/index.ts';

/** Baselines in memory, with the store's rules: a write needs the version it read. */
export class InMemoryBaselines implements BaselineRepository {
  readonly items = new Map<string, LabelBaseline>();
  writes = 0;

  async load(monitorId: string): Promise<Map<string, LabelBaseline>> {
    const found = new Map<string, LabelBaseline>();
    for (const [key, baseline] of this.items) if (key.startsWith(`${monitorId}|`)) found.set(baseline.label, structuredClone(baseline));
    return found;
  }

  async update(monitorId: string, label: string, change: (current: LabelBaseline | null) => LabelBaseline | null): Promise<void> {
    const key = `${monitorId}|${label}`;
    const current = this.items.get(key);
    const next = change(current === undefined ? null : structuredClone(current));
    if (next === null) return;
    this.items.set(key, { ...next, version: (current?.version ?? 0) + 1 });
    this.writes += 1;
  }
}
