// The young-generation guard: on for the whole of every running build, off once none runs.
import { describe, expect, it } from 'vitest';
import { growthFlagToRestore, withSmallYoungGeneration } from '../../src/package/young-generation.js';

const OFF = '--semi-space-growth-factor=1';

describe('withSmallYoungGeneration', () => {
  it('asks new worker threads to switch growth off only while a build runs', async () => {
    expect(growthFlagToRestore()).toBeUndefined();
    const inside = await withSmallYoungGeneration(async () => growthFlagToRestore());
    expect(inside).toBe(OFF);
    expect(growthFlagToRestore()).toBeUndefined();
  });

  it('stays on until the last of two concurrent builds ends, even when one fails', async () => {
    let finishSecond!: () => void;
    const second = withSmallYoungGeneration(() => new Promise<void>((resolve) => (finishSecond = resolve)));
    await expect(withSmallYoungGeneration(() => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(growthFlagToRestore()).toBe(OFF);
    finishSecond();
    await second;
    expect(growthFlagToRestore()).toBeUndefined();
  });
});
