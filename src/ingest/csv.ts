import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export type RecordSink = (cells: string[], line: number) => void;
export type FormatError = (line: number, message: string) => void;

/**
 * RFC 4180 parser fed in chunks: quoted fields with embedded commas, quotes and newlines,
 * CRLF or LF line ends, a UTF-8 BOM stripped. Reports each record with the line it starts on.
 */
export class CsvParser {
  private cells: string[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  private afterQuote = false;
  private line = 1;
  private recordLine = 1;
  private first = true;
  private pendingCr = false;
  private quotedCrAtEnd = false;

  constructor(
    private readonly onRecord: RecordSink,
    private readonly onError: FormatError,
  ) {}

  push(chunk: string): void {
    let s = chunk;
    if (this.first) {
      this.first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    if (this.quotedCrAtEnd) {
      this.quotedCrAtEnd = false;
      if (s.charCodeAt(0) !== 10) this.line++;
    }
    const n = s.length;
    let i = 0;
    while (i < n) {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (s.charCodeAt(i) === 10) {
          i++;
          continue;
        }
      }
      if (this.inQuotes) {
        const q = s.indexOf('"', i);
        if (q === -1) {
          this.countLines(s, i, n);
          this.field += s.slice(i);
          return;
        }
        this.countLines(s, i, q);
        this.field += s.slice(i, q);
        if (q + 1 === n) {
          // a quote at the chunk's end: decide at the next chunk
          this.inQuotes = false;
          this.afterQuote = true;
          return;
        }
        if (s.charCodeAt(q + 1) === 34) {
          this.field += '"';
          i = q + 2;
        } else {
          this.inQuotes = false;
          this.afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (this.afterQuote && c === 34) {
        // "" split across chunks
        this.field += '"';
        this.inQuotes = true;
        this.afterQuote = false;
        i++;
        continue;
      }
      if (c === 44) {
        this.endField();
        i++;
      } else if (c === 10 || c === 13) {
        this.endField();
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        if (c === 13) {
          if (i + 1 < n) {
            if (s.charCodeAt(i + 1) === 10) i++;
          } else this.pendingCr = true;
        }
        i++;
      } else if (c === 34) {
        if (this.field === '' && !this.quoted) {
          this.quoted = true;
          this.inQuotes = true;
        } else {
          this.onError(this.line, 'a quote inside an unquoted field (RFC 4180 needs the field quoted)');
          this.field += '"';
        }
        i++;
      } else {
        if (this.afterQuote) {
          this.onError(this.line, 'text after the closing quote of a field');
          this.afterQuote = false;
        }
        // fast path: copy up to the next special character
        let j = i + 1;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (d === 44 || d === 10 || d === 13 || d === 34) break;
          j++;
        }
        this.field += s.slice(i, j);
        i = j;
      }
    }
  }

  end(): void {
    if (this.inQuotes)
      this.onError(this.recordLine, 'a quoted field is not closed before the end of the file');
    if (this.field !== '' || this.cells.length > 0 || this.quoted) {
      this.endField();
      this.endRecord();
    }
  }

  private countLines(s: string, from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const c = s.charCodeAt(k);
      if (c === 10) this.line++;
      else if (c === 13) {
        if (k + 1 === s.length) this.quotedCrAtEnd = true;
        else if (s.charCodeAt(k + 1) !== 10) this.line++;
      }
    }
  }

  private endField(): void {
    // V8 cuts a string of 13 characters or more out of another as a slice that keeps the other alive: a long cell
    // kept for the audit would hold the whole megabyte chunk it was read from. Copied, it holds its own text.
    this.cells.push(this.field.length < 13 ? this.field : ` ${this.field}`.slice(1));
    this.field = '';
    this.quoted = false;
    this.afterQuote = false;
  }

  private endRecord(): void {
    const cells = this.cells;
    this.cells = [];
    // a blank line is not a record
    if (cells.length === 1 && cells[0] === '') return;
    this.onRecord(cells, this.recordLine);
  }
}

export function openText(path: string): NodeJS.ReadableStream {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  return stream;
}

export async function parseCsvFile(path: string, onRecord: RecordSink, onError: FormatError): Promise<void> {
  const parser = new CsvParser(onRecord, onError);
  for await (const chunk of openText(path)) parser.push(chunk as string);
  parser.end();
}

/** The first record of a CSV file (its header), reading no further than it; null when the file has none or breaks. */
export async function readCsvHeader(path: string): Promise<string[] | null> {
  let header: string[] | null = null;
  let broken = false;
  const parser = new CsvParser(
    (cells) => {
      header ??= cells;
    },
    () => {
      broken = true;
    },
  );
  const stream = openText(path);
  for await (const chunk of stream) {
    // The header is complete once a record has ended: parse up to the first line end only.
    const text = chunk as string;
    const end = text.search(/[\r\n]/);
    parser.push(end === -1 ? text : text.slice(0, end + 1));
    if (header || broken || end !== -1) break;
  }
  (stream as unknown as { destroy(): void }).destroy();
  return broken ? null : header;
}
