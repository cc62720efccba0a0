// What Deploy would do, computed the way `fcw deploy` computes it: the function as deployed
// (GetFunction) against the request the review shows, field by field, and the code by our CRC-64
// against the deployed codeChecksum. A new service holds no function: nothing to read.
import { useEffect, useState } from 'react';
import { planDeploy, type DeployPlan } from '../../deploy/plan.js';
import type { FunctionInfo } from '../../fc/types.js';
import { toProfile } from '../../wizard/profile.js';
import { useWizard } from '../context.js';
import type { PackageState } from './use-package.js';

export type Changeset = { status: 'reading' } | { status: 'ready'; plan: DeployPlan } | { status: 'failed'; error: unknown };

export function useChangeset(pkg: PackageState): Changeset {
  const { state, session } = useWizard();
  type Read = { status: 'reading' } | { status: 'read'; fn: FunctionInfo | undefined } | { status: 'failed'; error: unknown };
  const [deployed, setDeployed] = useState<Read>({ status: 'reading' });
  const service = state.service;
  const functionName = state.functionName;

  useEffect(() => {
    const connection = session.connection;
    if (!service || !functionName) return;
    if (service.isNew || !connection) {
      setDeployed({ status: 'read', fn: undefined });
      return;
    }
    const controller = new AbortController();
    session.controllers.add(controller);
    connection
      .getFunction(service.name, functionName, { signal: controller.signal })
      .then(
        (fn) => !controller.signal.aborted && setDeployed({ status: 'read', fn }),
        (error: unknown) => !controller.signal.aborted && setDeployed({ status: 'failed', error }),
      )
      .finally(() => session.controllers.delete(controller));
    return () => controller.abort();
  }, [service, functionName, session]);

  if (deployed.status !== 'read') return deployed;
  const packaged = state.code?.kind === 'folder' || state.code?.kind === 'zip';
  // The code's side of the comparison waits for the package the review shows.
  if (packaged && pkg.status !== 'built') return pkg.status === 'failed' ? { status: 'failed', error: pkg.error } : { status: 'reading' };
  const profile = toProfile(state, 'review', (p) => p);
  const checksum = pkg.status === 'built' ? pkg.pkg.facts.checksum : undefined;
  return { status: 'ready', plan: planDeploy({ service: profile.service, function: profile.function, code: profile.code }, deployed.fn, checksum) };
}
