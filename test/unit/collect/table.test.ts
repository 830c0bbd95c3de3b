import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCostSnapshot } from '#domain/collect/cost-lines.ts';
import { buildPayload } from '#domain/collect/payload.ts';
import { renderTable } from '#domain/collect/table.ts';
import type { CollectedInput, CollectedLine, CostSnapshot } from '#domain/collect/types.ts';
import type { WindowConfig } from '#domain/model/entities.ts';
import { renderInputWindow } from '#domain/runs/run-steps.ts';
import { aLogSource, aMonitor, aTarget } from '../../support/builders.ts';
import { stepsOver } from '../../support/run-steps.ts';
import { fakeReaders } from './fakes.ts';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const EC2 = 'Amazon Elastic Compute Cloud - Compute';
const S3 = 'Amazon Simple Storage Service';
const templates = (maxLines = 500, maxChars = 8000): WindowConfig => ({ maxLines, maxChars, mode: 'templates' });

/** 36 days of EC2 at 12.50 a day, one day at 88.00, and S3 at 0.30 on most days. */
function spikySnapshot(): CostSnapshot {
  const daily = Array.from({ length: 36 }, (_, i) => {
    const day = new Date(Date.UTC(2026, 9, 23 + i)).toISOString().slice(0, 10);
    const ec2 = { day, group: EC2, amount: day === '2026-11-20' ? 88 : 12.5 };
    return i % 5 === 4 ? [ec2] : [ec2, { day, group: S3, amount: 0.3 }];
  }).flat();
  return {
    logSourceId: 'COST',
    collectedAt: '2026-11-27T06:00:00.000Z',
    metric: 'UnblendedCost',
    groupBy: 'SERVICE',
    unit: 'USD',
    estimatedFrom: '2026-11-26',
    daily,
    monthToDate: [
      { group: EC2, amount: 400.5 },
      { group: S3, amount: 6.3 },
    ],
    forecast: { start: '2026-11-28', end: '2026-12-01', amount: 37.5 },
    anomalies: [],
    notes: [],
  };
}

function costInput(snapshot: CostSnapshot, lookbackMinutes = 36 * 24 * 60): CollectedInput {
  return { label: 'BUDGET', mode: 'cost', lines: renderCostSnapshot(snapshot, { now: NOW, lookbackMinutes }).lines, error: null, notes: [] };
}

const statsRow = (bin: string, avg: string, count: string): CollectedLine => ({
  timestamp: null,
  text: `bin(5m)=${bin} avg(duration)=${avg} count()=${count}`,
  fields: [
    ['bin(5m)', bin],
    ['avg(duration)', avg],
    ['count()', count],
  ],
});

/** How {@link statsRows}(3) reads as a table. */
const STATS_TABLE = [
  "# table: 3 rows × 3 columns, in the query's order",
  'bin(5m) | avg(duration) | count()',
  '2026-11-27 10:00:00.000 | 100 | 40',
  '2026-11-27 10:05:00.000 | 101 | 41',
  '2026-11-27 10:10:00.000 | 102 | 42',
];

const statsRows = (n: number): CollectedLine[] =>
  Array.from({ length: n }, (_, i) => statsRow(`2026-11-27 ${String(10 + Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:00.000`, String(100 + i), String(40 + i)));

