import { describe, expect, it } from 'vitest';
import { eventCoverage } from '../../../bench/lib/coverage.ts';
import { parseCsv, parseCsvRecords } from '../../../bench/lib/csv.ts';
import { groupingAccuracy } from '../../../bench/lib/grouping-accuracy.ts';
import { joinSystem, splitLines } from '../../../bench/lib/loghub.ts';
import { normalizeTemplate, parsingAccuracy } from '../../../bench/lib/parsing-accuracy.ts';
import { formatTable, meanFigures } from '../../../bench/lib/report.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",\n';

    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ]);
  });

  it('accepts CRLF and a last line without a line break', () => {
    expect(parseCsv('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keys records by the header row', () => {
    expect(parseCsvRecords('LineId,Content\n1,"Connected, ok"\n')).toEqual([{ LineId: '1', Content: 'Connected, ok' }]);
  });
});

describe('groupingAccuracy', () => {
  it('is 1 when the groups equal the truth, whatever the group names', () => {
    expect(groupingAccuracy(['A', 'A', 'B', 'B'], ['x', 'x', 'y', 'y'])).toBe(1);
  });

  it('counts none of the lines of a group that mixes two events', () => {
    expect(groupingAccuracy(['A', 'A', 'B', 'B'], ['x', 'x', 'x', 'x'])).toBe(0);
  });

  it('counts none of the lines of an event split over two groups', () => {
    expect(groupingAccuracy(['A', 'A', 'B', 'B'], ['x', 'x', 'y', 'z'])).toBe(0.5);
  });

  it('refuses inputs of different lengths', () => {
    expect(() => groupingAccuracy(['A'], [])).toThrow(RangeError);
  });
});

describe('eventCoverage', () => {
  const lines = [
    { text: 'disk full on sda', event: 'E1', templateId: 't1' },
    { text: 'disk full on sdb', event: 'E1', templateId: 't1' },
    { text: 'fan 2 failed', event: 'E2', templateId: 't2' },
    { text: 'user bob logged in', event: 'E3', templateId: 't3' },
  ];

  it('covers an event through a shown template or a line shown verbatim', () => {
    const payload = { text: '12x something\nuser bob logged in', templateIds: ['t1'] };

    expect(eventCoverage(payload, lines)).toBeCloseTo(2 / 3);
  });

  it('only looks at the lines a filter keeps', () => {
    expect(eventCoverage({ text: '', templateIds: ['t2'] }, lines, (line) => line.event === 'E2')).toBe(1);
    expect(eventCoverage({ text: '', templateIds: ['t2'] }, lines, (line) => line.event === 'E1')).toBe(0);
  });
});

describe('loghub files', () => {
  it('joins raw lines to structured rows by LineId and reads alert labels', () => {
    const csv = 'LineId,Label,Content,EventId\n2,APPREAD,"b, second",E2\n1,-,a,E1\n';

    const system = joinSystem('BGL_2k', 'raw a\r\nraw b\r\n', csv);

    expect(system.name).toBe('BGL');
    expect(system.hasAlerts).toBe(true);
    expect(system.lines).toEqual([
      { raw: 'raw b', content: 'b, second', event: 'E2', label: 'APPREAD' },
      { raw: 'raw a', content: 'a', event: 'E1', label: '-' },
    ]);
  });

  it('splits LF and CRLF text without a trailing empty line', () => {
    expect(splitLines('a\r\nb\nc\n')).toEqual(['a', 'b', 'c']);
  });
});

describe('report', () => {
  it('averages each figure over the systems that have it and prints a mean row', () => {
    const results = [
      { name: 'BGL', grouping_accuracy: 0.9, parsing_accuracy: 0.5, coverage_templates: 1, coverage_raw: 0.2, alert_coverage: 1, lines_per_second: 100, lines_per_second_end_to_end: 50, peak_rss_mb: 50 },
      { name: 'HDFS', grouping_accuracy: 1, coverage_templates: 0.8, coverage_raw: 0.4, lines_per_second: 300, lines_per_second_end_to_end: 150, peak_rss_mb: 70 },
    ];

    const mean = meanFigures(results);

    expect(mean).toMatchObject({ grouping_accuracy: 0.95, parsing_accuracy: 0.5, coverage_templates: 0.9, alert_coverage: 1, lines_per_second: 200, lines_per_second_end_to_end: 100, peak_rss_mb: 60 });
    expect(mean.coverage_raw).toBeCloseTo(0.3);
    expect(formatTable(results, mean).split('\n').at(-1)).toMatch(/^mean\s+0\.950\s+-\s+0\.500\s+90\.0%\s+30\.0%\s+100\.0%\s+200\s+100\s+60$/);
  });
});

describe('parsingAccuracy', () => {
  it('normalises both sides alike: whitespace runs, and runs of variables', () => {
    expect(normalizeTemplate('  close,  <*> <*><*>  sent ')).toBe('close, <*> sent');
    expect(normalizeTemplate('a <*>:<*> b')).toBe('a <*>:<*> b');
  });

  it('counts the lines whose normalised template equals the truth', () => {
    const truth = ['user <*> logged in', 'user <*> logged in', 'disk <*> full', 'x <*> <*> y'];
    const mined = ['user <*> logged in', 'user alice logged in', undefined, 'x <*> y'];

    expect(parsingAccuracy(truth, mined)).toBe(0.5);
    expect(() => parsingAccuracy(truth, [])).toThrow(RangeError);
  });
});
