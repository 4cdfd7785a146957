import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Decision, type Proposal, proposalSchema } from '../src/contract/decision.ts';
import type { Finding } from '../src/contract/finding.ts';
import { onshoreTransferReason } from '../src/engine/decisions/onshore-transfer.ts';
import type { ReplayedEvent } from '../src/engine/decisions/replay.ts';
import { Store } from '../src/store/store.ts';
import { type AuditRun, auditBundle } from '../src/usecases/audit-bundle.ts';
import { DecisionGate } from '../src/usecases/decisions.ts';
import { latestReplay, type ReplayRecord, replayBundle } from '../src/usecases/replay.ts';
import { buildServer } from '../src/workspace/api/server.ts';
import { addUser, createToken } from '../src/workspace/usecases/users.ts';
import { sampleS, tempDir } from './support/bundles.ts';

let root = '';
let store: Store;
let run: Omit<AuditRun, 'created'>;
let app: FastifyInstance;
let crm = '';
let record: ReplayRecord;
let groundTruth: { expected: { code: string; account_id: string | null; severity: string }[] };

beforeAll(async () => {
  root = tempDir('daylight-decisions-');
  store = await Store.open(join(root, 'd.duckdb'));
  const bundle = await sampleS();
  groundTruth = JSON.parse(readFileSync(join(bundle, 'ground-truth.json'), 'utf8'));
  run = await auditBundle(store, bundle, { outDir: join(root, 'out') });
  record = (await replayBundle(store, undefined, join(root, 'replay'), { snapshotId: run.snapshotId }))
    .record;
  await addUser(store, { name: 'crm', role: 'decider', password: 'a long passphrase 12' }, 'test');
  crm = (await createToken(store, 'crm', 'crm integration', 'test')).token;
  app = await buildServer(store, { outDir: join(root, 'api-out') });
});
afterAll(async () => {
  await app.close();
  store.close();
});

const ask = (payload: object, key?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/decisions',
    headers: { authorization: `Bearer ${crm}`, ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });
