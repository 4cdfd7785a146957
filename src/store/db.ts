import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBValue,
  DuckDBVector,
} from '@duckdb/node-api';
import type { z } from 'zod';

export type Params = Record<string, DuckDBValue>;

/**
 * The store's one DuckDB connection: statements, rows checked against a schema, and one transaction helper.
 * A statement run on a DuckDB connection while a streamed result is being read ends that stream early without an
 * error, and an appender's flush must not meet another statement: streamed reads and appenders have the connection
 * to themselves (they wait for the statements in flight, and statements asked meanwhile wait for them). Other
 * statements overlap as DuckDB allows, so API requests are not queued behind each other's JavaScript.
 */
export class Db {
  private depth = 0;
  /** Transactions rolled back so far: what was cached from inside one may be gone. */
  rollbacks = 0;
  /** Statements in flight beside each other. */
  private readonly running = new Set<Promise<unknown>>();
  /** The streamed read or appender that has (or waits for) the connection to itself. */
  private exclusive: Promise<unknown> | null = null;

  constructor(private readonly connection: DuckDBConnection) {}

  /** Stops the statement running on this connection (it fails as interrupted). */
  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
  }

  private async shared<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive.catch(() => {});
    const statement = work(this.connection);
    this.running.add(statement);
    try {
      return await statement;
    } finally {
      this.running.delete(statement);
    }
  }

  /** `work` alone on the connection (it must not ask this Db for another statement: that would wait on itself). */
  private async alone<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    // Checked and taken in the same turn of the event loop, so two of them never both find the connection free.
    while (this.exclusive) await this.exclusive.catch(() => {});
    const turn = (async () => {
      await Promise.allSettled([...this.running]);
      return work(this.connection);
    })();
    this.exclusive = turn;
    try {
      return await turn;
    } finally {
      if (this.exclusive === turn) this.exclusive = null;
    }
  }

  /**
   * How far the statement running on this connection has got, as DuckDB estimates it (0–100; for a file, the
   * share of its bytes read), or null when it cannot tell. Needs the store's `enable_progress_bar`.
   */
  progress(): number | null {
    const { percentage } = this.connection.progress;
    return percentage >= 0 ? percentage : null;
  }

  /** `work`, with `progress()` reported (whole percent) every half second while it runs, when it can tell. */
  async withProgress<T>(work: () => Promise<T>, onProgress?: (percent: number) => void): Promise<T> {
    if (!onProgress) return work();
    const polling = setInterval(() => {
      const percent = this.progress();
      if (percent !== null) onProgress(Math.floor(percent));
    }, 500);
    try {
      return await work();
    } finally {
      clearInterval(polling);
    }
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.shared((c) => c.run(sql, params));
  }

  /** Rows as JSON-shaped objects (numbers, strings, null), unchecked: for callers that check them. */
  async objects(sql: string, params?: Params): Promise<Record<string, unknown>[]> {
    return (await this.shared((c) => c.runAndReadAll(sql, params))).getRowObjectsJson();
  }

  /** Rows checked against a schema, so a row of the wrong shape is an error here, not a surprise later. */
  async rows<S extends z.ZodType>(schema: S, sql: string, params?: Params): Promise<z.output<S>[]> {
    return (await this.objects(sql, params)).map((row) => schema.parse(row));
  }

  async first<S extends z.ZodType>(
    schema: S,
    sql: string,
    params?: Params,
  ): Promise<z.output<S> | undefined> {
    return (await this.rows(schema, sql, params))[0];
  }

  async exists(sql: string, params?: Params): Promise<boolean> {
    return (await this.shared((c) => c.runAndReadAll(sql, params))).currentRowCount > 0;
  }

  /** Columns of a result as arrays of DuckDB values (for large results read without a row object each). */
  async columns(sql: string, params?: Params): Promise<DuckDBValue[][]> {
    return (await this.shared((c) => c.runAndReadAll(sql, params))).getColumns();
  }

  /** A large result a chunk at a time (about 2,048 rows each), its columns as arrays: nothing holds it all. */
  chunks(
    sql: string,
    params: Params | undefined,
    onChunk: (columns: DuckDBValue[][], rows: number) => void,
  ): Promise<void> {
    return this.streamed(sql, params, (chunk) =>
      onChunk(
        Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnValues(i)),
        chunk.rowCount,
      ),
    );
  }

  /**
   * A large result of fixed-width columns with no NULL (codes, counts, cents) a chunk at a time, each column the
   * typed array DuckDB filled, valid only during the call: no JavaScript value is made per row, which is most of
   * the cost of reading millions of rows through `chunks`.
   */
  typedChunks(
    sql: string,
    params: Params | undefined,
    onChunk: (columns: TypedColumn[], rows: number) => void,
  ): Promise<void> {
    return this.streamed(sql, params, (chunk) =>
      onChunk(
        Array.from({ length: chunk.columnCount }, (_, i) => typedItems(chunk.getColumnVector(i), i)),
        chunk.rowCount,
      ),
    );
  }

  /** Each chunk of a streamed result, with the connection to itself (see the class comment). */
  private async streamed(
    sql: string,
    params: Params | undefined,
    onChunk: (chunk: DuckDBDataChunk) => void,
  ): Promise<void> {
    await this.alone(async (c) => {
      const result = await c.stream(sql, params);
      for (
        let chunk = await result.fetchChunk();
        chunk && chunk.rowCount > 0;
        chunk = await result.fetchChunk()
      )
        onChunk(chunk);
    });
  }

  /**
   * Rows inserted with one statement, each value a parameter (the statement's text stays short: DuckDB's client
   * parses it on the calling thread); for a few rows of any type. Many rows go quicker through `appendTo`.
   */
  async insertRows(table: string, rows: DuckDBValue[][]): Promise<void> {
    if (rows.length === 0) return;
    const params: Params = {};
    const tuples = rows.map(
      (row, r) =>
        `(${row
          .map((v, c) => {
            params[`p${r}_${c}`] = v;
            return `$p${r}_${c}`;
          })
          .join(', ')})`,
    );
    await this.run(`INSERT INTO ${quote(table)} VALUES ${tuples.join(', ')}`, params);
  }

  /** Rows appended to a table by `fill`, flushed before any other statement takes the connection. */
  async appendTo(table: string, fill: (appender: DuckDBAppender) => void): Promise<void> {
    await this.alone(async (c) => {
      const appender = await c.createAppender(table);
      fill(appender);
      appender.flushSync();
      appender.closeSync();
    });
  }

  /**
   * Runs `work` in one transaction: all of it is stored, or none. A transaction begun inside another joins it
   * (the outer one commits), so use cases can compose.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.depth > 0) return work();
    const tx = await this.begin();
    try {
      const result = await work();
      await tx.commit();
      return result;
    } catch (e) {
      await tx.rollback();
      throw e;
    }
  }

  /** A transaction held open across calls (a snapshot written while its bundle is read); prefer `transaction`. */
  async begin(): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }> {
    await this.run('BEGIN TRANSACTION');
    this.depth++;
    let open = true;
    const end = async (sql: string) => {
      if (!open) return;
      open = false;
      this.depth--;
      await this.run(sql);
    };
    return {
      commit: () => end('COMMIT'),
      rollback: () => {
        this.rollbacks++;
        return end('ROLLBACK').catch(() => {});
      },
    };
  }
}

