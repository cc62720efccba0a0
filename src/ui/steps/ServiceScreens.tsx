// The service step's other screens: the listing failed (try again, or create one), and the name of
// a new service, checked as typed.
import { Box, Text } from 'ink';
import { FIELD_RULES } from '../../fc/rules.js';
import { validateServiceName } from '../../fc/validate.js';
import { toErrorView, wizardCheck } from '../../wizard/errors.js';
import { ErrorPanel, FieldScreen, Menu } from '../components.js';
import { useWizard } from '../context.js';

export function ServiceListFailed(props: { error: unknown; onRetry: () => void; onCreate: () => void }) {
  const { state } = useWizard();
  return (
    <Box flexDirection="column">
      <ErrorPanel
        error={toErrorView(props.error, { credentialSource: state.target?.credentialSource })}
        title="Could not list the services"
      />
      <Text>Press Esc to go back and change the target, or choose:</Text>
      <Menu
        items={[
          { label: 'Try again', value: 'retry' },
          { label: 'Create a new service', value: 'create' },
        ]}
        onSelect={(item) => (item.value === 'retry' ? props.onRetry() : props.onCreate())}
      />
    </Box>
  );
}

export function NewServiceField(props: {
  value: string;
  onChange: (name: string) => void;
  onSubmit: (name: string) => void;
}) {
  const { state } = useWizard();
  return (
    <FieldScreen
      issues={state.issues}
      keys={{ only: 'Enter choose · Esc back to the list · Ctrl-C quit' }}
      label="New service name"
      value={props.value}
      onChange={props.onChange}
      rule={FIELD_RULES.serviceName.rule}
      check={(v) => wizardCheck(validateServiceName(v))}
      onSubmit={props.onSubmit}
    >
      <Text dimColor wrap="wrap">
        Nothing is created yet: the deploy creates the service, after the review.
      </Text>
    </FieldScreen>
  );
}
