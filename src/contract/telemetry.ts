import { z } from 'zod';
import type { Cidr } from './ip.ts';

// What telemetry readers hand to the network classifier: records as AWS writes them, and the facts drawn from them.

/** A Route 53 Resolver query log record, fields as AWS documents them (firewall fields only when DNS Firewall matched). */
export const resolverQuerySchema = z.looseObject({
  version: z.string(),
  account_id: z.string(),
  region: z.string(),
  vpc_id: z.string(),
  query_timestamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 timestamp'),
  query_name: z.string(),
  query_type: z.string(),
  query_class: z.string(),
  rcode: z.string(),
  answers: z.array(z.looseObject({ Rdata: z.string(), Type: z.string(), Class: z.string() })).default([]),
  srcaddr: z.string(),
  srcport: z.union([z.string(), z.number()]),
  transport: z.string(),
  srcids: z
    .looseObject({ instance: z.string().optional(), resolver_endpoint: z.string().optional() })
    .default({}),
  firewall_rule_group_id: z.string().optional(),
  firewall_rule_action: z.string().optional(),
  firewall_domain_list_id: z.string().optional(),
});
export type ResolverQuery = z.infer<typeof resolverQuerySchema>;

/** What the network classifier reads of a Resolver query: who asked, when, for what, and the addresses answered. */
export type ResolverFacts = Pick<ResolverQuery, 'account_id' | 'query_timestamp' | 'query_name'> & {
  answers: { Rdata: string; Type: string }[];
};

/** A parsed flow-log record: AWS field names, numbers as numbers, `-` as null. */
export type FlowRecord = Record<string, string | number | null>;

/**
 * How much of an account's traffic can matter: none of it, flows on interesting ports, flows on those ports or
 * with an interesting address, or every flow.
 */
export type FlowScope = 'none' | 'ports' | 'addresses' | 'all';

/** A log line's text, or a way to build it when it is needed (most lines are never shown). */
export type LineText = string | { text(): string };

/** What the classifier needs of one accepted flow. */
export interface FlowFacts {
  account: string;
  /** An IPv4 address as a number (from the byte scanner), or the address as written. */
  src: string | number;
  dst: string | number;
  srcport: number;
  dstport: number;
  protocol: number | null;
  bytes: number;
  packets: number;
  start: number | null;
  end: number | null;
  direction: string | null;
}

/**
 * An accepted flow's facts from a parsed record (the peer from pkt-*addr where present), or null when the record
 * cannot matter: rejected, no data, or without account, ports or addresses.
 */
export function flowFactsOf(r: FlowRecord): FlowFacts | null {
  const account = r['account-id'];
  const srcport = r.srcport as number | null;
  const dstport = r.dstport as number | null;
  const src = (r['pkt-srcaddr'] ?? r.srcaddr) as string | null;
  const dst = (r['pkt-dstaddr'] ?? r.dstaddr) as string | null;
  if (typeof account !== 'string' || srcport === null || dstport === null || !src || !dst) return null;
  if (r.action === 'REJECT') return null;
  if (r['log-status'] !== null && r['log-status'] !== undefined && r['log-status'] !== 'OK') return null;
  return {
    account,
    src,
    dst,
    srcport,
    dstport,
    protocol: r.protocol as number | null,
    bytes: (r.bytes as number | null) ?? 0,
    packets: (r.packets as number | null) ?? 0,
    start: r.start as number | null,
    end: r.end as number | null,
    direction: r['flow-direction'] as string | null,
  };
}

/** One published address block of a cloud provider. */
export interface RangeEntry {
  cidr: Cidr;
  prefix: string;
  provider: string;
  region: string;
  service: string;
}
