/**
 * The daily cost digest: once a day at the monitor's `digest.hour_utc`, whatever the status, an
 * email and a topic message with month-to-date against the budget, the forecast with its 80%
 * interval, and the top five groups of the last 7 complete days against the 7 before. Computed in
 * code from the stored snapshots (no Cost Explorer call), sent without the alert state (a digest
 * neither starts nor resets a cooldown).
 */
import type { CostRule, Monitor } from '../model/entities.ts';
import { addDays, isoDay, money, monthFigures, round2, snapshotDays, sum } from '../collect/cost-lines.ts';
import type { CostSnapshot } from '../collect/types.ts';
import type { RenderedEmail, TopicMessage } from '../notify/channels.ts';
import { escapeHtml, toAscii } from '../notify/text.ts';
import { scheduledRunId } from '../runs/run-identity.ts';

/** Groups listed in a digest. */
export const DIGEST_TOP_GROUPS = 5;
const WEEK_DAYS = 7;

/** Today's digest slot (`hourUtc`:00 UTC) once it has come; null before it. */
export function digestSlot(now: Date, hourUtc: number): Date | null {
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  return now.getTime() >= slot.getTime() ? slot : null;
}

/** The id of a monitor's digest run for a slot: one per day, whoever creates it first, like a scheduled run's. */
export function digestRunId(monitorId: string, slot: Date): string {
  return scheduledRunId(`${monitorId}#digest`, slot);
}

/** One group's last 7 complete days and the 7 before. */
export interface DigestGroup {
  group: string;
  lastWeek: number;
  previousWeek: number;
}

/** What one `cost` input's snapshot says in the digest. */
export interface DigestSection {
  label: string;
  snapshot: CostSnapshot;
  budget: number | null;
  lastWeekStart: string;
  lastWeekEnd: string;
  top: DigestGroup[];
}

/** The budget of the monitor's `monthly_budget` rule on `label` (the only cost input when the rule names none). */
function budgetOf(rules: readonly CostRule[], label: string, costLabels: readonly string[]): number | null {
  const rule = rules.find(
    (each) => each.kind === 'monthly_budget' && (each.label === undefined ? costLabels.length === 1 : each.label.toLowerCase() === label.toLowerCase()),
  );
  return rule?.kind === 'monthly_budget' ? rule.amount : null;
}

/** The digest's figures for one snapshot. */
export function digestSection(label: string, snapshot: CostSnapshot, budget: number | null): DigestSection {
  const { lastComplete } = snapshotDays(snapshot);
  const end = new Date(`${lastComplete}T00:00:00Z`);
  const lastWeekStart = isoDay(addDays(end, -(WEEK_DAYS - 1)));
  const previousWeekStart = isoDay(addDays(end, -(2 * WEEK_DAYS - 1)));
  const groups = new Map<string, DigestGroup>();
  for (const cost of snapshot.daily) {
    if (cost.day < previousWeekStart || cost.day > lastComplete) continue;
    const entry = groups.get(cost.group) ?? { group: cost.group, lastWeek: 0, previousWeek: 0 };
    if (cost.day >= lastWeekStart) entry.lastWeek += cost.amount;
    else entry.previousWeek += cost.amount;
    groups.set(cost.group, entry);
  }
  const top = [...groups.values()]
    .map((entry) => ({ ...entry, lastWeek: round2(entry.lastWeek), previousWeek: round2(entry.previousWeek) }))
    .sort((a, b) => b.lastWeek - a.lastWeek || a.group.localeCompare(b.group))
    .slice(0, DIGEST_TOP_GROUPS);
  return { label, snapshot, budget, lastWeekStart, lastWeekEnd: lastComplete, top };
}

function change(group: DigestGroup, unit: string): string {
  const delta = group.lastWeek - group.previousWeek;
  const sign = delta >= 0 ? '+' : '-';
  const percent = group.previousWeek > 0 ? `, ${sign}${Math.round((Math.abs(delta) / group.previousWeek) * 100)}%` : ', new';
  return `${sign}${money(Math.abs(delta), unit)}${percent}`;
}

