// The target step's account id, checked as typed; for Alibaba Cloud, the endpoint it makes with the
// region is shown under it.
import { Text } from 'ink';
import { ACCOUNT_ID, cloudEndpoint } from '../../fc/endpoint.js';
import { FieldScreen } from '../components.js';

export function AccountField(props: {
  value: string;
  onChange: (value: string) => void;
  /** The region, for Alibaba Cloud: the endpoint is shown; none for an endpoint target. */
  cloudRegion?: string;
  onSubmit: () => void;
}) {
  const { value, cloudRegion } = props;
  return (
    <FieldScreen
      label="Account id"
      value={value}
      onChange={props.onChange}
      rule="your numeric Alibaba Cloud account id (console, top right → account id)"
      check={(v) => (ACCOUNT_ID.test(v) ? undefined : 'digits only, e.g. 123456789012')}
      onSubmit={props.onSubmit}
    >
      {cloudRegion !== undefined && (
        <Text dimColor>endpoint: {ACCOUNT_ID.test(value) ? cloudEndpoint(value, cloudRegion) : '…'}</Text>
      )}
    </FieldScreen>
  );
}
