// Small display helpers shared by the screens (sizes: core/bytes.ts, key ids: core/key-id.ts).

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The number typed into a numeric field, or why it is not one. The validators take numbers and
 * would say "got NaN" for "abc": the person should read what they typed and the rule instead.
 */
export function wholeNumberProblem(field: string, typed: string, rule: string): string | undefined {
  return /^\s*\d+\s*$/.test(typed) ? undefined : `${field}: "${typed}" is not a whole number; ${rule}`;
}

/** A number's text for its field: empty when it is the default, which then shows as a placeholder. */
export function unlessDefault(value: number, defaultValue: number): string {
  return value === defaultValue ? '' : String(value);
}

/**
 * A phase's time as a bar beside the others (the summary's timings): the slowest fills `width`
 * cells, the others in proportion, and any time at all shows at least one cell.
 */
export function timingBar(ms: number, slowestMs: number, width: number): string {
  if (ms <= 0 || slowestMs <= 0) return '';
  return '█'.repeat(Math.max(1, Math.round((ms / slowestMs) * width)));
}
