import type { Monitor, MonitorSpec } from '../model/entities.ts';
import type { LogSourceReference } from '../model/errors.ts';

/** Every log source a monitor reads: its default source and its inputs' own, once each. */
export function referencedLogSourceIds(monitor: Pick<MonitorSpec, 'logSourceId' | 'inputs'>): string[] {
  return [...new Set([monitor.logSourceId, ...monitor.inputs.map((input) => input.logSourceId ?? monitor.logSourceId)])];
}

/**
 * Where the monitor names a log source: its default source (no input index), else the first
 * input naming it.
 */
export function logSourceReference(monitor: Pick<Monitor, 'logSourceId' | 'inputs'>, logSourceId: string): LogSourceReference {
  if (monitor.logSourceId === logSourceId) return { kind: 'log_source', id: logSourceId };
  const inputIndex = monitor.inputs.findIndex((input) => input.logSourceId === logSourceId);
  return inputIndex >= 0 ? { kind: 'log_source', id: logSourceId, inputIndex } : { kind: 'log_source', id: logSourceId };
}
