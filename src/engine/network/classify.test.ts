import { describe, expect, it } from 'vitest';
import type { ResolverQuery } from '../../contract/telemetry.ts';
import { readIndicators } from '../../ingest/rules.ts';
import { DEFAULT_FORMAT, parseHeader, parseRecord } from '../../ingest/telemetry/flowlogs.ts';
import { dnsOrderKey, isPrivate, TelemetryClassifier } from './classify.ts';

const V5 = `${DEFAULT_FORMAT} flow-direction`;
const fields = parseHeader(V5, 't');
const T0 = Date.parse('2022-03-01T00:00:00Z') / 1000;

function flow(
  c: TelemetryClassifier,
  account: string,
  src: string,
  dst: string,
  sport: number,
  dport: number,
  opts: {
    proto?: number;
    bytes?: number;
    packets?: number;
    seconds?: number;
    dir?: string;
    at?: number;
  } = {},
) {
  const at = opts.at ?? T0;
  const line = `5 ${account} eni-1 ${src} ${dst} ${sport} ${dport} ${opts.proto ?? 6} ${opts.packets ?? 10} ${opts.bytes ?? 1000} ${at} ${at + (opts.seconds ?? 60)} ACCEPT OK ${opts.dir ?? 'egress'}`;
  const r = parseRecord(fields, line);
  if (typeof r === 'string') throw new Error(r);
  c.addFlow(r, line);
}

function dns(account: string, name: string, ips: string[]): ResolverQuery {
  return {
    version: '1.100000',
    account_id: account,
    region: 'ap-southeast-1',
    vpc_id: 'vpc-1',
    query_timestamp: '2022-03-02T00:00:00Z',
    query_name: `${name}.`,
    query_type: 'A',
    query_class: 'IN',
    rcode: 'NOERROR',
    answers: ips.map((Rdata) => ({ Rdata, Type: 'A', Class: 'IN' })),
    srcaddr: '10.0.0.5',
    srcport: '5353',
    transport: 'UDP',
    srcids: { instance: 'i-1' },
  };
}

const signals = (c: TelemetryClassifier) =>
  c.signals().map((s) => [s.account_id, s.period, s.signal, s.network, s.strength]);

describe('telemetry classification', () => {
  it('tells a node with many peers, inbound and outbound, from a few port hits', () => {
    const c = new TelemetryClassifier(readIndicators());
    for (let i = 0; i < 12; i++) flow(c, 'NODE', '10.0.0.5', `52.1.2.${i}`, 40000 + i, 30303);
    flow(c, 'NODE', `3.3.3.3`, '10.0.0.5', 41000, 30303, { dir: 'ingress' });
    flow(c, 'FEW', '10.0.0.6', '52.9.9.9', 40000, 30303);
    expect(signals(c)).toEqual([
      ['FEW', '2022-03', 'node', 'ethereum', 'weak'],
      ['NODE', '2022-03', 'node', 'ethereum', 'strong'],
    ]);
  });

  it('confirms a miner from pool DNS answers even on port 443, and by stratum port and flow shape', () => {
    const c = new TelemetryClassifier(readIndicators());
    c.addDns(dns('POOL443', 'eth-eu1.nanopool.org', ['51.15.69.136']), '{}');
    flow(c, 'POOL443', '10.0.0.7', '51.15.69.136', 50000, 443, { bytes: 8000, packets: 100, seconds: 600 });
    flow(c, 'STRATUM', '10.0.0.8', '45.9.9.9', 50001, 3333, { bytes: 7000, packets: 100, seconds: 600 });
    flow(c, 'WEB', '10.0.0.9', '45.9.9.9', 50002, 3333, { bytes: 900000, packets: 100, seconds: 5 });
    const out = c.signals();
    expect(signals(c)).toEqual([
      ['POOL443', '2022-03', 'miner', null, 'strong'],
      ['STRATUM', '2022-03', 'miner', null, 'moderate'],
      ['WEB', '2022-03', 'miner', null, 'weak'],
    ]);
    expect(out[0]!.rests_on).toEqual([
      'DNS query for nanopool.org (mining pool)',
      'flows to 51.15.69.136, an address of nanopool.org',
    ]);
    expect(out[0]!.sample).toHaveLength(2);
  });

  it('keeps exchange API traffic a signal of its own, and ignores ordinary web traffic', () => {
    const c = new TelemetryClassifier(readIndicators());
    c.addDns(dns('BOT', 'api.binance.com', ['13.1.1.1']), '{}');
    flow(c, 'BOT', '10.0.0.7', '13.1.1.1', 50000, 443);
    flow(c, 'SHOP', '10.0.0.8', '13.1.1.1', 50000, 443);
    flow(c, 'SHOP', '10.0.0.8', '93.184.216.34', 50000, 443);
    expect(signals(c)).toEqual([['BOT', '2022-03', 'exchange-client', null, 'strong']]);
  });

  it('uses the NAT gateway peer address and knows private ranges', () => {
    expect(isPrivate('10.1.2.3')).toBe(true);
    expect(isPrivate('172.31.0.1')).toBe(true);
    expect(isPrivate('172.32.0.1')).toBe(false);
    expect(isPrivate('fd00::1')).toBe(true);
    expect(isPrivate('2001:db8::1')).toBe(false);
    const c = new TelemetryClassifier(readIndicators());
    const header = parseHeader(
      'version account-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport protocol packets bytes start end',
      't',
    );
    const line = `5 NAT 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 40000 8333 6 10 600 ${T0} ${T0 + 60}`;
    c.addFlow(parseRecord(header, line) as never, line);
    expect(c.signals()[0]).toMatchObject({ account_id: 'NAT', signal: 'node', network: 'bitcoin', peers: 1 });
  });
});

