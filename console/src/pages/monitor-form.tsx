import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { ErrorNotice, Field, Loading, PageTitle, PathErrors, StatusBadge } from '../components/common.tsx';
import { PayloadView } from '../components/payload.tsx';
import { useLoad } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import type { LogSource, Monitor, MonitorInput, Run } from '../types.ts';
import { listAll } from './monitors.tsx';
import { splitList } from './sources.tsx';

interface InputDraft {
  label: string;
  mode: MonitorInput['mode'];
  log_source_id: string;
  text: string;
  lookback_minutes: string;
}

interface RuleDraft {
  label: string;
  pattern: string;
  kind: 'min_count' | 'expect_at_least';
  count: string;
  severity: 'warn' | 'alert';
}

interface MonitorDraft {
  name: string;
  log_source_id: string;
  enabled: boolean;
  scheduleKind: 'interval' | 'expression';
  interval_seconds: string;
  schedule: string;
  prompt: string;
  inputs: InputDraft[];
  rules: RuleDraft[];
  max_lines: string;
  max_chars: string;
  window_mode: string;
  email_recipients: string;
  sms_numbers: string;
  notify_on: Monitor['notification_config']['notify_on'];
  cooldown_minutes: string;
}

const MODES_BY_SOURCE: Record<LogSource['mode'], MonitorInput['mode'][]> = {
  cloudwatch_logs: ['filter', 'insights'],
  ecs: ['filter', 'insights'],
  cost_explorer: ['cost'],
  file: ['tail'],
};

/** Which text an input mode takes, and under which API field. */
const TEXT_FIELD: Record<MonitorInput['mode'], { field: 'filter_pattern' | 'query' | 'match' | null; label: string }> = {
  filter: { field: 'filter_pattern', label: 'Filter pattern (empty: every line)' },
  insights: { field: 'query', label: 'Logs Insights query' },
  tail: { field: 'match', label: 'Only lines matching (regex, optional)' },
  cost: { field: null, label: '' },
};

const newInput = (mode: MonitorInput['mode'], label = ''): InputDraft => ({ label, mode, log_source_id: '', text: '', lookback_minutes: '' });
const newRule = (label = ''): RuleDraft => ({ label, pattern: '', kind: 'min_count', count: '1', severity: 'alert' });

function emptyDraft(): MonitorDraft {
  return {
    name: '',
    log_source_id: '',
    enabled: true,
    scheduleKind: 'interval',
    interval_seconds: '300',
    schedule: '',
    prompt: '',
    inputs: [newInput('filter', 'LOGS')],
    rules: [],
    max_lines: '500',
    max_chars: '8000',
    window_mode: 'templates',
    email_recipients: '',
    sms_numbers: '',
    notify_on: 'alert_only',
    cooldown_minutes: '60',
  };
}

function draftOf(monitor: Monitor): MonitorDraft {
  return {
    name: monitor.name,
    log_source_id: monitor.log_source_id,
    enabled: monitor.enabled,
    scheduleKind: monitor.schedule ? 'expression' : 'interval',
    interval_seconds: String(monitor.interval_seconds ?? 300),
    schedule: monitor.schedule ?? '',
    prompt: monitor.prompt,
    inputs: monitor.inputs.map((input) => ({
      label: input.label,
      mode: input.mode,
      log_source_id: input.log_source_id ?? '',
      text: input.filter_pattern ?? input.query ?? input.match ?? '',
      lookback_minutes: input.lookback_minutes === undefined ? '' : String(input.lookback_minutes),
    })),
    rules: monitor.rules.map((rule) => ({
      label: rule.label,
      pattern: rule.pattern,
      kind: rule.expect_at_least !== undefined ? 'expect_at_least' : 'min_count',
      count: String(rule.expect_at_least ?? rule.min_count ?? 1),
      severity: rule.severity,
    })),
    max_lines: String(monitor.window_config.max_lines),
    max_chars: String(monitor.window_config.max_chars),
    window_mode: monitor.window_config.mode ?? 'templates',
    email_recipients: monitor.notification_config.email_recipients.join('\n'),
    sms_numbers: monitor.notification_config.sms_numbers.join('\n'),
    notify_on: monitor.notification_config.notify_on,
    cooldown_minutes: String(monitor.notification_config.cooldown_minutes),
  };
}

