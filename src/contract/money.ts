/** Money is held as integer cents in a bigint: never binary floating point. */
export type Cents = bigint;

const MONEY = /^-?\d{1,16}(\.\d{1,2})?$/;

export function isMoney(text: string): boolean {
  return MONEY.test(text);
}

export function parseMoney(text: string): Cents {
  if (!MONEY.test(text)) throw new Error(`not a money amount: ${JSON.stringify(text)}`);
  return centsOf(text);
}

/** The cents of an amount already known to be money (isMoney): the columns of a table test, then convert. */
export function centsOf(text: string): Cents {
  // Up to 15 digits of cents are exact as an integer in a double: build them with arithmetic, not a string.
  let cents = 0;
  let digits = 0;
  let decimals = -1;
  const negative = text.charCodeAt(0) === 45;
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) decimals = 0;
    else {
      cents = cents * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    }
  }
  const pad = decimals <= 0 ? 2 : 2 - decimals;
  if (digits + pad <= 15) {
    const exact = pad === 2 ? cents * 100 : pad === 1 ? cents * 10 : cents;
    return BigInt(negative ? -exact : exact);
  }
  return parseLongMoney(text);
}

/** Amounts of more than 15 digits of cents, through the decimal text. */
function parseLongMoney(text: string): Cents {
  const dot = text.indexOf('.');
  if (dot === -1) return BigInt(`${text}00`);
  const decimals = text.length - dot - 1;
  return BigInt(`${text.slice(0, dot)}${text.slice(dot + 1)}${decimals === 1 ? '0' : ''}`);
}

export function formatMoney(cents: Cents): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

export const abs = (c: Cents): Cents => (c < 0n ? -c : c);

/** Money text for people: thousands grouped with commas (`1,234,567.89`, `-12.30`). Machine files keep plain text. */
export function groupedMoney(text: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

/**
 * An exact decimal (any number of places, e.g. a sum of costs with 18) rounded once, half to even, to cents.
 * Throws on text that is not a plain decimal.
 */
export function roundHalfEvenToCents(text: string): Cents {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const fraction = m[3] ?? '';
  const scale = 10n ** BigInt(Math.max(0, fraction.length - 2));
  const units = BigInt(m[2]! + fraction.padEnd(2, '0'));
  let q = units / scale;
  const r = units % scale;
  if (r * 2n > scale || (r * 2n === scale && q % 2n === 1n)) q += 1n;
  return m[1] ? -q : q;
}