describe('cost inputs', () => {
  it('are never masked: a daily spike of 88.00 among 12.50s stays visible, in a table, in templates mode', () => {
    const payload = buildPayload([costInput(spikySnapshot())], templates(), renderInputWindow);

    const body = payload.blocks[0]?.lines ?? [];
    expect(body.slice(0, 3)).toEqual([
      '# daily cost in USD: 36 days × 2 groups, oldest first',
      `day | ${EC2} | ${S3}`,
      '2026-10-23 | 12.50 | 0.30',
    ]);
    expect(body).toContain('2026-11-20 | 88.00 | 0.30');
    expect(body).toContain('2026-10-27 | 12.50 | -');
    expect(body.filter((line) => / \| 12\.50 \| /.test(line))).toHaveLength(35);
    expect(body.slice(-3)).toEqual([
      'month-to-date since 2026-11-01 total 406.80 USD',
      'forecast 2026-11-28..2026-12-01 (end exclusive) 37.50 USD; month total ≈ 444.30 USD',
      'snapshot: UnblendedCost by SERVICE in USD, collected 2026-11-27T06:00:00.000Z; amounts from 2026-11-26 on are estimates',
    ]);
    expect(payload.text).not.toContain('<*>');
    expect(payload.inputs.BUDGET).toMatchObject({ truncated: false, error: null });
  });

  it('keep the newest days, the totals and the forecast when the window cannot hold every day', () => {
    const payload = buildPayload([costInput(spikySnapshot())], templates(12, 8000), renderInputWindow);

    const body = payload.blocks[0]?.lines ?? [];
    expect(body).toHaveLength(12);
    expect(body[0]).toBe('# daily cost in USD: 36 days × 2 groups, the newest 5 shown');
    expect(body.slice(2, 7).map((line) => line.slice(0, 10))).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']);
    expect(body.at(-2)).toContain('forecast 2026-11-28..2026-12-01');
    expect(payload.inputs.BUDGET?.truncated).toBe(true);
  });

  it('reach the table through the run steps: collection passes the input mode to the renderer', async () => {
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' } });
    const monitor = aMonitor(source.id, { inputs: [{ label: 'BUDGET', mode: 'cost', lookbackMinutes: 10 * 24 * 60 }] });

    const payload = await stepsOver(source, target, fakeReaders({ snapshot: spikySnapshot() }), NOW).collect(monitor, NOW.getTime() + 10_000);

    expect(payload.text).toContain('\n2026-11-20 | 88.00 | 0.30\n');
    expect(payload.text).toContain('# daily cost in USD: 11 days × 2 groups, oldest first');
  });
});

describe('the README example', () => {
  it('is what a 7-day cost input and a stats input render', () => {
    const daily = Array.from({ length: 7 }, (_, i) => {
      const day = new Date(Date.UTC(2026, 10, 21 + i)).toISOString().slice(0, 10);
      return [
        { day, group: EC2, amount: day === '2026-11-25' ? 88 : 12.5 },
        { day, group: 'AmazonCloudWatch', amount: 0.3 },
      ];
    }).flat();
    const snapshot: CostSnapshot = {
      ...spikySnapshot(),
      estimatedFrom: null,
      daily,
      monthToDate: [
        { group: EC2, amount: 400.5 },
        { group: 'AmazonCloudWatch', amount: 8.1 },
      ],
    };
    const stats: CollectedInput = { label: 'LATENCY', mode: 'insights', lines: statsRows(3), error: null, notes: [] };

    const payload = buildPayload([costInput(snapshot, 7 * 24 * 60), stats], templates(), renderInputWindow);

    expect(payload.text).toBe(
      [
        '[BUDGET]',
        '# daily cost in USD: 7 days × 2 groups, oldest first',
        `day | ${EC2} | AmazonCloudWatch`,
        '2026-11-21 | 12.50 | 0.30',
        '2026-11-22 | 12.50 | 0.30',
        '2026-11-23 | 12.50 | 0.30',
        '2026-11-24 | 12.50 | 0.30',
        '2026-11-25 | 88.00 | 0.30',
        '2026-11-26 | 12.50 | 0.30',
        '2026-11-27 | 12.50 | 0.30',
        `month-to-date since 2026-11-01 ${EC2} 400.50 USD`,
        'month-to-date since 2026-11-01 AmazonCloudWatch 8.10 USD',
        'month-to-date since 2026-11-01 total 408.60 USD',
        'forecast 2026-11-28..2026-12-01 (end exclusive) 37.50 USD; month total ≈ 446.10 USD',
        'snapshot: UnblendedCost by SERVICE in USD, collected 2026-11-27T06:00:00.000Z',
        '',
        '[LATENCY]',
        ...STATS_TABLE,
      ].join('\n'),
    );
  });
});

