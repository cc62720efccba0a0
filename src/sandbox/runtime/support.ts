// Which runtimes the sandbox can run, and how: Node.js runtimes with the Node.js running fcw,
// Python 3 runtimes with the local python3, custom runtimes by starting their bootstrap. The rest
// (Java, Go, PHP, .NET, custom-container, Python 2.7) would need their toolchains or images.
import { getRuntime } from '../../fc/rules.js';

export type RuntimeKind = 'nodejs' | 'python' | 'custom';

export type RuntimeSupport =
  | {
      kind: RuntimeKind;
      /** e.g. 14 for nodejs14, [3, 9] for python3.9; undefined when the id names none. */ version?: number[];
    }
  | { kind: 'unsupported'; reason: string };

export const RUNNABLE_SUMMARY =
  'Node.js (nodejs*) with the local node, Python 3 (python3*) with the local python3, ' +
  'and custom runtimes (custom, custom.debian*) through their bootstrap';

function versionOf(id: string, prefix: string): number[] | undefined {
  const match = new RegExp(`^${prefix}(\\d+(?:\\.\\d+)*)$`).exec(id);
  return match?.[1]?.split('.').map(Number);
}

export function runtimeSupport(runtime: string): RuntimeSupport {
  const language = getRuntime(runtime)?.language;
  if (language === 'nodejs') return { kind: 'nodejs', version: versionOf(runtime, 'nodejs') };
  if (language === 'python') {
    if (runtime === 'python2.7') {
      return { kind: 'unsupported', reason: 'Python 2.7 code does not run on the local python3' };
    }
    // `python3` is FC's Python 3.6.
    return { kind: 'python', version: runtime === 'python3' ? [3, 6] : versionOf(runtime, 'python') };
  }
  if (language === 'custom') return { kind: 'custom' };
  return { kind: 'unsupported', reason: `${getRuntime(runtime)?.label ?? runtime} needs its own toolchain or image` };
}

/** The note for the log when the local interpreter is not the runtime's version; undefined when it is. */
export function versionNote(
  runtime: string,
  wanted: number[] | undefined,
  local: string,
  interpreter: string,
): string | undefined {
  if (!wanted) return undefined;
  const have = local.replace(/^v/, '').split('.').map(Number);
  const same = wanted.every((part, i) => have[i] === part);
  if (same) return undefined;
  const older = compare(have.slice(0, wanted.length), wanted) < 0;
  const which = `fcw sandbox: runtime ${runtime} ran on the local ${interpreter} ${local}`;
  return older ? `${which}, which is older than the runtime` : which;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
