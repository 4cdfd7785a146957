import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RangeEntry } from '../../contract/telemetry.ts';
import { jsonRanges } from './json-formats.ts';
import { entry, RangeFileError } from './range-entry.ts';

/** Provider of a geofeed or plain list, from its file name (DigitalOcean and Linode publish RFC 8805 geofeeds). */
function providerFromName(file: string): string {
  const name = basename(file).toLowerCase();
  if (name.includes('digitalocean')) return 'DigitalOcean';
  if (name.includes('linode') || name.includes('akamai')) return 'Linode';
  return basename(file).replace(/\.(csv|txt|json)(\.gz)?$/i, '');
}

/**
 * RFC 8805 geofeed (`prefix,country,subdivision,city,postal`) or a plain CIDR list (one per line);
 * `#` starts a comment. Region is the city, else the subdivision, else the country.
 */
function lineRanges(file: string, text: string, provider: string): RangeEntry[] {
  const out: RangeEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '' || /^(ip_)?prefix\b/i.test(line)) return;
    const [prefix, country = '', subdivision = '', city = ''] = line.split(',').map((c) => c.trim());
    out.push(entry(file, String(i + 1), prefix, provider, city || subdivision || country, ''));
  });
  return out;
}

/** Reads one range file of any supported format; refuses files that are not what they claim to be. */
export function readRangeFile(path: string, provider?: string): RangeEntry[] {
  const file = basename(path);
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '');
  const head = text.slice(0, 512).trimStart().toLowerCase();
  if (head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<?xml'))
    throw new RangeFileError(
      file,
      '',
      'this is an HTML or XML page, not a range file (a failed download saved as one?)',
    );
  if (head.startsWith('{') || head.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new RangeFileError(file, '', `not valid JSON (${(e as Error).message})`);
    }
    const entries = jsonRanges(file, json as Record<string, unknown>);
    return provider ? entries.map((e) => ({ ...e, provider })) : entries;
  }
  return lineRanges(file, text, provider ?? providerFromName(file));
}

/** Every range file in a folder. */
export function readRangeDir(dir: string): RangeEntry[] {
  return readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile() && /\.(json|csv|txt)(\.gz)?$/i.test(f))
    .sort()
    .flatMap((f) => readRangeFile(join(dir, f)));
}
