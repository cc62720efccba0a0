// The check of a handler or initializer against the package, as the person types: the file and
// the exported function it names must be in the zip. Undefined while there is nothing to check
// (no package yet, code in OSS, an empty or badly formed value: the field's own check says why).
import { useEffect, useState } from 'react';
import { validateHandler } from '../../fc/validate.js';
import { toErrorView } from '../../wizard/errors.js';
import { useWizard } from '../context.js';
import type { HandlerCheckResult } from '../services.js';
import type { PackageState } from './use-package.js';

export function useEntryCheck(
  pkg: PackageState,
  runtime: string,
  value: string,
  field: 'handler' | 'initializer',
): HandlerCheckResult | undefined {
  const { services } = useWizard();
  const [result, setResult] = useState<{ value: string; check: HandlerCheckResult } | undefined>();
  useEffect(() => {
    if (pkg.status !== 'built' || !value || validateHandler(runtime, value, field)) return;
    let live = true;
    services.checkHandler(pkg.pkg, runtime, value, field).then(
      (check) => live && setResult({ value, check }),
      (error: unknown) =>
        live &&
        setResult({
          value,
          check: { status: 'warning', message: `could not check the ${field}: ${toErrorView(error).message}` },
        }),
    );
    return () => {
      live = false;
    };
  }, [pkg, runtime, value, field, services]);
  // Only the check of what is in the field now, not of a value typed a moment ago.
  return pkg.status === 'built' && result?.value === value ? result.check : undefined;
}
