/**
 * The read actions Vigil needs in a monitored account, in a module of their own (no CDK import)
 * so the stack's policies and `vigil trust-policy` print the same lists.
 */

/** Reading log events and running Logs Insights queries: actions on the log group they name. */
export const LOG_GROUP_READ_ACTIONS = ['logs:FilterLogEvents', 'logs:StartQuery'] as const;

/**
 * Actions that support no resource-level permissions: a query is named by its id only
 * (GetQueryResults, StopQuery), and DescribeTaskDefinition has no resource type.
 */
export const UNSCOPED_READ_ACTIONS = ['ecs:DescribeTaskDefinition', 'logs:GetQueryResults', 'logs:StopQuery'] as const;

/** Cost Explorer reads of the cost collector; none supports resource-level permissions. */
export const COST_EXPLORER_ACTIONS = ['ce:GetAnomalies', 'ce:GetCostAndUsage', 'ce:GetCostForecast'] as const;
