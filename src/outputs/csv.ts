/** RFC 4180 output: a field is quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | boolean | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

export function toCsv(header: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  return csvLine(header) + rows.map(csvLine).join('');
}
