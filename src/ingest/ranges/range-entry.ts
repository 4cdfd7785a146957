import { parseCidr } from '../../contract/ip.ts';
import type { RangeEntry } from '../../contract/telemetry.ts';

export class RangeFileError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    message: string,
  ) {
    super(`${file}${where ? `:${where}` : ''}: ${message}`);
  }
}

export function entry(
  file: string,
  where: string,
  prefix: unknown,
  provider: string,
  region: unknown,
  service: unknown,
): RangeEntry {
  const cidr = typeof prefix === 'string' ? parseCidr(prefix) : null;
  if (!cidr) throw new RangeFileError(file, where, `not a CIDR block: ${JSON.stringify(prefix)}`);
  return {
    cidr,
    prefix: prefix as string,
    provider,
    region: String(region ?? ''),
    service: String(service ?? ''),
  };
}
