// The package of the chosen folder or zip for the step on screen (handler, review), through the
// session so the steps share one build. Each step checks on entry that the code has not changed
// since that build, and builds again when it has (say so with `replaced`). Progress (files, bytes)
// while it builds. The build is not tied to a step (Esc and Enter keep it going); Ctrl-C aborts it.
import { useEffect, useState } from 'react';
import { useWizard } from '../context.js';
import type { BuiltPackage } from '../services.js';
import { currentPackage, packageKey } from '../session-package.js';

export { packageKey } from '../session-package.js';

export type PackageState =
  | { status: 'none' }
  | { status: 'checking' }
  | { status: 'building'; files: number; bytes: number }
  | { status: 'built'; pkg: BuiltPackage; replaced?: BuiltPackage }
  | { status: 'failed'; error: unknown };

export function usePackage(): PackageState {
  const { state, services, session } = useWizard();
  const code = state.code;
  const key = packageKey(code, state.runtime);
  const [pkgState, setPkgState] = useState<PackageState>(() =>
    !key
      ? { status: 'none' }
      : session.pkg?.key === key
        ? { status: 'checking' }
        : { status: 'building', files: 0, bytes: 0 },
  );

  useEffect(() => {
    if (!key || !code || (code.kind !== 'folder' && code.kind !== 'zip') || !state.runtime) {
      setPkgState({ status: 'none' });
      return;
    }
    let live = true;
    currentPackage(
      services,
      session,
      code,
      state.runtime,
      (p) => live && setPkgState({ status: 'building', files: p.files, bytes: p.bytes }),
    ).then(
      ({ pkg, replaced }) => live && setPkgState({ status: 'built', pkg, replaced }),
      (error: unknown) => live && setPkgState({ status: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [key, code, state.runtime, services, session]);
  return pkgState;
}
