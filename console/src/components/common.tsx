import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.ts';
import type { RunStatus } from '../types.ts';

const STATUS_TEXT: Record<string, string> = {
  ok: 'OK',
  warn: 'Warn',
  alert: 'Alert',
  error: 'Error',
  queued: 'Queued',
  running: 'Running',
  none: 'No runs',
};

/** A status as text and colour (the text carries it; the colour only repeats it). */
export function StatusBadge({ status }: { status: RunStatus | 'none' }) {
  return <span class={`badge badge-${status}`}>{STATUS_TEXT[status] ?? status}</span>;
}

/** `2026-11-21 10:02:11 UTC`, or a dash. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  return iso ? <time dateTime={iso}>{formatTime(iso)}</time> : <span>—</span>;
}

export function money(amount: number, unit = 'USD'): string {
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${unit}`;
}

/** What went wrong loading or saving, with each field the API named. */
export function ErrorNotice({ error, title = 'Something went wrong' }: { error: Error | undefined; title?: string }) {
  if (!error) return null;
  return (
    <div class="notice notice-error" role="alert">
      <strong>{title}:</strong> {error.message}
      {error instanceof ApiError && error.details.length > 0 && (
        <ul>
          {error.details.map((detail) => (
            <li key={detail.path + detail.message}>
              <code>{detail.path}</code>: {detail.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/**
 * A labeled input with the API's validation message for `path` (and for paths under it, such as
 * `email_recipients[1]`), tied to the input by aria-describedby.
 */
export function Field(props: { label: string; path: string; error?: ApiError | undefined; hint?: string; children: (attrs: FieldAttrs) => ComponentChildren }) {
  const id = `f-${props.path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const messages = props.error?.details.filter((d) => d.path === props.path || d.path.startsWith(`${props.path}[`) || d.path.startsWith(`${props.path}.`)) ?? [];
  const describedBy = [messages.length > 0 ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${messages.length > 0 ? ' field-invalid' : ''}`} data-path={props.path}>
      <label for={id}>{props.label}</label>
      {props.children({ id, 'aria-invalid': messages.length > 0 ? 'true' : undefined, 'aria-describedby': describedBy || undefined })}
      {props.hint && (
        <small id={`${id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
      {messages.length > 0 && (
        <p id={`${id}-error`} class="field-error">
          {messages.map((m) => (m.path === props.path ? m.message : `${m.path}: ${m.message}`)).join('; ')}
        </p>
      )}
    </div>
  );
}

/** The API's messages for exactly `path` (a whole list such as `inputs`), where no single input holds them. */
export function PathErrors({ path, error }: { path: string; error: ApiError | undefined }) {
  const messages = error?.details.filter((detail) => detail.path === path) ?? [];
  if (messages.length === 0) return null;
  return (
    <p class="field-error" data-path={path}>
      {messages.map((m) => m.message).join('; ')}
    </p>
  );
}

export interface FieldAttrs {
  id: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

export function PageTitle({ children }: { children: ComponentChildren }) {
  return <h1 tabIndex={-1}>{children}</h1>;
}

/** A table that scrolls sideways on a narrow screen, reachable by keyboard; `headers` are its column titles. */
export function ScrollTable(props: { label: string; headers: ComponentChildren[]; children: ComponentChildren }) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={`${props.label} table`}>
      <table>
        <thead>
          <tr>
            {props.headers.map((header, index) => (
              <th key={index} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A list page's title and its "New …" link. */
export function ListTitle(props: { title: string; newHref: string; newLabel: string }) {
  return (
    <div class="title-row">
      <PageTitle>{props.title}</PageTitle>
      <a class="button" href={props.newHref}>
        {props.newLabel}
      </a>
    </div>
  );
}
