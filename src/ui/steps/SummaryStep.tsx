// Step 11: what the service answered, revealed line by line: functionId, runtime, handler, memory,
// timeout, codeSize, codeChecksum with a mark that it equals the checksum computed here (one that
// differs heads the screen as a failed deploy and exits 1); how long each phase took; an offer to
// save a profile; then the one-line redeploy command.
import path from 'node:path';
import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { deployCommand } from '../../wizard/request.js';
import type { DeployOutcome } from '../../wizard/state.js';
import { ErrorPanel, Field, KeyHelp, Menu, useColor } from '../components.js';
import { useWizard } from '../context.js';
import { isEnter } from '../text-edit.js';
import { EXIT } from '../../core/errors.js';
import { useBack } from '../hooks/use-back.js';
import { formatMs } from '../hooks/use-elapsed.js';
import { useReveal } from '../hooks/use-reveal.js';
import { useTask, type TaskState } from '../hooks/use-task.js';
import { formatBytes } from '../../core/bytes.js';
import { timingBar } from '../format.js';
import { toErrorView } from '../../wizard/errors.js';
import { toProfile } from '../../wizard/profile.js';
import { InvokePanel } from './InvokePanel.js';

export interface SummaryLine {
  label: string;
  value: string;
  mark?: 'ok' | 'bad';
}

/**
 * The answer's codeChecksum is not the CRC-64 of the package sent: the function does not hold
 * that package, so the deploy failed whatever the status says.
 */
export function checksumDiffers(outcome: DeployOutcome): boolean {
  const remote = outcome.fn.codeChecksum;
  return outcome.localChecksum !== undefined && remote !== undefined && remote !== outcome.localChecksum;
}

export function summaryLines(outcome: DeployOutcome): SummaryLine[] {
  const fn = outcome.fn;
  const lines: SummaryLine[] = [
    { label: 'status', value: outcome.status },
    { label: 'functionId', value: fn.functionId },
    { label: 'functionName', value: fn.functionName },
    { label: 'runtime', value: fn.runtime },
    { label: 'handler', value: fn.handler },
    { label: 'memorySize', value: `${fn.memorySize ?? '?'} MB` },
    { label: 'timeout', value: `${fn.timeout ?? '?'} s` },
  ];
  if (fn.initializer)
    lines.push({ label: 'initializer', value: `${fn.initializer} (${fn.initializationTimeout ?? '?'} s)` });
  if (fn.codeSize !== undefined)
    lines.push({ label: 'codeSize', value: `${fn.codeSize} bytes (${formatBytes(fn.codeSize)})` });
  if (outcome.localChecksum === undefined) {
    // Code from OSS or an image: there is no zip here to compare with.
    if (fn.codeChecksum !== undefined)
      lines.push({ label: 'codeChecksum', value: `${fn.codeChecksum}  (no local package to compare)` });
  } else {
    const value = fn.codeChecksum ?? '(none in the answer)';
    lines.push(
      outcome.checksumMatch && fn.codeChecksum === outcome.localChecksum
        ? { label: 'codeChecksum', value: `${value}  ✓ equals our CRC-64`, mark: 'ok' }
        : { label: 'codeChecksum', value: `${value}  ✗ ours is ${outcome.localChecksum}`, mark: 'bad' },
    );
  }
  lines.push({ label: 'lastModified', value: fn.lastModifiedTime });
  return lines;
}

const LABEL_WIDTH = 14;
const BAR_WIDTH = 24;
const DONE_WORDS: Record<DeployOutcome['status'], string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged (already deployed)',
};

