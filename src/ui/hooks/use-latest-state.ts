// State that key handlers can read before the re-render: keys in one chunk (Down then Enter) reach
// the handlers one after the other, before React renders again, so they read the ref.
import { useRef, useState, type MutableRefObject } from 'react';

export function useLatestState<T>(initial: T): [T, MutableRefObject<T>, (next: T | ((current: T) => T)) => void] {
  const [value, setValue] = useState(initial);
  const latest = useRef(initial);
  const set = (next: T | ((current: T) => T)) => {
    latest.current = typeof next === 'function' ? (next as (current: T) => T)(latest.current) : next;
    setValue(latest.current);
  };
  return [value, latest, set];
}
