import type { RangeEntry } from '../../contract/telemetry.ts';
import { entry, RangeFileError } from './range-entry.ts';

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** AWS ip-ranges.json: `prefixes[].ip_prefix` and `ipv6_prefixes[].ipv6_prefix` with region and service. */
export function awsRanges(file: string, json: Json): RangeEntry[] {
  return [
    ...list(json.prefixes).map((p, i) =>
      entry(file, `prefixes[${i}]`, p.ip_prefix, 'AWS', p.region, p.service),
    ),
    ...list(json.ipv6_prefixes).map((p, i) =>
      entry(file, `ipv6_prefixes[${i}]`, p.ipv6_prefix, 'AWS', p.region, p.service),
    ),
  ];
}

/** Google Cloud cloud.json: `prefixes[].ipv4Prefix|ipv6Prefix` with `scope` as the region. */
export function gcpRanges(file: string, json: Json): RangeEntry[] {
  return list(json.prefixes).map((p, i) =>
    entry(file, `prefixes[${i}]`, p.ipv4Prefix ?? p.ipv6Prefix, 'Google Cloud', p.scope, p.service),
  );
}

/** Azure service tags: `values[].properties.addressPrefixes` under a tag such as `AzureCloud.australiaeast`. */
export function azureRanges(file: string, json: Json): RangeEntry[] {
  return list(json.values).flatMap((v, i) => {
    const props = (v.properties ?? {}) as Json;
    const prefixes = props.addressPrefixes;
    if (!Array.isArray(prefixes))
      throw new RangeFileError(file, `values[${i}]`, 'no properties.addressPrefixes');
    return prefixes.map((p, j) =>
      entry(
        file,
        `values[${i}].addressPrefixes[${j}]`,
        p,
        'Azure',
        props.region,
        String(v.name ?? props.systemService ?? ''),
      ),
    );
  });
}

/** Oracle Cloud public_ip_ranges.json: `regions[].cidrs[].cidr` with tags. */
export function oracleRanges(file: string, json: Json): RangeEntry[] {
  return list(json.regions).flatMap((r, i) =>
    list(r.cidrs).map((c, j) =>
      entry(file, `regions[${i}].cidrs[${j}]`, c.cidr, 'Oracle Cloud', r.region, list(c.tags).join(' ')),
    ),
  );
}

/** Which JSON layout a file has, by its distinctive keys. */
export function jsonRanges(file: string, json: Json): RangeEntry[] {
  const first = (key: string) => list(json[key])[0] ?? {};
  if ('ip_prefix' in first('prefixes') || 'ipv6_prefix' in first('ipv6_prefixes'))
    return awsRanges(file, json);
  if ('ipv4Prefix' in first('prefixes') || 'ipv6Prefix' in first('prefixes')) return gcpRanges(file, json);
  if ('properties' in first('values')) return azureRanges(file, json);
  if ('cidrs' in first('regions')) return oracleRanges(file, json);
  throw new RangeFileError(
    file,
    '',
    'a JSON file of no known range format (AWS, Google Cloud, Azure service tags, Oracle)',
  );
}
