// Which version an invocation through an alias runs. An alias names a main version and may give
// other versions a share of the calls (`additionalVersionWeight`, {"2": 0.1}: one call in ten runs
// version 2); FC draws each call at random (its default `resolvePolicy: Random`), so does the
// sandbox, with a random source that tests can replace.

/** A number in [0, 1), as Math.random gives. */
export type RandomSource = () => number;

/**
 * The version one call runs: `draw` falls into one additional version's share (in the order of the
 * version ids), or past them all into the main version's.
 */
export function pickAliasVersion(mainVersionId: string, weights: Record<string, number>, draw: number): string {
  let upTo = 0;
  for (const versionId of Object.keys(weights).sort((a, b) => Number(a) - Number(b))) {
    upTo += weights[versionId] ?? 0;
    if (draw < upTo) return versionId;
  }
  return mainVersionId;
}
