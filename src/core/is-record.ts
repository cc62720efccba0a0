/** True for a plain JSON object: not null, not an array. Parsed files and bodies are checked with it. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
