import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseCidr } from '../../contract/ip.ts';

const port = z.number().int().min(0).max(65535);
const domain = z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'not a domain name');

export const indicatorsSchema = z.object({
  version: z.string(),
  sources: z.array(z.string()),
  p2p: z.record(z.string(), z.object({ ports: z.array(port).min(1), protocols: z.array(z.number().int()) })),
  stratum_ports: z.array(port),
  pool_domains: z.array(domain),
  exchange_api_domains: z.array(domain),
  /** Address blocks known to be mining pools or exchange APIs (user lists). */
  pool_cidrs: z.array(z.string().refine((c) => parseCidr(c) !== null, 'not a CIDR block')).default([]),
  exchange_cidrs: z.array(z.string().refine((c) => parseCidr(c) !== null, 'not a CIDR block')).default([]),
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

export interface ExtraIndicators {
  poolDomains?: string[];
  exchangeDomains?: string[];
  stratumPorts?: number[];
  poolCidrs?: string[];
  exchangeCidrs?: string[];
}

/** The shipped indicators, plus user lists (domains, ports, CIDR blocks) added on top. */
export function loadIndicators(path = DEFAULT_INDICATORS_PATH, extra: ExtraIndicators = {}): Indicators {
  const base = indicatorsSchema.parse(parse(readFileSync(path, 'utf8')));
  return indicatorsSchema.parse({
    ...base,
    pool_domains: [...base.pool_domains, ...(extra.poolDomains ?? [])],
    exchange_api_domains: [...base.exchange_api_domains, ...(extra.exchangeDomains ?? [])],
    stratum_ports: [...base.stratum_ports, ...(extra.stratumPorts ?? [])],
    pool_cidrs: [...base.pool_cidrs, ...(extra.poolCidrs ?? [])],
    exchange_cidrs: [...base.exchange_cidrs, ...(extra.exchangeCidrs ?? [])],
  });
}

const LIST_FILES = {
  'pool-domains.txt': 'poolDomains',
  'exchange-domains.txt': 'exchangeDomains',
  'stratum-ports.txt': 'stratumPorts',
  'pool-cidrs.txt': 'poolCidrs',
  'exchange-cidrs.txt': 'exchangeCidrs',
} as const;

/**
 * User lists from a folder (a bundle's `indicators/`, or one given by --indicators): one entry a line, `#`
 * comments, in files named pool-domains.txt, exchange-domains.txt, stratum-ports.txt, pool-cidrs.txt and
 * exchange-cidrs.txt. Entries are checked by the indicators schema.
 */
export function indicatorsFromFolder(dir: string): ExtraIndicators {
  const extra: ExtraIndicators = {};
  if (!existsSync(dir)) return extra;
  for (const [file, key] of Object.entries(LIST_FILES)) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const entries = readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    (extra as Record<string, unknown>)[key] = key === 'stratumPorts' ? entries.map(Number) : entries;
  }
  return extra;
}
