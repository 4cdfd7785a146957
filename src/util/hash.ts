import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** The SHA-256 of a text, as lowercase hex. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The SHA-256 of each file, as lowercase hex, in order, worked out on a thread of its own: a bundle's gigabytes are
 * hashed while the calling thread reads them.
 */
export function sha256FilesOffThread(paths: readonly string[]): Promise<string[]> {
  const worker = new Worker(new URL('./hash-files-worker.mjs', import.meta.url), { workerData: { paths } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ok: boolean; hashes?: string[]; error?: string }) =>
      m.ok ? resolve(m.hashes!) : reject(new Error(m.error)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing thread stopped (exit ${code})`)));
  });
}
