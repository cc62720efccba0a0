// Step 4: the runtime, grouped by language with current ones first; deprecated ones stay visible,
// marked with what that means. The mark follows the rules table's status (src/fc/rules.ts), the
// same table the validators read, and the highlighted runtime shows its statusNote in full.
import { Box } from 'ink';
import { DEFAULT_RUNTIME, FIELD_RULES, runtimesByLanguage, type RuntimeInfo, type RuntimeStatus } from '../../fc/rules.js';
import { Issues, KeyHelp, Menu, Rule, type MenuItem } from '../components.js';
import { useWizard } from '../context.js';

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
  const items: MenuItem<string>[] = runtimesByLanguage().flatMap((group) =>
    group.runtimes.map((r) => ({ label: `${r.id.padEnd(16)} ${r.label}`, value: r.id, group: group.label, note: runtimeMark(r), detail: r.statusNote })),
  );
  return (
    <Box flexDirection="column">
      <Rule rule={FIELD_RULES.runtime.rule} defaultValue={DEFAULT_RUNTIME} />
      <Menu items={items} initialValue={state.runtime ?? DEFAULT_RUNTIME} limit={10} onSelect={(item) => dispatch({ type: 'submit', step: 'runtime', values: { runtime: item.value } })} />
      <Issues issues={state.issues} />
      <KeyHelp extra="↑/↓ move" />
    </Box>
  );
}
