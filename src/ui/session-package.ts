// The package of the chosen folder or zip, kept in the session so the handler step, the review and
// the deploy share one build, and rebuilt whenever the code changed since it was built: each user
// of it first compares a fingerprint of the tree (paths, sizes, mtimes, ctimes) taken before the
// build with one taken now. So what the review shows and what the deploy sends is the code as it
// is on disk when the review is drawn and when Deploy is pressed, not when the folder was chosen.
import type { CodeSource } from '../wizard/state.js';
import type { Session } from './context.js';
import type { BuiltPackage, WizardServices } from './services.js';

export type PackagedCode = Extract<CodeSource, { kind: 'folder' | 'zip' }>;

/** One build of one source: the fingerprint taken before it (undefined when it could not be taken). */
export interface SessionPackage {
  key: string;
  fingerprint: Promise<string | undefined>;
  built: Promise<BuiltPackage>;
  /**
   * The build this one replaced because the code changed: kept, so every later step (not only the
   * first to notice) can say the code changed since it was first packaged.
   */
  replaced?: BuiltPackage;
}

export interface CurrentPackage {
  pkg: BuiltPackage;
  /** Set when the code changed since it was first packaged (and the bytes differ): that first build. */
  replaced?: BuiltPackage;
  /** Set when this call found the code changed and built again: the build it replaced. */
  rebuiltFrom?: BuiltPackage;
}

export function packageKey(
  code: { kind: string; path?: string } | undefined,
  runtime: string | undefined,
): string | undefined {
  if (!code || (code.kind !== 'folder' && code.kind !== 'zip') || !runtime) return undefined;
  return `${code.kind}:${code.path}:${runtime}`;
}

type Progress = (p: { files: number; bytes: number }) => void;

function startBuild(
  services: WizardServices,
  session: Session,
  key: string,
  code: PackagedCode,
  runtime: string,
  onProgress?: Progress,
  replaced?: BuiltPackage,
): SessionPackage {
  const controller = new AbortController();
  session.controllers.add(controller);
  // Taken before the build: an edit made while it reads the files shows up at the next check.
  const fingerprint = services.codeFingerprint(code, runtime).catch(() => undefined);
  const built = fingerprint
    .then(() => services.buildPackage(code, runtime, { signal: controller.signal, onProgress }))
    .finally(() => session.controllers.delete(controller));
  const entry: SessionPackage = { key, fingerprint, built, replaced };
  // A failed build is not kept: going back and fixing the folder builds again.
  built.catch(() => {
    if (session.pkg === entry) session.pkg = undefined;
  });
  session.pkg = entry;
  return entry;
}

/** Whether the code is still what `entry` was built from. Any failure to tell counts as changed. */
async function unchanged(
  services: WizardServices,
  entry: SessionPackage,
  code: PackagedCode,
  runtime: string,
): Promise<boolean> {
  const [before, now] = await Promise.all([
    entry.fingerprint,
    services.codeFingerprint(code, runtime).catch(() => undefined),
  ]);
  return before !== undefined && before === now;
}

/**
 * The package of the code as it is now: the session's build when the code has not changed since,
 * else a new build (and the one it replaces, so the screen can say the code changed).
 */
export async function currentPackage(
  services: WizardServices,
  session: Session,
  code: PackagedCode,
  runtime: string,
  onProgress?: Progress,
): Promise<CurrentPackage> {
  const key = packageKey(code, runtime)!;
  const entry = session.pkg?.key === key ? session.pkg : undefined;
  if (!entry) return { pkg: await startBuild(services, session, key, code, runtime, onProgress).built };
  const previous = await entry.built.catch(() => undefined);
  if (previous && (await unchanged(services, entry, code, runtime)))
    return { pkg: previous, replaced: differing(entry.replaced, previous) };
  // Another step may have started the new build while this one compared: share it.
  const first = entry.replaced ?? previous;
  const next =
    session.pkg !== entry && session.pkg?.key === key
      ? session.pkg
      : startBuild(services, session, key, code, runtime, onProgress, first);
  const pkg = await next.built;
  return { pkg, replaced: differing(first, pkg), rebuiltFrom: differing(previous, pkg) };
}

/** `before`, when its bytes differ from `now`'s (a touched file packages the same). */
function differing(before: BuiltPackage | undefined, now: BuiltPackage): BuiltPackage | undefined {
  return before && before.facts.checksum !== now.facts.checksum ? before : undefined;
}
