// Step 3: the function name, checked as typed. If the service already has a function of that
// name, say so and offer to update it (its deployed settings become the defaults) or rename.
import { useEffect } from 'react';
import { Box, Text } from 'ink';
import { filterNames } from '../../wizard/filter.js';
import { FIELD_RULES } from '../../fc/rules.js';
import type { FunctionInfo } from '../../fc/types.js';
import { validateFunctionName } from '../../fc/validate.js';
import { toErrorView, wizardCheck } from '../../wizard/errors.js';
import { ErrorPanel, FieldScreen, KeyHelp, Menu, Spinner, useColor } from '../components.js';
import { useWizard } from '../context.js';
import { useBack } from '../hooks/use-back.js';
import { useDraft } from '../hooks/use-draft.js';
import { useTask } from '../hooks/use-task.js';

const FUNCTION_ROWS = 6;

export function FunctionStep() {
  const { state, session, dispatch } = useWizard();
  const color = useColor();
  const [name, setName] = useDraft('function.name', state.functionName ?? state.draftFunctionName ?? '');
  const [lookup, runLookup, resetLookup] = useTask<FunctionInfo | undefined>();
  const service = state.service;
  // The service's functions, listed under the field and filtered as the name is typed.
  const [existing, runList] = useTask<FunctionInfo[]>();
  useEffect(() => {
    const connection = session.connection;
    if (service && !service.isNew && connection)
      void runList((signal) => connection.listFunctions(service.name, { signal }));
  }, [service, session, runList]);
  const matches = existing.status === 'done' ? filterNames(existing.value, name, (f) => f.functionName) : [];

  useBack(() => {
    if (lookup.status === 'done' && lookup.value) {
      resetLookup();
      return true;
    }
    return false;
  });

  const submit = (functionName: string) => {
    // A service created a moment ago holds no function: no need to ask.
    if (!service || service.isNew || !session.connection) {
      dispatch({ type: 'submit', step: 'function', values: { functionName } });
      return;
    }
    const connection = session.connection;
    runLookup(async (signal) => {
      const existing = await connection.getFunction(service.name, functionName, { signal });
      if (!existing) dispatch({ type: 'submit', step: 'function', values: { functionName } });
      return existing;
    });
  };

  if (lookup.status === 'running') return <Spinner label={`Looking for ${name} in ${service?.name}…`} />;
  if (lookup.status === 'done' && lookup.value) {
    const fn = lookup.value;
    return (
      <Box flexDirection="column">
        <Text color={color('yellow')} wrap="wrap">
          {fn.functionName} already exists in {service?.name}: {fn.runtime}, handler {fn.handler},{' '}
          {fn.memorySize ?? '?'} MB, modified {fn.lastModifiedTime}.
        </Text>
        <Menu
          items={[
            {
              label: 'Update it',
              value: 'update',
              detail: 'Its deployed settings become the defaults of the next steps; deploy updates it in place.',
            },
            { label: 'Choose another name', value: 'rename' },
          ]}
          onSelect={(item) => {
            if (item.value === 'update')
              dispatch({ type: 'submit', step: 'function', values: { functionName: fn.functionName, existing: fn } });
            else resetLookup();
          }}
        />
        <KeyHelp extra="↑/↓ move" />
      </Box>
    );
  }
  const failure = lookup.status === 'failed' && (
    <ErrorPanel
      error={toErrorView(lookup.error, { credentialSource: state.target?.credentialSource })}
      title="Could not check whether the function exists"
    />
  );
  return (
    <FieldScreen
      intro={
        <Text dimColor>
          in service {service?.name}
          {service?.isNew ? ' (new)' : ''}
        </Text>
      }
      label="Function name"
      value={name}
      onChange={setName}
      rule={FIELD_RULES.functionName.rule}
      check={(v) => wizardCheck(validateFunctionName(v))}
      onSubmit={submit}
      failure={failure}
      issues={state.issues}
    >
      {existing.status === 'done' && existing.value.length > 0 && (
        <Box flexDirection="column">
          <Text dimColor>
            {existing.value.length} function{existing.value.length === 1 ? '' : 's'} in {service?.name}
            {name ? ` · ${matches.length} match "${name}"` : ''} (Enter on one of these names updates it)
          </Text>
          {matches.slice(0, FUNCTION_ROWS).map((f) => (
            <Text key={f.functionName} wrap="truncate-end">
              {'  '}
              {f.functionName.padEnd(24)}{' '}
              <Text dimColor>
                {f.runtime} · {f.memorySize ?? '?'} MB · modified {f.lastModifiedTime}
              </Text>
            </Text>
          ))}
          {matches.length > FUNCTION_ROWS && (
            <Text dimColor>
              {'  '}… {matches.length - FUNCTION_ROWS} more
            </Text>
          )}
        </Box>
      )}
    </FieldScreen>
  );
}
