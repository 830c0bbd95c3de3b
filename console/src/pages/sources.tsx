import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { ErrorNotice, Field, ListTitle, Loading, PageTitle, ScrollTable } from '../components/common.tsx';
import { useLoad } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import type { LogSource, SourceTest, Target } from '../types.ts';
import { listAll } from './monitors.tsx';

export function SourcesPage() {
  const data = useLoad(async () => ({ sources: await listAll<LogSource>('log-sources'), targets: await listAll<Target>('targets') }), []);
  const targetName = (id: string) => data.data?.targets.find((t) => t.id === id)?.name ?? id;
  return (
    <section>
      <ListTitle title="Log sources" newHref={href('sources', 'new')} newLabel="New log source" />
      <ErrorNotice error={data.error} title="Log sources could not be loaded" />
      {!data.data && !data.error && <Loading what="log sources" />}
      {data.data && (
        <ScrollTable label="Log sources" headers={['Name', 'Kind', 'Target', 'Reads']}>
              {data.data.sources.map((source) => (
                <tr key={source.id}>
                  <td>
                    <a href={href('sources', source.id, 'edit')}>{source.name}</a>
                  </td>
                  <td>{source.mode}</td>
                  <td>{targetName(source.target_id)}</td>
                  <td>
                    <code>{JSON.stringify(source.config)}</code>
                  </td>
                </tr>
              ))}
            </ScrollTable>
      )}
    </section>
  );
}

type Mode = LogSource['mode'];

interface SourceDraft {
  name: string;
  target_id: string;
  mode: Mode;
  log_group_names: string;
  log_group_name_prefix: string;
  cluster: string;
  container_name: string;
  service_name: string;
  task_family: string;
  metric: string;
  group_by: string;
  path: string;
}

const EMPTY: SourceDraft = {
  name: '',
  target_id: '',
  mode: 'cloudwatch_logs',
  log_group_names: '',
  log_group_name_prefix: '',
  cluster: '',
  container_name: '',
  service_name: '',
  task_family: '',
  metric: 'UnblendedCost',
  group_by: 'SERVICE',
  path: '',
};

