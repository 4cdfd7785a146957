import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { findingSchema } from '../src/contract/finding.ts';
import { formatMoney, parseMoney } from '../src/contract/money.ts';
import { loadBundle } from '../src/ingest/bundle.ts';
import { Store } from '../src/store/store.ts';
import { type AuditRun, auditBundle } from '../src/usecases/audit-bundle.ts';
import { creditingWorld, explainFigure } from '../src/usecases/explain.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { bundleTelemetry, indicatorsFor } from '../src/usecases/telemetry.ts';
import { copyOfSample, sampleS, setCell, tempDir } from './support/bundles.ts';
import { rawSql } from './support/raw-sql.ts';
import { score } from './support/score.ts';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ['bin/daylight.mjs', ...args], { env: { ...process.env, NO_COLOR: '1' } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );

async function auditInto(bundle: string): Promise<{ out: string; run: AuditRun; storePath: string }> {
  const root = tempDir('daylight-e2e-');
  const storePath = join(root, 'd.duckdb');
  const out = join(root, 'out');
  const store = await Store.open(storePath);
  try {
    return { out, storePath, run: await auditBundle(store, bundle, { outDir: out }) };
  } finally {
    store.close();
  }
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('sample S → audit', () => {
  let bundle: string;
  let audited: Awaited<ReturnType<typeof auditInto>>;
  beforeAll(async () => {
    bundle = await sampleS();
    audited = await auditInto(bundle);
  });

  it('finds exactly the planted patterns: precision and recall 1.0 for every code', () => {
    const scores = score(bundle, audited.out);
    for (const s of scores) {
      expect({ code: s.code, missing: s.missing, unexpected: s.unexpected }).toEqual({
        code: s.code,
        missing: [],
        unexpected: [],
      });
      expect(s.precision).toBe(1);
      expect(s.recall).toBe(1);
    }
    expect(scores.every((s) => s.expected > 0)).toBe(true);
  });

  it('writes findings that follow the contract, with stable ids', async () => {
    const found = lines(join(audited.out, 'findings.ndjson')).map((l) =>
      findingSchema.strict().parse(JSON.parse(l)),
    );
    expect(new Set(found.map((f) => f.id)).size).toBe(found.length);
    const again = await auditInto(bundle);
    expect(lines(join(again.out, 'findings.ndjson'))).toEqual(lines(join(audited.out, 'findings.ndjson')));
  });

  it('credits every dollar under every basis: the root of each basis sums to the invoices', () => {
    const invoiceTotal = lines(join(bundle, 'invoices.csv'))
      .slice(1)
      .reduce((s, l) => s + parseMoney(l.split(',')[7]!), 0n);
    const revenue = lines(join(audited.out, 'revenue.csv'))
      .slice(1)
      .map((l) => l.split(','));
    for (const basis of ['billing-postal', 'owner-team', 'substance', 'usage-region']) {
      const world = revenue
        .filter((r) => r[0] === basis && r[2] === 'WORLD')
        .reduce((s, r) => s + parseMoney(r[3]!), 0n);
      expect(formatMoney(world)).toBe(formatMoney(invoiceTotal));
    }
    const segments = lines(join(audited.out, 'segments.csv'))
      .slice(1)
      .reduce((s, l) => s + parseMoney(l.split(',')[2]!), 0n);
    expect(segments).toBe(invoiceTotal);
  });

  it('explains a figure by the invoice rows that make it up', async () => {
    const row = lines(join(audited.out, 'revenue.csv')).find((l) =>
      l.startsWith('billing-postal,2022-06,CN-WEST,'),
    )!;
    const store = await Store.open(audited.storePath);
    try {
      const world = await creditingWorld(store.snapshots, audited.run.snapshotId, '2022-12-31');
      const e = await explainFigure(store.snapshots, world, audited.run.snapshotId, {
        basis: 'billing-postal',
        period: '2022-06',
        region: 'CN-WEST',
      });
      expect(e.invoice_rows).toBe(e.rows.length);
      // A page sorted in the store: the largest rows first, and the same total.
      const top = await explainFigure(
        store.snapshots,
        world,
        audited.run.snapshotId,
        { basis: 'billing-postal', period: '2022-06', region: 'CN-WEST' },
        { page: 1, page_size: 3, sort: 'net_amount', order: 'desc' },
      );
      expect(top.rows).toHaveLength(3);
      expect(top.amount).toBe(e.amount);
      const nets = e.rows.map((r) => parseMoney(r.net_amount)).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
      expect(top.rows.map((r) => parseMoney(r.net_amount))).toEqual(nets.slice(0, 3));
      expect(e.amount).toBe(row.split(',')[3]);
      expect(e.rows.every((r) => r.credits[0]!.region === 'CN-WEST')).toBe(true);
      expect(e.rows[0]!.credits[0]!.lineage.map((l) => l.table)).toEqual([
        'billing_addresses',
        'territories',
      ]);
    } finally {
      store.close();
    }
  });

  it('reconciles every reported row and writes a self-contained report', () => {
    const reported = lines(join(bundle, 'reported_revenue.csv')).length - 1;
    expect(lines(join(audited.out, 'reconciliation.csv'))).toHaveLength(reported + 1);
    const html = readFileSync(join(audited.out, 'report.html'), 'utf8');
    expect(html).toContain('echarts');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html).toContain('paper-offshore-account');
    expect(html).toContain('Network evidence');
  });

  it('ingests the same bundle once: a second ingest changes nothing', async () => {
    const store = await Store.open(audited.storePath);
    try {
      const again = await ingestBundle(store, bundle);
      expect(again).toMatchObject({ snapshotId: audited.run.snapshotId, created: false });
      expect(await store.snapshots.list()).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});

describe('sample telemetry', () => {
  it('classifies every planted workload per account and month, and nothing else', async () => {
    const bundle = await sampleS();
    const truth = JSON.parse(readFileSync(join(bundle, 'ground-truth.json'), 'utf8')) as {
      signals: object[];
    };
    const loaded = await loadBundle(bundle, { streamed: ['invoices'] });
    const { signals, files } = await bundleTelemetry(bundle, loaded.tables, {
      indicators: indicatorsFor(bundle).indicators,
    });
    const key = (s: {
      account_id: string;
      period: string;
      signal: string;
      network: string | null;
      strength: string;
    }) => [s.account_id, s.period, s.signal, s.network ?? '', s.strength].join('|');
    expect(signals.map(key).sort()).toEqual((truth.signals as Parameters<typeof key>[0][]).map(key).sort());
    expect(files.map((f) => f.file)).toEqual([
      'dns/resolver-queries.log',
      'flowlogs/ap-southeast-1/flows-default.log',
      'flowlogs/ap-southeast-1/flows-v5.log.gz',
    ]);
    expect(truth.signals.length).toBeGreaterThan(10);
  });
});

describe('a stored snapshot', () => {
  it('audits with the bundle folder gone to the same bytes as an audit of the folder', async () => {
    const bundle = await copyOfSample();
    const root = tempDir('daylight-snapshot-');
    const store = join(root, 'd.duckdb');
    const first = await cli(['audit', bundle, '--out', join(root, 'from-folder'), '--store', store]);
    expect(first.code, first.stderr).toBe(0);
    renameSync(bundle, `${bundle}-moved-away`);
    const again = await cli([
      'audit',
      '--snapshot',
      'latest',
      '--out',
      join(root, 'from-store'),
      '--store',
      store,
    ]);
    expect(again.code, again.stderr).toBe(0);
    const names = readdirSync(join(root, 'from-folder')).sort();
    expect(names).toEqual([
      'findings.ndjson',
      'reconciliation.csv',
      'report.html',
      'revenue.csv',
      'segments.csv',
    ]);
    expect(readdirSync(join(root, 'from-store')).sort()).toEqual(names);
    for (const name of names)
      expect(
        readFileSync(join(root, 'from-store', name)).equals(readFileSync(join(root, 'from-folder', name))),
        name,
      ).toBe(true);
    // The telemetry's signals came from the store: the report still shows the network evidence.
    expect(readFileSync(join(root, 'from-store', 'report.html'), 'utf8')).toContain('Network evidence');
    const both = await cli([
      'audit',
      `${bundle}-moved-away`,
      '--snapshot',
      'latest',
      '--out',
      root,
      '--store',
      store,
    ]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/not both/);
  });
});

describe('formats', () => {
  it('reads NDJSON, Parquet, gzip and BOM+CRLF CSV to the same findings and revenue', async () => {
    const plain = await auditInto(await sampleS());
    const dir = await copyOfSample();
    // accounts as NDJSON, invoices as Parquet, billing addresses gzipped, staff with BOM and CRLF.
    const header = lines(join(dir, 'accounts.csv'))[0]!.split(',');
    const accounts = lines(join(dir, 'accounts.csv')).slice(1);
    const { CsvParser } = await import('../src/ingest/csv.ts');
    const rows: string[] = [];
    const parser = new CsvParser(
      (cells) => rows.push(JSON.stringify(Object.fromEntries(header.map((h, i) => [h, cells[i]])))),
      () => {},
    );
    parser.push(accounts.join('\n'));
    parser.end();
    writeFileSync(join(dir, 'accounts.ndjson'), `${rows.join('\n')}\n`);
    rmSync(join(dir, 'accounts.csv'));
    await rawSql(
      ':memory:',
      `COPY (SELECT * FROM read_csv('${join(dir, 'invoices.csv')}', all_varchar=true)) TO '${join(dir, 'invoices.parquet')}' (FORMAT parquet)`,
    );
    rmSync(join(dir, 'invoices.csv'));
    writeFileSync(
      join(dir, 'billing_addresses.csv.gz'),
      gzipSync(readFileSync(join(dir, 'billing_addresses.csv'))),
    );
    rmSync(join(dir, 'billing_addresses.csv'));
    writeFileSync(
      join(dir, 'staff.csv'),
      `\uFEFF${readFileSync(join(dir, 'staff.csv'), 'utf8').replaceAll('\n', '\r\n')}`,
    );

    const converted = await auditInto(dir);
    expect(converted.run.snapshotId).not.toBe(plain.run.snapshotId);
    expect(lines(join(converted.out, 'findings.ndjson'))).toEqual(lines(join(plain.out, 'findings.ndjson')));
    expect(lines(join(converted.out, 'revenue.csv'))).toEqual(lines(join(plain.out, 'revenue.csv')));
  });
});

describe('command line', () => {
  it('exits 2 with the reasons for a bad bundle, 0 for a good one, 1 for other errors', async () => {
    const dir = await copyOfSample();
    setCell(dir, 'invoices.csv', 3, 'period', '2021-13');
    const store = join(tempDir('daylight-cli-'), 'd.duckdb');
    const bad = await cli(['audit', dir, '--out', join(tempDir('daylight-cli-'), 'out'), '--store', store]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invoices.csv:3: column period: not a period (YYYY-MM)');

    const good = await cli([
      'audit',
      await sampleS(),
      '--out',
      join(tempDir('daylight-cli-'), 'out'),
      '--store',
      store,
      '--json',
    ]);
    expect(good.code).toBe(0);
    const truth = JSON.parse(readFileSync(join(await sampleS(), 'ground-truth.json'), 'utf8')) as {
      expected: { code: string }[];
    };
    const expectedProhibited = truth.expected.filter((e) => e.code === 'prohibited-activity').length;
    expect(JSON.parse(good.stdout)).toMatchObject({
      ingested: true,
      by_code: { 'prohibited-activity': expectedProhibited },
    });

    const findings = await cli([
      'findings',
      '--store',
      store,
      '--code',
      'offshore-contract-onshore-work',
      '--json',
    ]);
    expect(
      findings.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).code),
    ).toEqual(['offshore-contract-onshore-work', 'offshore-contract-onshore-work']);

    const missing = await cli([
      'explain',
      '--store',
      join(tempDir('daylight-cli-'), 'empty.duckdb'),
      '--period',
      '2022-01',
      '--account',
      'A1',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('holds no snapshot');
  });

  it('names an indicator list that is not there, and takes lists of each kind', async () => {
    const bundle = await sampleS();
    const missing = await cli(['telemetry', bundle, '--indicators', 'mining=/nonexistent']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('/nonexistent: no such indicator list');
    const dir = tempDir('daylight-lists-');
    writeFileSync(join(dir, 'pools.txt'), '0.0.0.0 pool.example\n');
    const ok = await cli(['telemetry', bundle, '--indicators', `mining=${join(dir, 'pools.txt')}`, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('lists the rules in force at a date', async () => {
    const r = await cli(['rules', '--at', '2021-10-01', '--jurisdiction', 'CN', '--json']);
    const rules = JSON.parse(r.stdout).rules.map((x: { id: string }) => x.id);
    expect(rules).toContain('cn-2021-yinfa-237/crypto.exchange');
    expect(rules).toContain('cn-2021-fagai-1283/crypto.mining');
    expect(rules).not.toContain('cn-2026-yinfa-42/crypto.exchange');
    const hk = JSON.parse(
      (await cli(['rules', '--at', '2024-01-01', '--jurisdiction', 'HK', '--json'])).stdout,
    );
    expect(hk.rules[0].instrument).toMatchObject({
      issuers: ['Legislative Council'],
      regulator: 'SFC',
      enacted: '2022-12-07',
      commenced: '2023-06-01',
    });
    const text = (await cli(['rules', '--at', '2021-10-01', '--jurisdiction', 'CN'])).stdout;
    expect(text).toContain('until 2026-02-06 (exclusive; last day 2026-02-05)');
    expect(text).toContain(
      'Notice on Further Preventing and Disposing of the Risks of Virtual Currency Trading Speculation',
    );
    expect(text).toContain('replaced by cn-2026-yinfa-42 on 2026-02-06');
    expect(text).toMatch(/note: Whether 银发〔2026〕42号 repealed it is not settled/);
  });
});
