// A field's value as typed, kept for the whole run: Esc back and forward again shows it as it was
// left, submitted or not. A draft belongs to the value the step started from (`base`): when that
// changes underneath (another runtime clears the handler, a profile or a deployed function brings
// its own values), the draft is dropped and the step starts from the new value.
import { useState } from 'react';
import { useWizard } from '../context.js';

export function useDraft<T>(key: string, base: T): [T, (next: T) => void] {
  const { session } = useWizard();
  const drafts = (session.drafts ??= new Map());
  const baseKey = JSON.stringify(base) ?? 'undefined';
  const [value, setValue] = useState<T>(() => {
    const draft = drafts.get(key);
    return draft && draft.base === baseKey ? (draft.value as T) : base;
  });
  const set = (next: T) => {
    drafts.set(key, { base: baseKey, value: next });
    setValue(next);
  };
  return [value, set];
}
