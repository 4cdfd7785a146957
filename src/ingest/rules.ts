import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type TermsFile, termsSchema } from '../contract/activity-terms.ts';
import { type Indicators, indicatorsSchema } from '../contract/indicators.ts';
import { type RulebookFile, rulebookSchema } from '../contract/rulebook.ts';

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
