import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const domain = z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'not a domain name');

export const indicatorsSchema = z.object({
  version: z.string(),
  sources: z.array(z.string()),
  p2p: z.record(z.string(), z.object({ ports: z.array(port).min(1), protocols: z.array(z.number().int()) })),
  stratum_ports: z.array(port),
  pool_domains: z.array(domain),
  exchange_api_domains: z.array(domain),
  thresholds: z.object({
    node_min_peers: z.number().int().positive(),
    miner_max_bytes_per_packet: z.number().positive(),
    miner_min_seconds: z.number().nonnegative(),
    sample_lines: z.number().int().positive(),
  }),
});
export type Indicators = z.infer<typeof indicatorsSchema>;

export const DEFAULT_INDICATORS_PATH = fileURLToPath(
  new URL('../../../rules/network-indicators.yaml', import.meta.url),
);

/** The shipped indicators, plus user lists (domains, ports) added on top. */
export function loadIndicators(
  path = DEFAULT_INDICATORS_PATH,
  extra: { poolDomains?: string[]; exchangeDomains?: string[]; stratumPorts?: number[] } = {},
): Indicators {
  const base = indicatorsSchema.parse(parse(readFileSync(path, 'utf8')));
  return indicatorsSchema.parse({
    ...base,
    pool_domains: [...base.pool_domains, ...(extra.poolDomains ?? [])],
    exchange_api_domains: [...base.exchange_api_domains, ...(extra.exchangeDomains ?? [])],
    stratum_ports: [...base.stratum_ports, ...(extra.stratumPorts ?? [])],
  });
}

/** True when `name` (a DNS query name, trailing dot allowed) is the domain or one of its subdomains. */
export function domainMatcher(domains: string[]): (name: string) => string | null {
  const set = new Set(domains.map((d) => d.toLowerCase()));
  return (name) => {
    const labels = name.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = labels.slice(i).join('.');
      if (set.has(candidate)) return candidate;
    }
    return null;
  };
}
