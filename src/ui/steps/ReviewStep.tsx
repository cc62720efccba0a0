// Step 9: the whole request, the package's size and checksum, and where it goes. Deploy / edit a
// step / cancel. Deploy is gated by the same whole-request validation `fcw deploy` runs.
import { useState } from 'react';
import { Box, Text } from 'ink';
import { toErrorView } from '../../wizard/errors.js';
import { buildFunctionConfig } from '../../wizard/request.js';
import { INPUT_STEPS, STEPS, type InputStepId } from '../../wizard/steps.js';
import type { WizardState } from '../../wizard/state.js';
import { CheckLine, ErrorPanel, Issues, KeyHelp, Menu, RepackagedNote, Spinner, useColor } from '../components.js';
import { useEntryCheck } from '../hooks/use-entry-check.js';
import { useChangeset, type Changeset } from '../hooks/use-changeset.js';
import { formatDiff, type DeployAction } from '../../deploy/plan.js';
import { EXIT } from '../../core/errors.js';
import { useWizard } from '../context.js';
import { useBack } from '../hooks/use-back.js';
import { usePackage } from '../hooks/use-package.js';
import { formatBytes } from '../../core/bytes.js';
import { plural } from '../format.js';

/** The request as label/value lines; `action` is what Deploy would do once it is known. */
export function reviewLines(state: WizardState, action?: DeployAction): [string, string][] {
  const config = buildFunctionConfig(state);
  const t = state.target;
  const lines: [string, string][] = [];
  if (t)
    lines.push([
      'target',
      `${t.kind === 'cloud' ? `Alibaba Cloud ${t.region}` : t.kind === 'sandbox' ? 'local sandbox' : 'endpoint'} · ${t.endpoint}`,
    ]);
  if (t) lines.push(['account', `${t.accountId} · credentials: ${t.credentialSource}`]);
  if (state.service)
    lines.push([
      'service',
      `${state.service.name}${state.service.isNew ? ': create' : state.service.createIfMissing ? ' (created if missing)' : ''}`,
    ]);
  lines.push([
    'function',
    `${config.functionName} (${action ?? (state.mode === 'update' ? 'update the existing function' : 'create')})`,
  ]);
  lines.push(['runtime', config.runtime]);
  lines.push(['handler', config.handler]);
  const code = state.code;
  if (code?.kind === 'folder' || code?.kind === 'zip')
    lines.push(['code', `${code.kind === 'folder' ? 'folder' : 'zip'} ${code.path}`]);
  else if (code?.kind === 'oss') lines.push(['code', `oss://${code.bucket}/${code.object}`]);
  else if (code?.kind === 'image') {
    lines.push(['image', code.image]);
    if (code.command) lines.push(['command', code.command]);
    if (code.args) lines.push(['args', code.args]);
    lines.push(['acceleration', code.accelerationType ?? 'Default']);
  }
  lines.push(['memory', `${config.memorySize} MB`]);
  if (config.instanceType) lines.push(['instance', config.instanceType]);
  lines.push(['timeout', `${config.timeout} s`]);
  if (config.initializer)
    lines.push(['initializer', `${config.initializer} (timeout ${config.initializationTimeout} s)`]);
  if (config.description) lines.push(['description', config.description]);
  if (config.environmentVariables) lines.push(['environment', Object.keys(config.environmentVariables).join(', ')]);
  if (config.layers) lines.push(['layers', config.layers.join(', ')]);
  if (config.caPort !== undefined) lines.push(['caPort', String(config.caPort)]);
  return lines;
}