export type TypedColumn =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** The typed array behind a fixed-width DuckDB vector, checked to hold no NULL. */
function typedItems(vector: DuckDBVector, column: number): TypedColumn {
  // The client keeps them as fields it does not declare; a client without them fails here, not with wrong values.
  const { items, validity } = vector as unknown as {
    items?: unknown;
    validity?: { data: BigUint64Array | null; itemCount: number };
  };
  if (!ArrayBuffer.isView(items) || items instanceof DataView || !validity)
    throw new Error(`column ${column} is not a fixed-width vector this client can share`);
  const mask = validity.data;
  for (let word = 0; mask && word * 64 < validity.itemCount; word++) {
    const bits = Math.min(64, validity.itemCount - word * 64);
    const valid = (1n << BigInt(bits)) - 1n;
    if ((mask[word]! & valid) !== valid) throw new Error(`column ${column} holds a NULL`);
  }
  return items as TypedColumn;
}

export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * `cents_half_even(x)`: an exact DECIMAL rounded once, half to even, to whole cents (a BIGINT). DuckDB's round()
 * rounds half away from zero on decimals and round_even() returns a DOUBLE, so neither will do for money.
 */
export const HALF_EVEN_MACRO = `CREATE OR REPLACE TEMP MACRO cents_half_even(x) AS CAST(floor(x * 100) +
  CASE WHEN x * 100 - floor(x * 100) > 0.5 THEN 1 WHEN x * 100 - floor(x * 100) < 0.5 THEN 0
       WHEN CAST(floor(x * 100) AS HUGEINT) % 2 <> 0 THEN 1 ELSE 0 END AS BIGINT)`;

/** DuckDB then tracks how far a connection's statement has got (see Db.progress), without printing it. */
export const TRACK_PROGRESS = 'SET enable_progress_bar = true; SET enable_progress_bar_print = false';

/**
 * DuckDB's memory budget for the store and the scratch instances: `DAYLIGHT_DUCKDB_MEMORY` (e.g. `2GB`), else
 * DuckDB's own default (80 % of the machine). Beyond it DuckDB spills to a temporary directory, so peak memory
 * stops growing with the rows.
 */
export function duckdbMemorySetting(): string {
  const limit = process.env.DAYLIGHT_DUCKDB_MEMORY;
  if (!limit) return 'RESET memory_limit';
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(limit))
    throw new Error(`DAYLIGHT_DUCKDB_MEMORY=${limit}: give a size such as 2GB`);
  return `SET memory_limit = '${limit}'`;
}
