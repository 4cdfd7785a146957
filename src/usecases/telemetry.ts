import { join } from 'node:path';
import { parseCidr, parseIp } from '../contract/ip.ts';
import type { BundleTables, IpAllocation } from '../contract/tables.ts';
import { type NetworkSignal, TelemetryClassifier } from '../engine/network/classify.ts';
import { type Indicators, loadIndicators } from '../engine/network/indicators.ts';
import { PrefixIndex } from '../engine/network/prefix-index.ts';
import { readResolverLog } from '../ingest/telemetry/dns.ts';
import { telemetryFiles } from '../ingest/telemetry/files.ts';
import { readFlowLog } from '../ingest/telemetry/flowlogs.ts';

export interface TelemetryRead {
  signals: NetworkSignal[];
  files: { file: string; records: number; skipped: number }[];
}

/**
 * Reads a bundle's telemetry (dns/, flowlogs/) and matches public node lists against the provider's
 * IP allocations, giving node, miner and exchange-client signals per account and month.
 */
export async function bundleTelemetry(
  dir: string,
  tables: Pick<BundleTables, 'accounts' | 'ip_allocations' | 'public_nodes'>,
  options: { skipBad?: boolean; indicators?: Indicators } = {},
): Promise<TelemetryRead> {
  const classifier = new TelemetryClassifier(
    options.indicators ?? loadIndicators(),
    new Set(tables.accounts.map((a) => a.account_id)),
  );
  const files: TelemetryRead['files'] = [];
  for (const { folder, file } of telemetryFiles(dir)) {
    const counts =
      folder === 'dns'
        ? await readResolverLog(join(dir, file), file, (r, raw) => classifier.addDns(r, raw), options)
        : await readFlowLog(join(dir, file), file, (r, raw) => classifier.addFlow(r, raw), options);
    files.push({ file, ...counts });
  }
  const allocations = new PrefixIndex<IpAllocation[]>();
  for (const a of tables.ip_allocations) allocations.add(parseCidr(a.ip)!, [a], (x, y) => [...x, ...y]);
  for (const node of tables.public_nodes) {
    const ip = parseIp(node.ip.split('/')[0]!);
    const held = ip ? (allocations.lookup(ip)?.value ?? []) : [];
    for (const a of held)
      if (a.valid_from <= node.seen_at && (a.valid_to === null || node.seen_at < a.valid_to))
        classifier.addNodeSighting(
          a.account_id,
          node.network,
          node.seen_at,
          `${node.ip},${node.port ?? ''},${node.network},${node.seen_at}`,
        );
  }
  return { signals: classifier.signals(), files };
}
