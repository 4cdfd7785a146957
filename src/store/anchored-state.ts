import { canonicalJson } from '../util/canonical-json.ts';
import type { LedgerEntry } from './ledger.ts';

/**
 * The state an auditor relies on, as the ledger records it: folding the entries in order gives what the store must
 * hold now. `verifyLedger` compares it with what the store does hold, row by row.
 */

export type Row = Record<string, unknown>;

export interface Anchored {
  snapshots: Map<string, Row>;
  decisions: Map<string, Row>;
  replays: Map<string, Row>;
  webhooks: Map<string, Row>;
  /** snapshot id → table name → digest of its rows */
  tables: Map<string, Record<string, string>>;
  readings: Map<string, Row>;
  runs: Map<string, Row>;
  cases: Map<string, Row>;
  comments: Map<string, number>;
  users: Map<string, Row>;
  tokens: Map<string, Row>;
  sessions: Map<string, Row>;
}

/** Which entry last set each piece of state, to name it when the store disagrees. */
export type SetBy = Map<string, number>;

const readingRow = (b: Row): Row => ({
  snapshot_id: b.snapshot_id,
  read_at: b.read_at,
  made: b.made,
  signals_digest: b.signals_digest,
});

const commentKey = (c: Row) => canonicalJson([c.finding_id, c.commented_at, c.author, c.text]);

export function foldLedger(entries: LedgerEntry[]): { state: Anchored; setBy: SetBy } {
  const state: Anchored = {
    snapshots: new Map(),
    decisions: new Map(),
    replays: new Map(),
    webhooks: new Map(),
    tables: new Map(),
    readings: new Map(),
    runs: new Map(),
    cases: new Map(),
    comments: new Map(),
    users: new Map(),
    tokens: new Map(),
    sessions: new Map(),
  };
  const setBy: SetBy = new Map();
  const set = <T>(map: Map<string, T>, name: string, key: string, value: T, seq: number) => {
    map.set(key, value);
    setBy.set(`${name}:${key}`, seq);
  };
  for (const { seq, kind, body: b } of entries) {
    if (kind === 'ingest') {
      const id = String(b.snapshot_id);
      set(
        state.snapshots,
        'snapshot',
        id,
        {
          bundle_dir: b.bundle_dir,
          ingested_at: b.ingested_at,
          meta: b.meta,
          extends: b.extends ?? null,
          files: b.files,
        },
        seq,
      );
      set(state.tables, 'tables', id, (b.tables ?? {}) as Record<string, string>, seq);
      const t = b.telemetry as Row | undefined;
      if (t) set(state.readings, 'reading', String(t.reading_id), readingRow({ ...t, snapshot_id: id }), seq);
    } else if (kind === 'telemetry-reading') {
      set(state.readings, 'reading', String(b.reading_id), readingRow(b), seq);
    } else if (kind === 'audit-run') {
      set(state.runs, 'run', String(b.run_id), b, seq);
    } else if (kind === 'case-change') {
      const id = String(b.finding_id);
      if (b.after) set(state.cases, 'case', id, b.after as Row, seq);
      if (b.comment && typeof b.comment === 'object') {
        const key = commentKey({ finding_id: id, ...(b.comment as Row) });
        state.comments.set(key, (state.comments.get(key) ?? 0) + 1);
        setBy.set(`comment:${key}`, seq);
      }
    } else if (kind === 'decision') {
      set(
        state.decisions,
        'decision',
        String(b.id),
        {
          idempotency_key: b.idempotency_key ?? null,
          request_digest: b.request_digest,
          actor: b.actor,
          body_digest: b.body_digest,
        },
        seq,
      );
    } else if (kind === 'replay') {
      set(
        state.replays,
        'replay',
        String(b.replay_id),
        { snapshot_id: b.snapshot_id, replayed_at: b.replayed_at, body_digest: b.body_digest },
        seq,
      );
    } else if (kind === 'webhook-change') {
      const id = String(b.endpoint);
      const was = state.webhooks.get(id);
      const row =
        b.change === 'added'
          ? {
              url: b.url,
              events: (b.events as string[]).join(','),
              created_at: b.created_at,
              secret: b.secret,
              disabled: false,
            }
          : { ...was, disabled: b.change === 'disabled' };
      set(state.webhooks, 'webhook endpoint', id, row, seq);
    } else if (kind === 'user-change') foldUserChange(state, b, seq, set);
    else if (kind === 'sign-in' && b.session) {
      const hash = String(b.session);
      const before = state.sessions.get(hash) ?? {};
      set(
        state.sessions,
        'session',
        hash,
        b.event === 'ended'
          ? { ...before, ended_at: b.ended_at }
          : { name: b.user, started_at: b.started_at, expires_at: b.expires_at, ended_at: null },
        seq,
      );
    }
  }
  return { state, setBy };
}

