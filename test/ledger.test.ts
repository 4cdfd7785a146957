import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { proposalSchema } from '../src/contract/decision.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { DecisionGate } from '../src/usecases/decisions.ts';
import { replayBundle } from '../src/usecases/replay.ts';
import { addEndpoint, setEndpointDisabled } from '../src/usecases/webhooks.ts';
import { changeCase, commentCase } from '../src/workspace/usecases/cases.ts';
import { addUser, createToken, login, logout, revokeToken } from '../src/workspace/usecases/users.ts';
import { sampleS, tempDir } from './support/bundles.ts';
import { copyStore, rawSql, rewriteRowFile } from './support/raw-sql.ts';

const PASSWORD = 'correct horse battery';

/** Verifies the store at `path` as `daylight ledger verify` does. */
async function verify(path: string, head?: string) {
  const store = await Store.open(path);
  try {
    return await store.verifyLedger(head);
  } finally {
    store.close();
  }
}

/**
 * A store with every kind of state an auditor relies on: a snapshot with its telemetry reading, an audit run, cases
 * (one closed as dismissed by four eyes), comments, users, tokens (one revoked), sessions (one ended), decisions
 * of the gate, a replay and a webhook endpoint (disabled and enabled again).
 */
async function populated(): Promise<{ path: string; head: string; highId: string; root: string }> {
  const root = tempDir('daylight-ledger-');
  const path = join(root, 'd.duckdb');
  const store = await Store.open(path);
  const run = await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
  const high = run.result.findings.find((f) => f.severity === 'high')!;
  const medium = run.result.findings.find((f) => f.severity === 'medium')!;
  await addUser(store, { name: 'ana', role: 'analyst', password: PASSWORD }, 'admin');
  await addUser(store, { name: 'bo', role: 'viewer', password: PASSWORD }, 'admin');
  await createToken(store, 'ana', 'crm', 'admin');
  const gone = await createToken(store, 'bo', 'old', 'admin');
  await revokeToken(store, gone.id, 'admin');
  await login(store, 'ana', PASSWORD);
  await logout(store, (await login(store, 'bo', PASSWORD))!);
  await changeCase(
    store,
    medium.id,
    { status: 'investigating', assignee: 'ana', why: 'looks real' },
    'ana',
    medium,
  );
  await changeCase(store, high.id, { status: 'investigating', why: 'checking' }, 'ana', high);
  await commentCase(store, high.id, 'asked sales for the contract', 'ana');
  const gate = new DecisionGate(store);
  const transfer = (to: string) =>
    proposalSchema.parse({
      kind: 'transfer',
      account_id: medium.account_id ?? high.account_id,
      by: 'BJ-001',
      at: '2023-01-05',
      to_team_id: 'T-SH',
      to_owner_staff_id: to,
    });
  await gate.decide(transfer('SH-001'), 'crm', 'key-1');
  await gate.decide(transfer('SH-002'), 'crm');
  await replayBundle(store, undefined, join(root, 'replay'), { snapshotId: run.snapshotId });
  const hook = await addEndpoint(
    store,
    { url: 'https://siem.example/hook', events: ['case.changed'] },
    'admin',
  );
  await setEndpointDisabled(store, hook.endpoint.id, true, 'admin');
  await setEndpointDisabled(store, hook.endpoint.id, false, 'admin');
  const head = (await store.ledger.head())!.hash;
  store.close();
  return { path, head, highId: high.id, root };
}

/**
 * One way an insider can change the store behind Daylight's back: SQL on the store file, or a change to the files
 * of rows beside it.
 */
interface Tamper {
  name: string;
  sql?: string;
  files?: (storePath: string) => Promise<void>;
  /** Only a saved head can tell (the chain itself was rewritten consistently). */
  headOnly?: boolean;
}

const rehash = (where: string) => `UPDATE ledger SET hash = lpad('', 64, 'f') WHERE ${where}`;

