import { z } from 'zod';
import { parseCidr } from './ip.ts';

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
