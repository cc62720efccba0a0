// The initializer checked against the package as typed, as the handler is: one the package cannot
// serve is refused once, and a second Enter on the same value keeps it (e.g. a layer provides it).
import { useState } from 'react';
import { useWizard } from '../context.js';
import type { HandlerCheckResult } from '../services.js';
import { useDebounced } from './use-debounced.js';
import { useEntryCheck } from './use-entry-check.js';
import type { PackageState } from './use-package.js';

export interface InitializerCheck {
  /** The check of what is in the field now; undefined while typing or with nothing to check. */
  check: HandlerCheckResult | undefined;
  /** The value in the field was refused once: Enter again keeps it. */
  refusedOnce: boolean;
  /** Whether Enter on `value` goes on; false refuses it this once. */
  accept: (value: string) => Promise<boolean>;
}

export function useInitializerCheck(pkg: PackageState, runtime: string, initializer: string): InitializerCheck {
  const { services } = useWizard();
  const settled = useDebounced(initializer.trim(), 120);
  const live = useEntryCheck(pkg, runtime, settled, 'initializer');
  const check = settled === initializer.trim() ? live : undefined;
  const [refused, setRefused] = useState<string | undefined>();
  const accept = async (value: string) => {
    // Checked again on the submitted value: Enter may come before the live check caught up.
    if (pkg.status !== 'built') return true;
    const result = await services.checkHandler(pkg.pkg, runtime, value, 'initializer').catch(() => undefined);
    if (result?.status === 'error' && refused !== value) {
      setRefused(value);
      return false;
    }
    return true;
  };
  return { check, refusedOnce: check?.status === 'error' && refused === initializer.trim(), accept };
}