/** Lines or commas, trimmed, empty ones dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function configOf(draft: SourceDraft): Record<string, unknown> {
  const some = (entries: Array<[string, unknown]>) => Object.fromEntries(entries.filter(([, value]) => value !== '' && value !== undefined));
  switch (draft.mode) {
    case 'cloudwatch_logs':
      return draft.log_group_name_prefix !== ''
        ? { log_group_name_prefix: draft.log_group_name_prefix }
        : { log_group_names: splitList(draft.log_group_names) };
    case 'ecs':
      return some([
        ['cluster', draft.cluster],
        ['container_name', draft.container_name],
        ['service_name', draft.service_name],
        ['task_family', draft.task_family],
      ]);
    case 'cost_explorer':
      return some([
        ['metric', draft.metric],
        ['group_by', draft.group_by],
      ]);
    case 'file':
      return { path: draft.path };
  }
}

function draftOf(source: LogSource): SourceDraft {
  const config = source.config as Record<string, string | string[] | undefined>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    ...EMPTY,
    name: source.name,
    target_id: source.target_id,
    mode: source.mode,
    log_group_names: Array.isArray(config.log_group_names) ? config.log_group_names.join('\n') : '',
    log_group_name_prefix: text(config.log_group_name_prefix),
    cluster: text(config.cluster),
    container_name: text(config.container_name),
    service_name: text(config.service_name),
    task_family: text(config.task_family),
    metric: text(config.metric) || EMPTY.metric,
    group_by: text(config.group_by) || EMPTY.group_by,
    path: text(config.path),
  };
}

export function SourceForm({ id }: { id: string | null }) {
  const [draft, setDraft] = useState<SourceDraft>(EMPTY);
  const [error, setError] = useState<Error | undefined>();
  const [saving, setSaving] = useState(false);
  const [test, setTest] = useState<SourceTest | undefined>();
  const [testing, setTesting] = useState(false);
  const loaded = useLoad(
    async () => ({
      targets: await listAll<Target>('targets'),
      source: id === null ? null : await api.get<LogSource>(`log-sources/${encodeURIComponent(id)}`),
    }),
    [id],
  );
  useEffect(() => {
    if (loaded.data?.source) setDraft(draftOf(loaded.data.source));
    else if (loaded.data && loaded.data.targets.length > 0) setDraft((current) => (current.target_id === '' ? { ...current, target_id: loaded.data?.targets[0]?.id ?? '' } : current));
  }, [loaded.data]);
  const apiError = error instanceof ApiError ? error : undefined;
  const set = (patch: Partial<SourceDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const body = () => ({ name: draft.name, target_id: draft.target_id, mode: draft.mode, config: configOf(draft) });

  const runTest = async (sourceId: string) => {
    setTesting(true);
    try {
      setTest(await api.post<SourceTest>(`log-sources/${encodeURIComponent(sourceId)}/test`));
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setTesting(false);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      if (id === null) {
        const created = await api.post<LogSource>('log-sources', body());
        // Straight to the saved source, where "Test" reads a sample.
        navigate('sources', created.id, 'edit');
      } else {
        await api.put(`log-sources/${encodeURIComponent(id)}`, body());
        loaded.reload();
      }
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (id === null || !confirm(`Delete log source "${draft.name}"?`)) return;
    try {
      await api.del(`log-sources/${encodeURIComponent(id)}`);
      navigate('sources');
    } catch (caught) {
      setError(caught as Error);
    }
  };

  if (loaded.error) return <ErrorNotice error={loaded.error} title="The form could not be loaded" />;
  if (!loaded.data) return <Loading what="the form" />;
  const text = (label: string, key: keyof SourceDraft, path: string, hint?: string, placeholder?: string) => (
    <Field label={label} path={path} error={apiError} {...(hint !== undefined && { hint })}>
      {(attrs) => <input {...attrs} value={draft[key]} placeholder={placeholder} onInput={(e) => set({ [key]: e.currentTarget.value } as Partial<SourceDraft>)} />}
    </Field>
  );
  return (
    <section>
      <p class="crumbs">
        <a href={href('sources')}>Log sources</a> /
      </p>
      <PageTitle>{id === null ? 'New log source' : `Log source ${draft.name}`}</PageTitle>
      {loaded.data.targets.length === 0 && (
        <p class="notice">
          A log source belongs to a target: <a href={href('targets', 'new')}>create a target</a> first.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorNotice error={error} title="The log source was not saved" />
        {text('Name', 'name', 'name')}
        <Field label="Target" path="target_id" error={apiError}>
          {(attrs) => (
            <select {...attrs} value={draft.target_id} onChange={(e) => set({ target_id: e.currentTarget.value })}>
              {loaded.data?.targets.map((target) => (
                <option key={target.id} value={target.id}>
                  {target.name} ({target.type})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Kind" path="mode" error={apiError}>
          {(attrs) => (
            <select {...attrs} value={draft.mode} onChange={(e) => set({ mode: e.currentTarget.value as Mode })}>
              <option value="cloudwatch_logs">CloudWatch Logs</option>
              <option value="ecs">ECS container logs</option>
              <option value="cost_explorer">Cost Explorer (cost snapshots)</option>
              <option value="file">file on this machine (local mode)</option>
            </select>
          )}
        </Field>
        <fieldset>
          <legend>Settings</legend>
          {draft.mode === 'cloudwatch_logs' && (
            <>
              <Field label="Log group names" path="config.log_group_names" error={apiError} hint="One per line (1–10), or a prefix below.">
                {(attrs) => <textarea {...attrs} rows={3} value={draft.log_group_names} onInput={(e) => set({ log_group_names: e.currentTarget.value })} />}
              </Field>
              {text('Log group name prefix', 'log_group_name_prefix', 'config.log_group_name_prefix', undefined, '/ecs/')}
            </>
          )}
          {draft.mode === 'ecs' && (
            <>
              {text('Cluster', 'cluster', 'config.cluster')}
              {text('Container name', 'container_name', 'config.container_name')}
              {text('Service name', 'service_name', 'config.service_name', 'Or a task family below.')}
              {text('Task family', 'task_family', 'config.task_family')}
            </>
          )}
          {draft.mode === 'cost_explorer' && (
            <>
              {text('Metric', 'metric', 'config.metric')}
              {text('Group by', 'group_by', 'config.group_by', 'SERVICE, a dimension, TAG:<key> or COST_CATEGORY:<name>.')}
            </>
          )}
          {draft.mode === 'file' && text('Path', 'path', 'config.path', 'An absolute path under VIGIL_FILE_ROOTS.', '/var/log/app.log')}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {id === null ? 'Create log source' : 'Save log source'}
          </button>
          {id !== null && (
            <>
              <button type="button" class="secondary" disabled={testing} onClick={() => void runTest(id)}>
                {testing ? 'Testing…' : 'Test'}
              </button>
              <button type="button" class="danger" onClick={() => void remove()}>
                Delete
              </button>
            </>
          )}
        </div>
      </form>
      {test && (
        <section class={`test-result ${test.ok ? 'test-ok' : 'test-failed'}`} aria-live="polite">
          <h2>Test: {test.ok ? 'readable' : 'failed'}</h2>
          <p>{test.message}</p>
          {test.sample.length > 0 && (
            <>
              <p class="muted">
                The newest {test.sample.length} of {test.line_count} lines read:
              </p>
              <pre class="payload sample" tabIndex={0} aria-label="sample lines">
                {test.sample.join('\n')}
              </pre>
            </>
          )}
        </section>
      )}
    </section>
  );
}
