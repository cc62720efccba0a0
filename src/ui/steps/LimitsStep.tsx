// Step 7: memory (pick a valid size, or type a number checked as typed), timeout, initializer and
// its timeout. Each shows its rule and default from FIELD_RULES, the table the validators read.
// The initializer is checked against the package as typed, as the handler is: one it cannot find
// is refused once (a second Enter keeps it, e.g. when a layer provides the file).
import { useState } from 'react';
import { Box, Text } from 'ink';
import { DEFAULT_INSTANCE_TYPE, FIELD_RULES, timeoutRuleText, type KnownInstanceType } from '../../fc/rules.js';
import { INIT_TIMEOUT_DEFAULT_S, TIMEOUT_DEFAULT_S } from '../../fc/limits.js';
import { validateInitializationTimeout, validateTimeout } from '../../fc/validate.js';
import { Field, Issues, KeyHelp } from '../components.js';
import { useWizard } from '../context.js';
import { useDraft } from '../hooks/use-draft.js';
import { useInitializerCheck } from '../hooks/use-initializer-check.js';
import { usePackage } from '../hooks/use-package.js';
import { useSubScreens } from '../hooks/use-sub-screens.js';
import { unlessDefault, wholeNumberProblem } from '../format.js';
import { wizardCheck } from '../../wizard/errors.js';
import { memoryAfterSwitch, toInt } from '../../wizard/limits.js';
import { InitializerField } from './InitializerField.js';
import { MemoryField } from './MemoryField.js';

type Sub = 'memory' | 'memory-typed' | 'timeout' | 'initializer' | 'init-timeout';
export function LimitsStep() {
  const { state, dispatch } = useWizard();
  const runtime = state.runtime ?? '';
  const { current: sub, trail: subs, go } = useSubScreens<Sub>('memory');
  const [instanceType, setInstanceType] = useState<KnownInstanceType>(
    state.instanceType === 'c1' ? 'c1' : DEFAULT_INSTANCE_TYPE,
  );
  const [memory, setMemory] = useState(state.memorySize);
  const [memoryText, setMemoryText] = useState(String(state.memorySize));
  // A value that is the default shows as a placeholder (empty field): typing replaces it.
  const [timeoutText, setTimeoutText] = useDraft('limits.timeout', unlessDefault(state.timeout, TIMEOUT_DEFAULT_S));
  const timeout = timeoutText || String(TIMEOUT_DEFAULT_S);
  const [initializer, setInitializer] = useDraft(`limits.initializer:${runtime}`, state.initializer);
  const [initTimeout, setInitTimeout] = useDraft(
    'limits.initTimeout',
    unlessDefault(state.initializationTimeout, INIT_TIMEOUT_DEFAULT_S),
  );
  const pkg = usePackage();
  const initCheck = useInitializerCheck(pkg, runtime, initializer);

  const submit = (init: string, initTimeoutValue: number) =>
    dispatch({
      type: 'submit',
      step: 'limits',
      values: {
        memorySize: memory,
        timeout: toInt(timeout),
        instanceType,
        initializer: init.trim(),
        initializationTimeout: initTimeoutValue,
      },
    });

  const done = (s: Sub) => subs.includes(s) && sub !== s;
  const switchTo = (next: KnownInstanceType) => {
    setInstanceType(next);
    setMemory(memoryAfterSwitch(memory, next));
  };
  return (
    <Box flexDirection="column">
      <Text>
        {FIELD_RULES.instanceType.label}: {instanceType} ({instanceType === 'c1' ? 'performance' : 'elastic'})
      </Text>
      <MemoryField
        sub={sub}
        instanceType={instanceType}
        memory={memory}
        memoryText={memoryText}
        onMemoryText={setMemoryText}
        onMemory={(mb) => {
          setMemory(mb);
          go('timeout');
        }}
        onTyped={(digits, confirmed) => {
          setMemoryText(digits);
          if (confirmed) {
            setMemory(Number(digits));
            go('memory-typed', 'timeout');
            return;
          }
          go('memory-typed');
        }}
        onType={() => go('memory-typed')}
        onSwitch={switchTo}
      />
      {sub === 'timeout' && (
        <Field
          label={FIELD_RULES.timeout.label}
          value={timeoutText}
          suggestion={String(TIMEOUT_DEFAULT_S)}
          onChange={setTimeoutText}
          rule={timeoutRuleText(instanceType)}
          defaultValue={FIELD_RULES.timeout.default}
          check={(v) =>
            wholeNumberProblem('timeout', v, timeoutRuleText(instanceType)) ??
            wizardCheck(validateTimeout(toInt(v), instanceType))
          }
          onSubmit={() => go('initializer')}
        />
      )}
      {done('timeout') && (
        <Text>
          {FIELD_RULES.timeout.label}: {timeout}
        </Text>
      )}
      {sub === 'initializer' && (
        <InitializerField
          runtime={runtime}
          value={initializer}
          onChange={setInitializer}
          check={initCheck}
          onSubmit={async (value) => {
            if (!value) return submit('', state.initializationTimeout);
            if (await initCheck.accept(value)) go('init-timeout');
          }}
        />
      )}
      {done('initializer') && (
        <Text>
          {FIELD_RULES.initializer.label}: {initializer || '(none)'}
        </Text>
      )}
      {sub === 'init-timeout' && (
        <Field
          label={FIELD_RULES.initializationTimeout.label}
          value={initTimeout}
          suggestion={String(INIT_TIMEOUT_DEFAULT_S)}
          onChange={setInitTimeout}
          rule={FIELD_RULES.initializationTimeout.rule}
          defaultValue={FIELD_RULES.initializationTimeout.default}
          check={(v) =>
            wholeNumberProblem('initializationTimeout', v, FIELD_RULES.initializationTimeout.rule) ??
            wizardCheck(validateInitializationTimeout(toInt(v)))
          }
          onSubmit={(v) => submit(initializer, toInt(v))}
        />
      )}
      <Issues issues={state.issues} />
      <KeyHelp extra={sub === 'memory' ? '↑/↓ move · or type a size' : undefined} />
    </Box>
  );
}
