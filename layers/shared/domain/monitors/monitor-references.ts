import type { Monitor, MonitorSpec } from '../model/entities.ts';

/** Every log source a monitor reads: its default source and its inputs' own, once each. */
export function referencedLogSourceIds(monitor: Pick<MonitorSpec, 'logSourceId' | 'inputs'>): string[] {
  return [...new Set([monitor.logSourceId, ...monitor.inputs.map((input) => input.logSourceId ?? monitor.logSourceId)])];
}

/** The request field that names a log source, for error details. */
export function referencePath(monitor: Pick<Monitor, 'logSourceId' | 'inputs'>, logSourceId: string): string {
  if (monitor.logSourceId === logSourceId) return 'log_source_id';
  const index = monitor.inputs.findIndex((input) => input.logSourceId === logSourceId);
  return index >= 0 ? `inputs[${index}].log_source_id` : 'log_source_id';
}
