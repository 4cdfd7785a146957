import { parseIp } from '../../contract/ip.ts';
import type { RangeEntry } from '../../contract/telemetry.ts';
import { PrefixIndex } from './prefix-index.ts';

/** Among entries for the same block, the most specific label: a region over none, a service over the generic one. */
function moreSpecific(a: RangeEntry, b: RangeEntry): RangeEntry {
  const score = (e: RangeEntry) =>
    (e.region ? 2 : 0) +
    (e.service && !['AMAZON', 'AzureCloud', ''].includes(e.service) ? 1 : 0) +
    (e.service.includes('.') ? 1 : 0);
  return score(b) > score(a) ? b : a;
}

export function rangeIndex(entries: RangeEntry[]): PrefixIndex<RangeEntry> {
  const index = new PrefixIndex<RangeEntry>();
  for (const e of entries) index.add(e.cidr, e, moreSpecific);
  return index;
}

export interface HostingShare {
  provider: string;
  region: string | null;
  nodes: number;
  share: number;
}

export interface HostingReport {
  nodes: number;
  unparsable: number;
  byProvider: HostingShare[];
  byRegion: HostingShare[];
}

/** Share of nodes per provider and per provider region (the most specific published block), and unknown. */
export function hostingConcentration(ips: string[], index: PrefixIndex<RangeEntry>): HostingReport {
  const providers = new Map<string, number>();
  const regions = new Map<string, number>();
  let nodes = 0;
  let unparsable = 0;
  for (const text of ips) {
    const ip = parseIp(text);
    if (!ip) {
      unparsable++;
      continue;
    }
    nodes++;
    const hit = index.lookup(ip)?.value;
    const provider = hit?.provider ?? 'unknown';
    providers.set(provider, (providers.get(provider) ?? 0) + 1);
    const region = `${provider}\u0000${hit?.region ?? ''}`;
    regions.set(region, (regions.get(region) ?? 0) + 1);
  }
  const share = (n: number) => (nodes === 0 ? 0 : n / nodes);
  const sorted = (a: HostingShare, b: HostingShare) =>
    b.nodes - a.nodes || a.provider.localeCompare(b.provider);
  return {
    nodes,
    unparsable,
    byProvider: [...providers]
      .map(([provider, n]) => ({ provider, region: null, nodes: n, share: share(n) }))
      .sort(sorted),
    byRegion: [...regions]
      .map(([key, n]) => {
        const [provider, region] = key.split('\u0000') as [string, string];
        return { provider, region: region || null, nodes: n, share: share(n) };
      })
      .sort(sorted),
  };
}
