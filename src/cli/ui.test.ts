import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from './ui.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('Progress', () => {
  it('times each step until the next begins, the last until done, in the order they came', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const progress = new Progress(4, true);
    vi.setSystemTime(1_000_200);
    progress.step('reading');
    vi.setSystemTime(1_001_700);
    progress.step('storing');
    vi.setSystemTime(1_002_000);
    progress.step('engine');
    vi.setSystemTime(1_002_250);
    progress.step('storing');
    vi.setSystemTime(1_002_300);
    expect(progress.done()).toBe(2.3);
    vi.setSystemTime(1_009_000);
    expect(progress.steps()).toEqual([
      { step: 'reading', seconds: 1.5 },
      { step: 'storing', seconds: 0.3 },
      { step: 'engine', seconds: 0.25 },
      { step: 'storing', seconds: 0.05 },
    ]);
    expect(progress.done()).toBe(2.3);
  });
});
