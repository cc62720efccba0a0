// The package of the chosen folder or zip, built once per source and runtime and shared by the
// handler and review steps through the session. Progress (files, bytes) while it builds. The
// build is not tied to a step (Esc and Enter keep it going); Ctrl-C aborts it with everything else.
import { useEffect, useState } from 'react';
import { useWizard } from '../context.js';
import type { BuiltPackage } from '../services.js';

export type PackageState =
  | { status: 'none' }
  | { status: 'building'; files: number; bytes: number }
  | { status: 'built'; pkg: BuiltPackage }
  | { status: 'failed'; error: unknown };

export function packageKey(code: { kind: string; path?: string } | undefined, runtime: string | undefined): string | undefined {
  if (!code || (code.kind !== 'folder' && code.kind !== 'zip') || !runtime) return undefined;
  return `${code.kind}:${code.path}:${runtime}`;
}

export function usePackage(): PackageState {
  const { state, services, session } = useWizard();
  const code = state.code;
  const key = packageKey(code, state.runtime);
  const [pkgState, setPkgState] = useState<PackageState>(key ? { status: 'building', files: 0, bytes: 0 } : { status: 'none' });

  useEffect(() => {
    if (!key || !code || (code.kind !== 'folder' && code.kind !== 'zip') || !state.runtime) {
      setPkgState({ status: 'none' });
      return;
    }
    let live = true;
    if (session.pkg?.key !== key) {
      const controller = new AbortController();
      session.controllers.add(controller);
      const built = services
        .buildPackage(code, state.runtime, {
          signal: controller.signal,
          onProgress: (p) => live && setPkgState({ status: 'building', files: p.files, bytes: p.bytes }),
        })
        .finally(() => session.controllers.delete(controller));
      session.pkg = { key, built };
    }
    const entry = session.pkg!;
    entry.built.then(
      (pkg) => live && setPkgState({ status: 'built', pkg }),
      (error: unknown) => {
        // A failed build is not cached: going back and fixing the folder builds again.
        if (session.pkg === entry) session.pkg = undefined;
        if (live) setPkgState({ status: 'failed', error });
      },
    );
    return () => {
      live = false;
    };
  }, [key, code, state.runtime, services, session]);
  return pkgState;
}
