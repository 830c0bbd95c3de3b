import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MonitorRun } from '#domain/model/entities.ts';
import { sumUsage, usageDay, usageOfRun, type MonthUsage, type UsageRepository, type UsageTotals } from '#domain/runs/usage.ts';
import { keys, USAGE_DAY_PREFIX } from './keys.ts';
import type { TransactItem } from './transactions.ts';
import type { Item, Table } from './table.ts';

/** Days a daily counter outlives its day (the 30-day window, and a margin). */
const DAY_COUNTER_DAYS = 40;
const MONITOR = 'MONITOR#';
const MODEL = 'MODEL#';

/** The counters' ADD: cost kept in integer micro-dollars, so concurrent sums stay exact. */
function addCounters(usage: UsageTotals): { UpdateExpression: string; ExpressionAttributeValues: Item } {
  return {
    UpdateExpression: 'ADD runs :runs, modelCalls :calls, inputTokens :in, outputTokens :out, costMicroUsd :cost',
    ExpressionAttributeValues: {
      ':runs': usage.runs,
      ':calls': usage.modelCalls,
      ':in': usage.inputTokens,
      ':out': usage.outputTokens,
      ':cost': Math.round(usage.estimatedCostUsd * 1e6),
    },
  };
}

function totalsOf(item: Item): UsageTotals {
  const number = (value: unknown) => (typeof value === 'number' ? value : 0);
  return {
    runs: number(item.runs),
    modelCalls: number(item.modelCalls),
    inputTokens: number(item.inputTokens),
    outputTokens: number(item.outputTokens),
    estimatedCostUsd: number(item.costMicroUsd) / 1e6,
  };
}

/**
 * The updates that count a run that just turned final, for the run store's transaction: the
 * monitor's day (in its partition, removed with it and by TTL) and the month's monitor and
 * model items (in the month's partition, one query for `GET /usage`).
 */
export function usageUpdates(table: Table, run: MonitorRun): TransactItem[] {
  const usage = usageOfRun(run);
  const day = usageDay(run);
  const month = keys.usageMonth(day.slice(0, 7));
  const expiresAt = Math.floor(Date.parse(`${day}T00:00:00.000Z`) / 1000) + DAY_COUNTER_DAYS * 86_400;
  const counters = addCounters(usage);
  const updates: TransactItem[] = [
    {
      Update: {
        TableName: table.name,
        Key: keys.usageDay(run.monitorId, day),
        UpdateExpression: `${counters.UpdateExpression} SET expiresAt = :expiresAt`,
        ExpressionAttributeValues: { ...counters.ExpressionAttributeValues, ':expiresAt': expiresAt },
      },
    },
    { Update: { TableName: table.name, Key: { pk: month, sk: `${MONITOR}${run.monitorId}` }, ...counters } },
  ];
  if (usage.modelId !== null) updates.push({ Update: { TableName: table.name, Key: { pk: month, sk: `${MODEL}${usage.modelId}` }, ...counters } });
  return updates;
}

export class DynamoUsageRepository implements UsageRepository {
  constructor(private readonly table: Table) {}

  async monitorDays(monitorId: string, from: string, to: string): Promise<UsageTotals> {
    // At most 30 small items: one page.
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.monitor(monitorId).pk, ':from': `${USAGE_DAY_PREFIX}${from}`, ':to': `${USAGE_DAY_PREFIX}${to}` },
      }),
    );
    return sumUsage((result.Items ?? []).map(totalsOf));
  }

  async month(month: string): Promise<Pick<MonthUsage, 'byMonitor' | 'byModel'>> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.usageMonth(month) },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const ofKind = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
    return {
      byMonitor: ofKind(MONITOR).map((item) => ({ monitorId: String(item.sk).slice(MONITOR.length), ...totalsOf(item) })),
      byModel: ofKind(MODEL).map((item) => ({ modelId: String(item.sk).slice(MODEL.length), ...totalsOf(item) })),
    };
  }
}
