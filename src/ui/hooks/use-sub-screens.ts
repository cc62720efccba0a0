// A step's own stack of sub-screens (a menu, then a field, then another): `go` opens one, Esc
// closes the newest and, on the first, lets the wizard go back a step. `busy` keeps Esc from
// doing either while the step waits on something (a connection being made).
import { useState } from 'react';
import { useBack } from './use-back.js';

export interface SubScreens<T> {
  /** The sub-screen shown now: the newest opened. */
  current: T;
  /** Every sub-screen opened, oldest first (the current one last). */
  trail: readonly T[];
  /** Opens one or more sub-screens, in order; Esc closes them one at a time. */
  go: (...next: T[]) => void;
}

export function useSubScreens<T>(first: T, busy: () => boolean = () => false): SubScreens<T> {
  const [trail, setTrail] = useState<T[]>([first]);
  useBack(() => {
    if (busy()) return true;
    if (trail.length > 1) {
      setTrail((list) => list.slice(0, -1));
      return true;
    }
    return false;
  });
  return { current: trail[trail.length - 1]!, trail, go: (...next) => setTrail((list) => [...list, ...next]) };
}
