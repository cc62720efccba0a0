// Seconds since a start time, ticking while `running`. Without animation it ticks once a second.
import { useEffect, useState } from 'react';

export function useElapsed(running: boolean, animation: boolean): number {
  const [start] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) {
      setNow(Date.now());
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), animation ? 100 : 1000);
    return () => clearInterval(timer);
  }, [running, animation]);
  return now - start;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
