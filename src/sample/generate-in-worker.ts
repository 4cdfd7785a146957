import { Worker } from 'node:worker_threads';
import type { SampleSize } from './generate.ts';
import type { SampleSummary } from './write.ts';

/**
 * Writes a sample on a thread of its own whose young generation is large: the generator makes millions of
 * short-lived rows and strings, and with V8's default nursery most of its time went to collecting them (L: 50 s
 * with the default, 33 s with this). The old generation may grow to what XL needs.
 */
export function generateSampleInWorker(size: SampleSize, seed: number, dir: string): Promise<SampleSummary> {
  const worker = new Worker(new URL('./generate-worker.mjs', import.meta.url), {
    workerData: { size, seed, dir },
    resourceLimits: { maxYoungGenerationSizeMb: 192, maxOldGenerationSizeMb: 8192 },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ok: boolean; summary?: SampleSummary; error?: string }) =>
      m.ok ? resolve(m.summary!) : reject(new Error(m.error)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the sample generator stopped (exit ${code})`)));
  });
}
