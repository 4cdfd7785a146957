import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../test/support/builder.ts';
import { InvoiceTotals } from '../contract/invoice-totals.ts';
import { Crediting, creditBillingPostal } from './crediting.ts';
import { UNMAPPED } from './regions.ts';
import { Timeline } from './timeline.ts';
import { World } from './world.ts';

describe('timeline', () => {
  const t = new Timeline([
    { valid_from: '2021-03-01', v: 'b' },
    { valid_from: '2021-01-01', v: 'a' },
  ]);
  it('gives the row in force on a date, from its valid_from day on', () => {
    expect(t.at('2020-12-31')).toBeUndefined();
    expect(t.at('2021-01-01')?.v).toBe('a');
    expect(t.at('2021-02-28')?.v).toBe('a');
    expect(t.at('2021-03-01')?.v).toBe('b');
  });
  it('sorts an array it is handed, and walks forward to the same rows', () => {
    const owned = Timeline.owning([
      { valid_from: '2021-03-01', v: 'b' },
      { valid_from: '2021-01-01', v: 'a' },
    ]);
    expect(owned.rows.map((r) => r.v)).toEqual(['a', 'b']);
    const at = owned.cursor();
    expect(['2020-12-31', '2021-01-01', '2021-02-28', '2021-03-01'].map((d) => at(d)?.v)).toEqual([
      undefined,
      'a',
      'a',
      'b',
    ]);
  });
});

