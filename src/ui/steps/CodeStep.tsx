// Step 5: the code. A folder (scanned live: files, size, the limit verdict), an existing .zip/.jar,
// an OSS bucket and object, or a sample handler for the chosen runtime written into a new folder.
// For custom-container: the image, command, args and acceleration.
import { useState } from 'react';
import { Box, Text } from 'ink';
import { FIELD_RULES, getRuntime } from '../../fc/rules.js';
import type { AccelerationType } from '../../fc/types.js';
import { folderEnter, type CodeKind } from '../../wizard/code-choice.js';
import type { CodeSource } from '../../wizard/state.js';
import { Field, FieldScreen, Issues, KeyHelp, Menu, Rule } from '../components.js';
import { useWizard } from '../context.js';
import { useBack } from '../hooks/use-back.js';
import { useDraft } from '../hooks/use-draft.js';
import { useFolderScan } from '../hooks/use-folder-scan.js';
import { useFreeSampleDir } from '../hooks/use-free-sample-dir.js';
import { useSubScreens } from '../hooks/use-sub-screens.js';
import { useTask } from '../hooks/use-task.js';
import type { BuiltPackage } from '../services.js';
import { packageKey } from '../session-package.js';
import { CodeMenu, OssScreen, SampleScreen, ZipScreen } from './CodeScreens.js';
import { FolderScanView } from './FolderScanView.js';

type Kind = CodeKind;
type Phase = Kind | 'menu' | 'oss-object';

function isJsonArray(v: string): boolean {
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string');
  } catch {
    return false;
  }
}

export function CodeStep() {
  const { state } = useWizard();
  return getRuntime(state.runtime ?? '')?.usesImage ? <ImageCode /> : <PackageCode />;
}

function PackageCode() {
  const { state, services, session, dispatch } = useWizard();
  const runtime = state.runtime ?? '';
  const code = state.code;
  const { current: phase, go } = useSubScreens<Phase>('menu');
  // Empty means the default (the current folder, or the sample folder's name), shown as a placeholder.
  const [folder, setFolder] = useDraft('code.folder', code?.kind === 'folder' && !code.sample ? code.path : '');
  // The default folder, or the first free one after it when an earlier run filled it.
  const sampleDefault = useFreeSampleDir(runtime);
  const [load, runLoad, resetLoad] = useTask<BuiltPackage>();
  // What was picked on the menu in this visit: Esc from its field comes back to it highlighted.
  const [picked, setPicked] = useState<Kind | undefined>();
  const [sample, runSample] = useTask<void>();
  const [, runSubmitScan] = useTask<void>();
  const { scan, scanned: settledFolder } = useFolderScan(phase === 'folder', folder, runtime);

  const submit = (next: CodeSource, facts?: BuiltPackage) => {
    dispatch({ type: 'submit', step: 'code', values: { code: next, packageFacts: facts?.facts } });
  };

  // Each phase is keyed, so a Menu or field never inherits the state of another phase.
  if (phase === 'menu') {
    return (
      <CodeMenu
        key={phase}
        picked={picked}
        onPick={(kind) => {
          setPicked(kind);
          // A file that could not be used is said once, not again when the field is opened anew.
          resetLoad();
          go(kind);
        }}
      />
    );
  }

  if (phase === 'folder') {
    return (
      <FieldScreen
        key={phase}
        issues={state.issues}
        label="Folder"
        value={folder}
        onChange={setFolder}
        suggestion="."
        rule={`relative to ${services.cwd}; .fcignore is honoured`}
        check={(v) => (v.trim() ? undefined : 'required')}
        onSubmit={(v) => {
          const next: CodeSource = { kind: 'folder', path: v.trim() };
          const enter = folderEnter(settledFolder, v, scan);
          if (enter === 'stay') return false;
          if (enter === 'submit') {
            submit(next);
            return true;
          }
          // Scanned now, it goes on only if usable; otherwise the live scan shows why.
          void runSubmitScan(async (signal) => {
            const r = await services.scanFolder(v, runtime, { signal });
            if (r.verdict.level !== 'error' && !signal.aborted) submit(next);
          });
          return true; // not false: the field does not refuse the value; the scan decides
        }}
      >
        <FolderScanView scan={scan} />
      </FieldScreen>
    );
  }

  if (phase === 'zip') {
    return (
      <ZipScreen
        key={phase}
        load={load}
        onLoad={(path) =>
          runLoad(async (signal) => {
            const zip = { kind: 'zip' as const, path };
            // Taken before the read, so a later step can tell whether the file changed since.
            const fingerprint = services.codeFingerprint(zip, runtime).catch(() => undefined);
            await fingerprint;
            const built = await services.buildPackage(zip, runtime, { signal });
            session.pkg = { key: packageKey(zip, runtime)!, fingerprint, built: Promise.resolve(built) };
            submit({ kind: 'zip', path }, built);
            return built;
          })
        }
      />
    );
  }

  if (phase === 'oss' || phase === 'oss-object') {
    return (
      <OssScreen key={phase} askObject={phase === 'oss-object'} onBucket={() => go('oss-object')} onSubmit={submit} />
    );
  }

  return (
    <SampleScreen
      suggestion={sampleDefault}
      write={sample}
      onWrite={(dir) =>
        runSample(async () => {
          const written = await services.writeSample(runtime, dir);
          submit({ kind: 'folder', path: written.dir, sample: true });
        })
      }
    />
  );
}

