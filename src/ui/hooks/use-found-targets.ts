// The keys and the saved profiles the target step offers, looked for once on entering the step. A
// search that fails offers nothing from it rather than stopping the wizard.
import { useEffect } from 'react';
import { useWizard } from '../context.js';
import type { FoundCredentials, ProfileListing } from '../services.js';
import { useTask } from './use-task.js';

export interface FoundTargets {
  creds: FoundCredentials[];
  profiles: ProfileListing[];
}

/** Undefined until both searches are done; `onFound` runs once then, with what they found. */
export function useFoundTargets(onFound: (found: FoundTargets) => void): FoundTargets | undefined {
  const { services } = useWizard();
  const [search, runSearch] = useTask<FoundTargets>();
  useEffect(() => {
    void runSearch(async () => {
      const [creds, profiles] = await Promise.all([
        services.findCredentials().catch(() => []),
        services.listProfiles().catch(() => []),
      ]);
      return { creds, profiles };
    }).then((found) => found && onFound(found));
    // Once, on entering the step.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return search.status === 'done' ? search.value : undefined;
}