const decisionOf = async (payload: object, key?: string): Promise<Decision> => {
  const res = await ask(payload, key);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const facts = () => run.result.context.world.facts;
/** The day after the snapshot's export date: a change proposed now. */
const tomorrow = () => {
  const d = new Date(`${facts().asOf}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

describe('replay of the history through the gate', () => {
  const lines = () =>
    readFileSync(join(root, 'replay', 'decisions.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ReplayedEvent);

  it('stops or reviews every planted scheme event, and holds up fewer than 2 % of the ordinary ones', () => {
    const s = record.summary;
    const events = lines();
    expect(events).toHaveLength(s.events);
    expect(s.flagged.total).toBeGreaterThan(0);
    expect(s.flagged.allow).toBe(0);
    expect(s.flagged.deny + s.flagged.review).toBe(s.flagged.total);
    expect(s.ordinary.total + s.flagged.total).toBe(s.events);
    expect(s.ordinary.held / s.ordinary.total).toBeLessThan(0.02);
    // Every planted scheme of an account-level code has an event the gate held up.
    const schemes = groundTruth.expected.filter(
      (e) =>
        e.account_id &&
        ['self-credited-address-change', 'transfer-after-risk', 'discount-beyond-policy'].includes(e.code),
    );
    expect(schemes.length).toBeGreaterThan(5);
    for (const scheme of schemes)
      expect(
        events.some(
          (e) =>
            e.account_id === scheme.account_id &&
            e.decision !== 'allow' &&
            e.reasons.some((r) => r.code === scheme.code),
        ),
        `${scheme.code} on ${scheme.account_id}`,
      ).toBe(true);
  });

  it('judges each event on what was known the day before: its reasons cite no row dated later', () => {
    for (const e of lines())
      for (const r of e.reasons)
        for (const x of r.evidence) {
          const day = /valid_from=(\d{4}-\d{2}-\d{2})/.exec(x.key)?.[1];
          if (day) expect(day <= e.at, `${e.key}: ${x.key}`).toBe(true);
        }
  });

  it('counts an event as later found only when a finding cites its row', () => {
    const findings = new Map(run.result.findings.map((f) => [f.id, f]));
    for (const e of lines())
      for (const id of e.became)
        expect(findings.get(id)!.evidence.some((x) => x.table === e.table && x.key === e.key)).toBe(true);
  });

  it('is stored, anchored in the ledger, in the report and in the workspace', async () => {
    expect(await latestReplay(store, run.snapshotId)).toMatchObject({ summary: record.summary });
    expect((await store.verifyLedger()).ok).toBe(true);
    const report = readFileSync(join(root, 'replay', 'audit', 'report.html'), 'utf8');
    expect(report).toContain('Decisions before the fact');
    expect(report).toContain(`${record.summary.ordinary.held} of ${record.summary.ordinary.total}`);
    await addUser(store, { name: 'vic', role: 'viewer', password: 'a long passphrase 12' }, 'test');
    const viewer = (await createToken(store, 'vic', 'reads', 'test')).token;
    const shown = await app.inject({
      method: 'GET',
      url: '/api/replay',
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(shown.json().replay).toEqual(record);
  });
});

describe('POST /api/decisions', () => {
  /** An account now billed outside mainland China, and the CN-NORTH postal prefix. */
  function overseasAccount() {
    const t = facts().tables;
    const latest = new Map<string, { country: string; valid_from: string }>();
    for (const a of t.billing_addresses) {
      const l = latest.get(a.account_id);
      if (!l || a.valid_from > l.valid_from) latest.set(a.account_id, a);
    }
    const account = [...latest].find(([, a]) => a.country === 'US')![0];
    const prefix = t.territories.find((x) => x.region_id === 'CN-NORTH')!.postal_prefix!;
    return { account, postal: prefix.padEnd(6, '1') };
  }

  it('sends a self-crediting address change to review, with the evidence the finding would carry', async () => {
    const { account, postal } = overseasAccount();
    const d = await decisionOf({
      kind: 'address-change',
      account_id: account,
      by: 'BJ-001',
      at: tomorrow(),
      address: { country: 'CN', city: 'Beijing', postal_code: postal },
    });
    expect(d.decision).toBe('review');
    const reason = d.reasons.find((r) => r.code === 'self-credited-address-change')!;
    expect(reason.severity).toBe('medium');
    expect(reason.text).toContain(`BJ-001 moved account ${account}'s billing address on ${tomorrow()}`);
    expect(reason.evidence.map((e) => e.table)).toEqual(
      expect.arrayContaining(['billing_addresses', 'staff', 'teams']),
    );
    expect(reason.evidence.some((e) => e.key.includes(`valid_from=${tomorrow()}`))).toBe(true);
    expect(reason.rule).toContain('deal_window_days 90');
  });

  it('denies a deal through an agent right after a self-crediting change, and allows the same deal without one', async () => {
    const change = run.result.findings.find(
      (f: Finding) => f.code === 'self-credited-address-change' && f.severity === 'medium',
    )!;
    const day = /valid_from=(\d{4}-\d{2}-\d{2})/.exec(
      change.evidence.filter((e) => e.table === 'billing_addresses')[1]!.key,
    )![1]!;
    const at = new Date(`${day}T00:00:00Z`);
    at.setUTCDate(at.getUTCDate() + 10);
    const deal = (agent: string | null) => ({
      kind: 'discount',
      account_id: change.account_id,
      by: 'SG-001',
      at: at.toISOString().slice(0, 10),
      deal: { deal_id: `D-NEW-${agent ?? 'none'}`, discount_pct: 10, ...(agent ? { agent_id: agent } : {}) },
    });
    const withAgent = await decisionOf(deal('AG-01'));
    expect(withAgent.decision).toBe('deny');
    const reason = withAgent.reasons.find((r) => r.code === 'self-credited-address-change')!;
    expect(reason.severity).toBe('high');
    expect(reason.evidence.some((e) => e.table === 'deals' && e.fact.includes('through agent AG-01'))).toBe(
      true,
    );
    expect((await decisionOf(deal(null))).decision).toBe('allow');
  });

  it('denies handing a prohibited-activity account to someone working onshore on an offshore contract', async () => {
    const exchange = groundTruth.expected.find(
      (e) => e.code === 'prohibited-activity' && e.account_id && e.severity === 'high',
    )!.account_id!;
    const transferTo = (owner: string) =>
      proposalSchema.parse({
        kind: 'transfer',
        account_id: exchange,
        by: 'BJ-001',
        at: tomorrow(),
        to_team_id: 'T-FSI',
        to_owner_staff_id: owner,
      }) as Extract<Proposal, { kind: 'transfer' }>;
    const d = await decisionOf(transferTo('FSI-001'));
    expect(d.decision).toBe('deny');
    const reason = d.reasons.find((r) => r.code === 'offshore-contract-onshore-work')!;
    expect(reason.text).toContain('FSI-001 works in CN');
    expect(reason.evidence.map((e) => e.table)).toEqual(expect.arrayContaining(['staff', 'entities']));
    expect(reason.rule).toMatch(/^offshore-contract-onshore-work \(/);
    // Where the audit cannot see the periods after the transfer yet, the account's recent periods stand in.
    const projected = onshoreTransferReason(run.result, transferTo('FSI-001'), 180)!;
    expect(projected).toMatchObject({ code: 'offshore-contract-onshore-work', severity: 'high' });
    expect(projected.rule).toContain('projected');
    expect(projected.evidence.some((e) => e.table === 'activities' || e.fact.includes('prohibited'))).toBe(
      true,
    );
    // FSI-003 works in Singapore, where the contract is.
    const toSingapore = transferTo('FSI-003');
    expect(onshoreTransferReason(run.result, toSingapore, 180)).toBeNull();
  });

  it('allows an ordinary transfer between teams of one entity', async () => {
    const plain = facts().tables.accounts.find(
      (a) => !run.result.findings.some((f) => f.account_id === a.account_id),
    )!;
    const d = await decisionOf({
      kind: 'transfer',
      account_id: plain.account_id,
      by: 'BJ-001',
      at: tomorrow(),
      to_team_id: 'T-SH',
      to_owner_staff_id: 'SH-001',
    });
    expect(d).toMatchObject({ decision: 'allow', reasons: [], snapshot_id: run.snapshotId });
  });

  it('answers a retry with the same Idempotency-Key with the same decision, and refuses the key for another request', async () => {
    const { account, postal } = overseasAccount();
    const body = {
      kind: 'address-change',
      account_id: account,
      by: 'BJ-002',
      at: tomorrow(),
      address: { country: 'CN', postal_code: postal },
    };
    const first = await decisionOf(body, 'crm-req-1');
    const again = await decisionOf(body, 'crm-req-1');
    expect(again).toEqual(first);
    const other = await ask({ ...body, by: 'BJ-003' }, 'crm-req-1');
    expect(other.statusCode).toBe(422);
    expect(other.json().error).toContain('crm-req-1');
    const found = await app.inject({
      method: 'GET',
      url: `/api/decisions/${first.id}`,
      headers: { authorization: `Bearer ${crm}` },
    });
    expect(found.json()).toEqual(first);
    // Journaled at once, in the store and its ledger within a drain (200 ms).
    const recorded = await vi.waitFor(async () => {
      const found = (await store.ledger.entries()).filter(
        (e) => e.kind === 'decision' && e.body.id === first.id,
      );
      expect(found).toHaveLength(1);
      return found;
    });
    expect(recorded[0]!.body).toMatchObject({
      idempotency_key: 'crm-req-1',
      snapshot_id: run.snapshotId,
      decision: first.decision,
      proposal: body,
    });
  });

  it('refuses an unknown account (404), a bad proposal (400) and a bad key (400)', async () => {
    const base = {
      kind: 'transfer',
      by: 'BJ-001',
      at: tomorrow(),
      to_team_id: 'T-SH',
      to_owner_staff_id: 'SH-001',
    };
    expect((await ask({ ...base, account_id: 'NOPE' })).statusCode).toBe(404);
    expect((await ask({ ...base, account_id: 'A0000001', at: '2023-13-01' })).statusCode).toBe(400);
    expect((await ask({ ...base, account_id: 'A0000001' }, 'has space')).statusCode).toBe(400);
  });

  it('lets a decider token ask the gate and nothing else; a decider cannot sign in', async () => {
    const findings = await app.inject({
      method: 'GET',
      url: '/api/findings',
      headers: { authorization: `Bearer ${crm}` },
    });
    expect(findings.statusCode).toBe(403);
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'crm', password: 'a long passphrase 12' },
    });
    expect(login.statusCode).toBe(401);
  });
});

