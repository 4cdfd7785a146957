/**
 * A cell a spreadsheet would run as a formula (OWASP "CSV injection": it begins with = + - @, a tab or a carriage
 * return) is written with a leading apostrophe, so it shows as text. A plain number (-12.34) is left as it is.
 */
export function neutralised(s: string): string {
  if (!/^[=+\-@\t\r]/.test(s) || /^-?\d+(\.\d+)?$/.test(s)) return s;
  return `'${s}`;
}

type Cell = string | number | boolean | null | undefined;

/** RFC 4180: a field is quoted when it holds a comma, quote or line break. */
function rfc4180(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A field of a CSV file people open (an output): RFC 4180, formulas neutralised. */
export function csvField(value: Cell): string {
  return rfc4180(value === null || value === undefined ? '' : neutralised(String(value)));
}

export function csvLine(values: Cell[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return csvLine(header) + rows.map(csvLine).join('');
}

/**
 * A line of a CSV file programs read (a bundle table): RFC 4180 only, every value as it is — a note that begins
 * with "-" or a phone number with "+" must reach the bundle unchanged.
 */
export function dataCsvLine(values: Cell[]): string {
  return `${values.map((v) => rfc4180(v === null || v === undefined ? '' : String(v))).join(',')}\n`;
}

export function toDataCsv(header: string[], rows: Cell[][]): string {
  return dataCsvLine(header) + rows.map(dataCsvLine).join('');
}
