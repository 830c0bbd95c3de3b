import type { HealthReport, MonitorRun, RunStatus } from './api-client.ts';

/** ANSI styling, or plain text when the output is not a terminal (or NO_COLOR is set). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  status(status: RunStatus | string, text?: string): string;
}

const CODES: Record<string, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

const STATUS_COLOUR: Record<string, string> = {
  ok: 'green',
  warn: 'yellow',
  alert: 'red',
  error: 'magenta',
  queued: 'cyan',
  running: 'cyan',
  degraded: 'yellow',
  down: 'red',
  sent: 'green',
  outbox: 'green',
  failed: 'red',
  suppressed: 'yellow',
};

export function makeStyle(colour: boolean): Style {
  const paint = (name: string, text: string) => {
    const codes = CODES[name];
    return colour && codes ? `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m` : text;
  };
  return {
    bold: (text) => paint('bold', text),
    dim: (text) => paint('dim', text),
    status: (status, text = status) => paint(STATUS_COLOUR[status] ?? 'bold', text),
  };
}

/** Rows as aligned columns; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => visibleLength(row[column] ?? '')))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, '').length;
}

function usd(amount: number): string {
  return `$${amount < 0.01 && amount > 0 ? amount.toFixed(6) : amount.toFixed(4)}`;
}

function ruleThreshold(rule: MonitorRun['rules'][number]): string {
  if (rule.kind === 'expect_at_least') return `expect ≥ ${rule.expect_at_least ?? '?'}`;
  return `≥ ${rule.min_count ?? '?'}`;
}

/** What the model did for a run, in one line. */
export function describeJudge(run: MonitorRun): string {
  const judge = run.judge;
  if (judge === null) return 'not judged';
  if (judge.kind === 'rules') {
    const why = judge.fallback_reason ?? (judge.fallback ? judge.fallback : 'no model available');
    return `rules only (${why}), cost ${usd(0)}`;
  }
  if (judge.skipped !== null) return `model ${judge.model_id ?? ''} not called (${judge.skipped}), cost ${usd(0)}`;
  return (
    `model ${judge.model_id ?? ''}: ${judge.input_tokens} tokens in, ${judge.output_tokens} out, ` +
    `${(judge.latency_ms / 1000).toFixed(1)} s, cost ${usd(judge.estimated_cost_usd)}`
  );
}

/** A finished run for people: verdict, summary, findings with evidence, rules, cost, notifications. */
export function renderRun(run: MonitorRun, monitorName: string, style: Style): string {
  const lines: string[] = [];
  const when = run.finished_at ?? run.started_at ?? run.created_at;
  lines.push(`${style.status(run.status, style.bold(run.status.toUpperCase()))}  ${style.bold(monitorName)}  ${style.dim(`${run.preview ? 'preview, not saved' : `run ${run.id}`} (${run.trigger}) ${when}`)}`);
  if (run.summary) lines.push(run.summary);
  if (run.error) lines.push(`${style.status('error', 'error:')} ${run.error}`);
  if (run.findings.length > 0) {
    lines.push('', style.bold('Findings'));
    for (const finding of run.findings) {
      lines.push(`  ${style.status(finding.severity === 'info' ? 'ok' : finding.severity, `[${finding.severity}]`)} ${finding.title}${finding.label ? style.dim(` (${finding.label})`) : ''}`);
      for (const line of finding.evidence) lines.push(`      ${style.dim('│')} ${line}`);
      if (finding.recommendation) lines.push(`      → ${finding.recommendation}`);
    }
  }
  if (run.rules.length > 0) {
    lines.push('', style.bold('Rules'));
    lines.push(
      table(
        run.rules.map((rule) => [
          `  ${rule.breached ? style.status(rule.severity, 'breached') : rule.input_failed ? style.status('error', 'unread') : style.status('ok', 'ok')}`,
          rule.severity,
          rule.label,
          `/${rule.pattern}/`,
          `${rule.count} matched, ${ruleThreshold(rule)}`,
        ]),
      ),
    );
  }
  const failedInputs = Object.entries(run.inputs).filter(([, stats]) => stats.error !== null);
  if (failedInputs.length > 0) {
    lines.push('', style.bold('Inputs that failed'));
    for (const [label, stats] of failedInputs) lines.push(`  ${label}: ${stats.error}`);
  }
  lines.push('', `${style.bold('Judge')}  ${describeJudge(run)}`);
  if (run.notifications.length > 0) {
    lines.push('', style.bold('Notifications'));
    lines.push(
      table(
        run.notifications.map((n) => [`  ${n.channel}`, n.target, style.status(n.status), n.reason ?? '']),
      ),
    );
  }
  return lines.join('\n');
}

/** One line per run, for `vigil runs`. */
export function renderRunList(runs: readonly MonitorRun[], style: Style): string {
  if (runs.length === 0) return 'no runs';
  return table([
    ['CREATED', 'STATUS', 'TRIGGER', 'MONITOR', 'RUN', 'COST', 'SUMMARY'],
    ...runs.map((run) => [
      run.created_at,
      style.status(run.status),
      run.trigger,
      run.monitor_id,
      run.id,
      run.judge ? usd(run.judge.estimated_cost_usd) : '-',
      (run.summary ?? run.error ?? '').replace(/\s+/g, ' ').slice(0, 80),
    ]),
  ]);
}

export function renderHealth(report: HealthReport, style: Style): string {
  const lines = [`${style.bold('Vigil')} ${style.status(report.status)}`];
  for (const [name, check] of Object.entries(report.checks)) {
    const extra = Object.entries(check)
      .filter(([key]) => key !== 'ok')
      .map(([key, value]) => `${key}=${value === null ? 'null' : String(value)}`)
      .join(' ');
    lines.push(`  ${name.padEnd(10)} ${check.ok ? style.status('ok') : style.status('down', 'failing')} ${style.dim(extra)}`);
  }
  return lines.join('\n');
}
