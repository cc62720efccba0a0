// The limits step's memory: the sizes the instance type takes as a list (digits typed on it start
// typing a size), the typed size checked as it is typed, and once chosen, the size as a line.
import { Box, Text, useInput } from 'ink';
import {
  FIELD_RULES,
  memoryChoices,
  memoryRuleText,
  timeoutMax,
  timeoutRuleText,
  type KnownInstanceType,
} from '../../fc/rules.js';
import { validateMemorySize } from '../../fc/validate.js';
import { wizardCheck } from '../../wizard/errors.js';
import { defaultMemory, toInt, typedMemoryStart } from '../../wizard/limits.js';
import { Field, Menu, Rule } from '../components.js';
import { wholeNumberProblem } from '../format.js';

/** The memory list's row that opens the field to type a size. */
const TYPE = -1;
/** The memory list's last row: switch to the other instance type (its sizes and timeout range). */
const SWITCH = -2;

/** What each instance type brings, from the rules table, for the row that switches to it. */
function instanceOffer(type: KnownInstanceType): string {
  const sizes = memoryChoices(type);
  const name = type === 'c1' ? 'Performance instance (c1)' : 'Elastic instance (e1)';
  return `${name}: ${sizes[0]}–${sizes[sizes.length - 1]} MB, timeout up to ${timeoutMax(type)} s…`;
}

export function MemoryField(props: {
  /** 'memory': the list; 'memory-typed': the field; anything else: the chosen size. */
  sub: string;
  instanceType: KnownInstanceType;
  memory: number;
  memoryText: string;
  onMemoryText: (text: string) => void;
  /** A size chosen, from the list or typed. */
  onMemory: (mb: number) => void;
  /** Digits typed on the list; `confirmed` when they came with Enter and are a valid size. */
  onTyped: (digits: string, confirmed: boolean) => void;
  onType: () => void;
  onSwitch: (type: KnownInstanceType) => void;
}) {
  const { sub, instanceType, memory } = props;
  const typeDefault = defaultMemory(instanceType);
  // On the list, a digit starts typing a size (the valid sizes are offered as a list, and any
  // number is checked as it is typed): the field opens with what was typed so far. A chunk
  // "1024\r" (typed fast, pasted) is taken whole when the number is valid.
  useInput(
    (input) => {
      const typed = typedMemoryStart(input, instanceType);
      if (typed) props.onTyped(typed.digits, typed.confirmed);
    },
    { isActive: sub === 'memory' },
  );
  if (sub === 'memory') {
    return (
      <MemoryMenu
        instanceType={instanceType}
        memory={memory}
        onPick={props.onMemory}
        onType={props.onType}
        onSwitch={props.onSwitch}
      />
    );
  }
  if (sub === 'memory-typed') {
    return (
      <Field
        label={FIELD_RULES.memorySize.label}
        value={props.memoryText}
        suggestion={String(typeDefault)}
        onChange={props.onMemoryText}
        rule={memoryRuleText(instanceType)}
        defaultValue={typeDefault}
        check={(v) =>
          wholeNumberProblem('memorySize', v, memoryRuleText(instanceType)) ??
          wizardCheck(validateMemorySize(toInt(v), instanceType))
        }
        onSubmit={(v) => props.onMemory(toInt(v))}
      />
    );
  }
  return (
    <Text>
      {FIELD_RULES.memorySize.label}: {memory}
    </Text>
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
