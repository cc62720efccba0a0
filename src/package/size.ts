// The size report's numbers: base64 size, the largest entries, and the verdict against FC's limits
// (validate.ts's validateCodeSize words it, from the constants in limits.ts).
import { formatBytes } from '../core/bytes.js';
import { CODE_INLINE_MAX_BYTES, CODE_INLINE_WARN_BYTES, CODE_OSS_MAX_BYTES } from '../fc/limits.js';
import { validateCodeSize } from '../fc/validate.js';
import type { LargestEntry, SizeVerdict } from './types.js';

export const LARGEST_COUNT = 10;

/** Keeps the `count` largest of what it is offered, largest first, ties by path (deterministic). */
export class LargestTracker {
  private readonly items: LargestEntry[] = [];
  constructor(private readonly count = LARGEST_COUNT) {}

  offer(path: string, bytes: number): void {
    const items = this.items;
    if (items.length === this.count) {
      const last = items[items.length - 1]!;
      if (bytes < last.bytes || (bytes === last.bytes && path > last.path)) return;
    }
    let at = items.length;
    while (at > 0 && (items[at - 1]!.bytes < bytes || (items[at - 1]!.bytes === bytes && items[at - 1]!.path > path)))
      at--;
    items.splice(at, 0, { path, bytes });
    if (items.length > this.count) items.pop();
  }

  list(): LargestEntry[] {
    return this.items.map((item) => ({ ...item }));
  }
}

/** The zip's size against the limits: inline up to 50 MB fine, to 100 MB a warning, above only through OSS (to 500 MB). */
export function sizeVerdict(zipBytes: number): SizeVerdict {
  const inline = validateCodeSize(zipBytes, 'inline');
  if (!inline) {
    return {
      status: 'ok',
      via: 'inline',
      message: `${formatBytes(zipBytes)} fits inline (warning from ${formatBytes(CODE_INLINE_WARN_BYTES)}, limit ${formatBytes(CODE_INLINE_MAX_BYTES)}).`,
    };
  }
  if (inline.severity === 'warning') return { status: 'warning', via: 'inline', message: inline.message };
  const oss = validateCodeSize(zipBytes, 'oss');
  if (!oss) return { status: 'error', via: 'oss', message: inline.message };
  return {
    status: 'error',
    via: 'none',
    message: oss.message || `over ${formatBytes(CODE_OSS_MAX_BYTES)}: too large even through OSS.`,
  };
}
