import { existsSync, readFileSync, statSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { DOMAIN_NAME } from '../contract/indicators.ts';
import { parseCidr } from '../contract/ip.ts';

/** What a user list counts toward: mining pools, exchange APIs, or a mixed crypto list (exchanges, scams, pools). */
export const LIST_KINDS = ['mining', 'exchange', 'crypto'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** A list given by the user: `KIND=PATH`, or a folder of the named lists (`pool-domains.txt` …). */
export type IndicatorSpec = { kind: ListKind; path: string } | { kind: 'folder'; path: string };

export class IndicatorListError extends Error {
  override name = 'IndicatorListError';
}

export interface ListEntries {
  domains: string[];
  cidrs: string[];
  /** Lines that are no domain name (a port, a bad label): skipped, and said. */
  skipped: string[];
}

/** `mining=lists/pools.txt`, or a folder path; the file or folder must be there and readable. */
export function parseIndicatorSpec(text: string): IndicatorSpec {
  const at = text.indexOf('=');
  const kind = at > 0 ? text.slice(0, at) : 'folder';
  const path = at > 0 ? text.slice(at + 1) : text;
  if (kind !== 'folder' && !(LIST_KINDS as readonly string[]).includes(kind))
    throw new IndicatorListError(
      `${text}: the kind must be ${LIST_KINDS.join(', ')} (KIND=PATH), or give a folder`,
    );
  if (!existsSync(path)) throw new IndicatorListError(`${path}: no such indicator list`);
  const isDir = statSync(path).isDirectory();
  if (kind === 'folder' && !isDir)
    throw new IndicatorListError(`${path}: a single list needs its kind, e.g. mining=${path}`);
  if (kind !== 'folder' && isDir)
    throw new IndicatorListError(`${path}: a folder, where ${kind}= needs a list file`);
  try {
    if (!isDir) readFileSync(path, { flag: 'r' }).subarray(0, 1);
  } catch (e) {
    throw new IndicatorListError(`${path}: cannot be read (${(e as Error).message})`);
  }
  return { kind: kind as IndicatorSpec['kind'], path };
}

/** A list entry as an ASCII domain name (IDN as punycode, port and trailing dot removed), or null. */
export function asDomain(entry: string): string | null {
  const name = entry.trim().replace(/\.$/, '').replace(/:\d+$/, '').replace(/^\*\./, '');
  if (!name) return null;
  const ascii = domainToASCII(name.toLowerCase());
  return ascii && DOMAIN_NAME.test(ascii) ? ascii : null;
}

const HOST_ADDRESSES = new Set(['0.0.0.0', '127.0.0.1', '::', '::1', '::0']);

/**
 * The entries of a list in the formats teams already keep: a hosts file (`0.0.0.0 pool.example`), a plain list of
 * domains or CIDR blocks (one a line), or a MISP warninglist (JSON with `list` and `type`). `#` starts a comment.
 */
export function readIndicatorList(path: string): ListEntries {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const out: ListEntries = { domains: [], cidrs: [], skipped: [] };
  if (text.trimStart().startsWith('{')) {
    let json: { list?: unknown; type?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (e) {
      throw new IndicatorListError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(json.list))
      throw new IndicatorListError(`${path}: a MISP warninglist needs a "list" array`);
    for (const item of json.list) add(out, String(item), json.type === 'cidr');
    return out;
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const fields = line.split(/\s+/);
    // A hosts line names one or more hosts after the address; `localhost` and friends are not domains.
    const names = HOST_ADDRESSES.has(fields[0]!) ? fields.slice(1) : fields;
    for (const name of names) if (!/^localhost(\.localdomain)?$/i.test(name)) add(out, name, false);
  }
  return out;
}

function add(out: ListEntries, entry: string, cidr: boolean): void {
  // An address or a block (1.2.3.4, 10.0.0.0/8, 2001:db8::/32) is a block; anything else should be a name.
  if (cidr || parseCidr(entry)) {
    if (parseCidr(entry)) out.cidrs.push(entry);
    else out.skipped.push(entry);
    return;
  }
  const domain = asDomain(entry);
  if (domain) out.domains.push(domain);
  else out.skipped.push(entry);
}
