import type { Indicators } from '../../contract/indicators.ts';
import { formatIpv4, parseCidr, parseIp } from '../../contract/ip.ts';
import type { FlowScope, LineText, ResolverFacts } from '../../contract/telemetry.ts';
import { type FlowFacts, type FlowRecord, flowFactsOf } from '../../contract/telemetry.ts';
import { getOrCreate } from '../../util/maps.ts';
import {
  type Accumulator,
  addressKey,
  mergePacked,
  newAccumulator,
  type PackedAccumulators,
  pack,
  peerOf,
  type SignalKind,
} from './accumulator.ts';
import { domainMatcher } from './domains.ts';
import { PrefixIndex } from './prefix-index.ts';

export type { SignalKind };
export type Strength = 'strong' | 'moderate' | 'weak';

/** What the telemetry says of one account in one month, with what it rests on and a sample of the log lines. */
export interface NetworkSignal {
  account_id: string;
  period: string;
  signal: SignalKind;
  network: string | null;
  strength: Strength;
  rests_on: string[];
  first_seen: string;
  last_seen: string;
  records: number;
  bytes: number;
  peers: number;
  sample: string[];
}

/** Order keys: DNS lines first (negative, see dnsOrderKey), then flow lines by job and line, then public node list
 * sightings. */
const FLOW_KEYS = 2 ** 32;
const NODE_LIST_KEYS = 2 ** 52;
export const flowOrderKey = (job: number, line: number) => FLOW_KEYS * (job + 1) + line;
/**
 * A DNS line's place among all DNS lines: file by file (`file` below 2^20), line by line, every one before any flow
 * line. Samples are ordered by it, so DNS files read apart (threads, hosts) give the samples of one reading.
 */
export const dnsOrderKey = (file: number, line: number) => -(2 ** 52) + FLOW_KEYS * file + line;

interface NameVerdict {
  pool: string | null;
  exchange: string | null;
  hint: { domain: string; why: string } | null;
}

/** `pool-hint`: a name from a mixed crypto list, or one whose labels say it is a pool; needs miner-shaped flows. */
export type LabelKind = 'pool' | 'exchange' | 'pool-hint';
export type ResolvedAddresses = [string, [string, { kind: LabelKind; domain: string; why?: string }][]][];
/** What resolving a pool or exchange domain taught about an address, with the reason its flows will give. */
interface Label {
  ip: string;
  kind: LabelKind;
  domain: string;
  /** For a hint: why the name hints at a pool. */
  why?: string;
  reason: string;
}
const labelOf = (ip: string, { kind, domain, why }: Omit<Label, 'reason' | 'ip'>): Label => ({
  ip,
  kind,
  domain,
  why,
  reason:
    kind === 'pool-hint'
      ? `miner-shaped flows to ${ip}, an address of ${domain} (${why})`
      : `flows to ${ip}, an address of ${domain}`,
});

/** Code-point order: the same on every machine, unlike a locale's collation. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** RFC 1918, CGNAT, link-local, loopback, and IPv6 unique-local and link-local. */
export function isPrivate(address: string | number): boolean {
  const ip = typeof address === 'number' ? { v: 4 as const, n: address } : parseIp(address);
  if (!ip) return false;
  if (ip.v === 6) return ip.n >> 121n === 0x7en || ip.n >> 118n === 0x3fan || ip.n === 1n;
  const a = Math.floor(ip.n / 16777216);
  const b = Math.floor(ip.n / 65536) % 256;
  if (a === 10 || a === 127) return true;
  if (a === 172) return b >= 16 && b <= 31;
  if (a === 192) return b === 168;
  if (a === 100) return b >= 64 && b <= 127;
  if (a === 169) return b === 254;
  return false;
}

