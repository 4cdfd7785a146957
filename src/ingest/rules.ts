import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type TermsFile, termsSchema } from '../contract/activity-terms.ts';
import { type Indicators, indicatorsSchema } from '../contract/indicators.ts';
import { type RulebookFile, rulebookSchema } from '../contract/rulebook.ts';
import { type IndicatorSpec, type ListEntries, type ListKind, readIndicatorList } from './indicator-lists.ts';

/** The rule files that ship with Daylight: the rulebook, the activity terms and the network indicators. */
export const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
export const DEFAULT_RULEBOOK_PATH = join(RULES_DIR, 'rulebook.yaml');
export const DEFAULT_TERMS_PATH = join(RULES_DIR, 'activity-terms.yaml');
export const DEFAULT_INDICATORS_PATH = join(RULES_DIR, 'network-indicators.yaml');

const yamlFile = (path: string): unknown => parse(readFileSync(path, 'utf8'));

export function readRulebookFile(path = DEFAULT_RULEBOOK_PATH): RulebookFile {
  return rulebookSchema.parse(yamlFile(path));
}

export function readTermsFile(path = DEFAULT_TERMS_PATH): TermsFile {
  return termsSchema.parse(yamlFile(path));
}

export interface ExtraIndicators {
  poolDomains?: string[];
  exchangeDomains?: string[];
  cryptoDomains?: string[];
  stratumPorts?: number[];
  poolCidrs?: string[];
  exchangeCidrs?: string[];
}

/** The shipped indicators, plus user lists (domains, ports, CIDR blocks) added on top. */
export function readIndicators(path = DEFAULT_INDICATORS_PATH, extra: ExtraIndicators = {}): Indicators {
  const base = indicatorsSchema.parse(yamlFile(path));
  return indicatorsSchema.parse({
    ...base,
    pool_domains: [...base.pool_domains, ...(extra.poolDomains ?? [])],
    exchange_api_domains: [...base.exchange_api_domains, ...(extra.exchangeDomains ?? [])],
    crypto_domains: [...base.crypto_domains, ...(extra.cryptoDomains ?? [])],
    stratum_ports: [...base.stratum_ports, ...(extra.stratumPorts ?? [])],
    pool_cidrs: [...base.pool_cidrs, ...(extra.poolCidrs ?? [])],
    exchange_cidrs: [...base.exchange_cidrs, ...(extra.exchangeCidrs ?? [])],
  });
}

const LIST_FILES = {
  'pool-domains.txt': 'mining',
  'exchange-domains.txt': 'exchange',
  'crypto-domains.txt': 'crypto',
  'pool-cidrs.txt': 'mining',
  'exchange-cidrs.txt': 'exchange',
} as const;

/** A user list's entries added to the indicators of its kind: mining → pools, exchange → exchange APIs, crypto → mixed. */
function addList(extra: ExtraIndicators, kind: ListKind, entries: ListEntries): void {
  const domains = { mining: 'poolDomains', exchange: 'exchangeDomains', crypto: 'cryptoDomains' } as const;
  const key = domains[kind];
  extra[key] = [...(extra[key] ?? []), ...entries.domains];
  // A mixed list's blocks say nothing certain: only mining and exchange blocks are kept.
  if (kind === 'mining') extra.poolCidrs = [...(extra.poolCidrs ?? []), ...entries.cidrs];
  if (kind === 'exchange') extra.exchangeCidrs = [...(extra.exchangeCidrs ?? []), ...entries.cidrs];
}

export interface ListsRead {
  extra: ExtraIndicators;
  /** Each list read: its kind, path, how many names and blocks it gave, and the lines that were not. */
  lists: { kind: ListKind; path: string; domains: number; cidrs: number; skipped: string[] }[];
}

/**
 * User lists: a folder's named lists (a bundle's `indicators/`, or a folder given by --indicators:
 * pool-domains.txt, exchange-domains.txt, crypto-domains.txt, stratum-ports.txt, pool-cidrs.txt, exchange-cidrs.txt),
 * and single lists given as KIND=PATH. Each list may be a hosts file, a plain list or a MISP warninglist.
 */
export function readIndicatorSpecs(specs: IndicatorSpec[]): ListsRead {
  const read: ListsRead = { extra: {}, lists: [] };
  const one = (kind: ListKind, path: string) => {
    const entries = readIndicatorList(path);
    addList(read.extra, kind, entries);
    read.lists.push({
      kind,
      path,
      domains: entries.domains.length,
      cidrs: entries.cidrs.length,
      skipped: entries.skipped,
    });
  };
  for (const spec of specs) {
    if (spec.kind !== 'folder') {
      one(spec.kind, spec.path);
      continue;
    }
    if (!existsSync(spec.path)) continue;
    for (const [file, kind] of Object.entries(LIST_FILES)) {
      const path = join(spec.path, file);
      if (existsSync(path)) one(kind, path);
    }
    const ports = join(spec.path, 'stratum-ports.txt');
    if (existsSync(ports))
      read.extra.stratumPorts = [
        ...(read.extra.stratumPorts ?? []),
        ...readFileSync(ports, 'utf8')
          .split(/\r?\n/)
          .map((l) => l.replace(/#.*$/, '').trim())
          .filter(Boolean)
          .map(Number),
      ];
  }
  return read;
}
