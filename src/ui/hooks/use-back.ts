// Lets a step take Esc for itself while it shows a sub-screen (a second field, a confirmation):
// the handler returns true when it handled the key, false to let the wizard go back a step.
import { useEffect } from 'react';
import { useWizard } from '../context.js';

export function useBack(handler: () => boolean): void {
  const { backHandler } = useWizard();
  // No dependency list: the latest closure is installed after every render, and removed when the
  // step unmounts (React runs all removals of a commit before the next step's installs).
  useEffect(() => {
    backHandler.current = handler;
    return () => {
      backHandler.current = undefined;
    };
  });
}
