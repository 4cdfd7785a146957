import { describe, expect, it } from 'vitest';
import { readTermsFile } from '../../ingest/rules.ts';
import { Recogniser } from './recognise.ts';

const r = new Recogniser(readTermsFile());
const acts = (text: string) => r.activities(text).map((m) => m.activity);

describe('activity recognition', () => {
  it.each([
    ['We operate a Crypto Exchange', 'crypto.exchange'],
    ['digital-asset exchange', 'crypto.exchange'],
    ['Virtual Currency Exchange', 'crypto.exchange'],
    ['crypto trading platform', 'crypto.exchange'],
    ['虚拟货币交易', 'crypto.exchange'],
    ['数字货币交易平台', 'crypto.exchange'],
    ['暗号資産取引所', 'crypto.exchange'],
    ['Bitcoin mining farm', 'crypto.mining'],
    ['MINING POOL operator', 'crypto.mining'],
    ['hashrate rental', 'crypto.mining'],
    ['矿机托管', 'crypto.mining'],
    ['算力服务', 'crypto.mining'],
    ['マイニング事業', 'crypto.mining'],
    ['採掘', 'crypto.mining'],
    ['Ethereum node hosting', 'crypto.node'],
    ['validator nodes', 'crypto.node'],
    ['以太坊节点', 'crypto.node'],
    ['イーサリアムノード', 'crypto.node'],
    ['ノード運用', 'crypto.node'],
    ['ICO', 'crypto.token-issuance'],
    ['token sale next quarter', 'crypto.token-issuance'],
    ['发币', 'crypto.token-issuance'],
    ['代币发行', 'crypto.token-issuance'],
    ['トークン発行', 'crypto.token-issuance'],
  ])('%s names %s', (text, activity) => {
    expect(acts(text)).toContain(activity);
  });

  it.each([
    'Data mining & analytics',
    'text mining pipeline',
    'データマイニング',
    '数据挖掘',
    'Microsoft Exchange hosting',
    'Exchange Server upgrade',
    'exchange rate feed',
    'foreign exchange desk',
    'stock exchange listing',
    '证券交易所上市',
    'CDN节点',
    'ICON set',
    'iconography',
    'determining the budget',
    'ICOs are not our business model'.replace('ICOs', 'icons'),
  ])('%s is not crypto', (text) => {
    expect(acts(text)).toEqual([]);
  });

  it('reads a CRM row once however often asked, with the same reading as its note', () => {
    const row = {
      subject: 'Call',
      body: 'They run an Ethereum node. We offered to introduce them to exchanges.',
    };
    const first = r.readRow(row);
    expect(first).toEqual(r.readNote(row.subject, row.body));
    expect(first.assertions.length + first.facilitations.length).toBeGreaterThan(0);
    expect(r.readRow(row)).toBe(first);
    const plain = r.readRow({ subject: 'Lunch', body: 'Quarterly review of the invoices.' });
    expect(plain).toEqual({ assertions: [], facilitations: [], refusal: null, setAside: [] });
    expect(() => (plain.assertions as unknown[]).push(1)).toThrow();
  });

  it('matches whole words only', () => {
    expect(acts('unICOrn')).toEqual([]);
    expect(acts('an ICO.')).toEqual(['crypto.token-issuance']);
  });

  it('treats a broad industry as a node only without a narrower term', () => {
    expect(r.broadIndustry('Blockchain')).toBe('Blockchain');
    expect(r.broadIndustry('区块链')).toBe('区块链');
    expect(r.broadIndustry('Cloud gaming')).toBeNull();
  });

  it('recognises facilitation and says which activity it points to', () => {
    expect(r.facilitations('offered to introduce the customer to two exchanges')).toMatchObject([
      { activity: 'crypto.exchange' },
    ]);
    expect(r.facilitations('答应帮他们介绍交易所')).toMatchObject([{ activity: 'crypto.exchange' }]);
    expect(r.facilitations('提携先の取引所を紹介する')).toMatchObject([{ activity: 'crypto.exchange' }]);
    expect(r.facilitations('we can help with the token issuance')).toMatchObject([
      { activity: 'crypto.token-issuance' },
    ]);
    expect(r.facilitations('协助发币')).toMatchObject([{ activity: 'crypto.token-issuance' }]);
    expect(r.facilitations('トークン発行を支援')).toMatchObject([{ activity: 'crypto.token-issuance' }]);
    expect(r.facilitations('对接矿池')).toMatchObject([{ activity: 'crypto.mining' }]);
  });

  it('does not take ordinary introductions for facilitation', () => {
    expect(r.facilitations('Introduced the customer to our stock exchange listing team')).toEqual([]);
    expect(r.facilitations('Connected them with Microsoft Exchange support')).toEqual([]);
  });
});
