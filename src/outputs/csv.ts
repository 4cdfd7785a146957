/**
 * A cell a spreadsheet would run as a formula (OWASP "CSV injection": it begins with = + - @, a tab or a carriage
 * return) is written with a leading apostrophe, so it shows as text. A plain number (-12.34) is left as it is.
 */
export function neutralised(s: string): string {
  if (!/^[=+\-@\t\r]/.test(s) || /^-?\d+(\.\d+)?$/.test(s)) return s;
  return `'${s}`;
}

/** RFC 4180 output: a field is quoted when it holds a comma, quote or line break; formulas are neutralised. */
export function csvField(value: string | number | boolean | null | undefined): string {
  const s = value === null || value === undefined ? '' : neutralised(String(value));
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

export function toCsv(header: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  return csvLine(header) + rows.map(csvLine).join('');
}