describe('user-supplied indicators', () => {
  it('labels flows to a listed pool block as mining (any port) and to a listed exchange block as an exchange client', async () => {
    const { readIndicatorSpecs } = await import('../../ingest/rules.ts');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'daylight-indicators-'));
    writeFileSync(join(dir, 'pool-cidrs.txt'), '# our threat feed\n198.51.100.0/24\n');
    writeFileSync(join(dir, 'exchange-cidrs.txt'), '203.0.113.0/25\n');
    writeFileSync(join(dir, 'stratum-ports.txt'), '4242\n');
    const { extra } = readIndicatorSpecs([{ kind: 'folder', path: dir }]);
    expect(extra).toMatchObject({
      poolCidrs: ['198.51.100.0/24'],
      exchangeCidrs: ['203.0.113.0/25'],
      stratumPorts: [4242],
    });
    const c = new TelemetryClassifier(readIndicators(undefined, extra));
    flow(c, 'LISTED', '10.0.0.5', '198.51.100.77', 50000, 443);
    flow(c, 'TRADER', '10.0.0.6', '203.0.113.9', 50001, 443);
    flow(c, 'PORT', '10.0.0.7', '45.1.1.1', 50002, 4242, { bytes: 100000, packets: 10, seconds: 5 });
    expect(signals(c)).toEqual([
      ['LISTED', '2022-03', 'miner', null, 'strong'],
      ['PORT', '2022-03', 'miner', null, 'weak'],
      ['TRADER', '2022-03', 'exchange-client', null, 'strong'],
    ]);
  });
});

