// Step 7: memory (pick a valid size, or type a number checked as typed), timeout, initializer and
// its timeout. Each shows its rule and default from FIELD_RULES, the table the validators read.
// The initializer is checked against the package as typed, as the handler is: one it cannot find
// is refused once (a second Enter keeps it, e.g. when a layer provides the file).
import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import {
  DEFAULT_INSTANCE_TYPE,
  FIELD_RULES,
  handlerRuleText,
  memoryChoices,
  memoryRuleText,
  timeoutMax,
  timeoutRuleText,
  type KnownInstanceType,
} from '../../fc/rules.js';
import { INIT_TIMEOUT_DEFAULT_S, TIMEOUT_DEFAULT_S } from '../../fc/limits.js';
import {
  validateHandler,
  validateInitializationTimeout,
  validateMemorySize,
  validateTimeout,
} from '../../fc/validate.js';
import { CheckLine, Field, Issues, KeyHelp, Menu, Rule } from '../components.js';
import { useWizard } from '../context.js';
import { useDraft } from '../hooks/use-draft.js';
import { useInitializerCheck } from '../hooks/use-initializer-check.js';
import { usePackage } from '../hooks/use-package.js';
import { useSubScreens } from '../hooks/use-sub-screens.js';
import { unlessDefault, wholeNumberProblem } from '../format.js';
import { wizardCheck } from '../../wizard/errors.js';
import { defaultMemory, memoryAfterSwitch, toInt, typedMemoryStart } from '../../wizard/limits.js';

type Sub = 'memory' | 'memory-typed' | 'timeout' | 'initializer' | 'init-timeout';
const TYPE = -1;
/** The memory list's last row: switch to the other instance type (its sizes and timeout range). */
const SWITCH = -2;

/** What each instance type brings, from the rules table, for the row that switches to it. */
function instanceOffer(type: KnownInstanceType): string {
  const sizes = memoryChoices(type);
  const name = type === 'c1' ? 'Performance instance (c1)' : 'Elastic instance (e1)';
  return `${name}: ${sizes[0]}–${sizes[sizes.length - 1]} MB, timeout up to ${timeoutMax(type)} s…`;
}

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

  // On the list, a digit starts typing a size (the valid sizes are offered as a list, and any
  // number is checked as it is typed): the field opens with what was typed so far. A chunk "1024\r" (typed fast,
  // pasted) is taken whole when the number is valid.
  useInput(
    (input) => {
      const typed = typedMemoryStart(input, instanceType);
      if (!typed) return;
      setMemoryText(typed.digits);
      if (typed.confirmed) {
        setMemory(Number(typed.digits));
        go('memory-typed', 'timeout');
        return;
      }
      go('memory-typed');
    },
    { isActive: sub === 'memory' },
  );

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
  const typeDefault = defaultMemory(instanceType);
  const switchTo = (next: KnownInstanceType) => {
    setInstanceType(next);
    setMemory(memoryAfterSwitch(memory, next));
  };
  return (
    <Box flexDirection="column">
      <Text>
        {FIELD_RULES.instanceType.label}: {instanceType} ({instanceType === 'c1' ? 'performance' : 'elastic'})
      </Text>
      {sub === 'memory' ? (
        <MemoryMenu
          instanceType={instanceType}
          memory={memory}
          onPick={(mb) => {
            setMemory(mb);
            go('timeout');
          }}
          onType={() => go('memory-typed')}
          onSwitch={switchTo}
        />
      ) : sub === 'memory-typed' ? (
        <Field
          label={FIELD_RULES.memorySize.label}
          value={memoryText}
          suggestion={String(typeDefault)}
          onChange={setMemoryText}
          rule={memoryRuleText(instanceType)}
          defaultValue={typeDefault}
          check={(v) =>
            wholeNumberProblem('memorySize', v, memoryRuleText(instanceType)) ??
            wizardCheck(validateMemorySize(toInt(v), instanceType))
          }
          onSubmit={(v) => {
            setMemory(toInt(v));
            go('timeout');
          }}
        />
      ) : (
        <Text>
          {FIELD_RULES.memorySize.label}: {memory}
        </Text>
      )}
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
        <Field
          label={FIELD_RULES.initializer.label}
          value={initializer}
          onChange={setInitializer}
          rule={handlerRuleText(runtime, 'initializer')}
          placeholder="(none: press Enter)"
          check={(v) => (v.trim() ? wizardCheck(validateHandler(runtime, v.trim(), 'initializer')) : undefined)}
          onSubmit={async (v) => {
            const value = v.trim();
            if (!value) return submit('', state.initializationTimeout);
            if (await initCheck.accept(value)) go('init-timeout');
          }}
        />
      )}
      {sub === 'initializer' && initCheck.check && (
        <CheckLine status={initCheck.check.status} message={initCheck.check.message} />
      )}
      {sub === 'initializer' && initCheck.refusedOnce && (
        <Text wrap="wrap">Press Enter again to keep this initializer anyway (e.g. when a layer provides it).</Text>
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

/** The sizes the instance type takes, typing another, and switching to the other instance type. */
function MemoryMenu(props: {
  instanceType: KnownInstanceType;
  memory: number;
  onPick: (mb: number) => void;
  onType: () => void;
  onSwitch: (type: KnownInstanceType) => void;
}) {
  const { instanceType, memory } = props;
  const choices = memoryChoices(instanceType);
  const other: KnownInstanceType = instanceType === 'c1' ? 'e1' : 'c1';
  const switchDetail = `Switches the instance type to ${other}: ${memoryRuleText(other)}; ${timeoutRuleText(other)}.`;
  return (
    <Box flexDirection="column">
      <Text bold>{FIELD_RULES.memorySize.label}</Text>
      <Rule
        rule={memoryRuleText(instanceType)}
        defaultValue={instanceType === 'c1' ? undefined : FIELD_RULES.memorySize.default}
      />
      <Menu
        key={instanceType}
        items={[
          ...choices.map((mb) => ({ label: `${mb} MB`, value: mb })),
          { label: 'Type a size in MB…', value: TYPE, detail: 'Or just type the digits here.' },
          { label: instanceOffer(other), value: SWITCH, detail: switchDetail },
        ]}
        initialValue={choices.includes(memory) ? memory : TYPE}
        limit={6}
        onSelect={(item) => {
          if (item.value === SWITCH) return props.onSwitch(other);
          if (item.value === TYPE) return props.onType();
          props.onPick(item.value);
        }}
      />
    </Box>
  );
}
