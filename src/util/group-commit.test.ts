import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  it('stores what arrives during a write together in the next one, in order', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number>(async (items) => {
      writes.push(items);
      await new Promise((r) => setTimeout(r, 5));
    });
    await Promise.all([1, 2, 3, 4].map((n) => group.add(n)));
    expect(writes).toEqual([[1], [2, 3, 4]]);
    await group.add(5);
    expect(writes.at(-1)).toEqual([5]);
  });

  it('fails every caller of a failed write, and goes on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit<string>(async (items) => {
      calls++;
      if (items.includes('bad')) throw new Error('disk full');
    });
    const first = group.add('ok');
    const failed = [group.add('bad'), group.add('also')];
    await first;
    await expect(failed[0]).rejects.toThrow('disk full');
    await expect(failed[1]).rejects.toThrow('disk full');
    await expect(group.add('after')).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });
});
