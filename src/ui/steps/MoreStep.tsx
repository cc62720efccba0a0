// Step 8 (optional): description, environment variables (one KEY=value per Enter; an empty Enter
// moves on), layers (the same), and caPort for custom runtimes. Enter on an empty field skips it.
import { useState } from 'react';
import { Box, Text } from 'ink';
import { FIELD_RULES, getRuntime } from '../../fc/rules.js';
import { CA_PORT_DEFAULT } from '../../fc/limits.js';
import { validateCaPort, validateEnvironmentVariables, validateLayers } from '../../fc/validate.js';
import { Field, Issues, KeyHelp } from '../components.js';
import { useWizard } from '../context.js';
import { useBack } from '../hooks/use-back.js';
import { useDraft } from '../hooks/use-draft.js';
import { unlessDefault, wholeNumberProblem } from '../format.js';
import { wizardCheck } from '../../wizard/errors.js';

type Sub = 'description' | 'env' | 'layers' | 'caPort';

export function parseEnvEntry(v: string): [string, string] | undefined {
  const at = v.indexOf('=');
  if (at <= 0) return undefined;
  return [v.slice(0, at).trim(), v.slice(at + 1)];
}

export function MoreStep() {
  const { state, dispatch } = useWizard();
  const isCustom = getRuntime(state.runtime ?? '')?.isCustom ?? false;
  const order: Sub[] = isCustom ? ['description', 'env', 'layers', 'caPort'] : ['description', 'env', 'layers'];
  const [at, setAt] = useState(0);
  const sub = order[at];
  const [description, setDescription] = useDraft('more.description', state.description);
  const [env, setEnv] = useDraft<Record<string, string>>('more.env', state.environmentVariables);
  const [envText, setEnvText] = useDraft('more.envText', '');
  const [layers, setLayers] = useDraft<string[]>('more.layers', state.layers);
  const [layerText, setLayerText] = useDraft('more.layerText', '');
  const [caPort, setCaPort] = useDraft('more.caPort', unlessDefault(state.caPort ?? CA_PORT_DEFAULT, CA_PORT_DEFAULT));

  useBack(() => {
    if (at > 0) {
      setAt(at - 1);
      return true;
    }
    return false;
  });

  const finish = (port?: number) =>
    dispatch({
      type: 'submit',
      step: 'more',
      values: { description: description.trim(), environmentVariables: env, layers, caPort: port },
    });
  const next = () => (at + 1 < order.length ? setAt(at + 1) : finish(undefined));

  return (
    <Box flexDirection="column">
      {sub === 'description' ? (
        <Field
          label="Description"
          value={description}
          onChange={setDescription}
          rule="optional, free text"
          placeholder="(none: press Enter)"
          onSubmit={next}
        />
      ) : (
        <Text>Description: {description || '(none)'}</Text>
      )}
      {at >= 1 && (
        <Box flexDirection="column">
          <Text>
            {FIELD_RULES.environmentVariables.label}:{' '}
            {Object.keys(env).length
              ? Object.entries(env)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')
              : '(none)'}
          </Text>
          {sub === 'env' && (
            <Field
              label="Add KEY=value"
              value={envText}
              onChange={setEnvText}
              rule={`${FIELD_RULES.environmentVariables.rule}; empty Enter: done; "-KEY" removes`}
              placeholder="(done: press Enter)"
              check={(v) => {
                if (!v.trim() || v.startsWith('-')) return undefined;
                const entry = parseEnvEntry(v);
                if (!entry) return 'write KEY=value';
                return wizardCheck(validateEnvironmentVariables({ ...env, [entry[0]]: entry[1] }));
              }}
              onSubmit={(v) => {
                if (!v.trim()) return next();
                if (v.startsWith('-')) {
                  const { [v.slice(1).trim()]: _gone, ...rest } = env;
                  setEnv(rest);
                } else {
                  const entry = parseEnvEntry(v);
                  if (entry) setEnv({ ...env, [entry[0]]: entry[1] });
                }
                setEnvText('');
              }}
            />
          )}
        </Box>
      )}
      {at >= 2 && (
        <Box flexDirection="column">
          <Text>
            {FIELD_RULES.layers.label}: {layers.length ? layers.join(', ') : '(none)'}
          </Text>
          {sub === 'layers' && (
            <Field
              label="Add a layer"
              value={layerText}
              onChange={setLayerText}
              rule={`${FIELD_RULES.layers.rule}; empty Enter: done; "-" removes the last`}
              placeholder="(done: press Enter)"
              check={(v) => (!v.trim() || v === '-' ? undefined : wizardCheck(validateLayers([...layers, v.trim()])))}
              onSubmit={(v) => {
                if (!v.trim()) return next();
                setLayers(v === '-' ? layers.slice(0, -1) : [...layers, v.trim()]);
                setLayerText('');
              }}
            />
          )}
        </Box>
      )}
      {sub === 'caPort' && (
        <Field
          label={FIELD_RULES.caPort.label}
          value={caPort}
          suggestion={String(CA_PORT_DEFAULT)}
          onChange={setCaPort}
          rule={FIELD_RULES.caPort.rule}
          defaultValue={FIELD_RULES.caPort.default}
          check={(v) =>
            wholeNumberProblem('caPort', v, FIELD_RULES.caPort.rule) ??
            wizardCheck(validateCaPort(state.runtime ?? '', Number(v)))
          }
          onSubmit={(v) => finish(Number(v))}
        />
      )}
      <Issues issues={state.issues} />
      <KeyHelp />
    </Box>
  );
}
