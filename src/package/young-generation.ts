// Keeps V8's young generation from growing while a package is built.
//
// Packaging allocates short-lived objects and Buffers at a high rate (stat results, jszip's
// framing, each file's compressed bytes until written). V8 answers that by doubling the main
// thread's young-generation semi-spaces up to 16 MB each (32 MB resident), and the Buffers' memory
// outside the heap is freed only when a collection finds them dead, so fewer, later scavenges let
// tens of MB of written Buffers pile up. The semi-spaces' maximum can be set only on Node's
// command line, but V8 reads the growth factor each time it grows them, so a factor of 1 keeps
// them at their current size. Two facts make this a guard rather than a one-off: V8 puts the
// factor back to its minimum of 2 whenever an isolate starts (each worker thread, including the
// compressing ones), and the rest of fcw (the sandbox server, the wizard) is better served by the
// default. Measured on a 9,701-file, 311 MB tree (a 65 MB zip), `fcw package --out`: peak RSS
// 220-228 MB without it, 164-180 MB with it.
// Node warns that flags changed after start may behave unpredictably; this one is a plain number
// V8 reads when it grows the semi-spaces, and test/cli/package-young-generation.test.ts checks the
// effect on the built bin, so a Node release that ignores it shows up as a failing test.
import { setFlagsFromString } from 'node:v8';

/** V8's default (and minimum) growth factor, put back when no build is running. */
const DEFAULT_GROWTH_FACTOR = 2;

let builds = 0;

const growthFlag = (factor: number) => `--semi-space-growth-factor=${factor}`;

function setGrowthFactor(factor: number): void {
  setFlagsFromString(growthFlag(factor));
}

/** Runs `build` with the young generation's growth switched off (concurrent builds share it). */
export async function withSmallYoungGeneration<T>(build: () => Promise<T>): Promise<T> {
  if (builds++ === 0) setGrowthFactor(1);
  try {
    return await build();
  } finally {
    if (--builds === 0) setGrowthFactor(DEFAULT_GROWTH_FACTOR);
  }
}

/**
 * The flag a new worker thread sets as soon as it runs (its isolate's start has just put the factor
 * back to 2), or undefined when no build is running. Set from the worker itself, not on its
 * 'online' event: that event reaches a busy main thread late, and the semi-spaces grew meanwhile.
 */
export function growthFlagToRestore(): string | undefined {
  return builds > 0 ? growthFlag(1) : undefined;
}
