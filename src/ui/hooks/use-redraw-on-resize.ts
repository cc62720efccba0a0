// Any resize redraws the wizard from a cleared screen. A terminal re-wraps the frame already drawn
// when its width changes (narrower: a line becomes two; wider: some terminals join them again), and
// scrolls rows away or pulls them back when its height changes, so the frame on screen no longer
// has the line count Ink erases by: a stale header stays above the new frame, or a second copy of
// it. Ink clears only when the width shrinks, and draws nothing when the frame's text is unchanged.
import { useEffect } from 'react';
import { useStdout } from 'ink';

/** Erase the whole screen, then put the cursor home: the frame is drawn again from the top. */
const CLEAR_SCREEN = '\u001B[2J\u001B[H';

export function useRedrawOnResize(): void {
  const { stdout, write } = useStdout();
  useEffect(() => {
    // Ink's write() erases its frame, writes this, then draws the current frame again in full.
    // Ink's own resize listener was added first, so the frame is laid out for the new size by then.
    const onResize = () => write(CLEAR_SCREEN);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, write]);
}
