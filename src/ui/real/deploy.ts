// The deploy step's service: deploy() over the connection's client, its phases turned into the
// progress lines and timings the screen shows, a failure thrown with its type.
import { DeployFailedError } from '../../deploy/errors.js';
import type { DeployPhase, PhaseDetail } from '../../deploy/run.js';
import type { PackageOnDisk, PackageProgress, PackageResult } from '../../package/index.js';
import type { DeployOutcome, DeployProgress } from '../../wizard/state.js';
import type { WizardServices } from '../services.js';
import type { RealContext } from './context.js';
import { load } from './lazy.js';

/** Phases of deploy() as the screen names them; the others (validate, plan, confirm) are instant. */
const PHASE_LABELS: Partial<Record<DeployPhase, string>> = {
  package: 'package',
  read: 'GetFunction',
  'create-service': 'CreateService',
  create: 'CreateFunction',
  update: 'UpdateFunction',
  reread: 'GetFunction (read back)',
};

export function deployService({ connections, profiles }: RealContext): Pick<WizardServices, 'deploy'> {
  return {
    async deploy(spec, conn, { signal, onProgress, prebuilt, recordIn }): Promise<DeployOutcome> {
      const connected = connections.connectedOf(conn);
      if (!connected) throw new Error('deploy: the connection was not made by these services');
      const pkg = prebuilt?.handle as PackageOnDisk | PackageResult | undefined;
      const { deploy, lastDeployOf } = await load.deploy();
      const result = await deploy(
        {
          spec,
          source: 'the wizard',
          signal,
          prebuilt: pkg,
          record: recordIn ? { store: await profiles(), name: recordIn } : undefined,
          onPhase: (phase, detail) => {
            // A package the review showed is sent as is: no packaging happens, so no time to show.
            if (phase === 'package' && pkg) {
              if (detail.state === 'done') {
                onProgress({ phase: 'package', done: true, detail: 'the one the review showed (not built again)' });
              }
              return;
            }
            const progress = progressOf(phase, detail);
            if (progress) onProgress(progress);
          },
        },
        { client: connected.client, packager: connected.packager },
      );
      if (result.status === 'failed' || !result.function) throw new DeployFailedError(result.error);
      const fn = result.function;
      return {
        status: result.status,
        fn,
        localChecksum: result.checksum.local,
        remoteChecksum: result.checksum.remote ?? fn.codeChecksum,
        checksumMatch: result.checksum.match,
        timings: Object.entries(result.timings)
          .filter(([phase]) => !(phase === 'package' && pkg))
          .map(([phase, ms]) => ({ phase: PHASE_LABELS[phase as DeployPhase] ?? phase, ms })),
        requestIds: result.requestIds,
        warnings: result.warnings,
        lastDeploy: lastDeployOf(result, new Date()),
      };
    },
  };
}

function progressOf(phase: DeployPhase, detail: PhaseDetail): DeployProgress | undefined {
  const label = PHASE_LABELS[phase];
  if (!label) return undefined;
  if (detail.state === 'skipped') {
    return { phase: label, done: true, detail: detail.message ? `skipped: ${detail.message}` : 'skipped' };
  }
  if (detail.state === 'done') {
    const pkg = detail.package;
    return { phase: label, done: true, ms: detail.ms, ...(pkg ? { files: pkg.files, bytes: pkg.bytes } : {}) };
  }
  const progress = detail.progress as PackageProgress | undefined;
  return progress ? { phase: label, files: progress.files, bytes: progress.bytes } : { phase: label };
}
