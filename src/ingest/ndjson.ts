import { createInterface } from 'node:readline';
import { openText } from './csv.ts';

export type ObjectSink = (record: Record<string, unknown>, line: number) => void;

/** One JSON object per line; blank lines are skipped; a line that is not an object is an error. */
export async function parseNdjsonFile(
  path: string,
  onRecord: ObjectSink,
  onError: (line: number, message: string) => void,
): Promise<void> {
  let line = 0;
  for await (const raw of createInterface({ input: openText(path), crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      onError(line, `not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      onError(line, 'not a JSON object');
      continue;
    }
    onRecord(value as Record<string, unknown>, line);
  }
}