export function SummaryStep() {
  const { state, services, options, dispatch, exit, session } = useWizard();
  const outcome = state.deploy.status === 'done' ? state.deploy.outcome : undefined;
  const lines = outcome ? summaryLines(outcome) : [];
  const timings = outcome?.timings ?? [];
  const [shown, skipReveal] = useReveal(lines.length + timings.length, options.animation);
  const revealed = shown >= lines.length + timings.length;
  // Enter or Space shows the rest of the reveal at once.
  useInput(
    (input, key) => {
      if (isEnter(input, key) || input === ' ') skipReveal();
    },
    { isActive: !revealed },
  );
  const [name, setName] = useState(state.fromProfile ?? state.functionName ?? '');
  const [skipped, setSkipped] = useState(false);
  const [save, runSave] = useTask<void>();
  const failed = outcome !== undefined && checksumDiffers(outcome);
  // A name that is already a profile: overwrite it only when the person says so.
  const [overwrite, setOverwrite] = useState<string | undefined>();
  // A failed deploy is not worth a profile: the offer is for what works.
  const asking = revealed && !failed && !state.savedProfile && !skipped;
  const [invoking, setInvoking] = useState(false);
  // A failed deploy's code is not ours: nothing worth invoking.
  const canInvoke = Boolean(session.connection?.invoke) && !failed;

  const saveAs = (profileName: string, replace: boolean) =>
    runSave(async () => {
      // The profile this run started from is updated without asking: that is what redeploying it means.
      const own = profileName === state.fromProfile;
      if (!replace && !own && (await services.listProfiles()).some((p) => p.name === profileName)) {
        setOverwrite(profileName);
        return;
      }
      setOverwrite(undefined);
      await services.saveProfile(toProfile(state, profileName, (p) => path.resolve(services.cwd, p)));
      dispatch({ type: 'profile-saved', name: profileName });
    });

  useBack(() => {
    if (invoking) {
      setInvoking(false);
      return true;
    }
    if (overwrite) {
      setOverwrite(undefined);
      return true;
    }
    if (asking) {
      setSkipped(true);
      return true;
    }
    return true;
  });
  useInput(
    (input, key) => {
      if (isEnter(input, key)) exit(failed ? EXIT.failed : EXIT.ok);
    },
    { isActive: revealed && !asking && !canInvoke },
  );
  if (!outcome) return <Text>Nothing was deployed.</Text>;
  return (
    <Box flexDirection="column">
      <OutcomeReport outcome={outcome} lines={lines} shown={shown} failed={failed} />
      {asking && (
        <SaveProfileOffer
          overwrite={overwrite}
          name={name}
          onName={setName}
          save={save}
          onSave={saveAs}
          onKeepName={() => setOverwrite(undefined)}
        />
      )}
      {revealed && !asking && (
        <RedeployAndNext
          outcome={outcome}
          canInvoke={canInvoke}
          invoking={invoking}
          onInvoke={() => setInvoking(true)}
        />
      )}
    </Box>
  );
}

const TIMING_LABEL_WIDTH = 24;

/** The heading, the answer's fields and the phases' timings as revealed so far, then the notes. */
function OutcomeReport(props: { outcome: DeployOutcome; lines: SummaryLine[]; shown: number; failed: boolean }) {
  const { state } = useWizard();
  const color = useColor();
  const { outcome, lines, shown, failed } = props;
  const timings = outcome.timings;
  const revealed = shown >= lines.length + timings.length;
  const slowest = Math.max(1, ...timings.map((t) => t.ms));
  return (
    <>
      {failed ? (
        <Text color={color('red')} bold wrap="wrap">
          ✗ Deploy failed: the service reports codeChecksum {outcome.fn.codeChecksum}, not our CRC-64{' '}
          {outcome.localChecksum}: {state.service?.name}/{outcome.fn.functionName}
        </Text>
      ) : (
        <Text color={color('green')} bold>
          ✓ {DONE_WORDS[outcome.status]}: {state.service?.name}/{outcome.fn.functionName}
        </Text>
      )}
      {lines.slice(0, shown).map((l) => (
        <Text key={l.label} wrap="wrap">
          <Text dimColor>{l.label.padEnd(LABEL_WIDTH)}</Text>
          <Text color={l.mark === 'ok' ? color('green') : l.mark === 'bad' ? color('red') : undefined}>{l.value}</Text>
        </Text>
      ))}
      {shown > lines.length && <Text bold>time</Text>}
      {timings.slice(0, Math.max(0, shown - lines.length)).map((t) => (
        <Text key={t.phase}>
          <Text dimColor>{`  ${t.phase}`.padEnd(TIMING_LABEL_WIDTH)} </Text>
          <Text color={color('cyan')}>{timingBar(t.ms, slowest, BAR_WIDTH).padEnd(BAR_WIDTH)}</Text>
          {formatMs(t.ms).padStart(9)}
        </Text>
      ))}
      {revealed && outcome.requestIds.length > 0 && (
        <Text dimColor wrap="wrap">
          request ids: {outcome.requestIds.join(', ')}
        </Text>
      )}
      {revealed && state.mode === 'update' && outcome.status === 'created' && (
        <Text color={color('yellow')} wrap="wrap">
          ! {outcome.fn.functionName} was no longer in {state.service?.name} when the deploy ran (deleted since you
          chose to update it): it was created anew, with a new functionId.
        </Text>
      )}
      {revealed &&
        (outcome.warnings ?? []).map((w, i) => (
          <Text key={i} color={color('yellow')} wrap="wrap">
            ! {w}
          </Text>
        ))}
    </>
  );
}

