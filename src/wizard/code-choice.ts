// The code step's choices as plain data: the kinds of code on its menu, which one starts
// highlighted, and what Enter on a folder does given the live scan. No I/O and no Ink here.
import { sampleFiles, sampleUnavailableReason } from './samples.js';
import type { CodeSource } from './state.js';

export type CodeKind = 'folder' | 'zip' | 'oss' | 'sample';

export interface CodeMenuItem {
  label: string;
  value: CodeKind;
  note?: string;
  detail?: string;
}

/** A folder, a zip, OSS, and a sample handler (said not available for a runtime without one). */
export function codeMenuItems(runtime: string): CodeMenuItem[] {
  const canSample = sampleFiles(runtime) !== undefined;
  return [
    { label: 'A folder', value: 'folder', note: 'zipped here, with its CRC-64' },
    { label: 'An existing .zip or .jar', value: 'zip' },
    { label: 'An OSS bucket and object', value: 'oss', note: 'for packages over 50 MB' },
    {
      label: `A sample handler for ${runtime}`,
      value: 'sample',
      note: canSample ? 'written into a new folder' : 'not available',
      detail: canSample
        ? `Writes a hello-world handler that matches the default handler into a new folder.`
        : sampleUnavailableReason(runtime),
    },
  ];
}

/** What was picked in this visit, else the kind of the code chosen before (a sample is its own). */
export function initialCodeKind(picked: CodeKind | undefined, code: CodeSource | undefined): CodeKind | undefined {
  if (picked) return picked;
  if (code?.kind === 'folder') return code.sample ? 'sample' : 'folder';
  return code?.kind === 'zip' || code?.kind === 'oss' ? code.kind : undefined;
}

/**
 * Enter on a folder: when the live scan is of this very value and finished, go on if it is usable
 * and stay if not (missing, too large); confirmed before that scan finished (typed fast, pasted
 * "path\r"), scan it now and let that scan decide.
 */
export function folderEnter(
  scannedValue: string,
  entered: string,
  scan: { status: 'idle' | 'running' | 'failed' } | { status: 'done'; value: { verdict: { level: string } } },
): 'submit' | 'stay' | 'scan-now' {
  if (scannedValue !== entered || (scan.status !== 'done' && scan.status !== 'failed')) return 'scan-now';
  if (scan.status !== 'done') return 'stay'; // the scan failed: the folder cannot be read
  return scan.value.verdict.level === 'error' ? 'stay' : 'submit';
}
