// Step 4: the runtime, grouped by language with current ones first; deprecated ones stay visible,
// marked with what that means (no new functions; then no updates either).
import { Box } from 'ink';
import { DEFAULT_RUNTIME, FIELD_RULES, runtimeAllows, runtimesByLanguage, type RuntimeInfo } from '../../fc/rules.js';
import { Issues, KeyHelp, Menu, Rule, type MenuItem } from '../components.js';
import { useWizard } from '../context.js';

function note(r: RuntimeInfo, mode: 'create' | 'update'): string {
  if (r.status === 'current') return '';
  if (r.status === 'preview') return 'preview';
  return runtimeAllows(r.id, mode) ? 'deprecated: update only' : `deprecated: no ${mode === 'create' ? 'new functions' : 'updates'}`;
}

export function RuntimeStep() {
  const { state, dispatch } = useWizard();
  const items: MenuItem<string>[] = runtimesByLanguage().flatMap((group) =>
    group.runtimes.map((r) => ({ label: `${r.id.padEnd(16)} ${r.label}`, value: r.id, group: group.label, note: note(r, state.mode), detail: r.statusNote })),
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
