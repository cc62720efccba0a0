// What Deploy would do, computed the way `fcw deploy` computes it: the function as deployed
// (GetFunction) against the request the review shows, field by field, and the code by our CRC-64
// against the deployed codeChecksum. A new service holds no function: nothing to read.
import { useEffect } from 'react';
import { planDeploy, type DeployPlan } from '../../deploy/plan.js';
import type { FunctionInfo } from '../../fc/types.js';
import { toDeploySpec } from '../../wizard/profile.js';
import { useWizard } from '../context.js';
import type { PackageState } from './use-package.js';
import { useTask } from './use-task.js';

export type Changeset =
  { status: 'reading' } | { status: 'ready'; plan: DeployPlan } | { status: 'failed'; error: unknown };

export function useChangeset(pkg: PackageState): Changeset {
  const { state, session } = useWizard();
  const [read, runRead] = useTask<FunctionInfo | undefined>();
  const service = state.service;
  const functionName = state.functionName;
  const connection = session.connection;
  const nothingToRead = Boolean(service?.isNew) || !connection;

  useEffect(() => {
    if (!service || !functionName || service.isNew || !connection) return;
    void runRead((signal) => connection.getFunction(service.name, functionName, { signal }));
  }, [service, functionName, connection, runRead]);

  if (!service || !functionName) return { status: 'reading' };
  if (!nothingToRead && read.status === 'failed') return { status: 'failed', error: read.error };
  if (!nothingToRead && read.status !== 'done') return { status: 'reading' };
  const deployed = !nothingToRead && read.status === 'done' ? read.value : undefined;
  const packaged = state.code?.kind === 'folder' || state.code?.kind === 'zip';
  // The code's side of the comparison waits for the package the review shows.
  if (packaged && pkg.status !== 'built')
    return pkg.status === 'failed' ? { status: 'failed', error: pkg.error } : { status: 'reading' };
  const checksum = pkg.status === 'built' ? pkg.pkg.facts.checksum : undefined;
  // Paths do not matter to the plan (only the code's kind and checksum do): left as typed.
  return {
    status: 'ready',
    plan: planDeploy(
      toDeploySpec(state, (p) => p),
      deployed,
      checksum,
    ),
  };
}
