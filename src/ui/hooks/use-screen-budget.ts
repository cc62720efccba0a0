// How many lines a list may draw so that the whole frame fits the terminal's height. A frame as tall
// as the terminal scrolls: Ink then redraws it from the top of a cleared screen, and the header (the
// target, the step) and the key hint scroll out of sight. The list is the part that can give lines
// up, so it is sized from what is left once the rest of the frame is laid out: after each render the
// frame is measured, and the list's budget becomes the rows left over by everything else. That
// converges in one more render (the rest of the frame does not depend on the budget) and needs no
// estimate of how the header or a wrapped rule line lays out.
import { useEffect, useState, type RefObject } from 'react';
import { measureElement, useStdout } from 'ink';
import { useWizard } from '../context.js';

/** A list shows at least this many lines, however small the terminal. */
const MIN_LIST_LINES = 3;

/** The terminal's height, redrawn on resize; undefined when stdout is no terminal (no limit then). */
function useTerminalRows(): number | undefined {
  const { stdout } = useStdout();
  const [rows, setRows] = useState<number | undefined>(stdout.rows);
  useEffect(() => {
    const onResize = () => setRows(stdout.rows);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return rows;
}

/**
 * The lines a list may use: at most `wanted`, fewer when the frame would not fit. `ownLines` holds
 * the lines the list drew in this render (set during render, read after it).
 */
export function useScreenBudget(wanted: number, ownLines: RefObject<number>): number {
  const { session } = useWizard();
  const rows = useTerminalRows();
  const [budget, setBudget] = useState(wanted);
  // After every render, on purpose: any part of the frame may have grown (an issue line, a detail
  // that wraps). It sets state only when the budget changes, and the budget it computes does not
  // depend on the budget it was rendered with, so it settles after one more render.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => {
    const frame = session.frame;
    let next = wanted;
    if (rows && frame) {
      const others = measureElement(frame).height - ownLines.current;
      // One row stays free: Ink's frame ends with a newline, and a frame of `rows` lines scrolls.
      next = Math.max(MIN_LIST_LINES, Math.min(wanted, rows - 1 - others));
    }
    if (next !== budget) setBudget(next);
  });
  return budget;
}