function foldUserChange(
  state: Anchored,
  b: Row,
  seq: number,
  set: <T>(map: Map<string, T>, name: string, key: string, value: T, seq: number) => void,
): void {
  const name = String(b.user);
  const user = state.users.get(name);
  switch (b.change) {
    case 'added':
      set(
        state.users,
        'user',
        name,
        { role: b.role, password: b.password, created_at: b.created_at, disabled: false },
        seq,
      );
      return;
    case 'role changed':
      if (user) set(state.users, 'user', name, { ...user, role: b.role }, seq);
      return;
    case 'password changed':
      if (user) set(state.users, 'user', name, { ...user, password: b.password }, seq);
      return;
    case 'disabled':
    case 'enabled':
      if (user) set(state.users, 'user', name, { ...user, disabled: b.change === 'disabled' }, seq);
      return;
    case 'token created':
      set(
        state.tokens,
        'token',
        String(b.token),
        { name, label: b.label, created_at: b.created_at, expires_at: b.expires_at, revoked_at: null },
        seq,
      );
      return;
    case 'token revoked': {
      const token = state.tokens.get(String(b.token));
      if (token) set(state.tokens, 'token', String(b.token), { ...token, revoked_at: b.revoked_at }, seq);
      return;
    }
  }
}

/** What the store holds now, in the shapes the ledger records. */
export interface StoredState {
  snapshots(): Promise<Map<string, Row>>;
  /** Each table's digest, recomputed the way `recorded` (a ledger entry's digests) was made. */
  tableDigests(snapshotId: string, recorded: Record<string, string>): Promise<Record<string, string>>;
  /** Each reading with the digest of its stored signals, recomputed. */
  readings(): Promise<Map<string, Row>>;
  /** Each run as the ledger states it, its rows digested the way `recorded` (the ledger's runs) did. */
  runs(recorded: Map<string, Row>): Promise<Map<string, Row>>;
  cases(): Promise<Map<string, Row>>;
  comments(): Promise<Row[]>;
  users(): Promise<Map<string, Row>>;
  tokens(): Promise<Map<string, Row>>;
  sessions(): Promise<Map<string, Row>>;
  decisions(): Promise<Map<string, Row>>;
  replays(): Promise<Map<string, Row>>;
  webhooks(): Promise<Map<string, Row>>;
}

export interface Mismatch {
  seq: number;
  reason: string;
}

/**
 * Compares what the ledger says the store holds with what it holds: every row of every anchored kind must be one the
 * ledger recorded, as it recorded it, and every recorded row must be there.
 */
export async function compareState(
  expected: Anchored,
  setBy: SetBy,
  stored: StoredState,
): Promise<Mismatch | null> {
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  const byKey = async (
    name: string,
    want: Map<string, Row>,
    have: Map<string, Row>,
  ): Promise<Mismatch | null> => {
    for (const [key, row] of want) {
      const seq = setBy.get(`${name}:${key}`) ?? 0;
      if (!have.has(key))
        return { seq, reason: `${name} ${key} that entry ${seq} recorded is not in the store` };
      if (!same(row, have.get(key)))
        return { seq, reason: `${name} ${key} differs from what entry ${seq} recorded` };
    }
    for (const key of have.keys())
      if (!want.has(key))
        return { seq: 0, reason: `${name} ${key} is in the store but no ledger entry records it` };
    return null;
  };
  const snapshots = await stored.snapshots();
  const checks: (() => Promise<Mismatch | null>)[] = [
    () => byKey('snapshot', expected.snapshots, snapshots),
    async () => {
      for (const [id, want] of expected.tables) {
        const have = await stored.tableDigests(id, want);
        for (const [table, digest] of Object.entries(want))
          if (have[table] !== digest) {
            const seq = setBy.get(`tables:${id}`) ?? 0;
            return {
              seq,
              reason: `the rows of ${table} in snapshot ${id} differ from the digest entry ${seq} recorded`,
            };
          }
      }
      return null;
    },
    async () => byKey('reading', expected.readings, await stored.readings()),
    async () => byKey('run', expected.runs, await stored.runs(expected.runs)),
    async () => byKey('case', expected.cases, await stored.cases()),
    async () => {
      const have = new Map<string, number>();
      for (const c of await stored.comments()) have.set(commentKey(c), (have.get(commentKey(c)) ?? 0) + 1);
      for (const [key, n] of expected.comments) {
        const seq = setBy.get(`comment:${key}`) ?? 0;
        if ((have.get(key) ?? 0) !== n)
          return { seq, reason: `a comment that entry ${seq} recorded was changed or removed` };
      }
      for (const key of have.keys())
        if (!expected.comments.has(key))
          return { seq: 0, reason: `a comment is in the store but no ledger entry records it: ${key}` };
      return null;
    },
    async () => byKey('user', expected.users, await stored.users()),
    async () => byKey('token', expected.tokens, await stored.tokens()),
    async () => byKey('session', expected.sessions, await stored.sessions()),
    async () => byKey('decision', expected.decisions, await stored.decisions()),
    async () => byKey('replay', expected.replays, await stored.replays()),
    async () => byKey('webhook endpoint', expected.webhooks, await stored.webhooks()),
  ];
  for (const check of checks) {
    const m = await check();
    if (m) return m;
  }
  return null;
}
