import { describe, expect, it } from 'vitest';
import { findOutliers, readNumber, templateWithRanges } from '#domain/shrink/numbers.ts';

describe('readNumber', () => {
  it('reads a number with an optional sign, fraction and unit', () => {
    expect(readNumber('12ms')).toEqual({ value: 12, text: '12', unit: 'ms' });
    expect(readNumber('-3.50')).toEqual({ value: -3.5, text: '-3.50', unit: '' });
    expect(readNumber('80%')).toEqual({ value: 80, text: '80', unit: '%' });
  });

  it('refuses what is not one number', () => {
    for (const text of ['', 'ms', '1.2.3', '10.0.0.1', '0x1f', '12ms3', '3.', '12abcdefghij', '1'.repeat(41)]) expect(readNumber(text)).toBeUndefined();
  });
});

describe('findOutliers', () => {
  it('finds a value ten times the median', () => {
    const values = [...Array.from({ length: 200 }, (_, i) => 12 + (i % 5)), 9500];

    expect([...findOutliers(values).keys()]).toEqual([200]);
  });

  it('finds the highest values when they are three times the largest of the others', () => {
    const values = [...Array.from({ length: 35 }, () => 12.5), 88];

    expect([...findOutliers(values).keys()]).toEqual([35]);
  });

  it('leaves low values alone: the first of a counter or an id is no outlier', () => {
    expect(findOutliers(Array.from({ length: 100 }, (_, i) => i)).size).toBe(0);
  });

  it('finds nothing in an ordinary spread, with too few values, or when many lines share the extreme', () => {
    expect(findOutliers(Array.from({ length: 100 }, (_, i) => 200 + ((i * 37) % 300))).size).toBe(0);
    expect(findOutliers([1, 1, 1, 9500]).size).toBe(0);
    expect(findOutliers([...Array.from({ length: 20 }, () => 10), ...Array.from({ length: 20 }, () => 5000)]).size).toBe(0);
    expect(findOutliers([-5, 10, 10, 10, 10, 9000]).size).toBe(0);
  });
});

describe('templateWithRanges', () => {
  it('shows each numeric position as its range, or one value, with its unit', () => {
    const ranges = [
      { token: 2, min: 12, max: 9500, minText: '12', maxText: '9500', unit: 'ms' },
      { token: 3, min: 3, max: 3, minText: '3', maxText: '3', unit: '' },
    ];

    expect(templateWithRanges('request took <*> retries=<*>, status <*>', ranges)).toBe('request took <12–9500>ms retries=<3>, status <*>');
  });
});