describe('territory lookup and crediting', () => {
  it('takes the longest matching postal prefix valid on the date, else UNMAPPED', () => {
    const b = new BundleBuilder();
    b.tables.territories.push({
      country: 'CN',
      postal_prefix: '6100',
      region_id: 'CN-NORTH',
      valid_from: '2022-01-01',
      valid_to: '2022-07-01',
    });
    const world = new World(b.facts());
    expect(world.territoryFor('CN', '610001', '2021-06-30')?.region_id).toBe('CN-WEST');
    expect(world.territoryFor('CN', '610001', '2022-03-31')?.region_id).toBe('CN-NORTH');
    expect(world.territoryFor('CN', '610001', '2022-07-01')?.region_id).toBe('CN-WEST');
    expect(world.territoryFor('CN', '310000', '2022-07-01')?.region_id).toBe('CN');
    expect(world.territoryFor('JP', '100', '2022-07-01')).toBeUndefined();
  });

  it('credits each basis from the facts in force at the end of the period, with lineage', () => {
    const b = new BundleBuilder()
      .account(
        { account_id: 'A', hq_country: 'HK', created_at: '2021-01-10' },
        { postal_code: '610001' },
        { team_id: 'T-BJ', owner_staff_id: 'S-BJ' },
      )
      .address('A', { valid_from: '2021-03-31', country: 'SG', postal_code: '018989' })
      .invoices('A', ['2021-02', '2021-03'], '10.00', 'ap-east-1');
    const world = new World(b.facts());
    const c = new Crediting(world);
    expect(c.regionsOf({ account_id: 'A', period: '2021-02', usage_region: 'ap-east-1' })).toEqual({
      'billing-postal': 'CN-WEST',
      'owner-team': 'CN-NORTH',
      substance: 'HK',
      'usage-region': 'HK',
    });
    // The address that starts on the last day of March is in force at the end of March.
    expect(c.regionsOf({ account_id: 'A', period: '2021-03', usage_region: 'nowhere-1' })).toMatchObject({
      'billing-postal': 'SG',
      'usage-region': UNMAPPED,
    });
    expect(creditBillingPostal(world, 'A', '2021-02').lineage.map((l) => l.table)).toEqual([
      'billing_addresses',
      'territories',
    ]);
  });

  it('rolls revenue up to every ancestor and lists the rows behind a figure', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A' })
      .account({ account_id: 'B' }, { country: 'HK', postal_code: null })
      .invoices('A', ['2021-05'], '100.10')
      .invoices('B', ['2021-05'], '0.20');
    const world = new World(b.facts());
    const cells = new Crediting(world).revenue().filter((r) => r.basis === 'billing-postal');
    const at = (region: string) => cells.find((r) => r.region === region)?.amount;
    expect(at('CN-WEST')).toBe(10010n);
    expect(at('HK')).toBe(20n);
    expect(at('GCR')).toBe(10030n);
    expect(at('WORLD')).toBe(10030n);
    expect(
      new Crediting(world)
        .behind('billing-postal', '2021-05', 'GCR')
        .map((t) => t.account_id)
        .sort(),
    ).toEqual(['A', 'B']);
  });

  it('walks each account forward to the same leaves as a lookup per period, through address, owner and territory changes', () => {
    const periods = Array.from(
      { length: 24 },
      (_, m) => `${2021 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`,
    );
    const b = new BundleBuilder()
      .account({ account_id: 'A' })
      .address('A', { valid_from: '2021-04-30', country: 'HK', postal_code: null })
      .address('A', { valid_from: '2021-09-15', country: 'CN', postal_code: '610001' })
      .owner('A', { valid_from: '2022-02-28', team_id: 'T-BJ', owner_staff_id: 'S-BJ' })
      .account({ account_id: 'B', created_at: '2021-06-01' }, { postal_code: '6100' })
      .account({ account_id: 'C' }, { country: 'SG', postal_code: '018989' })
      .invoices('A', periods, '1.00')
      .invoices('A', periods.slice(3, 9), '2.00', 'ap-east-1')
      .invoices('B', periods.slice(5), '3.00')
      .invoices('C', periods.slice(0, 2), '4.00', 'nowhere-1')
      .account({ account_id: 'D' })
      .invoices('D', periods.slice(0, 2), '5.00');
    // D has no owner: the owner-team leaf of the account before it must not carry over.
    b.tables.ownership = b.tables.ownership.filter((o) => o.account_id !== 'D');
    // A territory for part of the walk (its start and end fall inside an address's time), and one that ends.
    b.tables.territories.push(
      {
        country: 'CN',
        postal_prefix: '6100',
        region_id: 'CN-NORTH',
        valid_from: '2021-11-01',
        valid_to: '2022-05-31',
      },
      {
        country: 'CN',
        postal_prefix: '61000',
        region_id: 'CN',
        valid_from: '2022-03-01',
        valid_to: '2022-04-01',
      },
    );
    const world = new World(b.facts());
    const walked: string[][] = [];
    new Crediting(world).each((_i, leaves) => walked.push([...leaves]));
    const looked = world.facts.invoiceTotals.toRows().map((t) => new Crediting(world).leaves(t));
    expect(walked).toEqual(looked);
    expect(new Set(walked.map((l) => l[0]))).toEqual(new Set(['CN-WEST', 'HK', 'CN-NORTH', 'CN', 'SG']));
    expect(walked.at(-1)![1]).toBe(UNMAPPED);
  });

  it('sums exactly past 64 bits when the totals could overflow 64-bit sums', () => {
    // Two totals of 2^62 cents each (more than a bundle's amounts may be): their sum, 2^63, does not fit a signed
    // 64-bit integer.
    const b = new BundleBuilder().account({ account_id: 'A' }).account({ account_id: 'B' });
    const huge = (account_id: string) => ({
      account_id,
      period: '2021-05',
      usage_region: 'cn-northwest-1',
      seller: null,
      net: 2n ** 62n,
      rows: 1,
    });
    const facts = { ...b.facts(), invoiceTotals: InvoiceTotals.fromRows([huge('A'), huge('B')]) };
    const world = new World(facts);
    expect(world.facts.invoiceTotals.sumsFitInt64()).toBe(false);
    const cells = new Crediting(world).revenue().filter((r) => r.basis === 'billing-postal');
    expect(cells.find((r) => r.region === 'WORLD')).toMatchObject({ amount: 2n ** 63n, rows: 2 });
  });
});
