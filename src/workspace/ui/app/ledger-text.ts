/** A ledger entry's body in a line a person reads. */
export function describeEntry(b: Record<string, unknown>, kind?: string): string {
  const state = (x: unknown) => (x as { status?: string } | undefined)?.status ?? '';
  if (kind === 'decision') {
    const p = (b.proposal ?? {}) as Record<string, unknown>;
    return `decision ${b.id}: ${b.decision} for a ${p.kind} of account ${p.account_id} on ${p.at} (snapshot ${b.snapshot_id})`;
  }
  if (kind === 'replay') {
    const s = b.summary as { events: number; flagged: { total: number; allow: number } } | undefined;
    return `replay ${b.replay_id} of snapshot ${b.snapshot_id}: ${s?.events} events, ${s ? s.flagged.total - s.flagged.allow : '?'} of ${s?.flagged.total} later-found events stopped or reviewed`;
  }
  if (kind === 'webhook-change')
    return `webhook ${b.endpoint}: ${b.change}${b.url ? ` ${b.url} for ${(b.events as string[]).join(', ')}` : ''}`;
  if (b.finding_id && b.comment) return `comment on ${b.finding_id}: ${b.comment}`;
  if (b.finding_id) return `${b.finding_id}: ${state(b.before)} → ${state(b.after)} (${b.why})`;
  if (b.run_id)
    return `audit run ${b.run_id} of snapshot ${b.snapshot_id}: ${b.finding_count} findings, digest ${String(b.findings_digest).slice(0, 16)}…`;
  if (b.snapshot_id && Array.isArray(b.files))
    return `ingest of snapshot ${b.snapshot_id} from ${b.bundle_dir} (${b.files.length} files)`;
  if (b.user)
    return `user ${b.user}: ${b.change}${b.role ? ` as ${b.role}` : ''}${b.label ? ` (${b.label})` : ''}`;
  return JSON.stringify(b).slice(0, 200);
}
