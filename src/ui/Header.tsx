// The line that stays at the top once the target is chosen: which account, region and credential
// source every call will use (users asked to see them before any write).
import { Box, Text } from 'ink';
import type { TargetValues } from '../wizard/state.js';
import { useColor } from './components.js';

export function Header({
  target,
  step,
  total,
  title,
}: {
  target?: TargetValues;
  step: number;
  total: number;
  title: string;
}) {
  const color = useColor();
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">
        <Text bold color={color('cyan')}>
          fcw
        </Text>
        <Text dimColor>
          {' '}
          · step {step}/{total} ·{' '}
        </Text>
        <Text bold>{title}</Text>
      </Text>
      {target && (
        <Text wrap="wrap" dimColor>
          {target.kind === 'sandbox' ? 'local sandbox' : target.kind === 'endpoint' ? target.endpoint : 'Alibaba Cloud'}
          {' · account '}
          {target.accountId}
          {target.region ? ` · ${target.region}` : ''}
          {' · credentials: '}
          {target.credentialSource}
        </Text>
      )}
    </Box>
  );
}
