import type { ApiError } from '../api.ts';

/** What a page shows while its data loads or when it failed. */
export function Pending({ loading, error }: { loading: boolean; error: ApiError | null }) {
  if (error)
    return (
      <p className="error" role="alert">
        {error.status === 404 ? 'Not found.' : error.message}
      </p>
    );
  return loading ? <p className="muted">Loading…</p> : null;
}

export function Pills({ name, counts }: { name: string; counts: Record<string, number> }) {
  return (
    <p>
      <b>{name}</b>{' '}
      {Object.entries(counts)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, n]) => (
          <span key={k} className="pill">
            {k} {n}
          </span>
        ))}
    </p>
  );
}