const IMAGE_FIELDS = ['image', 'command', 'args', 'acceleration'] as const;

function ImageCode() {
  const { state, dispatch } = useWizard();
  const code = state.code?.kind === 'image' ? state.code : undefined;
  const [at, setAt] = useState(0);
  const [image, setImage] = useState(code?.image ?? '');
  const [command, setCommand] = useState(code?.command ?? '');
  const [args, setArgs] = useState(code?.args ?? '');
  useBack(() => {
    if (at > 0) {
      setAt(at - 1);
      return true;
    }
    return false;
  });
  const field = IMAGE_FIELDS[at];
  const rule = (name: keyof typeof FIELD_RULES) => FIELD_RULES[name];
  return (
    <Box flexDirection="column">
      <Field
        label="Image"
        value={image}
        onChange={setImage}
        isActive={field === 'image'}
        rule={rule('customContainerConfig.image').rule}
        check={(v) => (v.trim() ? undefined : 'required')}
        onSubmit={() => setAt(1)}
      />
      {at >= 1 && (
        <Field
          label="Command"
          value={command}
          onChange={setCommand}
          isActive={field === 'command'}
          rule={rule('customContainerConfig.command').rule}
          check={(v) => (v === '' || isJsonArray(v) ? undefined : 'a JSON array of strings, or empty')}
          onSubmit={() => setAt(2)}
        />
      )}
      {at >= 2 && (
        <Field
          label="Args"
          value={args}
          onChange={setArgs}
          isActive={field === 'args'}
          rule={rule('customContainerConfig.args').rule}
          check={(v) => (v === '' || isJsonArray(v) ? undefined : 'a JSON array of strings, or empty')}
          onSubmit={() => setAt(3)}
        />
      )}
      {at >= 3 && (
        <Box flexDirection="column">
          <Text bold>Image acceleration</Text>
          <Rule
            rule={rule('customContainerConfig.accelerationType').rule}
            defaultValue={rule('customContainerConfig.accelerationType').default}
          />
          <Menu
            items={[
              { label: 'Default', value: 'Default' as AccelerationType, note: 'accelerated image pulls' },
              { label: 'None', value: 'None' as AccelerationType },
            ]}
            initialValue={code?.accelerationType ?? 'Default'}
            onSelect={(item) =>
              dispatch({
                type: 'submit',
                step: 'code',
                values: {
                  code: {
                    kind: 'image',
                    image: image.trim(),
                    command: command || undefined,
                    args: args || undefined,
                    accelerationType: item.value,
                  },
                },
              })
            }
          />
        </Box>
      )}
      <Issues issues={state.issues} />
      <KeyHelp />
    </Box>
  );
}