const monthsByDay = new Map<number, number>();
/** The UTC month of a Unix time as year × 12 + month, remembered per day (flows by the million, days by the hundred). */
const monthNumber = (seconds: number) => {
  const day = Math.floor(seconds / 86_400);
  let m = monthsByDay.get(day);
  if (m === undefined) {
    const date = new Date(day * 86_400_000);
    m = date.getUTCFullYear() * 12 + date.getUTCMonth();
    monthsByDay.set(day, m);
  }
  return m;
};
const monthName = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
const days = new Map<number, string>();
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
/** A Unix time in whole seconds as ISO 8601 UTC, the date remembered per day. */
const iso = (seconds: number) => {
  const day = Math.floor(seconds / 86_400);
  let date = days.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    days.set(day, date);
  }
  const s = seconds - day * 86_400;
  return `${date}T${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}Z`;
};

/**
 * Classifies flow and DNS records into node, miner and exchange-client signals per account and month.
 * Feed DNS first (pool and exchange answers label the IPs that flows then reach), then flows.
 */
export class TelemetryClassifier {
  private readonly acc = new Map<string, Accumulator>();
  /** The same accumulators by account, then by month × 1024 + kind: no string is built per flow. */
  private readonly index = new Map<string, Map<number, Accumulator>>();
  private readonly kinds = new Map<string, number>();
  private readonly minerKind = this.kindOf('miner', null);
  private readonly exchangeKind = this.kindOf('exchange-client', null);
  private readonly p2pByPort = new Map<
    number,
    { network: string; protocols: number[]; kind: number; reason: string }
  >();
  private readonly stratumReasons = new Map<number, string>();
  private readonly stratum: Set<number>;
  private readonly interesting: Set<number>;
  /** Address blocks from user lists: any flow to them is labelled like a resolved pool or exchange address. */
  private readonly listed = new PrefixIndex<{ kind: 'pool' | 'exchange'; domain: string }>();
  private readonly hasListed: boolean;
  private readonly isPool: (name: string) => string | null;
  private readonly isExchange: (name: string) => string | null;
  private readonly isCrypto: (name: string) => string | null;
  private readonly poolLabels: RegExp[];
  /** Remote IPs an account resolved from pool or exchange domains: account → ip → domain. */
  private readonly resolved = new Map<string, Map<string | number, Label>>();

  constructor(
    private readonly indicators: Indicators,
    private readonly accounts?: ReadonlySet<string>,
  ) {
    for (const [network, { ports, protocols }] of Object.entries(indicators.p2p))
      for (const port of ports)
        this.p2pByPort.set(port, {
          network,
          protocols,
          kind: this.kindOf('node', network),
          reason: `${network} p2p port ${port}`,
        });
    this.stratum = new Set(indicators.stratum_ports);
    this.interesting = new Set([...this.p2pByPort.keys(), ...this.stratum]);
    this.isPool = domainMatcher(indicators.pool_domains);
    for (const c of indicators.pool_cidrs)
      this.listed.add(parseCidr(c)!, { kind: 'pool', domain: `listed block ${c}` });
    for (const c of indicators.exchange_cidrs)
      this.listed.add(parseCidr(c)!, { kind: 'exchange', domain: `listed block ${c}` });
    this.hasListed = indicators.pool_cidrs.length + indicators.exchange_cidrs.length > 0;
    this.isExchange = domainMatcher(indicators.exchange_api_domains);
    this.isCrypto = domainMatcher(indicators.crypto_domains);
    this.poolLabels = indicators.pool_name_labels.map((p) => new RegExp(p, 'i'));
  }

  /** A name that hints at a pool without being a listed one: in a mixed crypto list, or labelled stratum, pool … */
  private poolHint(name: string): { domain: string; why: string } | null {
    const crypto = this.isCrypto(name);
    if (crypto) return { domain: crypto, why: 'a name on a mixed crypto list' };
    const bare = name.toLowerCase().replace(/\.$/, '');
    const label = bare
      .split('.')
      .slice(0, -1)
      .find((l) => this.poolLabels.some((re) => re.test(l)));
    return label ? { domain: bare, why: `its label "${label}" says pool` } : null;
  }

  private kindOf(signal: SignalKind, network: string | null): number {
    return getOrCreate(this.kinds, `${signal}\u0000${network ?? ''}`, () => this.kinds.size);
  }

