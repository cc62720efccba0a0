// Filters the service list as the person types. Names that start with the query come first, then
// names that contain it; both keep the service's order. Case-insensitive. Linear in the list, so a
// 2,000-entry list filters in well under a keystroke's budget (test/bench/startup.bench.ts measures it).
export function filterNames<T>(items: readonly T[], query: string, nameOf: (item: T) => string): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return items.slice();
  const starts: T[] = [];
  const contains: T[] = [];
  for (const item of items) {
    const name = nameOf(item).toLowerCase();
    const at = name.indexOf(q);
    if (at === 0) starts.push(item);
    else if (at > 0) contains.push(item);
  }
  return starts.concat(contains);
}

/** The slice of a long list to draw so that the highlighted row stays visible. */
export function visibleWindow(length: number, highlighted: number, size: number): { start: number; end: number } {
  if (length <= size) return { start: 0, end: length };
  const half = Math.floor(size / 2);
  const start = Math.max(0, Math.min(highlighted - half, length - size));
  return { start, end: start + size };
}

/**
 * The largest window (at most `maxItems` rows, the highlighted one inside) whose drawn lines fit in
 * `maxLines`: its rows, the "↑ N more" / "↓ N more" lines, and the heading a row starting a group
 * draws (`startsGroup(i, start)`: row i draws a heading when it is the window's first row `start`).
 */
export function fitWindow(
  length: number,
  highlighted: number,
  maxItems: number,
  maxLines: number,
  startsGroup: (i: number, start: number) => boolean = () => false,
): { start: number; end: number; lines: number } {
  const linesOf = ({ start, end }: { start: number; end: number }) => {
    let lines = end - start + (start > 0 ? 1 : 0) + (end < length ? 1 : 0);
    for (let i = start; i < end; i++) if (startsGroup(i, start)) lines++;
    return lines;
  };
  let window = visibleWindow(length, highlighted, 1);
  for (let n = Math.min(maxItems, length); n >= 1; n--) {
    const candidate = visibleWindow(length, highlighted, n);
    if (linesOf(candidate) <= maxLines) {
      window = candidate;
      break;
    }
  }
  return { ...window, lines: linesOf(window) };
}
