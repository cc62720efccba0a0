// Step 6: the handler, prefilled with the runtime's default, its format beside it, and checked
// against the package (e.g. `index.handler` on python3 needs index.py defining handler).
import { useEffect, useState } from 'react';
import { Text } from 'ink';
import { getRuntime, handlerRuleText } from '../../fc/rules.js';
import { validateHandler } from '../../fc/validate.js';
import { toErrorView, wizardCheck } from '../../wizard/errors.js';
import { CheckLine, ErrorPanel, FieldScreen, RepackagedNote, Spinner } from '../components.js';
import { useWizard } from '../context.js';
import { useDebounced } from '../hooks/use-debounced.js';
import { useDraft } from '../hooks/use-draft.js';
import { usePackage } from '../hooks/use-package.js';
import { formatBytes } from '../../core/bytes.js';
import { plural } from '../format.js';
import type { HandlerCheckResult } from '../services.js';

export function HandlerStep() {
  const { state, services, dispatch } = useWizard();
  const runtime = state.runtime ?? '';
  const info = getRuntime(runtime);
  // Empty shows the runtime's default as a placeholder: Enter takes it, typing replaces it.
  const [typed, setHandler] = useDraft(`handler:${runtime}`, state.handler ?? '');
  const handler = typed || info?.defaultHandler || '';
  const pkg = usePackage();
  const settled = useDebounced(handler, 120);
  const [check, setCheck] = useState<HandlerCheckResult | undefined>();
  const [refused, setRefused] = useState<string | undefined>();

  useEffect(() => {
    if (pkg.status !== 'built' || validateHandler(runtime, settled, 'handler')) {
      setCheck(undefined);
      return;
    }
    let live = true;
    services.checkHandler(pkg.pkg, runtime, settled, 'handler').then(
      (result) => live && setCheck(result),
      (error: unknown) =>
        live && setCheck({ status: 'warning', message: `could not check the handler: ${toErrorView(error).message}` }),
    );
    return () => {
      live = false;
    };
  }, [pkg, runtime, settled, services]);

  // The check must be of what is in the field now, not of a value typed a moment ago.
  const current = check && settled === handler ? check : undefined;
  return (
    <FieldScreen
      issues={state.issues}
      label="Handler"
      value={typed}
      suggestion={info?.defaultHandler}
      onChange={setHandler}
      rule={handlerRuleText(runtime)}
      defaultValue={info?.defaultHandler}
      check={(v) => wizardCheck(validateHandler(runtime, v, 'handler'))}
      onSubmit={async (v) => {
        // A handler the package cannot serve is refused here, before any upload. The check runs
        // again on the submitted value: Enter may come before the live check of the last keystroke.
        const facts = pkg.status === 'built' ? pkg.pkg.facts : undefined;
        if (pkg.status === 'built') {
          const result = await services.checkHandler(pkg.pkg, runtime, v, 'handler').catch(() => undefined);
          if (result) {
            setCheck(result);
            // Refused once; a second Enter on the same value keeps it (the file may come from a layer).
            if (result.status === 'error' && refused !== v) {
              setRefused(v);
              return;
            }
          }
        }
        dispatch({ type: 'submit', step: 'handler', values: { handler: v, packageFacts: facts } });
      }}
    >
      {pkg.status === 'checking' && <Spinner label="Checking the code for changes…" />}
      {pkg.status === 'built' && pkg.replaced && (
        <RepackagedNote before={pkg.replaced.facts.checksum} after={pkg.pkg.facts.checksum} />
      )}
      {pkg.status === 'building' && <Spinner label={`Packaging… ${pkg.files} files, ${formatBytes(pkg.bytes)}`} />}
      {pkg.status === 'built' && (
        <Text dimColor>
          package: {plural(pkg.pkg.facts.files, 'file')} · {formatBytes(pkg.pkg.facts.zipBytes)} zipped · CRC-64{' '}
          {pkg.pkg.facts.checksum}
        </Text>
      )}
      {pkg.status === 'failed' && (
        <ErrorPanel error={toErrorView(pkg.error)} title="The package could not be built (Esc to change the code)" />
      )}
      {pkg.status === 'none' && state.code?.kind === 'oss' && (
        <Text dimColor>code in OSS: the handler cannot be checked against it here</Text>
      )}
      {current && <CheckLine status={current.status} message={current.message} />}
      {current?.status === 'error' && refused === handler && (
        <Text wrap="wrap">Press Enter again to keep this handler anyway (e.g. when a layer provides it).</Text>
      )}
    </FieldScreen>
  );
}
