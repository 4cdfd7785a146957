import { closeSync, createReadStream, createWriteStream, openSync, readSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** Bytes of a file: from `start` up to, not including, `end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A CSV file's rows cut into parts of at most about `bytes` each, of even size, at line starts, and its header line: each part can be read
 * as a file of its own behind the header (see writeCsvPart). A cut that falls inside a quoted value spanning lines
 * leaves the part before it with a quote open at its end, which a strict reader refuses: the caller then reads the
 * whole file as one. There is always at least one part (empty when the file has no rows).
 */
export function csvParts(path: string, bytes: number): { header: ByteRange; parts: ByteRange[] } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const headerEnd = lineStartFrom(fd, 0, size);
    // As many parts as `bytes` asks for, of even size: the last is not a remainder a worker would wait on.
    const count = Math.max(1, Math.ceil((size - headerEnd) / bytes));
    const even = Math.ceil((size - headerEnd) / count);
    const parts: ByteRange[] = [];
    let start = headerEnd;
    while (start < size || parts.length === 0) {
      const end = start + even >= size ? size : lineStartFrom(fd, start + even, size);
      parts.push({ start, end });
      start = end;
    }
    return { header: { start: 0, end: headerEnd }, parts };
  } finally {
    closeSync(fd);
  }
}

/** Where the first line starting after `from` begins (the byte after its newline), or the file's end. */
function lineStartFrom(fd: number, from: number, size: number): number {
  const buf = Buffer.alloc(64 << 10);
  for (let at = from; at < size; at += buf.length) {
    const n = readSync(fd, buf, 0, buf.length, at);
    const newline = buf.subarray(0, n).indexOf(10);
    if (newline >= 0) return at + newline + 1;
  }
  return size;
}

/** Writes the header and one part of a CSV file (see csvParts) to `to`, as a CSV file of its own. */
export async function writeCsvPart(
  path: string,
  header: ByteRange,
  part: ByteRange,
  to: string,
): Promise<void> {
  const ranges = [header, part].filter((r) => r.end > r.start);
  await pipeline(async function* () {
    for (const r of ranges)
      yield* createReadStream(path, { start: r.start, end: r.end - 1, highWaterMark: 1 << 20 });
  }, createWriteStream(to));
}
