// Small display helpers shared by the screens.
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** An AccessKey id as it may be shown: the first 4 and last 4 characters. */
export function maskKeyId(id: string): string {
  return id.length <= 8 ? '****' : `${id.slice(0, 4)}****${id.slice(-4)}`;
}

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
