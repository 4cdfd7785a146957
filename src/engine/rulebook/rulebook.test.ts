import { describe, expect, it } from 'vitest';
import { rulebookSchema } from '../../contract/rulebook.ts';
import { readRulebookFile } from '../../ingest/rules.ts';
import { Rulebook } from './rulebook.ts';

const book = new Rulebook(readRulebookFile());
const ids = (rules: readonly { id: string }[]) => rules.map((r) => r.id).sort();

describe('rulebook', () => {
  it('has 237 in force from its publication until 42 replaced it', () => {
    expect(ids(book.prohibiting('CN', 'crypto.exchange', '2021-09-23'))).toEqual([
      'cn-2017-ico-announcement/crypto.exchange',
    ]);
    expect(ids(book.prohibiting('CN', 'crypto.exchange', '2021-09-24'))).toContain(
      'cn-2021-yinfa-237/crypto.exchange',
    );
    expect(ids(book.prohibiting('CN', 'crypto.exchange', '2026-02-05'))).toContain(
      'cn-2021-yinfa-237/crypto.exchange',
    );
    const after = ids(book.prohibiting('CN', 'crypto.exchange', '2026-02-06'));
    expect(after).toContain('cn-2026-yinfa-42/crypto.exchange');
    expect(after).not.toContain('cn-2021-yinfa-237/crypto.exchange');
  });

  it('prohibits mining on the mainland from 1283 on, and nodes not at all', () => {
    expect(book.prohibiting('CN', 'crypto.mining', '2021-09-23')).toEqual([]);
    expect(book.prohibiting('CN', 'crypto.mining', '2021-09-24')).toHaveLength(1);
    expect(book.prohibiting('CN', 'crypto.mining', '2022-01-01')).toHaveLength(2);
    expect(book.prohibiting('CN', 'crypto.node', '2025-01-01')).toEqual([]);
  });

  it('encodes Hong Kong and Singapore as licensed, not prohibited', () => {
    expect(book.prohibiting('HK', 'crypto.exchange', '2024-01-01')).toEqual([]);
    expect(book.inForce('2023-05-31', { jurisdiction: 'HK' })).toEqual([]);
    expect(book.rules.filter((r) => r.jurisdiction !== 'CN').every((r) => r.status === 'licensed')).toBe(
      true,
    );
    expect(book.inForce('2023-06-01', { jurisdiction: 'HK' }).map((r) => r.status)).toEqual(['licensed']);
    expect(book.inForce('2020-01-28', { jurisdiction: 'SG', activity: 'crypto.exchange' })).toHaveLength(1);
  });

  it('keeps apart who enacted a statute, who administers it, and when it was passed and commenced', () => {
    const inst = (id: string) => book.file.instruments.find((i) => i.id === id)!;
    expect(inst('hk-amlo-part-5b')).toMatchObject({
      issuers: ['Legislative Council'],
      regulator: 'SFC',
      enacted: '2022-12-07',
      commenced: '2023-06-01',
    });
    expect(inst('hk-stablecoins-ordinance')).toMatchObject({
      regulator: 'HKMA',
      enacted: '2025-05-21',
      gazetted: '2025-05-30',
      commenced: '2025-08-01',
    });
    expect(inst('sg-psa-2019')).toMatchObject({
      regulator: 'MAS',
      enacted: '2019-01-14',
      commenced: '2020-01-28',
    });
    expect(inst('sg-fsma-2022-s137')).toMatchObject({ regulator: 'MAS', commenced: '2025-06-30' });
    // PS-G02 is a non-binding conduct guideline for providers already licensed: no rule rests on it.
    expect(inst('sg-mas-ps-g02').binding).toBe(false);
    expect(book.rules.filter((r) => r.instrument === 'sg-mas-ps-g02')).toEqual([]);
  });

  it('licenses stablecoin issuers in Hong Kong, not token issuance in general', () => {
    expect(book.inForce('2025-08-01', { jurisdiction: 'HK' }).map((r) => [r.activity, r.status])).toEqual([
      ['crypto.exchange', 'licensed'],
      ['crypto.stablecoin-issuance', 'licensed'],
    ]);
    expect(book.inForce('2025-08-01', { jurisdiction: 'HK', activity: 'crypto.token-issuance' })).toEqual([]);
  });

  it('has the instruments the review found missing, none of them a prohibition of nodes', () => {
    expect(book.inForce('2014-01-01', { jurisdiction: 'CN' }).map((r) => [r.id, r.status])).toEqual([
      ['cn-2013-yinfa-289/crypto.exchange', 'allowed'],
    ]);
    expect(book.inForce('2019-02-15', { activity: 'crypto.node' })).toMatchObject([
      {
        instrument: 'cn-2019-cac-blockchain-services',
        status: 'allowed',
        conditions: expect.stringContaining('备案'),
      },
    ]);
    expect(book.rules.filter((r) => r.activity === 'crypto.node' && r.status === 'prohibited')).toEqual([]);
    expect(ids(book.prohibiting('CN', 'crypto.mining', '2021-12-27'))).toEqual([
      'cn-2021-fagai-1283/crypto.mining',
      'cn-2021-ndrc-eliminated-mining/crypto.mining',
    ]);
    expect(book.rules.filter((r) => r.activity === 'crypto.mining').every((r) => r.territorial)).toBe(true);
    const names = book.file.instruments.flatMap((i) => (i.name_terms ?? []).map((t) => `${i.id}:${t}`));
    expect(names).toContain('cn-2021-yinfa-237:加密货币');
    expect(names).toContain('cn-2026-yinfa-42:稳定币');
  });

  it('refuses a rule of a superseded instrument that outlives it', () => {
    const file = structuredClone(book.file);
    const rule = file.rules.find((r) => r.instrument === 'cn-2021-yinfa-237')!;
    delete rule.to;
    expect(rulebookSchema.safeParse(file).success).toBe(false);
  });
});
