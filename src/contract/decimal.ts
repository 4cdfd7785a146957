/**
 * Exact decimals for percentages and thresholds: a bigint scaled by 10^6.
 * `percentOf(amount, pct)` compares money against a percentage without rounding.
 */
export type Micro = bigint;

const SCALE = 1_000_000n;
const DECIMAL = /^-?\d{1,12}(\.\d{1,6})?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

export function parseDecimal(text: string | number): Micro {
  const s = typeof text === 'number' ? String(text) : text;
  if (!DECIMAL.test(s)) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const negative = s.startsWith('-');
  const [whole, fraction = ''] = (negative ? s.slice(1) : s).split('.');
  const v = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(6, '0'));
  return negative ? -v : v;
}

export function formatDecimal(v: Micro): string {
  const negative = v < 0n;
  const a = negative ? -v : v;
  const fraction = (a % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  const text = fraction ? `${a / SCALE}.${fraction}` : `${a / SCALE}`;
  return negative ? `-${text}` : text;
}

/** `amount * pct / 100` compared with `other`, exactly: returns sign of (other − amount·pct/100). */
export function compareToPercentOf(other: bigint, amount: bigint, pct: Micro): number {
  const lhs = other * 100n * SCALE;
  const rhs = amount * pct;
  return lhs === rhs ? 0 : lhs > rhs ? 1 : -1;
}
