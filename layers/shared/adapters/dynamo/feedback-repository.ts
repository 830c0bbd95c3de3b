import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '#domain/model/entities.ts';
import { ConflictError, NotFoundError } from '#domain/model/errors.ts';
import type { FeedbackRepository } from '#domain/feedback/ports.ts';
import { MAX_FEEDBACK_PER_RUN, runFeedbackOf, type Feedback } from '#domain/feedback/types.ts';
import { FEEDBACK_PREFIX, keys, pageKeys } from './keys.ts';
import { queryMonitorRange } from './run-repository.ts';
import { transactWrite } from './transactions.ts';
import { decodeCursor, toPage, withoutStorageAttributes, type Item, type Table } from './table.ts';

const feedbackFromItem = (item: Item): Feedback => withoutStorageAttributes(item) as Feedback;

/** After every `FEEDBACK#<time>#<id>` sort key (`~` sorts after the digits and letters used). */
const FEEDBACK_END = `${FEEDBACK_PREFIX}~`;

/**
 * Feedback lives in its monitor's partition under `FEEDBACK#<time>#<id>`, so the history reads
 * newest first and a period is one key range; its short form is appended to the run's `feedback`.
 */
export class DynamoFeedbackRepository implements FeedbackRepository {
  constructor(private readonly table: Table) {}

  async add(feedback: Feedback): Promise<void> {
    await transactWrite(
      this.table,
      [
        {
          role: 'feedback' as const,
          write: {
            Put: {
              TableName: this.table.name,
              Item: { ...keys.feedback(feedback.monitorId, feedback.createdAt, feedback.id), ...feedback },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
        {
          role: 'run' as const,
          write: {
            Update: {
              TableName: this.table.name,
              Key: keys.run(feedback.monitorId, feedback.runId),
              UpdateExpression: 'SET feedback = list_append(if_not_exists(feedback, :none), :one)',
              ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(feedback) OR size(feedback) < :max)',
              ExpressionAttributeValues: { ':none': [], ':one': [runFeedbackOf(feedback)], ':max': MAX_FEEDBACK_PER_RUN },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        },
      ],
      (failed) => {
        if (failed.some(({ role }) => role === 'feedback')) return new ConflictError(`feedback ${feedback.id} exists`);
        return failed.some(({ role, item }) => role === 'run' && item === null)
          ? new NotFoundError(`run ${feedback.runId} of monitor ${feedback.monitorId} not found`)
          : new ConflictError(`run ${feedback.runId} already holds ${MAX_FEEDBACK_PER_RUN} feedback items`);
      },
    );
  }

  async list(monitorId: string, page: PageRequest): Promise<Page<Feedback>> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.monitor(monitorId).pk, ':prefix': FEEDBACK_PREFIX },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.nextToken, pageKeys.feedbackOfMonitor(monitorId)),
      }),
    );
    return toPage((result.Items ?? []).map(feedbackFromItem), result.LastEvaluatedKey);
  }

  async recent(monitorId: string, limit: number): Promise<Feedback[]> {
    return (await this.list(monitorId, { limit })).items;
  }

  async since(monitorId: string, since: string): Promise<Feedback[]> {
    const items = await queryMonitorRange(this.table, monitorId, { from: `${FEEDBACK_PREFIX}${since}`, to: FEEDBACK_END });
    return items.map(feedbackFromItem);
  }
}
