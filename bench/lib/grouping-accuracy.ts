/**
 * Grouping accuracy (GA) as in the Loghub benchmark (Zhu et al., ICSE-SEIP 2019): a line is
 * parsed correctly when the set of lines grouped with it equals its ground-truth event's lines.
 */

/**
 * The share of lines whose predicted group is exactly their ground-truth group.
 * `truth[i]` and `predicted[i]` are the event id and the mined group of line i.
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  if (truth.length !== predicted.length) throw new RangeError(`truth has ${truth.length} lines, predicted ${predicted.length}`);
  if (truth.length === 0) return 1;
  const truthSizes = countBy(truth);
  const members = new Map<string, number[]>();
  predicted.forEach((group, line) => {
    const list = members.get(group) ?? [];
    list.push(line);
    members.set(group, list);
  });
  let correct = 0;
  for (const lines of members.values()) {
    const events = new Set(lines.map((line) => truth[line]));
    const [event] = events;
    if (events.size === 1 && event !== undefined && truthSizes.get(event) === lines.length) correct += lines.length;
  }
  return correct / truth.length;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