const TAMPERS: Tamper[] = [
  // The chain itself.
  {
    name: 'an entry body edited',
    sql: `UPDATE ledger SET body = replace(body, '"ana"', '"eve"') WHERE kind = 'user-change'`,
  },
  { name: 'an entry hash edited', sql: rehash('seq = 2') },
  { name: 'an entry actor edited', sql: `UPDATE ledger SET actor = 'nobody' WHERE seq = 2` },
  {
    name: 'an entry time edited',
    sql: `UPDATE ledger SET recorded_at = '2000-01-01T00:00:00.000Z' WHERE seq = 3`,
  },
  { name: 'an entry deleted from the middle', sql: 'DELETE FROM ledger WHERE seq = 3' },
  {
    name: 'entries reordered',
    sql: 'UPDATE ledger SET seq = CASE seq WHEN 3 THEN 4 WHEN 4 THEN 3 ELSE seq END',
  },
  { name: 'the newest entries truncated', sql: 'DELETE FROM ledger WHERE seq > 4', headOnly: true },
  // The snapshot: files, tables, meta, telemetry.
  {
    name: 'a stored file hash changed',
    sql: `UPDATE snapshot_files SET sha256 = 'x' || sha256 WHERE file = 'invoices.csv'`,
  },
  { name: 'a snapshot deleted', sql: 'DELETE FROM snapshots' },
  {
    name: "a snapshot's home country changed",
    sql: `UPDATE snapshots SET meta = replace(meta, '"CN"', '"HK"')`,
  },
  {
    name: 'an invoice amount changed',
    files: (path) =>
      rewriteRowFile(
        path,
        'invoices',
        `SELECT * REPLACE (CASE WHEN invoice_id = (SELECT min(invoice_id) FROM rows) THEN net_amount + 1 ELSE net_amount END AS net_amount)
         FROM rows`,
      ),
  },
  {
    name: 'an invoice row deleted',
    files: (path) =>
      rewriteRowFile(
        path,
        'invoices',
        'SELECT * FROM rows WHERE invoice_id <> (SELECT max(invoice_id) FROM rows)',
      ),
  },
  {
    name: 'an invoice row inserted',
    files: (path) =>
      rewriteRowFile(
        path,
        'invoices',
        `SELECT * FROM rows UNION ALL (SELECT * REPLACE ('INV-FORGED' AS invoice_id) FROM rows LIMIT 1)`,
      ),
  },
  {
    name: 'a sign-in moved to another country',
    files: (path) =>
      rewriteRowFile(
        path,
        'logins',
        `SELECT * REPLACE (CASE WHEN occurred_at = (SELECT min(occurred_at) FROM rows) THEN 'SG' ELSE country END AS country)
         FROM rows`,
      ),
  },
  {
    name: 'an invoice row slipped into the stored table beside the row files',
    sql: `INSERT INTO invoices SELECT snapshot_id, 'INV-FORGED', 'A0000001', '2022-01', 'compute', 'cn-north-1', 1.00, 0.00,
            1.00, NULL, NULL, NULL, NULL FROM snapshots`,
  },
  {
    name: 'a row file removed',
    files: async (path) => {
      const [listed] = await rawSql(path, `SELECT file FROM row_files WHERE table_name = 'logins'`);
      rmSync(`${path}.rows/${listed!.file}`);
    },
  },
  {
    name: "a row file's listing pointed at another table's file",
    sql: `UPDATE row_files SET file = (SELECT file FROM row_files WHERE table_name = 'logins') WHERE table_name = 'invoices'`,
  },
  {
    name: "a billing address's country changed",
    sql: `UPDATE billing_addresses SET country = 'HK' WHERE account_id = (SELECT min(account_id) FROM billing_addresses)`,
  },
  {
    name: "an account's HQ country changed",
    sql: `UPDATE accounts SET hq_country = 'SG' WHERE account_id = (SELECT min(account_id) FROM accounts)`,
  },
  {
    name: 'a CRM note rewritten',
    sql: `UPDATE activities SET body = 'nothing to see' WHERE activity_id = (SELECT min(activity_id) FROM activities)`,
  },
  {
    name: 'a network signal edited',
    sql: `UPDATE network_signals SET body = replace(body, 'strong', 'weak') WHERE ord = 0`,
  },
  // The audit run: findings, outputs, settings, a forged run.
  {
    name: 'a finding body edited',
    sql: `UPDATE findings SET body = replace(body, '"high"', '"low"') WHERE ord = 0`,
  },
  { name: 'a finding column edited', sql: `UPDATE findings SET severity = 'low' WHERE ord = 0` },
  { name: 'a finding deleted', sql: 'DELETE FROM findings WHERE ord = 1' },
  {
    name: "a run's settings changed",
    sql: `UPDATE audit_runs SET settings = replace(settings, '"discount_max_pct":20', '"discount_max_pct":90')`,
  },
  {
    name: "a run's revenue output changed",
    sql: `UPDATE run_outputs SET body = replace(body, '"CN"', '"HK"') WHERE name = 'revenue'`,
  },
  { name: "a run's verdicts deleted", sql: 'DELETE FROM run_verdicts WHERE rowid % 2 = 0' },
  {
    name: 'a forged newer run without the high findings',
    sql: `INSERT INTO audit_runs SELECT * REPLACE ('forged0000000000' AS run_id, '2999-01-01T00:00:00.000Z' AS started_at) FROM audit_runs LIMIT 1;
          INSERT INTO findings SELECT * REPLACE ('forged0000000000' AS run_id) FROM findings WHERE severity <> 'high'`,
  },
  // Cases and comments.
  { name: 'a case silently dismissed', sql: `UPDATE cases SET status = 'closed', resolution = 'dismissed'` },
  {
    name: 'a case inserted',
    sql: `INSERT INTO cases VALUES ('pa-forged', 'closed', 'dismissed', NULL, NULL, NULL, NULL, NULL)`,
  },
  { name: 'a case deleted', sql: `DELETE FROM cases WHERE status = 'investigating' AND assignee IS NULL` },
  { name: 'a comment edited', sql: `UPDATE case_comments SET text = 'all fine'` },
  { name: 'a comment deleted', sql: 'DELETE FROM case_comments' },
  {
    name: 'a comment inserted',
    sql: `INSERT INTO case_comments VALUES ('x', '2022-01-01T00:00:00Z', 'ana', 'forged')`,
  },
  // Users, tokens, sessions.
  { name: 'a role escalated', sql: `UPDATE users SET role = 'admin' WHERE name = 'bo'` },
  {
    name: 'a backdoor user',
    sql: `INSERT INTO users SELECT * REPLACE ('mallory' AS name, 'admin' AS role) FROM users LIMIT 1`,
  },
  {
    name: 'a password hash replaced',
    sql: `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE name = 'bo') WHERE name = 'ana'`,
  },
  { name: 'a disabled flag cleared or set', sql: `UPDATE users SET disabled = true WHERE name = 'ana'` },
  {
    name: 'a backdoor token',
    sql: `INSERT INTO api_tokens VALUES (lpad('', 64, 'a'), 'ana', 'backdoor', '2022-01-01', NULL, NULL)`,
  },
  { name: 'a revoked token revived', sql: 'UPDATE api_tokens SET revoked_at = NULL' },
  {
    name: 'a backdoor session',
    sql: `INSERT INTO sessions VALUES (lpad('', 64, 'b'), 'ana', '2999-01-01', '2022-01-01', NULL)`,
  },
  { name: 'an ended session revived', sql: 'UPDATE sessions SET ended_at = NULL' },
  // Decisions and replays.
  {
    name: 'a decision turned from its answer',
    sql: `UPDATE decisions SET body = replace(body, '"decision":"allow"', '"decision":"deny"')`,
  },
  { name: 'a decision deleted', sql: 'DELETE FROM decisions WHERE idempotency_key IS NULL' },
  { name: "a decision's idempotency key moved", sql: `UPDATE decisions SET idempotency_key = 'key-2'` },
  {
    name: 'a forged decision',
    sql: `INSERT INTO decisions SELECT * REPLACE ('dec-forged' AS id, NULL AS idempotency_key) FROM decisions LIMIT 1`,
  },
  {
    name: 'a webhook endpoint redirected',
    sql: `UPDATE webhook_endpoints SET url = 'https://evil.example/hook'`,
  },
  {
    name: "a webhook endpoint's secret replaced",
    sql: `UPDATE webhook_endpoints SET secret = 'whsec_known'`,
  },
  {
    name: 'a webhook endpoint inserted',
    sql: `INSERT INTO webhook_endpoints SELECT * REPLACE ('wh-forged' AS id) FROM webhook_endpoints`,
  },
  {
    name: "a replay's summary edited",
    sql: `UPDATE replays SET body = replace(body, '"allow":0', '"allow":5')`,
  },
];