  private bucket(
    account: string,
    when: number,
    signal: SignalKind,
    network: string | null,
    kind = this.kindOf(signal, network),
  ): Accumulator {
    const byMonth = getOrCreate(this.index, account, () => new Map<number, Accumulator>());
    const m = monthNumber(when);
    const slot = m * 1024 + kind;
    let a = byMonth.get(slot);
    if (a === undefined) {
      a = getOrCreate(this.acc, `${account}\u0000${monthName(m)}\u0000${signal}\u0000${network ?? ''}`, () =>
        newAccumulator(signal, network, when),
      );
      byMonth.set(slot, a);
    }
    return a;
  }

  private touch(
    a: Accumulator,
    when: number,
    raw: LineText,
    key: number,
    bytes = 0,
    packets = 0,
    seconds = 0,
  ): void {
    a.first = Math.min(a.first, when);
    a.last = Math.max(a.last, when);
    a.records++;
    a.bytes += bytes;
    a.packets += packets;
    a.seconds += seconds;
    const n = this.indicators.thresholds.sample_lines;
    if (a.sample.length < n || key < a.sample[a.sample.length - 1]!.key) {
      a.sample.push({ key, raw: typeof raw === 'string' ? raw : raw.text() });
      a.sample.sort((x, y) => x.key - y.key);
      if (a.sample.length > n) a.sample.pop();
    }
  }

  private dnsLines = 0;
  private flowLines = 0;

  /** `key` orders the line among all DNS lines (see dnsOrderKey); by default, lines count in the order given. */
  addDns(q: ResolverFacts, raw: string, key = this.dnsLines++): void {
    if (this.accounts && !this.accounts.has(q.account_id)) return;
    const { pool, exchange, hint } = this.nameVerdict(q.query_name);
    if (!pool && !exchange) {
      // A hint alone says nothing: only the addresses it resolved to are remembered, for flows to show their shape.
      if (hint) this.remember(q, 'pool-hint', hint.domain, hint.why);
      return;
    }
    const when = Math.floor(Date.parse(q.query_timestamp) / 1000);
    const a = this.bucket(q.account_id, when, pool ? 'miner' : 'exchange-client', null);
    a.reasons.add(`DNS query for ${pool ?? exchange} (${pool ? 'mining pool' : 'exchange API'})`);
    this.touch(a, when, raw, key);
    this.remember(q, pool ? 'pool' : 'exchange', (pool ?? exchange)!);
  }

  /** What lists and labels say of a query name, worked out once a name: resolver logs repeat the same names. */
  private nameVerdict(name: string): NameVerdict {
    let verdict = this.verdicts.get(name);
    if (verdict) return verdict;
    const pool = this.isPool(name);
    const exchange = pool ? null : this.isExchange(name);
    verdict = { pool, exchange, hint: pool || exchange ? null : this.poolHint(name) };
    // Bounded: a log of ever-new names keeps the last few hundred thousand.
    if (this.verdicts.size >= 250_000) this.verdicts.clear();
    this.verdicts.set(name, verdict);
    return verdict;
  }

  private readonly verdicts = new Map<string, NameVerdict>();

  private remember(q: ResolverFacts, kind: LabelKind, domain: string, why?: string): void {
    const ips = getOrCreate(this.resolved, q.account_id, () => new Map());
    for (const answer of q.answers)
      if (answer.Type === 'A' || answer.Type === 'AAAA') {
        const key = addressKey(answer.Rdata);
        // A listed pool or exchange is the stronger label: a hint never overwrites it.
        if (kind === 'pool-hint' && ips.has(key)) continue;
        ips.set(key, labelOf(answer.Rdata, { kind, domain, why }));
      }
  }

  /**
   * How much of an account's traffic can matter: flows on p2p or Stratum ports; for an account that resolved pool
   * or exchange domains, also flows with the addresses it resolved; every flow when address blocks are listed.
   * Lets a scanner skip ordinary traffic without building strings.
   */
  scope(account: string): FlowScope {
    if (this.accounts && !this.accounts.has(account)) return 'none';
    if (this.hasListed) return 'all';
    return this.resolved.has(account) ? 'addresses' : 'ports';
  }

