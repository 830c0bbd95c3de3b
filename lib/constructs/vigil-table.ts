import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The global secondary indexes the store queries, by name (the store code depends on them). */
export const TABLE_INDEXES = {
  /** Every item of a type (`typePk`), sorted by `typeSk`: the resource lists. */
  byType: { partitionKey: 'typePk', sortKey: 'typeSk' },
  /** Children of an item (`parentPk`), sorted by `parentSk`: a target's sources, a monitor's runs. */
  byParent: { partitionKey: 'parentPk', sortKey: 'parentSk' },
  /** Sparse: only enabled monitors carry `duePk`, sorted by `dueAt`, so the tick reads due ones. */
  due: { partitionKey: 'duePk', sortKey: 'dueAt' },
  /** Sparse: only runs still `queued`/`running` carry `openPk` (sharded), so the reaper reads runs in flight. */
  openRuns: { partitionKey: 'openPk', sortKey: 'openAt' },
} as const;

/** The attribute DynamoDB's TTL reads: epoch seconds (`MonitorRun.expiresAt`). */
export const TTL_ATTRIBUTE = 'expiresAt';

/** `r`: reads and condition checks; `rw`: also writes and deletes items. */
export type TableAccess = 'r' | 'rw';

/**
 * Item-level actions only. No Scan (lists read the `byType` index), no stream actions (the table
 * has no stream) and no control-plane actions besides DescribeTable, which the health check uses.
 * Transactions need no actions of their own: IAM checks each item's Put/Update/Delete/
 * ConditionCheck.
 */
export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  r: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
  rw: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

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
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    for (const [indexName, keys] of Object.entries(TABLE_INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: keys.partitionKey, type: AttributeType.STRING },
        sortKey: { name: keys.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /**
   * Lets a function use the table: sets `TABLE_NAME` and grants exactly the actions of `access`
   * on the table and each of its indexes, named one by one (no `index/*` wildcard).
   */
  bind(fn: LambdaFunction, access: TableAccess): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [...TABLE_ACTIONS[access]],
        resources: [
          this.table.tableArn,
          ...Object.keys(TABLE_INDEXES).map((indexName) => `${this.table.tableArn}/index/${indexName}`),
        ],
      }),
    );
  }
}