describe('the ledger anchors every state an auditor relies on', () => {
  let base: Awaited<ReturnType<typeof populated>>;
  beforeAll(async () => {
    base = await populated();
  });

  it('verifies the untouched store, with and without its head', async () => {
    expect(await verify(base.path)).toMatchObject({ ok: true });
    expect(await verify(base.path, base.head)).toMatchObject({ ok: true, head: base.head });
  });

  it.each(TAMPERS.map((t) => [t.name, t] as const))('detects %s', async (_name, t) => {
    const path = join(tempDir('daylight-tamper-'), 'd.duckdb');
    copyStore(base.path, path);
    if (t.sql) await rawSql(path, t.sql);
    await t.files?.(path);
    const withHead = await verify(path, base.head);
    expect(withHead.ok, `with the saved head: ${JSON.stringify(withHead.broken)}`).toBe(false);
    if (!t.headOnly) {
      const alone = await verify(path);
      expect(alone.ok, 'without a saved head').toBe(false);
      expect(alone.broken!.reason.length).toBeGreaterThan(10);
    }
  });

  it(`covers ${TAMPERS.length} tamper classes`, () => {
    expect(TAMPERS.length).toBeGreaterThanOrEqual(32);
  });

  it('never shows a run that is not in the chain as the newest', async () => {
    const path = join(tempDir('daylight-tamper-'), 'd.duckdb');
    copyStore(base.path, path);
    await rawSql(path, TAMPERS.find((t) => t.name.startsWith('a forged newer run'))!.sql!);
    const store = await Store.open(path);
    try {
      expect((await store.runs.latest())!.run_id).not.toBe('forged0000000000');
      expect((await store.runs.list()).map((r) => r.run_id)).not.toContain('forged0000000000');
    } finally {
      store.close();
    }
  });

  it('raises no false alarm on legitimate appends, against the saved head', async () => {
    const path = join(tempDir('daylight-appends-'), 'd.duckdb');
    copyStore(base.path, path);
    const store = await Store.open(path);
    await auditBundle(store, await sampleS(), {
      outDir: join(base.root, 'out2'),
      overrides: { discount_max_pct: 30 },
    });
    await changeCase(store, base.highId, { status: 'open', why: 'reopened for review' }, 'ana');
    await commentCase(store, base.highId, 'second look', 'bo');
    await logout(store, (await login(store, 'ana', PASSWORD))!);
    store.close();
    expect(await verify(path, base.head)).toMatchObject({ ok: true });
  });

  it('detects any single-character change to a stored entry (property)', async () => {
    const path = join(tempDir('daylight-flip-'), 'd.duckdb');
    copyStore(base.path, path);
    const [{ n }] = (await rawSql(path, 'SELECT count(*)::INTEGER AS n FROM ledger')) as [{ n: number }];
    await rawSql(path, 'CREATE TABLE ledger_copy AS SELECT * FROM ledger');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: n }),
        fc.constantFrom('body', 'hash', 'prev_hash', 'actor', 'recorded_at', 'kind'),
        fc.nat(5000),
        async (seq, column, at) => {
          const [row] = await rawSql(path, `SELECT ${column} AS v FROM ledger WHERE seq = ${seq}`);
          const text = String(row!.v);
          const i = at % text.length;
          const changed = `${text.slice(0, i)}${text[i] === 'x' ? 'y' : 'x'}${text.slice(i + 1)}`;
          await rawSql(path, `UPDATE ledger SET ${column} = $v WHERE seq = ${seq}`, { v: changed });
          const v = await verify(path);
          await rawSql(path, 'DELETE FROM ledger; INSERT INTO ledger SELECT * FROM ledger_copy');
          expect(v.ok).toBe(false);
        },
      ),
      { numRuns: 20 },
    );
  });
});
