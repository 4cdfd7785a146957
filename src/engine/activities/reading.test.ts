import { describe, expect, it } from 'vitest';
import { readTermsFile } from '../../ingest/rules.ts';
import { quote, sentencesOf } from './reading.ts';
import { Recogniser } from './recognise.ts';

const r = new Recogniser(readTermsFile());
const asserted = (body: string, subject = '') => r.readNote(subject, body).assertions.map((a) => a.activity);
const offered = (body: string) => r.readNote('', body).facilitations.map((f) => f.activity);

describe('reading a CRM note sentence by sentence (findings.md §3a)', () => {
  it('splits at 。！？.!? and line breaks, the subject on its own, but not inside 3.5 or a domain', () => {
    expect(sentencesOf('Visit', 'They mine on v3.5 at pool.example.com. 不做交易所。次は？\nok!')).toEqual([
      'Visit',
      'They mine on v3.5 at pool.example.com.',
      '不做交易所。',
      '次は？',
      'ok!',
    ]);
  });

  it.each([
    ['The customer does not run a crypto exchange.'],
    ["They don't do mining any more."],
    ['We never saw a mining pool there.'],
    ['客户不从事虚拟货币交易。'],
    ['该客户没有矿机。'],
    ['客户否认发行代币。'],
    ['暗号資産取引は行っていない。'],
    ['マイニングはしていません。'],
  ])('takes a negated sentence as no evidence: %s', (body) => {
    expect(asserted(body)).toEqual([]);
  });

  it.each([
    ['Does the customer run a crypto exchange?'],
    ['Compliance asked whether the customer runs a crypto exchange; it does not.'],
    ['客户是否在挖矿'],
    ['客户有矿机吗？'],
    ['取引所を運営しているかどうか確認する。'],
  ])('takes a question as no evidence: %s', (body) => {
    expect(asserted(body)).toEqual([]);
  });

  it('does not let a negation in one sentence silence the next', () => {
    expect(asserted('We do not host their website. They run a mining pool in Sichuan.')).toEqual([
      'crypto.mining',
    ]);
    expect(asserted('客户不做电商。客户在挖矿。')).toEqual(['crypto.mining']);
    expect(asserted('ウェブサイトはありません。マイニング事業を拡大中。')).toEqual(['crypto.mining']);
  });

  it('counts sentences that hold no cue, plans included (未 alone is not a negation)', () => {
    expect(asserted('未来计划扩大矿池业务。')).toEqual(['crypto.mining']);
    expect(asserted('客户准备发行代币，规模未定。')).toEqual(['crypto.token-issuance']);
    expect(asserted('Customer plans a token sale next quarter.')).toEqual(['crypto.token-issuance']);
  });

  it('voids facilitation when the note records a refusal anywhere, in three languages', () => {
    expect(offered('客户问能否介绍交易所，我们明确拒绝并上报合规。')).toEqual([]);
    expect(
      offered('Customer asked us to introduce them to an exchange; we declined and escalated to compliance.'),
    ).toEqual([]);
    expect(offered('取引所を紹介してほしいと言われた。お断りしました。')).toEqual([]);
    expect(offered('答应帮他们介绍交易所。')).toEqual(['crypto.exchange']);
  });

  it('never reads the object of an offer, refused or not, as what the account does', () => {
    expect(asserted('客户问能否介绍交易所，我们明确拒绝并上报合规。')).toEqual([]);
    expect(r.readNote('', '客户问能否介绍交易所，我们明确拒绝并上报合规。').setAside).toMatchObject([
      { activity: 'crypto.exchange', why: 'it names what was offered' },
    ]);
  });

  it('keeps an offer phrased as a question: negation and question cues govern activity terms only', () => {
    expect(offered('Asked whether they want an introduction to an exchange we work with?')).toEqual([
      'crypto.exchange',
    ]);
  });

  it('quotes the whole sentence with the term marked, line breaks as spaces, at most 300 characters', () => {
    const [a] = r.readNote(
      'Plans',
      'Notes from the call.\nThey will expand their mining pool next year.',
    ).assertions;
    expect(a!.quote).toBe('They will expand their «mining pool» next year.');
    const long = `${'x'.repeat(400)} mining pool ${'y'.repeat(400)}`;
    const q = quote(long, 401, 11);
    expect(q.length).toBeLessThanOrEqual(300);
    expect(q).toContain('«mining pool»');
    expect(q.startsWith('…') && q.endsWith('…')).toBe(true);
  });
});
