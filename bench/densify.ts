// A denser copy of a sample bundle: each invoice row split into `invoiceFactor` rows whose amounts sum to the
// original (the same revenue, more rows), and each sign-in repeated `loginFactor` times on its day. Usage:
// densify.ts FROM TO INVOICE_FACTOR LOGIN_FACTOR. The other tables and telemetry are copied as they are.
import { once } from 'node:events';
import { cpSync, createWriteStream, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney, parseMoney } from '../src/contract/money.ts';
import { CsvParser, openText } from '../src/ingest/csv.ts';
import { dataCsvLine } from '../src/outputs/csv.ts';

const [from, to, invoiceFactor, loginFactor] = process.argv.slice(2) as [string, string, string, string];

async function rewrite(
  file: string,
  expand: (cells: string[], header: string[]) => string[][],
): Promise<number> {
  const out = createWriteStream(join(to, file));
  let header: string[] = [];
  let buffer = '';
  let rows = 0;
  const parser = new CsvParser(
    (cells) => {
      if (header.length === 0) {
        header = cells;
        buffer += dataCsvLine(cells);
        return;
      }
      for (const row of expand(cells, header)) {
        buffer += dataCsvLine(row);
        rows++;
      }
    },
    (line, message) => {
      throw new Error(`${file}:${line}: ${message}`);
    },
  );
  for await (const chunk of openText(join(from, file))) {
    parser.push(chunk as string);
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  parser.end();
  out.end(buffer);
  await once(out, 'finish');
  return rows;
}

/** Cents split into n parts (the first ones a share each, the last the rest): they sum to the cents exactly. */
function parts(cents: bigint, n: number): bigint[] {
  const share = cents / BigInt(n);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? cents - share * BigInt(n - 1) : share));
}

rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
const k = Number(invoiceFactor);
const invoices = await rewrite('invoices.csv', (cells, header) => {
  const at = (c: string) => header.indexOf(c);
  const [list, discount] = [parseMoney(cells[at('list_amount')]!), parseMoney(cells[at('discount_amount')]!)];
  const [lists, discounts] = [parts(list, k), parts(discount, k)];
  return lists.map((l, i) => {
    const row = [...cells];
    row[at('invoice_id')] = `${cells[at('invoice_id')]}-${i}`;
    row[at('list_amount')] = formatMoney(l);
    row[at('discount_amount')] = formatMoney(discounts[i]!);
    row[at('net_amount')] = formatMoney(l - discounts[i]!);
    return row;
  });
});
const j = Number(loginFactor);
const logins = existsSync(join(from, 'logins.csv'))
  ? await rewrite('logins.csv', (cells) => Array.from({ length: j }, () => cells))
  : 0;
process.stdout.write(`${JSON.stringify({ invoices, logins })}\n`);
