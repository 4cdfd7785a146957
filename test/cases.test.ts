import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { caseOf, casesOf, changeCase, commentCase } from '../src/workspace/usecases/cases.ts';
import { copyOfSample, editTable, tempDir } from './support/bundles.ts';

describe('cases', () => {
  it('moves a finding through triage, records every change in the ledger, and keeps triage across re-runs', async () => {
    const bundle = await copyOfSample();
    const root = tempDir('daylight-cases-');
    const store = await Store.open(join(root, 'd.duckdb'));
    const first = await auditBundle(store, bundle, { outDir: join(root, 'out1') });
    const discount = first.result.findings.find(
      (f) => f.code === 'discount-beyond-policy' && f.severity === 'medium',
    )!;
    const kept = first.result.findings.find((f) => f.code === 'prohibited-activity')!;

    await changeCase(
      store,
      kept.id,
      { status: 'investigating', assignee: 'ana', why: 'looks like an exchange' },
      'ana',
    );
    await expect(changeCase(store, kept.id, { status: 'closed', why: 'done' })).rejects.toThrow(/resolution/);
    await changeCase(
      store,
      kept.id,
      { status: 'closed', resolution: 'confirmed', why: 'CRM and invoices agree' },
      'ana',
    );
    await expect(changeCase(store, kept.id, { status: 'investigating', why: 'again' })).rejects.toThrow(
      'a closed case cannot become investigating',
    );
    await changeCase(
      store,
      discount.id,
      { status: 'snoozed', snoozed_until: '2023-03-31', why: 'waiting for the contract' },
      'bo',
    );
    await commentCase(store, discount.id, 'asked sales for the signed deal', 'bo');
    expect(await caseOf(store, kept.id)).toMatchObject({
      status: 'closed',
      resolution: 'confirmed',
      assignee: 'ana',
      updated_by: 'ana',
    });

    const kinds = (await store.ledger.entries()).map((e) => e.kind);
    expect(kinds).toEqual([
      'ingest',
      'audit-run',
      'case-change',
      'case-change',
      'case-change',
      'case-change',
    ]);
    expect((await store.ledger.entries())[2]!.body).toMatchObject({
      finding_id: kept.id,
      why: 'looks like an exchange',
      after: { status: 'investigating' },
    });

    // The deal behind the discount finding now stays within policy: a new snapshot without that finding.
    const dealId = discount.evidence[0]!.key.replace('deal_id=', '');
    editTable(bundle, 'deals.csv', (lines) =>
      lines.map((l) => (l.startsWith(`${dealId},`) ? l.replace(/,(\d+(\.\d+)?),(\d{4}-)/, ',10,$3') : l)),
    );
    expect(readFileSync(join(bundle, 'deals.csv'), 'utf8')).toContain(`${dealId},`);
    const second = await auditBundle(store, bundle, { outDir: join(root, 'out2') });
    expect(second.snapshotId).not.toBe(first.snapshotId);
    const rows = await casesOf(store, second.result.findings);
    expect(rows.find((r) => r.finding_id === kept.id)).toMatchObject({
      status: 'closed',
      disappeared: false,
    });
    expect(rows.find((r) => r.finding_id === discount.id)).toMatchObject({
      status: 'snoozed',
      disappeared: true,
      finding: null,
    });
    expect(await store.verifyLedger()).toMatchObject({ ok: true, entries: 8 });
    store.close();
  });
});
