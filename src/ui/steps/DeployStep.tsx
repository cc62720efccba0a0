// Step 10: the deploy. Progress for packaging (files, bytes) and for each call, with the elapsed
// time. On failure: the service's code, message, request id and hint, and the way back to the
// step that fixes it (values kept) rather than starting over.
import path from 'node:path';
import { useEffect, useRef } from 'react';
import { Box, Text } from 'ink';
import { EXIT } from '../../core/errors.js';
import { afterFailureChoices } from '../../wizard/deploy-view.js';
import { toErrorView } from '../../wizard/errors.js';
import { toDeploySpec } from '../../wizard/profile.js';
import { ErrorPanel, KeyHelp, Menu, Spinner } from '../components.js';
import { useWizard } from '../context.js';
import { formatMs, useElapsed } from '../hooks/use-elapsed.js';
import { useTask } from '../hooks/use-task.js';
import { currentPackage, packageKey } from '../session-package.js';
import { DeployProgressLines } from './DeployProgressLines.js';

export function DeployStep() {
  const { state, dispatch, options, exit } = useWizard();
  const deploy = state.deploy;
  const running = deploy.status === 'running';
  const elapsed = useElapsed(running, options.animation);
  useDeployRun();

  const progress = deploy.status === 'running' || deploy.status === 'failed' ? deploy.progress : [];
  const lines = <DeployProgressLines progress={progress} running={running} />;

  if (deploy.status === 'failed') {
    const error = deploy.error;
    return (
      <Box flexDirection="column">
        {lines}
        <ErrorPanel error={error} title="The deploy failed" />
        <Box marginTop={1}>
          <Menu
            items={afterFailureChoices(error.fixStep)}
            onSelect={({ value }) => {
              if (value.kind === 'fix') dispatch({ type: 'edit', step: value.step });
              else if (value.kind === 'review') dispatch({ type: 'back' });
              else if (value.kind === 'retry') dispatch({ type: 'deploy-start' });
              else exit(EXIT.failed);
            }}
          />
        </Box>
        <KeyHelp extra="↑/↓ move" />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text>
        Deploying {state.functionName} to {state.service?.name}… <Text dimColor>{formatMs(elapsed)}</Text>
      </Text>
      {lines}
      {progress.length === 0 && <Spinner label="Starting…" />}
      <Box marginTop={1}>
        <Text dimColor>Ctrl-C cancels</Text>
      </Box>
    </Box>
  );
}

/** Runs the deploy of each attempt, reporting its progress and its outcome to the wizard's state. */
function useDeployRun(): void {
  const { state, dispatch, services, session } = useWizard();
  const deploy = state.deploy;
  const startedFor = useRef<number | undefined>(undefined);
  const attempt = deploy.status === 'running' ? deploy.attempt : undefined;

  const [, runDeploy] = useTask<void>();

  useEffect(() => {
    // One deploy per attempt: progress updates must not start another; a retry does.
    if (attempt === undefined || startedFor.current === attempt) return;
    startedFor.current = attempt;
    const connection = session.connection;
    if (!connection) {
      dispatch({
        type: 'deploy-failed',
        error: { code: 'NoTarget', message: 'No target is connected.', fixStep: 'target' },
      });
      return;
    }
    void runDeploy(async (signal) => {
      try {
        // The deploy takes the spec as the state is when the attempt starts.
        const spec = toDeploySpec(state, (p) => path.resolve(services.cwd, p));
        const outcome = await services.deploy(spec, connection, {
          signal,
          prebuilt: await reviewedPackage(signal),
          ...(state.fromProfile ? { recordIn: state.fromProfile } : {}),
          onProgress: (progress) => {
            if (!signal.aborted) dispatch({ type: 'deploy-progress', progress });
          },
        });
        if (!signal.aborted) dispatch({ type: 'deploy-succeeded', outcome });
      } catch (error) {
        const view = toErrorView(error, { credentialSource: state.target?.credentialSource });
        if (!signal.aborted) dispatch({ type: 'deploy-failed', error: view });
      }
    });

    // The package the review showed is the one sent (same bytes, same checksum), unless the code
    // changed since: then it is packaged again here, and the screen says so before anything is sent.
    async function reviewedPackage(signal: AbortSignal) {
      const { code, runtime } = state;
      if (!packageKey(code, runtime) || (code?.kind !== 'folder' && code?.kind !== 'zip') || !runtime) return undefined;
      const { pkg, rebuiltFrom } = await currentPackage(services, session, code, runtime);
      if (rebuiltFrom && !signal.aborted) {
        const detail = `packaged again, CRC-64 ${rebuiltFrom.facts.checksum} → ${pkg.facts.checksum}`;
        dispatch({ type: 'deploy-progress', progress: { phase: 'code changed since the review', detail, done: true } });
      }
      return pkg;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);
}
