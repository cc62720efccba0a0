// The custom endpoint of the target step. It looks for `fcw serve` on its default port and offers
// it, and checks the endpoint as soon as it is entered (before the account and credentials are
// asked): nothing answering is said at once, with the fix. A second Enter goes on anyway (the
// endpoint may be started later). An `fcw serve` that takes a key id no key here has is said at
// once too: it would refuse every key offered. No credentials are sent by these checks.
import { useEffect, useState } from 'react';
import { Text } from 'ink';
import { DEFAULT_SANDBOX_PORT } from '../../sandbox/default-port.js';
import { CheckLine, FieldScreen, Spinner, useColor } from '../components.js';
import { useWizard } from '../context.js';
import { useTask } from '../hooks/use-task.js';
import { keysWithId, missingServedKey } from '../../wizard/served-key.js';
import type { EndpointProbe, FoundCredentials, ServedSandbox } from '../services.js';

export const DEFAULT_SANDBOX_URL = `http://127.0.0.1:${DEFAULT_SANDBOX_PORT}`;

/** Why Enter stopped at this endpoint: nothing answers, or no key here has the id its `fcw serve` takes. */
type Stop = 'unreachable' | 'no-key';

function stopOf(probe: EndpointProbe, keys: FoundCredentials[]): Stop | undefined {
  if (!probe.reachable) return 'unreachable';
  const served = probe.sandbox;
  if (served?.accessKeyId === undefined || served.key) return undefined;
  return keysWithId(keys, served.accessKeyId).length > 0 ? undefined : 'no-key';
}

function urlProblem(v: string): string | undefined {
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must start with http:// or https://';
  } catch {
    return 'not a URL yet';
  }
}

export function EndpointField({
  value,
  keys,
  onChange,
  onConfirm,
}: {
  value: string;
  /** The keys found on this machine: one with the id an `fcw serve` takes lets the wizard go on. */
  keys: FoundCredentials[];
  onChange: (v: string) => void;
  /** The endpoint to use, and what the `fcw serve` found there says (its account, its key found here). */
  onConfirm: (endpoint: string, sandbox?: ServedSandbox) => void;
}) {
  const { services } = useWizard();
  const color = useColor();
  const [running, setRunning] = useState<EndpointProbe | undefined>();
  const [check, runCheck] = useTask<{ endpoint: string; probe: EndpointProbe }>();
  const [refused, setRefused] = useState<string | undefined>();

  // A sandbox already running on the default port (`fcw serve`) is offered as the default.
  useEffect(() => {
    let live = true;
    services.probeEndpoint(DEFAULT_SANDBOX_URL).then(
      (probe) => live && setRunning(probe),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [services]);

  const checked = check.status === 'done' && check.value.endpoint === value.trim() ? check.value.probe : undefined;
  const stop = checked && stopOf(checked, keys);
  const missing =
    stop === 'no-key' && checked?.reachable && checked.sandbox?.accessKeyId
      ? missingServedKey(value.trim(), checked.sandbox.accessKeyId, checked.sandbox.looked ?? [])
      : undefined;
  const served = running?.reachable && running.sandbox && (
    <Text wrap="wrap">
      <Text color={color('green')}>✓</Text> fcw serve is running at {DEFAULT_SANDBOX_URL} (account{' '}
      {running.sandbox.accountId}): Enter uses it.
    </Text>
  );
  return (
    <FieldScreen
      intro={served}
      label="Endpoint URL"
      value={value}
      onChange={onChange}
      suggestion={DEFAULT_SANDBOX_URL}
      rule={`http(s)://host[:port]; \`fcw serve\` listens on ${DEFAULT_SANDBOX_URL}`}
      check={urlProblem}
      onSubmit={(v) => {
        const endpoint = v.trim();
        runCheck(async (signal) => {
          const probe = await services.probeEndpoint(endpoint, { signal });
          const served = probe.reachable ? probe.sandbox : undefined;
          // The same stop twice at the same endpoint: the user has read why and goes on.
          const stopped = stopOf(probe, keys);
          const said = `${stopped} ${endpoint}`;
          if (!stopped || refused === said) onConfirm(endpoint, served);
          else setRefused(said);
          return { endpoint, probe };
        });
      }}
    >
      {check.status === 'running' && <Spinner label="Checking the endpoint…" />}
      {checked && !checked.reachable && (
        <>
          <CheckLine status="error" message={`${checked.message} Start it (e.g. \`fcw serve\`) or fix the address.`} />
          <Text wrap="wrap">Press Enter again to use it anyway.</Text>
        </>
      )}
      {missing && (
        <>
          <CheckLine status="error" message={missing.message} />
          <Text wrap="wrap">{missing.fix}</Text>
        </>
      )}
    </FieldScreen>
  );
}
