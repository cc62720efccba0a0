// The deploy's progress, a line per phase: done (✓, with its time), running (a spinner), or, once
// the deploy stopped, the phase it stopped in (✗). Sizes and details follow the phase's name.
import { Text } from 'ink';
import { formatBytes } from '../../core/bytes.js';
import type { DeployProgress } from '../../wizard/state.js';
import { Spinner, useColor } from '../components.js';
import { plural } from '../format.js';
import { formatMs } from '../hooks/use-elapsed.js';

export function DeployProgressLines({ progress, running }: { progress: DeployProgress[]; running: boolean }) {
  const color = useColor();
  return progress.map((p) => {
    const size = p.files !== undefined ? ` ${plural(p.files, 'file')} · ${formatBytes(p.bytes ?? 0)}` : '';
    const detail = p.detail ? ` ${p.detail}` : '';
    const time = p.ms !== undefined ? ` (${formatMs(p.ms)})` : '';
    if (p.done) {
      return (
        <Text key={p.phase} wrap="wrap">
          <Text color={color('green')}>✓</Text> {p.phase}
          {size}
          {detail}
          <Text dimColor>{time}</Text>
        </Text>
      );
    }
    return running ? (
      <Spinner key={p.phase} label={`${p.phase}${size}${detail}`} />
    ) : (
      <Text key={p.phase} wrap="wrap">
        <Text color={color('red')}>✗</Text> {p.phase}
        {size}
        {detail}
      </Text>
    );
  });
}
