import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { domainMatcher } from '../engine/network/domains.ts';
import { asDomain, IndicatorListError, parseIndicatorSpec, readIndicatorList } from './indicator-lists.ts';
import { readIndicatorSpecs } from './rules.ts';

// The real lists live beside the repository (../shared), never in it; a checkout without them skips those tests.
const SHARED = join(import.meta.dirname, '../../../shared/data/indicators');
const present = existsSync(SHARED);
if (!present) console.warn(`skipping the tests on real indicator lists: ${SHARED} is not there`);

describe('user indicator lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daylight-lists-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads hosts files, plain lists and MISP warninglists, and says which lines were not names', () => {
    expect(
      readIndicatorList(
        file('hosts', '# header\n127.0.0.1 localhost\n0.0.0.0 Pool.Example\n0.0.0.0 a.b.example b.example\n'),
      ),
    ).toEqual({
      domains: ['pool.example', 'a.b.example', 'b.example'],
      cidrs: [],
      skipped: [],
    });
    expect(
      readIndicatorList(
        file('plain.txt', 'xmr.-eu1.nanopool.org\nhashbag.cc:8688\n198.51.100.0/24\n\nmyètherwället.com\n'),
      ),
    ).toEqual({
      domains: ['hashbag.cc', 'xn--mytherwllet-r8a0c.com'],
      cidrs: ['198.51.100.0/24'],
      skipped: ['xmr.-eu1.nanopool.org'],
    });
    const misp = {
      name: 'pools',
      version: 3,
      type: 'hostname',
      list: ['stratum.example.net', 'pool.example.org'],
    };
    expect(readIndicatorList(file('misp.json', JSON.stringify(misp))).domains).toEqual([
      'stratum.example.net',
      'pool.example.org',
    ]);
    const blocks = { name: 'pool blocks', type: 'cidr', list: ['203.0.113.0/24', 'not-a-block'] };
    expect(readIndicatorList(file('misp-cidr.json', JSON.stringify(blocks)))).toMatchObject({
      cidrs: ['203.0.113.0/24'],
      skipped: ['not-a-block'],
    });
  });

  it('turns IDN names to punycode, the form DNS logs carry', () => {
    expect(asDomain('mÿethèrwallét.com')).toBe('xn--methrwallt-26ar0z.com');
    expect(asDomain('münchen.example.')).toBe('xn--mnchen-3ya.example');
  });

  it('refuses a missing list, an unknown kind and a kind without a file, naming what was given', () => {
    expect(() => parseIndicatorSpec('mining=/nonexistent')).toThrow(
      new IndicatorListError('/nonexistent: no such indicator list'),
    );
    expect(() => parseIndicatorSpec(`pools=${file('x.txt', 'a.example\n')}`)).toThrow(
      /the kind must be mining, exchange, crypto/,
    );
    expect(() => parseIndicatorSpec(`mining=${dir}`)).toThrow(/a folder, where mining= needs a list file/);
    expect(() => parseIndicatorSpec(file('y.txt', 'a.example\n'))).toThrow(/needs its kind, e.g. mining=/);
    expect(parseIndicatorSpec(`crypto=${join(dir, 'hosts')}`)).toEqual({
      kind: 'crypto',
      path: join(dir, 'hosts'),
    });
  });

  it('adds each kind to its own indicators', () => {
    const { extra, lists } = readIndicatorSpecs([
      { kind: 'mining', path: file('m.txt', 'pool.example\n198.51.100.0/24\n') },
      { kind: 'exchange', path: file('e.txt', 'api.exchange.example\n') },
      { kind: 'crypto', path: file('c.txt', '0.0.0.0 mixed.example\n') },
    ]);
    expect(extra).toMatchObject({
      poolDomains: ['pool.example'],
      poolCidrs: ['198.51.100.0/24'],
      exchangeDomains: ['api.exchange.example'],
      cryptoDomains: ['mixed.example'],
    });
    expect(lists.map((l) => [l.kind, l.domains, l.cidrs])).toEqual([
      ['mining', 1, 1],
      ['exchange', 1, 0],
      ['crypto', 1, 0],
    ]);
  });

  it.skipIf(!present)('reads the real lists and matches parent domains as their README says', () => {
    const coin = readIndicatorList(join(SHARED, 'coinblockerlists-2018-06-06/hosts'));
    const plain = readIndicatorList(join(SHARED, 'coinblockerlists-2018-06-06/list.txt'));
    expect(coin.domains.length + coin.skipped.length).toBe(5837);
    expect(new Set(coin.domains)).toEqual(new Set(plain.domains));
    const crypto = readIndicatorList(join(SHARED, 'blocklistproject-crypto-2026-07-20/crypto.txt'));
    expect(crypto.domains).toHaveLength(1274);
    const inCoin = domainMatcher(coin.domains);
    const inCrypto = domainMatcher(crypto.domains);
    // The membership table of the lists' README, name by name.
    const table: [string, boolean, boolean][] = [
      ['stratum-eu.rplant.xyz', false, true],
      ['rplant.xyz', false, true],
      ['btc.viabtc.io', false, false],
      ['viabtc.io', false, false],
      ['viabtc.com', false, true],
      ['nanopool.org', true, true],
      ['f2pool.com', true, true],
      ['ethermine.org', true, true],
      ['2miners.com', true, true],
      ['antpool.com', true, true],
      ['poolin.com', false, true],
    ];
    for (const [name, coinHas, cryptoHas] of table) {
      expect(inCoin(name) !== null, `${name} in CoinBlockerLists`).toBe(coinHas);
      expect(inCrypto(name) !== null, `${name} in the crypto list`).toBe(cryptoHas);
    }
  });
});