  interestingPorts(): Iterable<number> {
    return this.interesting;
  }

  /** Every address some account resolved from a pool or exchange domain; null when address blocks are listed. */
  interestingAddresses(): Iterable<string> | null {
    if (this.hasListed) return null;
    return new Set([...this.resolved.values()].flatMap((ips) => [...ips.values()].map((l) => l.ip)));
  }

  private wants(account: string, srcport: number, dstport: number): boolean {
    const scope = this.scope(account);
    if (scope === 'none') return false;
    return scope !== 'ports' || this.interesting.has(srcport) || this.interesting.has(dstport);
  }

  addFlow(r: FlowRecord, raw: string): void {
    const facts = flowFactsOf(r);
    const key = FLOW_KEYS + this.flowLines++;
    if (facts && this.wants(facts.account, facts.srcport, facts.dstport)) this.addFlowFacts(facts, raw, key);
  }

  /** An accepted flow's facts (the peer already taken from pkt-*addr where present). */
  /** `key` orders the line among all lines read (see flowOrderKey), so samples do not depend on threads. */
  addFlowFacts(f: FlowFacts, raw: LineText, key: number): void {
    const { account, src, dst, srcport, dstport, protocol, bytes, packets } = f;
    const direction =
      f.direction ??
      (isPrivate(src) && !isPrivate(dst)
        ? 'egress'
        : !isPrivate(src) && isPrivate(dst)
          ? 'ingress'
          : srcport > dstport
            ? 'egress'
            : 'ingress');
    const egress = direction === 'egress';
    const remote = egress ? dst : src;
    const remotePort = egress ? dstport : srcport;
    const localPort = egress ? srcport : dstport;
    const when = f.start ?? f.end ?? 0;
    const seconds = Math.max(0, (f.end ?? when) - when);

    for (let k = 0; k < 2; k++) {
      const port = k === 0 ? remotePort : localPort;
      const p2p = this.p2pByPort.get(port);
      if (!p2p || (protocol !== null && !p2p.protocols.includes(protocol))) continue;
      const a = this.bucket(account, when, 'node', p2p.network, p2p.kind);
      a.reasons.add(p2p.reason);
      a.peers.add(peerOf(remote));
      if (port === localPort) a.inbound = true;
      a.dnsOnly = false;
      this.touch(a, when, raw, key, bytes, packets, seconds);
      return;
    }

    const label = this.resolved.get(account)?.get(addressKey(remote)) ?? this.listedLabel(remote);
    if (label?.kind === 'pool' || label?.kind === 'pool-hint' || (egress && this.stratum.has(remotePort))) {
      const a = this.bucket(account, when, 'miner', null, this.minerKind);
      if (label?.kind === 'pool') {
        a.poolResolved = true;
        a.reasons.add(label.reason);
      } else if (label?.kind === 'pool-hint') {
        a.poolHinted = true;
        a.reasons.add(label.reason);
      } else {
        a.stratumPort = true;
        a.reasons.add(getOrCreate(this.stratumReasons, remotePort, () => `stratum port ${remotePort}`));
      }
      a.peers.add(peerOf(remote, remotePort));
      a.dnsOnly = false;
      this.touch(a, when, raw, key, bytes, packets, seconds);
    } else if (label?.kind === 'exchange') {
      const a = this.bucket(account, when, 'exchange-client', null, this.exchangeKind);
      a.reasons.add(label.reason);
      a.peers.add(peerOf(remote));
      a.dnsOnly = false;
      this.touch(a, when, raw, key, bytes, packets, seconds);
    }
  }

  private listedLabel(remote: string | number): Label | undefined {
    if (!this.hasListed) return undefined;
    const ip = typeof remote === 'number' ? { v: 4 as const, n: remote } : parseIp(remote);
    const listed = ip ? this.listed.lookup(ip)?.value : undefined;
    return listed && labelOf(typeof remote === 'number' ? formatIpv4(remote) : remote, listed);
  }

