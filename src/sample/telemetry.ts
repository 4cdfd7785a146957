import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_FORMAT } from '../ingest/telemetry/flowlogs.ts';
import { dataCsvLine } from '../outputs/csv.ts';
import { EXPECTED_SIGNAL, type PlannedAccount } from './model.ts';
import type { Rng } from './rng.ts';

export interface ExpectedSignal {
  account_id: string;
  period: string;
  signal: string;
  network: string | null;
  strength: string;
}

const V5_FORMAT = `${DEFAULT_FORMAT} flow-direction pkt-srcaddr pkt-dstaddr`;

/**
 * Writes the sample's telemetry as AWS delivers it (flow logs in the default and a custom v5 format, Resolver
 * query logs) plus ip_allocations.csv and public_nodes.csv, and returns the signals the classifier must report.
 */
export function writeTelemetry(dir: string, accounts: PlannedAccount[], rng: Rng): ExpectedSignal[] {
  const flowsV2: string[] = [DEFAULT_FORMAT];
  const flowsV5: string[] = [V5_FORMAT];
  const dns: string[] = [];
  const allocations: (string | null)[][] = [];
  const nodes: string[][] = [];
  const expected: ExpectedSignal[] = [];
  const ephemeral = () => rng.int(49152, 65000);
  const publicIp = (a: number) => `${a}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;

  accounts.forEach((a, index) => {
    if (!a.telemetry) return;
    const local = `10.${Math.floor(index / 250) % 250}.${index % 250}.${rng.int(2, 250)}`;
    const eni = `eni-${(0x10000000 + index).toString(16)}`;
    const useV5 = index % 2 === 0;
    const flow = (
      src: string,
      dst: string,
      sport: number,
      dport: number,
      proto: number,
      packets: number,
      bytes: number,
      start: number,
      seconds: number,
      dir: 'egress' | 'ingress',
    ) => {
      const base = `${useV5 ? 5 : 2} ${a.id} ${eni} ${src} ${dst} ${sport} ${dport} ${proto} ${packets} ${bytes} ${start} ${start + seconds} ACCEPT OK`;
      if (useV5) flowsV5.push(`${base} ${dir} ${src} ${dst}`);
      else flowsV2.push(base);
    };
    const query = (name: string, ips: string[], at: number) =>
      dns.push(
        JSON.stringify({
          version: '1.100000',
          account_id: a.id,
          region: 'ap-southeast-1',
          vpc_id: `vpc-${index.toString(16)}`,
          query_timestamp: new Date(at * 1000).toISOString().replace('.000', ''),
          query_name: `${name}.`,
          query_type: 'A',
          query_class: 'IN',
          rcode: 'NOERROR',
          answers: ips.map((Rdata) => ({ Rdata, Type: 'A', Class: 'IN' })),
          srcaddr: local,
          srcport: String(ephemeral()),
          transport: 'UDP',
          srcids: { instance: `i-${index.toString(16)}` },
        }),
      );

    for (const month of a.telemetry.months) {
      const day = (d: number, hour = 10) =>
        Date.parse(`${month}-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`) / 1000;
      switch (a.telemetry.kind) {
        case 'pool-443': {
          const pool = publicIp(51);
          query('eth-asia1.nanopool.org', [pool], day(3, 8));
          for (let d = 3; d <= 24; d += 3)
            flow(local, pool, ephemeral(), 443, 6, 120, 9600, day(d), 600, 'egress');
          break;
        }
        case 'stratum': {
          const pool = publicIp(45);
          for (let d = 2; d <= 26; d += 4)
            flow(local, pool, ephemeral(), 3333, 6, 90, 6300, day(d), 600, 'egress');
          break;
        }
        case 'node': {
          for (let p = 0; p < 14; p++)
            flow(local, publicIp(3 + (p % 50)), ephemeral(), 30303, 6, 40, 24000, day(1 + p), 300, 'egress');
          for (let p = 0; p < 3; p++)
            flow(publicIp(18), local, ephemeral(), 30303, 17, 4, 600, day(5 + p), 60, 'ingress');
          break;
        }
        case 'listed-node': {
          const ip = publicIp(54);
          allocations.push([`${ip}/32`, a.id, a.created, null]);
          nodes.push([ip, '30303', 'ethereum', `${month}-05`]);
          break;
        }
        case 'exchange-client': {
          const api = publicIp(13);
          query('api.binance.com', [api], day(4, 9));
          for (let d = 4; d <= 20; d += 4)
            flow(local, api, ephemeral(), 443, 6, 30, 18000, day(d), 30, 'egress');
          break;
        }
        case 'weak-node': {
          flow(local, publicIp(52), ephemeral(), 30303, 6, 10, 5000, day(6), 120, 'egress');
          flow(local, publicIp(52), ephemeral(), 30303, 6, 10, 5000, day(7), 120, 'egress');
          break;
        }
        case 'pool-by-name': {
          const pool = publicIp(62);
          query('stratum-asia.unlisted-hashworks.net', [pool], day(2, 6));
          for (let d = 2; d <= 26; d += 4)
            flow(local, pool, ephemeral(), 443, 6, 110, 7700, day(d), 900, 'egress');
          break;
        }
        case 'pool-like-web': {
          const party = publicIp(64);
          query('pool-party.example', [party], day(3, 7));
          query('mine.example-shop.com', [party], day(4, 7));
          for (let d = 3; d <= 23; d += 5)
            flow(local, party, ephemeral(), 443, 6, 300, 450000, day(d), 15, 'egress');
          break;
        }
        case 'web': {
          query('www.example.com', [publicIp(93)], day(2, 7));
          for (let d = 1; d <= 27; d += 2)
            flow(
              local,
              publicIp(93 + (d % 20)),
              ephemeral(),
              d % 3 === 0 ? 80 : 443,
              6,
              400,
              520000,
              day(d),
              20,
              'egress',
            );
          break;
        }
      }
      const want = EXPECTED_SIGNAL[a.telemetry.kind];
      if (want)
        expected.push({
          account_id: a.id,
          period: month,
          signal: want.signal,
          network: want.network,
          strength: want.strength,
        });
    }
  });

  mkdirSync(join(dir, 'flowlogs', 'ap-southeast-1'), { recursive: true });
  mkdirSync(join(dir, 'dns'), { recursive: true });
  writeFileSync(join(dir, 'flowlogs', 'ap-southeast-1', 'flows-default.log'), `${flowsV2.join('\n')}\n`);
  writeFileSync(
    join(dir, 'flowlogs', 'ap-southeast-1', 'flows-v5.log.gz'),
    gzipSync(`${flowsV5.join('\n')}\n`),
  );
  writeFileSync(join(dir, 'dns', 'resolver-queries.log'), `${dns.join('\n')}\n`);
  writeFileSync(
    join(dir, 'ip_allocations.csv'),
    dataCsvLine(['ip', 'account_id', 'valid_from', 'valid_to']) + allocations.map(dataCsvLine).join(''),
  );
  writeFileSync(
    join(dir, 'public_nodes.csv'),
    dataCsvLine(['ip', 'port', 'network', 'seen_at']) + nodes.map(dataCsvLine).join(''),
  );
  return expected;
}
