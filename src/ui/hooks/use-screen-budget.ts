// How many lines a list may draw so that the whole frame fits the terminal's height. A frame as tall
// as the terminal scrolls: Ink then redraws it from the top of a cleared screen, and the header (the
// target, the step) and the key hint scroll out of sight. The list is the part that can give lines
// up, so it is sized from what is left once the rest of the frame is laid out: after each render the
// frame is measured, and the list's budget becomes the rows left over by everything else. That needs
// no estimate of how the header or a wrapped rule line lays out.
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
  // What the budget was found for: a resize, or a list that wants more lines (it filled in, the
  // highlight moved to where group headings are), starts again from `wanted`.
  const [basis, setBasis] = useState({ rows, wanted });
  // After every render, on purpose: any part of the frame may have grown (an issue line, a detail
  // that wraps). Between those fresh starts the budget only shrinks, so this settles even when two
  // lists share a screen (each giving up lines the other gave up too would otherwise make them take
  // turns growing and shrinking); it sets state only when something changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (rows !== basis.rows || wanted > basis.wanted) {
      setBasis({ rows, wanted });
      setBudget(wanted);
      return;
    }
    const frame = session.frame;
    if (!rows || !frame) return;
    const others = measureElement(frame).height - ownLines.current;
    // One row stays free: Ink's frame ends with a newline, and a frame of `rows` lines scrolls.
    const next = Math.max(MIN_LIST_LINES, Math.min(budget, rows - 1 - others));
    if (next !== budget) setBudget(next);
  });
  return Math.min(budget, wanted);
}
