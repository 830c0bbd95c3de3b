import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { keys, MODEL_GUARD_PARTITION } from '#adapters/dynamo/keys.ts';
import { ENV, TABLE_SCHEMA, type TableIndexName } from '#composition/contract.ts';
import type { VigilFunction } from './vigil-function.ts';
export type TableReadAction = 'dynamodb:GetItem' | 'dynamodb:BatchGetItem' | 'dynamodb:Query';
export type TableWriteAction =
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

/**
 * What one function may do with the table. Item-level actions only: no Scan (lists read the
 * `byType` index), no stream actions (the table has no stream), no control plane (the health
 * check reads an item). Transactions need no actions of their own: IAM checks each item's
 * Put/Update/Delete/ConditionCheck, each against the partition rule.
 */
export interface TableGrant {
  /** Reads, on the table and on `indexes`. */
  readonly reads: readonly TableReadAction[];
  /** The indexes the function queries; none: the table only. */
  readonly indexes: readonly TableIndexName[];
  /** Writes (and condition checks), on the table only. */
  readonly writes: readonly TableWriteAction[];
  /**
   * Partition keys the writes may touch (`dynamodb:LeadingKeys`, `*` as a wildcard): a function
   * cannot write items of partitions it does not own, whatever its code does.
   */
  readonly writablePartitions: readonly string[];
}

const partitionsOf = (...pks: string[]) => pks;
const MONITORS = keys.monitor('*').pk;
const TARGETS = keys.target('*').pk;
const LOG_SOURCES = keys.logSource('*').pk;
const SCHEDULER = keys.heartbeat().pk;
const USAGE_MONTHS = keys.usageMonth('*');

/**
 * Each function's table access, from what its code calls (layers/shared/adapters/dynamo):
 * - api: the management API; creates, edits and deletes targets, sources and monitors (deleting
 *   a monitor batch-deletes its runs) and creates manual runs; lists runs across monitors
 *   (`runsByStatus`); never the scheduler's heartbeat or the due index.
 * - scheduler: queries the due index, claims slots (UpdateItem in transactions), writes its
 *   heartbeat and closes or records runs (the reaper queries the open-runs index and closes runs
 *   left open with UpdateItem); it deletes nothing.
 * - runner: reads its monitor, sources and targets, writes runs and the monitor's last run and
 *   alert state, and the model guard (circuit breaker, month's model spend); no index, no delete.
 * - costCollector: lists sources (`byType`), reads targets, writes snapshots (in the source's
 *   partition); no update, no delete.
 */
export const TABLE_GRANTS = {
  api: {
    reads: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
    indexes: ['byType', 'byParent', 'runsByStatus'],
    writes: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'],
    writablePartitions: partitionsOf(TARGETS, LOG_SOURCES, MONITORS),
  },
  scheduler: {
    reads: ['dynamodb:GetItem', 'dynamodb:Query'],
    indexes: ['due', 'openRuns'],
    writes: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
    writablePartitions: partitionsOf(MONITORS, SCHEDULER),
  },
  runner: {
    reads: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
    indexes: [],
    writes: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
    // USAGE#<month>: the month's usage counters, added when a run turns final (GET /usage reads them).
    writablePartitions: partitionsOf(MONITORS, MODEL_GUARD_PARTITION, USAGE_MONTHS),
  },
  costCollector: {
    reads: ['dynamodb:GetItem', 'dynamodb:Query'],
    indexes: ['byType'],
    writes: ['dynamodb:PutItem'],
    writablePartitions: partitionsOf(LOG_SOURCES),
  },
} as const satisfies Record<string, TableGrant>;

export interface VigilTableProps {
  /** DynamoDB deletion protection. */
  readonly deletionProtection: boolean;
  /** RETAIN keeps the data when the table leaves the stack; DESTROY is for throwaway stages. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Vigil's single table: on-demand, point-in-time recovery, TTL on `expiresAt`, encrypted with the
 * AWS managed key (`aws/dynamodb`).
 *
 * The AWS managed key rather than a customer managed one: every use of it is in CloudTrail, it
 * costs nothing per month, and the functions need no KMS grants. A customer key would pay off
 * only for a key policy of our own (cross-account access, crypto-shredding), which Vigil has no
 * use for.
 */
export class VigilTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: VigilTableProps) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    for (const [indexName, keys] of Object.entries(TABLE_SCHEMA.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: keys.partitionKey, type: AttributeType.STRING },
        sortKey: { name: keys.sortKey, type: AttributeType.STRING },
        projectionType: 'projection' in keys ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
  }

  /**
   * Lets a function use the table: sets `TABLE_NAME` and grants `grant`: its reads on the table
   * and the indexes it names (one by one, no `index/*` wildcard), its writes on the table only
   * and only in its partitions.
   */
  bind(vigilFunction: VigilFunction, grant: TableGrant): void {
    const fn = vigilFunction.function;
    vigilFunction.setEnvironment(ENV.TABLE_NAME, this.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [...grant.reads],
        resources: [this.table.tableArn, ...grant.indexes.map((indexName) => `${this.table.tableArn}/index/${indexName}`)],
      }),
    );
    if (grant.writes.length === 0) return;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [...grant.writes],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.writablePartitions] } },
      }),
    );
  }
}
