/**
 * The monthly model budget: the estimated cost of every model call is added to the month's
 * total (a per-month counter, calendar months in UTC), and once the total reaches the budget
 * runs are judged by the rules alone until the month ends or the budget is raised. Runs already
 * calling the model when the budget is reached still finish, so the month may end a few calls
 * over it.
 */

/** Spend is counted in millionths of a dollar: integers add exactly. */
export const MICRO_USD_PER_USD = 1_000_000;

/** The UTC calendar month of `at`, as `YYYY-MM`. */
export function spendMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The first instant of the UTC month after `at`'s. */
export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

export function toMicroUsd(usd: number): number {
  return Math.round(usd * MICRO_USD_PER_USD);
}

/** Cents from a dollar up; below it, hundredths of a cent, so a small budget does not read "$0.00". */
function dollars(microUsd: number): string {
  const usd = microUsd / MICRO_USD_PER_USD;
  return `$${usd.toFixed(usd >= 1 ? 2 : 4)}`;
}

export type BudgetDecision = { reached: false } | { reached: true; reason: string };

/**
 * Whether the month's spend (`spentMicroUsd`, estimated) has reached `budgetUsd`; the reason
 * says how much, which month and when model calls resume.
 */
export function budgetDecision(spentMicroUsd: number, budgetUsd: number, at: Date): BudgetDecision {
  if (spentMicroUsd < toMicroUsd(budgetUsd)) return { reached: false };
  const resume = nextMonthStart(at).toISOString().slice(0, 10);
  return {
    reached: true,
    reason: `the monthly model budget is reached: ${dollars(spentMicroUsd)} of ${dollars(toMicroUsd(budgetUsd))} estimated for ${spendMonth(at)} (UTC); model calls resume on ${resume} or when the budget is raised`,
  };
}