/** A number as typed: digits become a number, anything else is sent as typed so the API names it. */
function numberOf(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The request body for create, update and preview. */
export function bodyOf(draft: MonitorDraft): Record<string, unknown> {
  const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
  return defined({
    name: draft.name,
    log_source_id: draft.log_source_id,
    enabled: draft.enabled,
    ...(draft.scheduleKind === 'interval' ? { interval_seconds: numberOf(draft.interval_seconds) } : { schedule: draft.schedule }),
    prompt: draft.prompt,
    inputs: draft.inputs.map((input) => {
      const textField = TEXT_FIELD[input.mode].field;
      return defined({
        label: input.label,
        mode: input.mode,
        log_source_id: input.log_source_id === '' ? undefined : input.log_source_id,
        ...(textField !== null && (input.mode !== 'tail' || input.text !== '') && { [textField]: input.text }),
        lookback_minutes: input.mode === 'tail' ? undefined : numberOf(input.lookback_minutes),
      });
    }),
    rules: draft.rules.map((rule) => ({ label: rule.label, pattern: rule.pattern, [rule.kind]: numberOf(rule.count), severity: rule.severity })),
    window_config: defined({ max_lines: numberOf(draft.max_lines), max_chars: numberOf(draft.max_chars), mode: draft.window_mode }),
    notification_config: defined({
      email_recipients: splitList(draft.email_recipients),
      sms_numbers: splitList(draft.sms_numbers),
      notify_on: draft.notify_on,
      cooldown_minutes: numberOf(draft.cooldown_minutes),
    }),
  });
}

export function MonitorForm({ id }: { id: string | null }) {
  const [draft, setDraft] = useState<MonitorDraft>(emptyDraft);
  const [error, setError] = useState<Error | undefined>();
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<Run | 'unavailable' | undefined>();
  const loaded = useLoad(
    async () => ({
      sources: await listAll<LogSource>('log-sources'),
      monitor: id === null ? null : await api.get<Monitor>(`monitors/${encodeURIComponent(id)}`),
    }),
    [id],
  );
  useEffect(() => {
    const data = loaded.data;
    if (!data) return;
    if (data.monitor) {
      setDraft(draftOf(data.monitor));
    } else if (data.sources[0]) {
      const source = data.sources[0];
      setDraft((current) =>
        current.log_source_id === ''
          ? { ...current, log_source_id: source.id, inputs: [newInput(MODES_BY_SOURCE[source.mode][0] ?? 'filter', 'LOGS')] }
          : current,
      );
    }
  }, [loaded.data]);
  const apiError = error instanceof ApiError ? error : undefined;
  const set = (patch: Partial<MonitorDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const setInput = (index: number, patch: Partial<InputDraft>) =>
    setDraft((current) => ({ ...current, inputs: current.inputs.map((input, i) => (i === index ? { ...input, ...patch } : input)) }));
  const setRule = (index: number, patch: Partial<RuleDraft>) =>
    setDraft((current) => ({ ...current, rules: current.rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)) }));
  const sourceMode = (sourceId: string) => loaded.data?.sources.find((s) => s.id === sourceId)?.mode;

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      const saved =
        id === null ? await api.post<Monitor>('monitors', bodyOf(draft)) : await api.put<Monitor>(`monitors/${encodeURIComponent(id)}`, bodyOf(draft));
      navigate('monitors', saved.id);
    } catch (caught) {
      setError(caught as Error);
      // Move to the first field the API named, so a keyboard user lands on it.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    } finally {
      setSaving(false);
    }
  };
  const runPreview = async () => {
    setSaving(true);
    setError(undefined);
    setPreview(undefined);
    try {
      setPreview(await api.post<Run>('monitors/preview', bodyOf(draft)));
    } catch (caught) {
      if (caught instanceof ApiError && (caught.status === 404 || caught.status === 405)) setPreview('unavailable');
      else setError(caught as Error);
    } finally {
      setSaving(false);
    }
  };

  if (loaded.error) return <ErrorNotice error={loaded.error} title="The form could not be loaded" />;
  if (!loaded.data) return <Loading what="the form" />;
  const sources = loaded.data.sources;
  const defaultMode = sourceMode(draft.log_source_id);
  return (
    <section>
      <p class="crumbs">
        <a href={href('monitors')}>Monitors</a> /
      </p>
      <PageTitle>{id === null ? 'New monitor' : `Edit ${draft.name}`}</PageTitle>
      {sources.length === 0 && (
        <p class="notice">
          A monitor reads log sources: <a href={href('sources', 'new')}>create a log source</a> first.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorNotice error={error} title="The monitor was not saved" />
        <Field label="Name" path="name" error={apiError}>
          {(attrs) => <input {...attrs} value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />}
        </Field>
        <Field label="Default log source" path="log_source_id" error={apiError}>
          {(attrs) => (
            <select {...attrs} value={draft.log_source_id} onChange={(e) => set({ log_source_id: e.currentTarget.value })}>
              {sources.map((source) => (
                <option key={source.id} value={source.id}>
                  {source.name} ({source.mode})
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend>Schedule</legend>
          <Field label="Schedule form" path="schedule_kind">
            {(attrs) => (
              <select {...attrs} value={draft.scheduleKind} onChange={(e) => set({ scheduleKind: e.currentTarget.value as MonitorDraft['scheduleKind'] })}>
                <option value="interval">every N seconds</option>
                <option value="expression">cron(…) or rate(…) expression</option>
              </select>
            )}
          </Field>
          {draft.scheduleKind === 'interval' ? (
            <Field label="Interval in seconds" path="interval_seconds" error={apiError} hint="60 to 86400.">
              {(attrs) => <input {...attrs} inputMode="numeric" value={draft.interval_seconds} onInput={(e) => set({ interval_seconds: e.currentTarget.value })} />}
            </Field>
          ) : (
            <Field label="Schedule expression" path="schedule" error={apiError} hint="cron(0 9 * * ? *) in UTC, or rate(5 minutes).">
              {(attrs) => <input {...attrs} value={draft.schedule} onInput={(e) => set({ schedule: e.currentTarget.value })} />}
            </Field>
          )}
          <div class="field checkbox">
            <input id="f-enabled" type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            <label for="f-enabled">Enabled</label>
          </div>
        </fieldset>
        <Field label="Instruction for the model" path="prompt" error={apiError}>
          {(attrs) => <textarea {...attrs} rows={4} value={draft.prompt} onInput={(e) => set({ prompt: e.currentTarget.value })} />}
        </Field>

        <fieldset>
          <legend>Inputs</legend>
          <PathErrors path="inputs" error={apiError} />
          {draft.inputs.map((input, index) => {
            const source = input.log_source_id === '' ? draft.log_source_id : input.log_source_id;
            const modes = MODES_BY_SOURCE[sourceMode(source) ?? defaultMode ?? 'cloudwatch_logs'];
            const text = TEXT_FIELD[input.mode];
            const p = `inputs[${index}]`;
            return (
              <fieldset key={index} class="item">
                <legend>Input {index + 1}</legend>
                <Field label="Label" path={`${p}.label`} error={apiError} hint="Upper-case words such as ERRORS.">
                  {(attrs) => <input {...attrs} value={input.label} onInput={(e) => setInput(index, { label: e.currentTarget.value })} />}
                </Field>
                <Field label="Log source" path={`${p}.log_source_id`} error={apiError}>
                  {(attrs) => (
                    <select {...attrs} value={input.log_source_id} onChange={(e) => setInput(index, { log_source_id: e.currentTarget.value })}>
                      <option value="">the monitor's default</option>
                      {sources.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.name} ({s.mode})
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Read" path={`${p}.mode`} error={apiError}>
                  {(attrs) => (
                    <select {...attrs} value={input.mode} onChange={(e) => setInput(index, { mode: e.currentTarget.value as MonitorInput['mode'] })}>
                      {[...new Set([...modes, input.mode])].map((mode) => (
                        <option key={mode} value={mode}>
                          {mode}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                {text.field !== null && (
                  <Field label={text.label} path={`${p}.${text.field}`} error={apiError}>
                    {(attrs) => <input {...attrs} value={input.text} onInput={(e) => setInput(index, { text: e.currentTarget.value })} />}
                  </Field>
                )}
                {input.mode !== 'tail' && (
                  <Field label="Look back (minutes)" path={`${p}.lookback_minutes`} error={apiError} hint="Empty: the interval.">
                    {(attrs) => <input {...attrs} inputMode="numeric" value={input.lookback_minutes} onInput={(e) => setInput(index, { lookback_minutes: e.currentTarget.value })} />}
                  </Field>
                )}
                <button type="button" class="secondary" onClick={() => set({ inputs: draft.inputs.filter((_, i) => i !== index) })}>
                  Remove input {index + 1}
                </button>
              </fieldset>
            );
          })}
          <button type="button" class="secondary" onClick={() => set({ inputs: [...draft.inputs, newInput(MODES_BY_SOURCE[defaultMode ?? 'cloudwatch_logs'][0] ?? 'filter')] })}>
            Add input
          </button>
        </fieldset>

        <fieldset>
          <legend>Rules (counted in code)</legend>
          <PathErrors path="rules" error={apiError} />
          {draft.rules.map((rule, index) => {
            const p = `rules[${index}]`;
            return (
              <fieldset key={index} class="item">
                <legend>Rule {index + 1}</legend>
                <Field label="Input label" path={`${p}.label`} error={apiError}>
                  {(attrs) => <input {...attrs} value={rule.label} onInput={(e) => setRule(index, { label: e.currentTarget.value })} />}
                </Field>
                <Field label="Pattern (RE2 regex)" path={`${p}.pattern`} error={apiError}>
                  {(attrs) => <input {...attrs} value={rule.pattern} onInput={(e) => setRule(index, { pattern: e.currentTarget.value })} />}
                </Field>
                <Field label="Breached when" path={`${p}.kind`}>
                  {(attrs) => (
                    <select {...attrs} value={rule.kind} onChange={(e) => setRule(index, { kind: e.currentTarget.value as RuleDraft['kind'] })}>
                      <option value="min_count">at least this many lines match</option>
                      <option value="expect_at_least">fewer than this many lines match</option>
                    </select>
                  )}
                </Field>
                <Field label="Lines" path={`${p}.${rule.kind}`} error={apiError}>
                  {(attrs) => <input {...attrs} inputMode="numeric" value={rule.count} onInput={(e) => setRule(index, { count: e.currentTarget.value })} />}
                </Field>
                <Field label="Severity" path={`${p}.severity`} error={apiError}>
                  {(attrs) => (
                    <select {...attrs} value={rule.severity} onChange={(e) => setRule(index, { severity: e.currentTarget.value as RuleDraft['severity'] })}>
                      <option value="alert">alert</option>
                      <option value="warn">warn</option>
                    </select>
                  )}
                </Field>
                <button type="button" class="secondary" onClick={() => set({ rules: draft.rules.filter((_, i) => i !== index) })}>
                  Remove rule {index + 1}
                </button>
              </fieldset>
            );
          })}
          <button type="button" class="secondary" onClick={() => set({ rules: [...draft.rules, newRule(draft.inputs[0]?.label ?? '')] })}>
            Add rule
          </button>
        </fieldset>

        <fieldset>
          <legend>Window</legend>
          <Field label="Most lines per input" path="window_config.max_lines" error={apiError}>
            {(attrs) => <input {...attrs} inputMode="numeric" value={draft.max_lines} onInput={(e) => set({ max_lines: e.currentTarget.value })} />}
          </Field>
          <Field label="Most characters" path="window_config.max_chars" error={apiError}>
            {(attrs) => <input {...attrs} inputMode="numeric" value={draft.max_chars} onInput={(e) => set({ max_chars: e.currentTarget.value })} />}
          </Field>
          <Field label="Shrink" path="window_config.mode" error={apiError}>
            {(attrs) => (
              <select {...attrs} value={draft.window_mode} onChange={(e) => set({ window_mode: e.currentTarget.value })}>
                <option value="templates">templates (every distinct pattern)</option>
                <option value="raw">raw (newest lines)</option>
              </select>
            )}
          </Field>
        </fieldset>

        <fieldset>
          <legend>Notifications</legend>
          <Field label="Email recipients" path="notification_config.email_recipients" error={apiError} hint="One per line.">
            {(attrs) => <textarea {...attrs} rows={2} value={draft.email_recipients} onInput={(e) => set({ email_recipients: e.currentTarget.value })} />}
          </Field>
          <Field label="SMS numbers" path="notification_config.sms_numbers" error={apiError} hint="E.164, one per line.">
            {(attrs) => <textarea {...attrs} rows={2} value={draft.sms_numbers} onInput={(e) => set({ sms_numbers: e.currentTarget.value })} />}
          </Field>
          <Field label="Notify on" path="notification_config.notify_on" error={apiError}>
            {(attrs) => (
              <select {...attrs} value={draft.notify_on} onChange={(e) => set({ notify_on: e.currentTarget.value as MonitorDraft['notify_on'] })}>
                <option value="alert_only">alerts only</option>
                <option value="warn_and_alert">warnings and alerts</option>
                <option value="all">every finished run</option>
              </select>
            )}
          </Field>
          <Field label="Cooldown (minutes)" path="notification_config.cooldown_minutes" error={apiError}>
            {(attrs) => <input {...attrs} inputMode="numeric" value={draft.cooldown_minutes} onInput={(e) => set({ cooldown_minutes: e.currentTarget.value })} />}
          </Field>
        </fieldset>

        <div class="actions">
          <button type="submit" disabled={saving}>
            {id === null ? 'Create monitor' : 'Save monitor'}
          </button>
          <button type="button" class="secondary" disabled={saving} onClick={() => void runPreview()}>
            Preview (run once, save nothing)
          </button>
        </div>
      </form>
      {preview === 'unavailable' && <p class="notice">This API does not offer previews (POST /monitors/preview).</p>}
      {preview !== undefined && preview !== 'unavailable' && (
        <section class="preview" aria-live="polite">
          <h2>
            Preview <StatusBadge status={preview.status} />
          </h2>
          <p>{preview.summary}</p>
          <ul>
            {preview.findings.map((finding, index) => (
              <li key={index}>
                {finding.title} ({finding.severity})
              </li>
            ))}
          </ul>
          {preview.payload && <PayloadView payload={preview.payload} findings={preview.findings} />}
        </section>
      )}
    </section>
  );
}
