/**
 * IP addresses and CIDR blocks as integers: IPv4 as a number (exact up to 2^32), IPv6 as a bigint.
 * Parsing never throws; it returns null for anything that is not an address.
 */
export type Ip = { v: 4; n: number } | { v: 6; n: bigint };
export type Cidr = { v: 4; network: number; bits: number } | { v: 6; network: bigint; bits: number };

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIp(text: string): Ip | null {
  const s = text.trim();
  const m = V4.exec(s);
  if (m) {
    const parts = m.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { v: 4, n: ((parts[0]! * 256 + parts[1]!) * 256 + parts[2]!) * 256 + parts[3]! };
  }
  return s.includes(':') ? parseIpv6(s) : null;
}

function parseIpv6(s: string): Ip | null {
  let text = s.replace(/^\[|\]$/g, '').split('%')[0]!;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const ip = parseIp(v4[1]!);
    if (ip?.v !== 4) return null;
    text = `${text.slice(0, -v4[1]!.length)}${(ip.n >>> 16).toString(16)}:${(ip.n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  let n = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return { v: 6, n };
}

export function parseCidr(text: string): Cidr | null {
  const [addr, bitsText, extra] = text.trim().split('/');
  if (extra !== undefined || addr === undefined) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const max = ip.v === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (!(bits >= 0 && bits <= max)) return null;
  return ip.v === 4
    ? { v: 4, bits, network: maskV4(ip.n, bits) }
    : { v: 6, bits, network: maskV6(ip.n, bits) };
}

export function maskV4(n: number, bits: number): number {
  if (bits === 0) return 0;
  const size = 2 ** (32 - bits);
  return n - (n % size);
}

export function maskV6(n: bigint, bits: number): bigint {
  const hostBits = BigInt(128 - bits);
  return (n >> hostBits) << hostBits;
}

/** The dotted quad of an IPv4 address held as a number. */
export function formatIpv4(n: number): string {
  return [n / 16777216, (n / 65536) % 256, (n / 256) % 256, n % 256].map((x) => Math.floor(x)).join('.');
}
