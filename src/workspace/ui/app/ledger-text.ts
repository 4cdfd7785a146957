/** A ledger entry's body in a line a person reads. */
export function describeEntry(b: Record<string, unknown>): string {
  const state = (x: unknown) => (x as { status?: string } | undefined)?.status ?? '';
  if (b.finding_id && b.comment) return `comment on ${b.finding_id}: ${b.comment}`;
  if (b.finding_id) return `${b.finding_id}: ${state(b.before)} → ${state(b.after)} (${b.why})`;
  if (b.run_id)
    return `audit run ${b.run_id} of snapshot ${b.snapshot_id}: ${b.finding_count} findings, digest ${String(b.findings_digest).slice(0, 16)}…`;
  if (b.snapshot_id)
    return `ingest of snapshot ${b.snapshot_id} from ${b.bundle_dir} (${(b.files as unknown[]).length} files)`;
  if (b.user)
    return `user ${b.user}: ${b.change}${b.role ? ` as ${b.role}` : ''}${b.label ? ` (${b.label})` : ''}`;
  return JSON.stringify(b).slice(0, 200);
}
