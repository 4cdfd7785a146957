// Splitting a flow-log line into its fields, byte by byte, with code generated for one header's layout.

const NL = 10;
const CR = 13;
const SPACE = 32;
const DASH = 45;
const DOT = 46;
export const FIELD_KINDS = { text: 0, number: 1, ip: 2 } as const;
const { text: TEXT, number: NUMBER, ip: IP } = FIELD_KINDS;
/** A number or address field's value when the field is '-'. */
export const NONE = -1;

export const MAX_FIELDS = 64;
/** The last line's fields: byte positions, and the values of number and IPv4 fields (NONE for '-'). */
export const starts = new Int32Array(MAX_FIELDS);
export const ends = new Int32Array(MAX_FIELDS);
export const values = new Float64Array(MAX_FIELDS);

export type Splitter = (buf: Buffer, i: number) => number;

/** The code that reads one field of a kind at `i` into starts/ends/values, returning -1 when it cannot. */
const FIELD_CODE: Record<number, (f: number) => string> = {
  [NUMBER]: (f) => `
    s = i; v = 0;
    for (c = buf[i]; c >= 48 && c <= 57; c = buf[++i]) v = v * 10 + (c - 48);
    if (i === s) { if (c !== ${DASH}) return -1; v = ${NONE}; c = buf[++i]; } else if (i - s > 15) return -1;
    values[${f}] = v;`,
  [IP]: (f) => `
    s = i; c = buf[i];
    if (c === ${DASH}) { c = buf[++i]; values[${f}] = ${NONE}; } else {
      dots = 0; digits = 0; octet = 0; v = 0;
      for (;; c = buf[++i]) {
        if (c >= 48 && c <= 57) { octet = octet * 10 + (c - 48); if (++digits > 3 || octet > 255) return -1; }
        else if (c === ${DOT} && digits > 0 && dots < 3) { v = v * 256 + octet; dots++; digits = 0; octet = 0; }
        else break;
      }
      if (dots !== 3 || digits === 0) return -1;
      values[${f}] = v * 256 + octet;
    }`,
  [TEXT]: () => `
    s = i;
    for (c = buf[i]; c !== ${SPACE} && c !== ${NL} && c !== ${CR}; c = buf[++i]);
    if (i === s) return -1;`,
};

/**
 * A line splitter for one header's fields: it reads the line at `i` field by field (single spaces between them),
 * checking each by its kind, and returns where the line ends (its '\n' or '\r\n'), or -1 when the record parser
 * must decide. The code is generated from the field kinds alone (never from the data), so each header gets
 * straight-line code with no per-field dispatch.
 */
export function compileSplitter(kinds: Uint8Array): Splitter {
  // One splitter per layout and thread, so the code the engine optimised for it serves every job.
  const known = splitters.get(kinds.join());
  if (known) return known;
  const body = [...kinds]
    .map(
      (kind, f) =>
        `${FIELD_CODE[kind]!(f)}
    starts[${f}] = s; ends[${f}] = i;
    ${
      f < kinds.length - 1
        ? `if (c !== ${SPACE}) return -1; i++;`
        : `if (c === ${NL}) return i; return c === ${CR} && buf[i + 1] === ${NL} ? i : -1;`
    }`,
    )
    .join('\n');
  const splitter = new Function(
    'starts',
    'ends',
    'values',
    `return function splitLine(buf, i) { let c = 0, s = 0, v = 0, dots = 0, digits = 0, octet = 0; ${body} };`,
  )(starts, ends, values) as Splitter;
  splitters.set(kinds.join(), splitter);
  return splitter;
}

const splitters = new Map<string, Splitter>();