/** What Deploy would do against what is deployed: the changed fields, and the code by checksum. */
function ChangesetView({
  changeset,
  width,
  credentialSource,
}: {
  changeset: Changeset;
  width: number;
  credentialSource?: string;
}) {
  const color = useColor();
  if (changeset.status === 'reading') return <Spinner label="Reading the deployed function to compare…" />;
  if (changeset.status === 'failed')
    return (
      <ErrorPanel
        error={toErrorView(changeset.error, { credentialSource })}
        title="Could not read the deployed function to compare"
      />
    );
  const { plan } = changeset;
  if (plan.action === 'create') return null;
  if (plan.action === 'unchanged') {
    return (
      <Text color={color('green')} wrap="wrap">
        <Text dimColor>{'changes'.padEnd(width)}</Text>
        none: the deployed function already equals this request; {plan.codeReason}
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      <Text>
        <Text dimColor>{'changes'.padEnd(width)}</Text>
        against the deployed function:
      </Text>
      {plan.diff.length > 0 && <Text wrap="wrap">{formatDiff(plan.diff, ' '.repeat(width + 2))}</Text>}
      <Text wrap="wrap">
        {' '.repeat(width + 2)}
        {plan.codeReason}
      </Text>
    </Box>
  );
}

/** "handler: " before a message that does not already start with the field's name. */
function named(check: { message: string }, field: string): string {
  return check.message.toLowerCase().startsWith(field) ? '' : `${field}: `;
}

/** A failed or doubtful check names the step that changes the value (Edit a step, then that step). */
function withFix(check: { status: string; message: string }, step: string): string {
  return check.status === 'ok' ? check.message : `${check.message} To change it: Edit a step → ${step}.`;
}

export function ReviewStep() {
  const { state, dispatch, exit } = useWizard();
  const color = useColor();
  const pkg = usePackage();
  // The handler and the initializer against the package shown here, as their steps check them.
  const handlerCheck = useEntryCheck(pkg, state.runtime ?? '', state.handler ?? '', 'handler');
  const initializerCheck = useEntryCheck(pkg, state.runtime ?? '', state.initializer, 'initializer');
  const changeset = useChangeset(pkg);
  const action = changeset.status === 'ready' ? changeset.plan.action : undefined;
  const [editing, setEditing] = useState(false);
  useBack(() => {
    if (editing) {
      setEditing(false);
      return true;
    }
    return false;
  });
  const width = 13;
  return (
    <Box flexDirection="column">
      {state.fromProfile && <Text dimColor>from profile {state.fromProfile}</Text>}
      {reviewLines(state, action).map(([label, value]) => (
        <Text key={label} wrap="wrap">
          <Text dimColor>{label.padEnd(width)}</Text>
          {value}
        </Text>
      ))}
      {pkg.status === 'checking' && <Spinner label="Checking the code for changes…" />}
      {pkg.status === 'built' && pkg.replaced && (
        <RepackagedNote before={pkg.replaced.facts.checksum} after={pkg.pkg.facts.checksum} />
      )}
      {pkg.status === 'building' && <Spinner label={`Packaging… ${pkg.files} files, ${formatBytes(pkg.bytes)}`} />}
      {pkg.status === 'built' && (
        <Text wrap="wrap">
          <Text dimColor>{'package'.padEnd(width)}</Text>
          {plural(pkg.pkg.facts.files, 'file')} · {formatBytes(pkg.pkg.facts.bytes)} →{' '}
          {formatBytes(pkg.pkg.facts.zipBytes)} zip ·{' '}
          <Text
            color={color(
              pkg.pkg.verdict.level === 'ok' ? 'green' : pkg.pkg.verdict.level === 'warning' ? 'yellow' : 'red',
            )}
          >
            {pkg.pkg.verdict.text}
          </Text>
        </Text>
      )}
      {pkg.status === 'built' && (
        <Text>
          <Text dimColor>{'CRC-64'.padEnd(width)}</Text>
          {pkg.pkg.facts.checksum}
        </Text>
      )}
      {pkg.status === 'failed' && <ErrorPanel error={toErrorView(pkg.error)} title="The package could not be built" />}
      {handlerCheck && (
        <CheckLine
          prefix={named(handlerCheck, 'handler')}
          status={handlerCheck.status}
          message={withFix(handlerCheck, 'Handler')}
        />
      )}
      {initializerCheck && (
        <CheckLine
          prefix={named(initializerCheck, 'initializer')}
          status={initializerCheck.status}
          message={withFix(initializerCheck, STEPS.limits.title)}
        />
      )}
      <ChangesetView changeset={changeset} width={width} credentialSource={state.target?.credentialSource} />
      <Issues issues={state.issues} />
      <Box marginTop={1} flexDirection="column">
        {editing ? (
          <Menu
            key="edit"
            items={INPUT_STEPS.map((s) => ({ label: STEPS[s].title, value: s }))}
            onSelect={(item) => dispatch({ type: 'edit', step: item.value as InputStepId })}
          />
        ) : (
          <Menu
            key="main"
            items={[
              ...(action === 'unchanged'
                ? [{ label: 'Exit', value: 'done', note: 'nothing to deploy, nothing is written (exit 0)' }]
                : []),
              {
                label:
                  action === 'update' || (!action && state.mode === 'update')
                    ? 'Deploy (update the function)'
                    : 'Deploy',
                value: 'deploy',
              },
              { label: 'Edit a step', value: 'edit' },
              { label: 'Cancel', value: 'cancel', note: 'nothing is sent' },
            ]}
            onSelect={(item) => {
              if (item.value === 'deploy') dispatch({ type: 'deploy-start' });
              else if (item.value === 'edit') setEditing(true);
              else if (item.value === 'done') exit(EXIT.ok);
              else exit(EXIT.cancelled);
            }}
          />
        )}
      </Box>
      <KeyHelp extra="↑/↓ move" />
    </Box>
  );
}
