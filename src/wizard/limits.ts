// The limits step's rules as plain data: a typed whole number, the memory an instance type starts
// from or keeps on a switch, and a size typed on the memory list. No I/O and no Ink here.
import { MEMORY_DEFAULT_MB } from '../fc/limits.js';
import { memoryChoices, type KnownInstanceType } from '../fc/rules.js';
import { validateMemorySize } from '../fc/validate.js';

/** A whole number as typed, or NaN (so "12.5" and "12abc" fail the validators rather than round). */
export function toInt(v: string): number {
  return /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
}

/** The default size of an instance type: what its rule shows, and what Enter on the emptied field takes. */
export function defaultMemory(type: KnownInstanceType): number {
  return validateMemorySize(MEMORY_DEFAULT_MB, type)
    ? (memoryChoices(type)[0] ?? MEMORY_DEFAULT_MB)
    : MEMORY_DEFAULT_MB;
}

/** The size kept on switching to `next`: one it does not take becomes its smallest. */
export function memoryAfterSwitch(memory: number, next: KnownInstanceType): number {
  return validateMemorySize(memory, next) ? (memoryChoices(next)[0] ?? memory) : memory;
}

/**
 * Digits typed on the memory list start typing a size. A chunk "1024\r" (typed fast, pasted) is
 * taken whole when the number is valid for the type. Undefined when the input is not digits.
 */
export function typedMemoryStart(
  input: string,
  type: KnownInstanceType,
): { digits: string; confirmed: boolean } | undefined {
  const digits = /^\d+/.exec(input)?.[0];
  if (!digits) return undefined;
  const rest = input.slice(digits.length);
  return { digits, confirmed: /^[\r\n]/.test(rest) && !validateMemorySize(Number(digits), type) };
}