/** Save this deploy as a profile: the name, or whether to overwrite the profile of that name. */
function SaveProfileOffer(props: {
  overwrite: string | undefined;
  name: string;
  onName: (name: string) => void;
  save: TaskState<void>;
  onSave: (name: string, replace: boolean) => void;
  onKeepName: () => void;
}) {
  const color = useColor();
  const { services } = useWizard();
  const { overwrite } = props;
  return overwrite ? (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color('yellow')} wrap="wrap">
        A profile named {overwrite} already exists.
      </Text>
      <Menu
        items={[
          { label: `Overwrite profile ${overwrite}`, value: 'overwrite', note: "its fields become this deploy's" },
          { label: 'Save under another name', value: 'rename' },
        ]}
        onSelect={(item) => (item.value === 'overwrite' ? props.onSave(overwrite, true) : props.onKeepName())}
      />
    </Box>
  ) : (
    <Box flexDirection="column" marginTop={1}>
      <Field
        label="Save as profile"
        value={props.name}
        onChange={props.onName}
        rule="so the next deploy is one command; no secret is saved · Esc: skip"
        check={(v) => services.profileNameProblem(v)}
        whenEmpty="Esc skips saving."
        onSubmit={(v) => props.onSave(v, false)}
      />
      {props.save.status === 'failed' && (
        <ErrorPanel error={toErrorView(props.save.error)} title="Could not save the profile" />
      )}
    </Box>
  );
}

/** The command that redeploys this, then exit, or invoke the function once first. */
function RedeployAndNext(props: {
  outcome: DeployOutcome;
  canInvoke: boolean;
  invoking: boolean;
  onInvoke: () => void;
}) {
  const { state, exit } = useWizard();
  const color = useColor();
  const { outcome } = props;
  return (
    <Box flexDirection="column" marginTop={1}>
      {state.savedProfile ? (
        <>
          <Text>
            <Text color={color('green')}>✓</Text> saved profile {state.savedProfile}. Redeploy with:
          </Text>
          <Text bold>
            {'  '}fcw deploy --profile {state.savedProfile}
          </Text>
        </>
      ) : (
        <>
          <Text>Redeploy with:</Text>
          <Text bold wrap="wrap">
            {'  '}
            {deployCommand(state)}
          </Text>
        </>
      )}
      {!props.canInvoke ? (
        <KeyHelp only="Enter: exit" />
      ) : props.invoking ? (
        <InvokePanel
          service={state.service?.name ?? ''}
          functionName={outcome.fn.functionName}
          deployedChecksum={outcome.fn.codeChecksum}
          profile={state.savedProfile ?? state.fromProfile}
          onDone={() => exit(EXIT.ok)}
        />
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Menu
            // Done first: Enter on the summary exits, as it always has (habits rely on it).
            items={[
              { label: 'Done', value: 'done' as const },
              {
                label: 'Invoke it now',
                value: 'invoke' as const,
                note: 'run the function once and see its answer and log',
              },
            ]}
            onSelect={(item) => (item.value === 'invoke' ? props.onInvoke() : exit(EXIT.ok))}
          />
        </Box>
      )}
    </Box>
  );
}