/** The plain-text lines of one section. */
export function describeSection(section: DigestSection): string[] {
  const { snapshot } = section;
  const { unit } = snapshot;
  const figures = monthFigures(snapshot);
  const ofBudget =
    section.budget === null ? ' (no monthly_budget rule)' : ` — ${Math.round((figures.monthToDate / section.budget) * 100)}% of the ${money(section.budget, unit)} budget`;
  const lines = [
    `[${section.label}] ${snapshot.metric} by ${snapshot.groupBy}, snapshot collected ${snapshot.collectedAt}`,
    `Month to date (since ${figures.monthStart}): ${money(figures.monthToDate, unit)}${ofBudget}`,
  ];
  if (figures.monthEnd === null) lines.push('Forecast: none in the snapshot (Cost Explorer needs some history)');
  else {
    const interval =
      figures.monthEndLower === null || figures.monthEndUpper === null
        ? ''
        : ` (80% interval ${money(figures.monthEndLower, unit)}–${money(figures.monthEndUpper, unit)})`;
    const forecastShare = section.budget === null ? '' : `, ${Math.round((figures.monthEnd / section.budget) * 100)}% of the budget`;
    lines.push(`Forecast month total: ${money(figures.monthEnd, unit)}${interval}${forecastShare}`);
  }
  const total = round2(sum(section.top.map((group) => group.lastWeek)));
  lines.push(`Top ${section.top.length} by cost, ${section.lastWeekStart}..${section.lastWeekEnd} against the 7 days before:`);
  if (section.top.length === 0) lines.push('  no costs in those days');
  section.top.forEach((group, i) => lines.push(`  ${i + 1}. ${group.group}: ${money(group.lastWeek, unit)} (${change(group, unit)})`));
  if (section.top.length > 0) lines.push(`  together ${money(total, unit)}`);
  for (const note of snapshot.notes) lines.push(`Note: ${note}`);
  return lines;
}

/** A rendered digest: the email, the topic message and a one-line summary for the run. */
export interface RenderedDigest {
  email: RenderedEmail;
  topic: TopicMessage;
  summary: string;
}

/**
 * Renders the digest of `monitor` from the snapshots of its `cost` inputs (in input order; a
 * label whose snapshot is missing says so). `runUrl` links the recorded run.
 */
export function renderCostDigest(
  monitor: Pick<Monitor, 'id' | 'name' | 'costRules'>,
  snapshots: ReadonlyArray<{ label: string; snapshot: CostSnapshot | null; error?: string }>,
  options: { day: string; runUrl: string },
): RenderedDigest {
  const costLabels = snapshots.map((each) => each.label);
  const sections = snapshots.flatMap(({ label, snapshot }) =>
    snapshot === null ? [] : [digestSection(label, snapshot, budgetOf(monitor.costRules ?? [], label, costLabels))],
  );
  const body = [`Vigil cost digest for "${monitor.name}", ${options.day}`, ''];
  for (const { label, snapshot, error } of snapshots) {
    const section = sections.find((each) => each.label === label);
    if (snapshot === null || section === undefined) body.push(`[${label}] no snapshot: ${error ?? 'not collected yet'}`, '');
    else body.push(...describeSection(section), '');
  }
  body.push(`Run: ${options.runUrl}`);
  const text = body.join('\n');

  const first = sections[0];
  const headline =
    first === undefined
      ? 'no cost snapshot'
      : (() => {
          const { monthToDate } = monthFigures(first.snapshot);
          const share = first.budget === null ? '' : ` (${Math.round((monthToDate / first.budget) * 100)}% of budget)`;
          return `${money(monthToDate, first.snapshot.unit)} month to date${share}`;
        })();
  const subject = `[Vigil] Cost digest: ${monitor.name}: ${headline}`;
  const event = {
    version: 1,
    kind: 'digest',
    monitor_id: monitor.id,
    monitor_name: monitor.name,
    day: options.day,
    run_url: options.runUrl,
    sections: sections.map((section) => {
      const figures = monthFigures(section.snapshot);
      return {
        label: section.label,
        unit: section.snapshot.unit,
        month_to_date: figures.monthToDate,
        budget: section.budget,
        forecast_month_total: figures.monthEnd,
        forecast_lower: figures.monthEndLower,
        forecast_upper: figures.monthEndUpper,
        top: section.top.map((group) => ({ group: group.group, last_7_days: group.lastWeek, previous_7_days: group.previousWeek })),
      };
    }),
  };
  return {
    email: { subject, text, html: `<pre style="font-family:monospace">${escapeHtml(text)}</pre>` },
    topic: {
      subject: toAscii(subject).slice(0, 99),
      message: JSON.stringify({ default: JSON.stringify(event), email: text, sms: toAscii(subject).slice(0, 140) }),
      structure: 'json',
      attributes: { monitor_id: monitor.id, status: 'ok', severity: 'info', kind: 'digest' },
    },
    summary: `Cost digest: ${headline}.`,
  };
}