describe('miners beyond the built-in lists', () => {
  const minerShaped = { bytes: 6000, packets: 100, seconds: 3600 };
  const web = { bytes: 900_000, packets: 600, seconds: 20 };

  it('takes a name that says pool, with miner-shaped flows, as a moderate miner on any port, 443 included', () => {
    const c = new TelemetryClassifier(readIndicators());
    c.addDns(dns('HINT', 'stratum-eu.rplant.xyz', ['192.0.2.10']), '');
    flow(c, 'HINT', '10.0.0.5', '192.0.2.10', 50000, 443, minerShaped);
    const [s] = c.signals();
    expect([s!.account_id, s!.signal, s!.strength]).toEqual(['HINT', 'miner', 'moderate']);
    expect(s!.rests_on).toEqual([
      'miner-shaped flows to 192.0.2.10, an address of stratum-eu.rplant.xyz (its label "stratum-eu" says pool)',
    ]);
  });

  it('does not make a miner of ordinary names, nor of a pool-like name with ordinary traffic', () => {
    const c = new TelemetryClassifier(readIndicators());
    for (const [account, name, ip] of [
      ['SHOP', 'mine.example-shop.com', '192.0.2.20'],
      ['PARTY', 'pool-party.example', '192.0.2.21'],
      ['TRAVEL', 'poolside.travel', '192.0.2.22'],
    ] as const) {
      c.addDns(dns(account, name, [ip]), '');
      flow(c, account, '10.0.0.5', ip, 50000, 443, minerShaped);
    }
    c.addDns(dns('WEB', 'pool.example.org', ['192.0.2.23']), '');
    flow(c, 'WEB', '10.0.0.6', '192.0.2.23', 50001, 443, web);
    expect(signals(c).filter((s) => s[4] !== 'weak')).toEqual([]);
    expect(c.signals().map((s) => s.account_id)).toEqual(['WEB']);
  });

  it('lets a mixed crypto list count toward mining only with miner-shaped flows', () => {
    const c = new TelemetryClassifier(
      readIndicators(undefined, { cryptoDomains: ['1inch.io', 'poolin.example'] }),
    );
    c.addDns(dns('TRADER', 'api.1inch.io', ['192.0.2.30']), '');
    flow(c, 'TRADER', '10.0.0.5', '192.0.2.30', 50000, 443, web);
    c.addDns(dns('MINER', 'btc.poolin.example', ['192.0.2.31']), '');
    flow(c, 'MINER', '10.0.0.6', '192.0.2.31', 50001, 1800, minerShaped);
    expect(signals(c)).toEqual([
      ['MINER', '2022-03', 'miner', null, 'moderate'],
      ['TRADER', '2022-03', 'miner', null, 'weak'],
    ]);
  });
});

describe('DNS logs read apart', () => {
  // Three files in order: a hint, then a listed pool for the same address, then a hint for it again and a new one.
  const files: [string, string, string][][] = [
    [
      ['A', 'stratum-eu.rplant.xyz', '192.0.2.10'],
      ['B', 'eth-eu1.nanopool.org', '51.15.69.136'],
    ],
    [
      ['A', 'eth-eu1.nanopool.org', '192.0.2.10'],
      ['B', 'api.binance.com', '13.1.1.1'],
    ],
    [
      ['A', 'stratum-us.rplant.xyz', '192.0.2.10'],
      ['A', 'stratum-us.rplant.xyz', '192.0.2.11'],
      ['B', 'eth-eu1.nanopool.org', '51.15.69.136'],
    ],
  ];
  const read = (c: TelemetryClassifier, file: number) => {
    for (const [line, [account, name, ip]] of files[file]!.entries())
      c.addDns(dns(account, name, [ip]), `${file}:${line}`, dnsOrderKey(file, line));
  };

  it('gives what one reading in turn gives: labels, signals and samples', () => {
    const alone = new TelemetryClassifier(readIndicators());
    for (const f of files.keys()) read(alone, f);
    // Each file on a classifier of its own, merged in a scrambled order, the answers followed in file order.
    const parts = files.map((_, f) => {
      const c = new TelemetryClassifier(readIndicators());
      read(c, f);
      return c;
    });
    const merged = new TelemetryClassifier(readIndicators());
    for (const f of [2, 0, 1]) merged.merge(parts[f]!.exportState());
    for (const part of parts) merged.followResolved(part.resolvedAddresses());
    expect(merged.resolvedAddresses()).toEqual(alone.resolvedAddresses());
    expect(merged.signals()).toEqual(alone.signals());
    // The listed pool label stands: the later hint for the same address does not replace it.
    const a = new Map(merged.resolvedAddresses()).get('A')!;
    expect(a.map(([ip, label]) => [ip, label.kind])).toEqual([
      ['192.0.2.10', 'pool'],
      ['192.0.2.11', 'pool-hint'],
    ]);
    expect(merged.signals().find((s) => s.account_id === 'B' && s.signal === 'miner')!.sample).toEqual([
      '0:1',
      '2:2',
    ]);
  });
});
