// Reveals `total` lines one by one (the summary's animation). Without animation all at once;
// `skip` shows the rest at once (Enter or Space on the summary).
import { useEffect, useState } from 'react';

export const REVEAL_INTERVAL_MS = 90;

export function useReveal(total: number, animation: boolean): [number, () => void] {
  const [shown, setShown] = useState(animation ? 0 : total);
  useEffect(() => {
    if (!animation) {
      setShown(total);
      return;
    }
    if (shown >= total) return;
    const timer = setTimeout(() => setShown((n) => n + 1), REVEAL_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [shown, total, animation]);
  return [Math.min(shown, total), () => setShown(total)];
}