describe('Logs Insights inputs', () => {
  it('show stats rows as a table with every value verbatim', () => {
    const window = renderTable(statsRows(3), { mode: 'templates', maxLines: 500, maxChars: 8000, inputMode: 'insights' });

    expect(window?.text).toBe(STATS_TABLE.join('\n'));
    expect(window).toMatchObject({ lines: 5, truncated: false });
  });

  it('keep the first rows in the query order when the window is short, and say so', () => {
    const window = renderTable(statsRows(40), { mode: 'raw', maxLines: 12, maxChars: 8000, inputMode: 'insights' });

    const lines = window?.text.split('\n') ?? [];
    expect(lines[0]).toBe('# table: 40 rows × 3 columns, the first 10 shown');
    expect(lines[2]).toBe('2026-11-27 10:00:00.000 | 100 | 40');
    expect(lines).toHaveLength(12);
    expect(window).toMatchObject({ lines: 12, truncated: true });
  });

  it('name where rows came from and escape separators and line breaks inside values', () => {
    const rows: CollectedLine[] = [
      { timestamp: '2026-11-27T10:00:01.000Z', origin: '/ecs/orders', text: 'x', fields: [['path', '/a|b'], ['msg', 'one\ntwo']] },
      { timestamp: '2026-11-27T10:00:02.000Z', origin: '/ecs/payments', text: 'y', fields: [['path', '/c']] },
    ];

    const window = renderTable(rows, { mode: 'templates', maxLines: 50, maxChars: 8000, inputMode: 'insights' });

    expect(window?.text.split('\n').slice(1)).toEqual([
      '@timestamp | @log | path | msg',
      '2026-11-27T10:00:01Z | /ecs/orders | /a\\|b | one\\ntwo',
      '2026-11-27T10:00:02Z | /ecs/payments | /c | ',
    ]);
  });

  it('leave bare @message rows (free-text logs) to the template renderer', () => {
    const messages: CollectedLine[] = Array.from({ length: 30 }, (_, i) => ({ timestamp: null, text: `INFO order ${i} filled` }));
    const input: CollectedInput = { label: 'LOGS', mode: 'insights', lines: messages, error: null, notes: [] };

    const payload = buildPayload([input], templates(), renderInputWindow);

    expect(renderTable(messages, { mode: 'templates', maxLines: 500, maxChars: 8000, inputMode: 'insights' })).toBeNull();
    expect(payload.text).not.toContain('# table');
    // The template renderer's summary line: 30 lines mined into templates.
    expect(payload.text).toMatch(/^\[LOGS\]\n# 30 lines, /);
  });

  it('show an empty result as no lines', () => {
    const input: CollectedInput = { label: 'LATENCY', mode: 'insights', lines: [], error: null, notes: [] };

    expect(buildPayload([input], templates(), renderInputWindow).text).toBe('[LATENCY]\n(no lines)');
  });
});

describe('tables within the payload bounds', () => {
  it('never exceed maxChars nor maxLines, whatever the rows', () => {
    const value = fc.string({ maxLength: 30 });
    const row = fc.array(fc.tuple(fc.constantFrom('a', 'count()', 'bin(1m)', 'x|y'), value), { minLength: 1, maxLength: 4 });
    const insights = fc.array(row.map((fields): CollectedLine => ({ timestamp: null, text: 't', fields })), { maxLength: 40 });
    const window = fc.record({
      maxLines: fc.integer({ min: 1, max: 60 }),
      maxChars: fc.integer({ min: 100, max: 3000 }),
      mode: fc.constantFrom('raw' as const, 'templates' as const),
    });
    fc.assert(
      fc.property(insights, window, fc.integer({ min: 1, max: 40 }), (rows, config, days) => {
        const cost = costInput(spikySnapshot(), days * 24 * 60);
        const payload = buildPayload([{ label: 'LATENCY', mode: 'insights', lines: rows, error: null, notes: [] }, cost], config, renderInputWindow);
        expect(payload.text.length).toBeLessThanOrEqual(config.maxChars);
        expect(payload.blocks.reduce((sum, b) => sum + b.lines.length, 0)).toBeLessThanOrEqual(config.maxLines);
      }),
      { numRuns: 300 },
    );
  });
});
