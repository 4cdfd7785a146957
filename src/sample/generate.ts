import { planWorld } from './plan.ts';
import { Rng } from './rng.ts';
import { type SampleSummary, writeSample } from './write.ts';

/** Bumped whenever the generated world changes, so cached samples are not mistaken for current ones. */
export const SAMPLE_VERSION = 3;

export const SIZES = { s: 1_000, m: 20_000, l: 200_000, xl: 1_000_000 } as const;
export type SampleSize = keyof typeof SIZES;

/** A deterministic sample bundle telling the story Daylight exists for, with its ground truth. */
export async function generateSample(size: SampleSize, seed: number, dir: string): Promise<SampleSummary> {
  const rng = new Rng(seed);
  const plan = planWorld(rng, SIZES[size]);
  return writeSample(plan, dir, rng.fork(7), seed, size);
}
