// Step 10: the deploy. Progress for packaging (files, bytes) and for each call, with the elapsed
// time. On failure: the service's code, message, request id and hint, and the way back to the
// step that fixes it (values kept) rather than starting over.
import path from 'node:path';
import { useEffect, useRef } from 'react';
import { Box, Text } from 'ink';
import { toErrorView } from '../../wizard/errors.js';
import { toDeploySpec } from '../../wizard/profile.js';
import { STEPS, type InputStepId } from '../../wizard/steps.js';
import { ErrorPanel, KeyHelp, Menu, Spinner, useColor, type MenuItem } from '../components.js';
import { useWizard } from '../context.js';
import { EXIT } from '../../core/errors.js';
import { formatMs, useElapsed } from '../hooks/use-elapsed.js';
import { formatBytes } from '../../core/bytes.js';
import { plural } from '../format.js';
import { currentPackage, packageKey } from '../session-package.js';
import { useTask } from '../hooks/use-task.js';

type After = { kind: 'fix'; step: InputStepId } | { kind: 'retry' } | { kind: 'review' } | { kind: 'quit' };

export function DeployStep() {
  const { state, dispatch, services, session, options, exit } = useWizard();
  const color = useColor();
  const deploy = state.deploy;
  const running = deploy.status === 'running';
  const elapsed = useElapsed(running, options.animation);
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

  const progress = deploy.status === 'running' || deploy.status === 'failed' ? deploy.progress : [];
  const lines = progress.map((p) => {
    const size = p.files !== undefined ? ` ${plural(p.files, 'file')} · ${formatBytes(p.bytes ?? 0)}` : '';
    const detail = p.detail ? ` ${p.detail}` : '';
    const time = p.ms !== undefined ? ` (${formatMs(p.ms)})` : '';
    if (p.done) {
      return (
        <Text key={p.phase} wrap="wrap">
          <Text color={color('green')}>✓</Text> {p.phase}
          {size}
          {detail}
          <Text dimColor>{time}</Text>
        </Text>
      );
    }
    return running ? (
      <Spinner key={p.phase} label={`${p.phase}${size}${detail}`} />
    ) : (
      <Text key={p.phase} wrap="wrap">
        <Text color={color('red')}>✗</Text> {p.phase}
        {size}
        {detail}
      </Text>
    );
  });

  if (deploy.status === 'failed') {
    const error = deploy.error;
    const items: MenuItem<After>[] = [];
    if (error.fixStep)
      items.push({
        label: `Go back and fix: ${STEPS[error.fixStep].title}`,
        value: { kind: 'fix', step: error.fixStep as InputStepId },
      });
    items.push({ label: 'Back to the review', value: { kind: 'review' } });
    items.push({ label: 'Try again', value: { kind: 'retry' } });
    items.push({ label: 'Quit', value: { kind: 'quit' }, note: 'exit 1' });
    return (
      <Box flexDirection="column">
        {lines}
        <ErrorPanel error={error} title="The deploy failed" />
        <Box marginTop={1}>
          <Menu
            items={items}
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
      {lines.length === 0 && <Spinner label="Starting…" />}
      <Box marginTop={1}>
        <Text dimColor>Ctrl-C cancels</Text>
      </Box>
    </Box>
  );
}
