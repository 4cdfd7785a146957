import { z } from 'zod';
import { parseCidr } from './ip.ts';

const port = z.number().int().min(0).max(65535);
/** A domain name in ASCII (IDN names as punycode), labels of letters, digits, hyphens and underscores. */
export const DOMAIN_NAME = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+(?:[a-z]{2,}|xn--[a-z0-9-]+)$/i;
const domain = z.string().regex(DOMAIN_NAME, 'not a domain name');

export const indicatorsSchema = z.object({
  version: z.string(),
  sources: z.array(z.string()),
  p2p: z.record(z.string(), z.object({ ports: z.array(port).min(1), protocols: z.array(z.number().int()) })),
  stratum_ports: z.array(port),
  pool_domains: z.array(domain),
  exchange_api_domains: z.array(domain),
  /**
   * Names from mixed crypto lists (mining, exchanges, scams): a hit counts toward mining only together with
   * miner-shaped flows to the addresses it resolved to.
   */
  crypto_domains: z.array(domain).default([]),
  /**
   * Patterns for one label of a queried name that say it is a pool (stratum, pool, mining): weaker than a listed
   * domain, they count only together with miner-shaped flows.
   */
  pool_name_labels: z
    .array(
      z.string().refine((p) => {
        try {
          new RegExp(p, 'i');
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression'),
    )
    .default([]),
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
