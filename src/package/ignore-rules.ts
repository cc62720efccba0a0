// Which paths a package leaves out: the FC tools' default excludes, then `.fcignore` at the root
// with gitignore semantics (the `ignore` package: comments, negation, directory patterns, anchored
// patterns, and "a file under an excluded folder cannot be re-included", as git does).
import ignore, { type Ignore } from 'ignore';

/** Left out of every package, at any depth (docs/fc-api-notes.md, "How the official tools package code"). */
export const DEFAULT_EXCLUDES = ['.git', '.svn', '.env', '.DS_Store'] as const;
/** Python packages also leave out node_modules (front-end tooling next to the function). */
export const PYTHON_EXCLUDES = ['node_modules'] as const;

export const IGNORE_FILE = '.fcignore';

export interface IgnoreRules {
  /** True when the path (relative, `/`-separated) is left out. Folders are asked with `isDir`. */
  ignores(relPath: string, isDir: boolean): boolean;
}

export function isPythonRuntime(runtime: string | undefined): boolean {
  return runtime !== undefined && runtime.startsWith('python');
}

export function defaultExcludes(runtime: string | undefined): string[] {
  return [...DEFAULT_EXCLUDES, ...(isPythonRuntime(runtime) ? PYTHON_EXCLUDES : [])];
}

/**
 * The defaults come first and `.fcignore` after, so a `.fcignore` line like `!.env` can bring a
 * default back (later rules win, as in git).
 */
export function makeIgnoreRules(fcignoreText: string | undefined, runtime: string | undefined): IgnoreRules {
  const defaults = defaultExcludes(runtime);
  const ig: Ignore = ignore().add(defaults);
  if (fcignoreText !== undefined) ig.add(fcignoreText);
  return {
    ignores: (relPath, isDir) => ig.ignores(isDir ? `${relPath}/` : relPath),
  };
}