  /** A crawler saw a public node at an address allocated to the account (ip_allocations × public_nodes). */
  addNodeSighting(account: string, network: string, seenAt: string, raw: string): void {
    const when = Math.floor(Date.parse(`${seenAt}T00:00:00Z`) / 1000);
    const a = this.bucket(account, when, 'node', network);
    a.reasons.add(`public ${network} node list lists an address allocated to the account`);
    a.inbound = true;
    a.dnsOnly = false;
    a.peers.add(raw);
    this.touch(a, when, raw, NODE_LIST_KEYS + this.flowLines++);
  }

  /** What DNS answers taught the classifier, to hand to classifiers of other files (worker threads). */
  resolvedAddresses(): ResolvedAddresses {
    return [...this.resolved].map(([account, ips]) => [
      account,
      [...ips.values()].map(({ ip, kind, domain, why }) => [
        ip,
        why === undefined ? { kind, domain } : { kind, domain, why },
      ]),
    ]);
  }

  /**
   * What another reading of later DNS files learnt, as if this classifier had read them after its own: a listed
   * pool or exchange label replaces what is known, a hint only labels an address not known yet.
   */
  followResolved(resolved: ResolvedAddresses): void {
    for (const [account, ips] of resolved) {
      const map = getOrCreate(this.resolved, account, () => new Map());
      for (const [ip, label] of ips) {
        const key = addressKey(ip);
        if (label.kind === 'pool-hint' && map.has(key)) continue;
        map.set(key, labelOf(ip, label));
      }
    }
  }

  /** What DNS answers taught the classifier since it last said, forgotten here (one DNS file's worth at a time). */
  takeResolved(): ResolvedAddresses {
    const resolved = this.resolvedAddresses();
    this.resolved.clear();
    return resolved;
  }

  learnResolved(resolved: ResolvedAddresses): void {
    for (const [account, ips] of resolved) {
      const map = getOrCreate(this.resolved, account, () => new Map());
      for (const [ip, label] of ips) map.set(addressKey(ip), labelOf(ip, label));
    }
  }

  /** The accumulated state, packed to send to another thread (see `transferables`). */
  exportState(): PackedAccumulators {
    return pack(this.acc);
  }

  merge(state: PackedAccumulators): void {
    mergePacked(
      state,
      (key, signal, network, first) =>
        getOrCreate(this.acc, key, () => newAccumulator(signal, network, first)),
      this.indicators.thresholds.sample_lines,
    );
  }

  signals(): NetworkSignal[] {
    const t = this.indicators.thresholds;
    // A key is account, period, signal and network joined by NUL, which sorts before any character: ordering the
    // keys orders the signals by those four fields.
    return [...this.acc]
      .sort(([x], [y]) => byCodePoint(x, y))
      .map(([key, a]) => {
        const [account_id, period] = key.split('\u0000') as [string, string];
        return {
          account_id,
          period,
          signal: a.signal,
          network: a.network,
          strength: strengthOf(a, t),
          rests_on: [...a.reasons].sort(),
          first_seen: iso(a.first),
          last_seen: iso(a.last),
          records: a.records,
          bytes: a.bytes,
          peers: a.peers.size,
          sample: a.sample.map((x) => x.raw),
        };
      });
  }
}

function strengthOf(a: Accumulator, t: Indicators['thresholds']): Strength {
  if (a.signal === 'node') {
    let listed = false;
    for (const r of a.reasons) listed ||= r.startsWith('public ');
    if (listed || (a.peers.size >= t.node_min_peers && a.inbound)) return 'strong';
    return a.peers.size >= t.node_min_peers ? 'moderate' : 'weak';
  }
  if (a.signal === 'miner') {
    if (a.poolResolved) return 'strong';
    const smallPackets = a.packets > 0 && a.bytes / a.packets <= t.miner_max_bytes_per_packet;
    const minerShaped = smallPackets && a.seconds >= t.miner_min_seconds;
    if ((a.stratumPort || a.poolHinted) && minerShaped) return 'moderate';
    return a.dnsOnly ? 'moderate' : 'weak';
  }
  return a.dnsOnly ? 'moderate' : 'strong';
}
