import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { ErrorNotice, Field, ListTitle, Loading, PageTitle, ScrollTable, Time } from '../components/common.tsx';
import { useLoad } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import type { Target } from '../types.ts';
import { listAll } from './monitors.tsx';

export function TargetsPage() {
  const targets = useLoad(() => listAll<Target>('targets'), []);
  return (
    <section>
      <ListTitle title="Targets" newHref={href('targets', 'new')} newLabel="New target" />
      <p class="muted">Where logs and costs live: an AWS account and Region, or this machine in local mode.</p>
      <ErrorNotice error={targets.error} title="Targets could not be loaded" />
      {!targets.data && !targets.error && <Loading what="targets" />}
      {targets.data && (
        <ScrollTable label="Targets" headers={['Name', 'Type', 'Region / role', 'Updated']}>
              {targets.data.map((target) => (
                <tr key={target.id}>
                  <td>
                    <a href={href('targets', target.id, 'edit')}>{target.name}</a>
                  </td>
                  <td>{target.type}</td>
                  <td>{[target.connection_config.region, target.connection_config.role_arn].filter(Boolean).join(' · ') || '—'}</td>
                  <td>
                    <Time iso={target.updated_at} />
                  </td>
                </tr>
              ))}
            </ScrollTable>
      )}
    </section>
  );
}

interface TargetDraft {
  name: string;
  type: 'aws_account' | 'local';
  region: string;
  role_arn: string;
  external_id: string;
}

function toBody(draft: TargetDraft): Record<string, unknown> {
  const connection: Record<string, string> = {};
  if (draft.type === 'aws_account') {
    if (draft.region !== '') connection.region = draft.region;
    if (draft.role_arn !== '') connection.role_arn = draft.role_arn;
    if (draft.external_id !== '') connection.external_id = draft.external_id;
  }
  return { name: draft.name, type: draft.type, connection_config: connection };
}

export function TargetForm({ id }: { id: string | null }) {
  const [draft, setDraft] = useState<TargetDraft>({ name: '', type: 'aws_account', region: '', role_arn: '', external_id: '' });
  const [error, setError] = useState<Error | undefined>();
  const [saving, setSaving] = useState(false);
  const existing = useLoad(async () => (id === null ? null : api.get<Target>(`targets/${encodeURIComponent(id)}`)), [id]);
  useEffect(() => {
    const target = existing.data;
    if (!target) return;
    setDraft({
      name: target.name,
      type: target.type,
      region: target.connection_config.region ?? '',
      role_arn: target.connection_config.role_arn ?? '',
      external_id: target.connection_config.external_id ?? '',
    });
  }, [existing.data]);
  const apiError = error instanceof ApiError ? error : undefined;
  const set = (patch: Partial<TargetDraft>) => setDraft((current) => ({ ...current, ...patch }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      if (id === null) await api.post('targets', toBody(draft));
      else await api.put(`targets/${encodeURIComponent(id)}`, toBody(draft));
      navigate('targets');
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (id === null || !confirm(`Delete target "${draft.name}"?`)) return;
    try {
      await api.del(`targets/${encodeURIComponent(id)}`);
      navigate('targets');
    } catch (caught) {
      setError(caught as Error);
    }
  };

  if (existing.error) return <ErrorNotice error={existing.error} title="This target could not be loaded" />;
  return (
    <section>
      <p class="crumbs">
        <a href={href('targets')}>Targets</a> /
      </p>
      <PageTitle>{id === null ? 'New target' : `Edit target ${draft.name}`}</PageTitle>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorNotice error={error} title="The target was not saved" />
        <Field label="Name" path="name" error={apiError}>
          {(attrs) => <input {...attrs} value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />}
        </Field>
        <Field label="Type" path="type" error={apiError}>
          {(attrs) => (
            <select {...attrs} value={draft.type} onChange={(e) => set({ type: e.currentTarget.value as TargetDraft['type'] })}>
              <option value="aws_account">AWS account</option>
              <option value="local">this machine (local mode)</option>
            </select>
          )}
        </Field>
        {draft.type === 'aws_account' && (
          <fieldset>
            <legend>Connection</legend>
            <Field label="Region" path="connection_config.region" error={apiError} hint="Empty: the stack's Region.">
              {(attrs) => <input {...attrs} value={draft.region} placeholder="eu-west-1" onInput={(e) => set({ region: e.currentTarget.value })} />}
            </Field>
            <Field label="Role to assume (another account)" path="connection_config.role_arn" error={apiError}>
              {(attrs) => <input {...attrs} value={draft.role_arn} placeholder="arn:aws:iam::123456789012:role/VigilRead" onInput={(e) => set({ role_arn: e.currentTarget.value })} />}
            </Field>
            <Field label="External id" path="connection_config.external_id" error={apiError}>
              {(attrs) => <input {...attrs} value={draft.external_id} onInput={(e) => set({ external_id: e.currentTarget.value })} />}
            </Field>
          </fieldset>
        )}
        <div class="actions">
          <button type="submit" disabled={saving}>
            {id === null ? 'Create target' : 'Save target'}
          </button>
          {id !== null && (
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
