import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BaselineRepository, LabelBaseline } from '#domain/baseline/index.ts';
import { ConflictError } from '#domain/model/errors.ts';
import { BASELINE_PREFIX, keys } from './keys.ts';
import { retryOnConflict, transactWrite } from './transactions.ts';
import { withoutStorageAttributes, type Item, type Table } from './table.ts';

/** Reads and writes of one label's baseline lost to a concurrent run this often before giving up. */
const UPDATE_ATTEMPTS = 5;

function baselineFromItem(item: Item): LabelBaseline {
  return withoutStorageAttributes(item) as LabelBaseline;
}

/** Another run wrote the baseline between our read and our write. */
class StaleBaselineError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'StaleBaselineError';
  constructor() {
    super('the baseline changed since it was read');
    this.name = 'StaleBaselineError';
  }
}

/** The monitor was deleted: its baselines went with it and must not come back. */
class MonitorGoneError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'MonitorGoneError';
  constructor() {
    super('the monitor no longer exists');
    this.name = 'MonitorGoneError';
  }
}

/**
 * Baselines live in their monitor's partition (`BASELINE#<label>`), one item per label, so
 * deleting a monitor deletes them. A write names the version it read (optimistic concurrency)
 * and checks that the monitor still exists, in one transaction.
 */
export class DynamoBaselineRepository implements BaselineRepository {
  constructor(private readonly table: Table) {}

  async load(monitorId: string): Promise<Map<string, LabelBaseline>> {
    const found = new Map<string, LabelBaseline>();
    let startKey: Item | undefined;
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.monitor(monitorId).pk, ':prefix': BASELINE_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const baseline = baselineFromItem(item);
        found.set(baseline.label, baseline);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  async update(monitorId: string, label: string, change: (current: LabelBaseline | null) => LabelBaseline | null): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const { Item: item } = await this.table.client.send(
        new GetCommand({ TableName: this.table.name, Key: keys.baseline(monitorId, label), ConsistentRead: true }),
      );
      const current = item ? baselineFromItem(item) : null;
      const next = change(current);
      if (next === null) return;
      try {
        await retryOnConflict(() => this.write(monitorId, label, current, next));
        return;
      } catch (error) {
        if (error instanceof MonitorGoneError) return;
        if (error instanceof StaleBaselineError && attempt < UPDATE_ATTEMPTS) continue;
        if (error instanceof StaleBaselineError) throw new ConflictError(`the baseline of ${label} kept changing while this run recorded it`);
        throw error;
      }
    }
  }

  private async write(monitorId: string, label: string, current: LabelBaseline | null, next: LabelBaseline): Promise<void> {
    const version = current?.version ?? 0;
    await transactWrite(
      this.table,
      [
        {
          role: 'baseline' as const,
          write: {
            Put: {
              TableName: this.table.name,
              Item: { ...keys.baseline(monitorId, label), ...next, label, version: version + 1 },
              ...(current === null
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: '#version = :version',
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':version': version },
                  }),
            },
          },
        },
        {
          role: 'monitor' as const,
          write: { ConditionCheck: { TableName: this.table.name, Key: keys.monitor(monitorId), ConditionExpression: 'attribute_exists(pk)' } },
        },
      ],
      (failed) => (failed.some(({ role }) => role === 'baseline') ? new StaleBaselineError() : new MonitorGoneError()),
    );
  }
}
