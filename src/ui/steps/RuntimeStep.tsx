// Step 4: the runtime, grouped by language with current ones first; deprecated ones stay visible,
// marked with what that means. The mark follows the rules table's status (src/fc/rules.ts), the
// same table the validators read, and the highlighted runtime shows its statusNote in full.
import { useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import {
  DEFAULT_RUNTIME,
  FIELD_RULES,
  runtimesByLanguage,
  type RuntimeInfo,
  type RuntimeStatus,
} from '../../fc/rules.js';
import { Issues, KeyHelp, Menu, Rule, type MenuItem } from '../components.js';
import { useWizard } from '../context.js';
import { TextField } from '../TextField.js';

/** The short mark beside a runtime, one per status of the rules table. */
export const RUNTIME_STATUS_MARKS: Readonly<Record<RuntimeStatus, string>> = {
  current: '',
  preview: 'preview',
  'deprecated-no-create': 'deprecated: update only',
  'deprecated-no-update': 'deprecated: no create/update',
};

export function runtimeMark(r: RuntimeInfo): string {
  return RUNTIME_STATUS_MARKS[r.status];
}

export function RuntimeStep() {
  const { state, dispatch } = useWizard();
  const [query, setQuery] = useState('');
  const all: MenuItem<string>[] = useMemo(
    () =>
      runtimesByLanguage().flatMap((group) =>
        group.runtimes.map((r) => ({
          label: `${r.id.padEnd(16)} ${r.label}`,
          value: r.id,
          group: group.label,
          note: runtimeMark(r),
          detail: r.statusNote,
        })),
      ),
    [],
  );
  // Filtered as typed, as the service list is: by id or language ("py", "debian", "Node").
  const items = query.trim()
    ? all.filter((i) => `${i.value} ${i.group}`.toLowerCase().includes(query.trim().toLowerCase()))
    : all;
  const initial =
    state.runtime && items.some((i) => i.value === state.runtime)
      ? state.runtime
      : query
        ? items[0]?.value
        : DEFAULT_RUNTIME;
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold>Filter: </Text>
        <TextField value={query} onChange={setQuery} placeholder="type to filter (e.g. python)" />
      </Box>
      <Rule rule={FIELD_RULES.runtime.rule} defaultValue={DEFAULT_RUNTIME} />
      {items.length === 0 ? (
        <Text dimColor>No runtime matches "{query}".</Text>
      ) : (
        <Menu
          key={query}
          items={items}
          initialValue={initial}
          limit={10}
          onSelect={(item) => dispatch({ type: 'submit', step: 'runtime', values: { runtime: item.value } })}
        />
      )}
      <Issues issues={state.issues} />
      <KeyHelp extra="type to filter · ↑/↓ move" />
    </Box>
  );
}
