// The code step's sub-screens: its menu, and the fields for a zip, an OSS object and a sample's
// folder. Each typed value is a draft kept in the session, so Esc back and forward shows it again;
// the work each one starts (reading a zip, writing a sample) is the step's, so it outlives Esc.
import { Box, Text } from 'ink';
import { FIELD_RULES } from '../../fc/rules.js';
import { codeMenuItems, initialCodeKind, type CodeKind } from '../../wizard/code-choice.js';
import { toErrorView } from '../../wizard/errors.js';
import { sampleFiles } from '../../wizard/samples.js';
import type { CodeSource } from '../../wizard/state.js';
import { ErrorPanel, Field, FieldScreen, Issues, KeyHelp, Menu, Rule, Spinner } from '../components.js';
import { useWizard } from '../context.js';
import { useDraft } from '../hooks/use-draft.js';
import type { TaskState } from '../hooks/use-task.js';

const required = (v: string) => (v.trim() ? undefined : 'required');

/** What kind of code: a sample is offered only for a runtime that has one. */
export function CodeMenu(props: { picked?: CodeKind; onPick: (kind: CodeKind) => void }) {
  const { state } = useWizard();
  const runtime = state.runtime ?? '';
  const canSample = sampleFiles(runtime) !== undefined;
  return (
    <Box flexDirection="column">
      <Text>Where is the code?</Text>
      <Rule rule={FIELD_RULES.code.rule} />
      <Menu
        items={codeMenuItems(runtime)}
        initialValue={initialCodeKind(props.picked, state.code)}
        onSelect={(item) => {
          if (item.value === 'sample' && !canSample) return;
          props.onPick(item.value);
        }}
      />
      <Issues issues={state.issues} />
      <KeyHelp extra="↑/↓ move" />
    </Box>
  );
}

/** An existing .zip or .jar, read (and its package kept) by `load`. */
export function ZipScreen(props: { load: TaskState<unknown>; onLoad: (path: string) => void }) {
  const { state } = useWizard();
  const code = state.code;
  const [zipPath, setZipPath] = useDraft('code.zip', code?.kind === 'zip' ? code.path : '');
  const { load } = props;
  if (load.status === 'running') return <Spinner label={`Reading ${zipPath}…`} />;
  return (
    <FieldScreen
      issues={state.issues}
      label=".zip or .jar file"
      value={zipPath}
      onChange={setZipPath}
      rule="an existing zip archive; uploaded as it is"
      check={(v) => (/\.(zip|jar)$/i.test(v.trim()) ? undefined : 'a path ending in .zip or .jar')}
      onSubmit={(v) => props.onLoad(v.trim())}
    >
      {load.status === 'failed' && <ErrorPanel error={toErrorView(load.error)} title="Cannot use this file" />}
    </FieldScreen>
  );
}

/** The bucket, then (on its own sub-screen, the bucket still shown) the object. */
export function OssScreen(props: { askObject: boolean; onBucket: () => void; onSubmit: (code: CodeSource) => void }) {
  const { state } = useWizard();
  const code = state.code;
  const [bucket, setBucket] = useDraft('code.bucket', code?.kind === 'oss' ? code.bucket : '');
  const [object, setObject] = useDraft('code.object', code?.kind === 'oss' ? code.object : '');
  return (
    <Box flexDirection="column">
      <Field
        label="OSS bucket"
        value={bucket}
        onChange={setBucket}
        isActive={!props.askObject}
        rule="the bucket, in the same region as the function"
        check={required}
        onSubmit={props.onBucket}
      />
      {props.askObject && (
        <Field
          label="OSS object"
          value={object}
          onChange={setObject}
          rule="the key of the .zip in the bucket, e.g. code/app.zip"
          check={required}
          onSubmit={(v) => props.onSubmit({ kind: 'oss', bucket: bucket.trim(), object: v.trim() })}
        />
      )}
      <Issues issues={state.issues} />
      <KeyHelp />
    </Box>
  );
}

/** A new folder for the sample handler, written by `write`; empty means `suggestion`. */
export function SampleScreen(props: { suggestion: string; write: TaskState<unknown>; onWrite: (dir: string) => void }) {
  const { state, services } = useWizard();
  const runtime = state.runtime ?? '';
  const [sampleDir, setSampleDir] = useDraft(`code.sampleDir:${runtime}`, '');
  const { write } = props;
  if (write.status === 'running') {
    return <Spinner label={`Writing the sample into ${sampleDir.trim() || props.suggestion}…`} />;
  }
  return (
    <FieldScreen
      issues={state.issues}
      label="New folder for the sample"
      value={sampleDir}
      onChange={setSampleDir}
      suggestion={props.suggestion}
      rule={`relative to ${services.cwd}; must not exist yet or be empty`}
      check={required}
      onSubmit={(v) => props.onWrite(v.trim())}
    >
      <Text dimColor wrap="wrap">
        files: {(sampleFiles(runtime) ?? []).map((f) => f.path).join(', ')}
      </Text>
      {write.status === 'failed' && <ErrorPanel error={toErrorView(write.error)} title="Could not write the sample" />}
    </FieldScreen>
  );
}
