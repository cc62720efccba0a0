// The live scan of the folder being typed (files, size, the limit verdict): it runs while the
// folder field is shown, on the value once it has stopped changing for a moment.
import { useEffect } from 'react';
import { useWizard } from '../context.js';
import type { ScanSummary } from '../services.js';
import { useDebounced } from './use-debounced.js';
import { useTask, type TaskState } from './use-task.js';

/** The scan, and the value it is of (empty means the current folder). */
export function useFolderScan(
  active: boolean,
  folder: string,
  runtime: string,
): { scan: TaskState<ScanSummary>; scanned: string } {
  const { services } = useWizard();
  const [scan, runScan] = useTask<ScanSummary>();
  const scanned = useDebounced(folder || '.', 150);
  useEffect(() => {
    if (!active || !scanned.trim()) return;
    runScan((signal) => services.scanFolder(scanned, runtime, { signal }));
  }, [active, scanned, runtime, services, runScan]);
  return { scan, scanned };
}
