// The limits step's initializer field, with its check against the package as typed and, when it
// was refused once, how to keep it anyway.
import { Text } from 'ink';
import { FIELD_RULES, handlerRuleText } from '../../fc/rules.js';
import { validateHandler } from '../../fc/validate.js';
import { wizardCheck } from '../../wizard/errors.js';
import { CheckLine, Field } from '../components.js';
import type { InitializerCheck } from '../hooks/use-initializer-check.js';

export function InitializerField(props: {
  runtime: string;
  value: string;
  onChange: (value: string) => void;
  check: InitializerCheck;
  /** Enter, with the value trimmed (empty: no initializer). */
  onSubmit: (value: string) => unknown;
}) {
  const { runtime, check } = props;
  return (
    <>
      <Field
        label={FIELD_RULES.initializer.label}
        value={props.value}
        onChange={props.onChange}
        rule={handlerRuleText(runtime, 'initializer')}
        placeholder="(none: press Enter)"
        check={(v) => (v.trim() ? wizardCheck(validateHandler(runtime, v.trim(), 'initializer')) : undefined)}
        onSubmit={(v) => props.onSubmit(v.trim())}
      />
      {check.check && <CheckLine status={check.check.status} message={check.check.message} />}
      {check.refusedOnce && (
        <Text wrap="wrap">Press Enter again to keep this initializer anyway (e.g. when a layer provides it).</Text>
      )}
    </>
  );
}
