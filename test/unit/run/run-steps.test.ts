import { describe, expect, it } from 'vitest';
import { maskedLineId } from '#domain/runs/run-steps.ts';
import { aLogSource, aMonitor, aTarget } from '../../support/builders.ts';
import { stepsOver } from '../../support/run-steps.ts';
import { fakeReaders } from '../collect/fakes.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');

describe('createRunSteps', () => {
  it('keeps on the run what limited a read, and counts rules over every line read, not the shrunk window', async () => {
    const target = aTarget();
    const source = aLogSource(target.id);
    const read = Array.from({ length: 40 }, (_, i) => ({ timestamp: null, text: `ERROR order ${i} timeout after 30s` }));
    const readers = fakeReaders({ logs: async () => ({ lines: read, notes: ['stopped reading /ecs/orders after 50000 events in all (scan cap)'] }) });
    const monitor = aMonitor(source.id, {
      inputs: [{ label: 'ERRORS', mode: 'filter', filterPattern: 'ERROR' }],
      rules: [{ label: 'ERRORS', pattern: 'ERROR', minCount: 30, severity: 'alert' }],
    });
    const steps = stepsOver(source, target, readers);

    const payload = await steps.collect(monitor, NOW.getTime() + 10_000);
    const judged = await steps.judge(monitor, payload, null, NOW.getTime() + 10_000);

    expect(payload.inputs.ERRORS?.notes).toEqual(['stopped reading /ecs/orders after 50000 events in all (scan cap)']);
    // Templates mode shows the 40 lines as one template line; the rule still counts 40.
    expect(payload.text.split('\n').filter((line) => line.includes('ERROR')).length).toBeLessThan(40);
    expect(judged.rules).toMatchObject([{ count: 40, breached: true, templateId: maskedLineId('ERROR order 1 timeout after 30s') }]);
    expect(judged.status).toBe('alert');
  });
});