describe('the decision journal', () => {
  it('keeps a decision answered before a crash: the next process stores it and its ledger entry', async () => {
    const dir = tempDir('daylight-journal-');
    const path = join(dir, 'd.duckdb');
    const journal = join(dir, 'decisions-journal');
    let first = await Store.open(path);
    await auditBundle(first, await sampleS(), { outDir: join(dir, 'out') });
    const proposal = proposalSchema.parse({
      kind: 'transfer',
      account_id: 'A0000001',
      by: 'BJ-001',
      at: '2023-01-05',
      to_team_id: 'T-FSI',
      to_owner_staff_id: 'FSI-001',
    });
    // A drain that never comes: the process dies with the decisions in the journal only.
    const crashing = new DecisionGate(first, { journal, drainMs: 3_600_000 });
    const answered = [
      await crashing.decide(proposal, 'crm', 'k-1'),
      await crashing.decide({ ...proposal, at: '2023-01-06' }, 'crm'),
    ];
    expect(await first.decisions.get(answered[0]!.id)).toBeNull();
    expect(await crashing.get(answered[0]!.id)).toEqual(answered[0]);
    first.close();
    // A torn last line (the crash came mid-write) was never answered: it is left out.
    appendFileSync(journal, '{"stored":{"id":"dec-torn"');

    first = await Store.open(path);
    const next = new DecisionGate(first, { journal });
    await next.open();
    for (const d of answered) expect(await next.get(d.id)).toEqual(d);
    expect(await first.decisions.get('dec-torn')).toBeNull();
    expect(await first.verifyLedger()).toMatchObject({ ok: true });
    const ledgered = (await first.ledger.entries())
      .filter((e) => e.kind === 'decision')
      .map((e) => e.body.id);
    expect(ledgered).toEqual(answered.map((d) => d.id));
    // The retry after the crash still gets the first answer.
    expect(await next.decide(proposal, 'crm', 'k-1')).toEqual(answered[0]);
    await next.close();
    expect(readdirSync(dir).filter((f) => f.startsWith('decisions-journal'))).toEqual([]);
    first.close();
  });
});
