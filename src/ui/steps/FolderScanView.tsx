// Under the folder field: the live scan's files, size and limit verdict, the largest files, or why
// the folder cannot be read.
import { Box, Text } from 'ink';
import { formatBytes } from '../../core/bytes.js';
import { toErrorView } from '../../wizard/errors.js';
import { Spinner, useColor } from '../components.js';
import { plural } from '../format.js';
import type { TaskState } from '../hooks/use-task.js';
import type { ScanSummary } from '../services.js';

const VERDICT_COLOR = { ok: 'green', warning: 'yellow', error: 'red' } as const;

export function FolderScanView({ scan }: { scan: TaskState<ScanSummary> }) {
  const color = useColor();
  if (scan.status === 'running') return <Spinner label="Scanning…" />;
  if (scan.status === 'failed') {
    return (
      <Text color={color('red')} wrap="wrap">
        ✗ {toErrorView(scan.error).message}
      </Text>
    );
  }
  if (scan.status !== 'done') return null;
  return (
    <Box flexDirection="column">
      <Text>
        {plural(scan.value.files, 'file')} · {formatBytes(scan.value.bytes)} ·{' '}
        <Text color={color(VERDICT_COLOR[scan.value.verdict.level])}>{scan.value.verdict.text}</Text>
      </Text>
      {scan.value.largest.slice(0, 3).map((f) => (
        <Text key={f.path} dimColor wrap="truncate-end">
          {'  '}
          {formatBytes(f.bytes).padStart(9)} {f.path}
        </Text>
      ))}
    </Box>
  );
}
