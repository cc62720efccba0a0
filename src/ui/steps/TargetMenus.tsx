// The target step's two menus: what kind of target, and which key to use with it.
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { maskKeyId } from '../../core/key-id.js';
import { keepsCloudKeysAway } from '../../fc/endpoint.js';
import type { TargetKind } from '../../wizard/state.js';
import type { TargetChoice } from '../../wizard/target.js';
import { Issues, KeyHelp, Menu, useColor, type MenuItem } from '../components.js';
import { useWizard } from '../context.js';
import type { FoundCredentials, ProfileListing } from '../services.js';

/** Alibaba Cloud, the local sandbox, a custom endpoint, and (when there are some) a saved profile. */
export function TargetKindMenu(props: {
  cloudCreds: FoundCredentials[];
  profileCount: number;
  initialValue: TargetChoice;
  failure: ReactNode;
  onSelect: (choice: TargetChoice) => void;
}) {
  const { state } = useWizard();
  const { cloudCreds, profileCount } = props;
  const items: MenuItem<TargetChoice>[] = [
    {
      label: 'Alibaba Cloud',
      value: 'cloud',
      note: cloudCreds[0] ? `credentials found: ${cloudCreds[0].source}` : 'no credentials found: you can type them',
      detail: 'Deploy to your account: pick a region, the account id and the credentials to use.',
    },
    {
      label: 'Local sandbox',
      value: 'sandbox',
      note: 'no account needed',
      detail: 'An FC 2.0 compatible endpoint started inside fcw on 127.0.0.1, data under the config directory.',
    },
    {
      label: 'Custom endpoint',
      value: 'endpoint',
      note: 'any FC 2.0 compatible URL',
      detail: 'A sandbox started with `fcw serve`, or another compatible endpoint.',
    },
  ];
  if (profileCount) {
    items.unshift({
      label: 'Redeploy a saved profile',
      value: 'profile',
      note: `${profileCount} saved`,
      detail: 'Load a profile, review it, deploy.',
    });
  }
  return (
    <Box flexDirection="column">
      <Text>Where should the function go?</Text>
      <Menu items={items} initialValue={props.initialValue} onSelect={(item) => props.onSelect(item.value)} />
      {props.failure}
      <Issues issues={state.issues} />
      <KeyHelp extra="↑/↓ move" />
    </Box>
  );
}

/**
 * The keys that fit the target, and typing one for this session. A cloud key picked for a loopback
 * or plain-http endpoint is the wizard's --credentials: allowed, and why is shown.
 */
export function CredentialsMenu(props: {
  kind: TargetKind;
  endpoint: string;
  /** The only key id the `fcw serve` at the endpoint takes, when it said one. */
  expectedKeyId?: string;
  usable: FoundCredentials[];
  failure: ReactNode;
  onPick: (credentials: FoundCredentials) => void;
  onType: () => void;
}) {
  const { state } = useWizard();
  const color = useColor();
  const { usable } = props;
  const inClear = props.kind === 'endpoint' && keepsCloudKeysAway(props.endpoint);
  const risky = inClear && usable.some((c) => !c.sandbox);
  const items: MenuItem<number>[] = usable.map((c, i) => ({
    label: c.source,
    value: i,
    note: `AccessKey ${c.accessKeyIdHint}${inClear && !c.sandbox ? ' · cloud key (*)' : ''}`,
  }));
  items.push({ label: 'Type an AccessKey for this session', value: -1, note: 'kept in memory only, never saved' });
  const warnings = [...new Set(usable.map((c) => c.warning).filter(Boolean))];
  return (
    <Box flexDirection="column">
      <Text>Credentials: where the key comes from</Text>
      {props.expectedKeyId !== undefined && (
        <Text dimColor wrap="wrap">
          fcw serve at {props.endpoint} takes key id {maskKeyId(props.expectedKeyId)} only: no key with another id is
          offered.
        </Text>
      )}
      <Menu
        items={items}
        // Enter alone never sends a cloud key where it could be replayed: a sandbox key first, else
        // typing one (-1).
        initialValue={inClear ? usable.findIndex((c) => c.sandbox) : undefined}
        onSelect={(item) => {
          if (item.value === -1) return props.onType();
          const c = usable[item.value];
          if (c) props.onPick(c);
        }}
      />
      {risky && (
        <Text dimColor wrap="wrap">
          (*) sent to this endpoint, its requests could be replayed against Function Compute for 15 minutes by whoever
          holds this port: the signature does not cover the host.
        </Text>
      )}
      {warnings.map((w) => (
        <Text key={w} color={color('yellow')} wrap="wrap">
          warning: {w}
        </Text>
      ))}
      {props.failure}
      <Issues issues={state.issues} />
      <KeyHelp extra="↑/↓ move" />
    </Box>
  );
}

/** The saved profiles, to redeploy one. */
export function ProfileMenu(props: {
  profiles: ProfileListing[];
  failure: ReactNode;
  onSelect: (name: string) => void;
}) {
  return (
    <Box flexDirection="column">
      <Text>Which profile?</Text>
      <Menu
        items={props.profiles.map((p) => ({ label: p.name, value: p.name, note: p.summary }))}
        onSelect={(item) => props.onSelect(item.value)}
      />
      {props.failure}
      <KeyHelp extra="↑/↓ move" />
    </Box>
  );
}

/** The regions, with one given on the command line (or found with a key) first when the list lacks it. */
export function RegionMenu(props: { regions: readonly string[]; region: string; onSelect: (region: string) => void }) {
  const { regions, region } = props;
  const offered = regions.includes(region) || !region ? regions : [region, ...regions];
  return (
    <Box flexDirection="column">
      <Text>Region</Text>
      <Menu
        items={offered.map((r) => ({ label: r, value: r }))}
        initialValue={region}
        limit={8}
        onSelect={(item) => props.onSelect(item.value)}
      />
      <KeyHelp extra="↑/↓ move" />
    </Box>
  );
}
