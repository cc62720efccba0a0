// Step 1: where to deploy. Alibaba Cloud (region, account id, credentials found or typed for this
// session), the local sandbox (the default when no cloud credentials are found), a custom
// endpoint, or a saved profile to redeploy. Each choice ends in a Connection kept in the session.
import { useState } from 'react';
import { Box } from 'ink';
import type { Credentials } from '../../fc/types.js';
import { toErrorView } from '../../wizard/errors.js';
import type { TargetKind } from '../../wizard/state.js';
import {
  accountForEndpoint,
  cloudKeys,
  initialTargetChoice,
  offeredKeys,
  startingPlace,
  type TargetChoice,
} from '../../wizard/target.js';
import { ErrorPanel, Spinner } from '../components.js';
import { useWizard } from '../context.js';
import { useFoundTargets } from '../hooks/use-found-targets.js';
import { useSubScreens } from '../hooks/use-sub-screens.js';
import { useTargetConnection } from '../hooks/use-target-connection.js';
import type { FoundCredentials, ServedSandbox } from '../services.js';
import { AccountField } from './AccountField.js';
import { EndpointField } from './EndpointField.js';
import { CredentialsMenu, ProfileMenu, RegionMenu, TargetKindMenu } from './TargetMenus.js';
import { TypedKeyScreen, useTypedKey, type TypedKeyPhase } from './TypedKeyScreens.js';

type Phase = 'menu' | 'region' | 'endpoint' | 'account' | 'creds' | 'profiles' | TypedKeyPhase;
export function TargetStep() {
  const { state, services, session, dispatch } = useWizard();
  const previous = state.target;
  const defaults = services.defaults;
  const [kind, setKind] = useState<TargetKind>(previous?.kind ?? 'cloud');
  // What was picked on the menu in this visit: Esc from its sub-screens comes back to it highlighted.
  const [picked, setPicked] = useState<TargetChoice | undefined>();
  const [region, setRegion] = useState(previous?.region ?? defaults.region ?? '');
  const [endpoint, setEndpoint] = useState(
    previous?.kind === 'endpoint' ? previous.endpoint : (defaults.endpoint ?? ''),
  );
  const [accountId, setAccountId] = useState(previous?.accountId ?? defaults.accountId ?? '');
  const typed = useTypedKey();
  // What the `fcw serve` at the endpoint said (GET /sandbox-info): the key id it takes (it refuses
  // every other, so no other is offered or typed) and the key found here with that id.
  const [served, setServed] = useState<ServedSandbox | undefined>();
  const { work, connect, openProfile } = useTargetConnection();
  // Esc does nothing while a connection is being made.
  const { current: phase, go } = useSubScreens<Phase>('menu', () => work.status === 'running');

  const found = useFoundTargets(({ creds }) => {
    const start = startingPlace(creds, { region, accountId }, services.regions);
    setRegion(start.region);
    setAccountId(start.accountId);
  });

  const connectWith = (credentials: Credentials, source: string, ref?: FoundCredentials['ref']) =>
    connect(async () =>
      kind === 'cloud'
        ? services.connectCloud({ region, accountId, credentials, source, ref })
        : services.connectEndpoint({ endpoint, accountId, credentials, source, ref }),
    );

  if (!found) return <Spinner label="Looking for credentials and saved profiles…" />;
  if (work.status === 'running') {
    return <Spinner label={kind === 'sandbox' ? 'Starting the local sandbox…' : 'Connecting…'} />;
  }

  const failure =
    work.status === 'failed' ? <ErrorPanel error={toErrorView(work.error)} title="Could not use this target" /> : null;
  // Cloud keys for Alibaba Cloud; the sandbox's own key only for an endpoint (`fcw serve`).
  const cloudCreds = cloudKeys(found.creds);
  const expectedKeyId = kind === 'endpoint' ? served?.accessKeyId : undefined;
  const usable = offeredKeys(kind, found.creds, { key: served?.key, keyId: served?.accessKeyId });

  // Each phase is keyed below, so a Menu or field never inherits the highlight of another phase.
  if (phase === 'menu') {
    return (
      <TargetKindMenu
        key={phase}
        cloudCreds={cloudCreds}
        profileCount={found.profiles.length}
        initialValue={initialTargetChoice({
          picked,
          previous: previous?.kind,
          endpointGiven: Boolean(defaults.endpoint),
          hasCloudKey: cloudCreds.length > 0,
        })}
        failure={failure}
        onSelect={(choice) => {
          setPicked(choice);
          if (choice === 'profile') return go('profiles');
          setKind(choice);
          if (choice === 'cloud') go('region');
          else if (choice === 'endpoint') go('endpoint');
          // The sandbox this run started is still up (Esc back): keep it, and what was chosen there.
          else if (session.connection?.target.kind === 'sandbox') {
            dispatch({ type: 'submit', step: 'target', values: { target: session.connection.target } });
          } else connect((signal) => services.startSandbox({ signal }));
        }}
      />
    );
  }

  if (phase === 'profiles') {
    return <ProfileMenu key={phase} profiles={found.profiles} failure={failure} onSelect={openProfile} />;
  }

  if (phase === 'region') {
    return (
      <RegionMenu
        key={phase}
        regions={services.regions}
        region={region}
        onSelect={(r) => {
          setRegion(r);
          go('account');
        }}
      />
    );
  }

  if (phase === 'endpoint') {
    return (
      <Box key={phase} flexDirection="column">
        <EndpointField
          value={endpoint}
          keys={found.creds}
          onChange={setEndpoint}
          onConfirm={(url, said) => {
            setEndpoint(url);
            setServed(said);
            setAccountId(
              accountForEndpoint({ accountId, givenAccountId: defaults.accountId, served: said, keys: found.creds }),
            );
            go('account');
          }}
        />
      </Box>
    );
  }

  if (phase === 'account') {
    return (
      <AccountField
        key={phase}
        value={accountId}
        onChange={setAccountId}
        cloudRegion={kind === 'cloud' ? region : undefined}
        onSubmit={() => go('creds')}
      />
    );
  }

  if (phase === 'creds') {
    return (
      <CredentialsMenu
        key={phase}
        kind={kind}
        endpoint={endpoint}
        expectedKeyId={expectedKeyId}
        usable={usable}
        failure={failure}
        onPick={(c) => connectWith(c.credentials, c.source, c.ref)}
        onType={() => go('key-id')}
      />
    );
  }

  return (
    <TypedKeyScreen
      phase={phase}
      typed={typed}
      expectedKeyId={expectedKeyId}
      failure={failure}
      go={go}
      connect={(credentials, source) => connectWith(credentials, source)}
    />
  );
}
