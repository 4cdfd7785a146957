import type { ReactNode } from 'react';

export interface Column<T> {
  title: string;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
  /** Kept on one line (times, ids). */
  nowrap?: boolean;
}

/** A table of rows with the given columns, or "none"; wide tables scroll inside their own box. */
export function DataTable<T>({
  rows,
  columns,
  caption,
}: {
  rows: T[];
  columns: Column<T>[];
  caption?: string;
}) {
  if (rows.length === 0) return <p className="muted">none</p>;
  return (
    <div className="table-box">
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.title} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are shown in a fixed order and never edited
            <tr key={i}>
              {columns.map((c) => (
                <td
                  key={c.title}
                  className={
                    [c.numeric && 'num', c.nowrap && 'nowrap'].filter(Boolean).join(' ') || undefined
                  }
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const show = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Every column of plain rows (bundle rows, reconciliation), named as in the data. */
export function RowsTable({ rows, caption }: { rows: Record<string, unknown>[]; caption?: string }) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <DataTable
      rows={rows}
      caption={caption}
      columns={names.map((name) => ({ title: name, cell: (r: Record<string, unknown>) => show(r[name]) }))}
    />
  );
}
