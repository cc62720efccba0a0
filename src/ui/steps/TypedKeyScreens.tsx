// The target step's last sub-screens: an AccessKey typed for this session (id, secret, and the
// token an STS key needs). The values live in the step (useTypedKey), so Esc keeps them.
import { useState, type ReactNode } from 'react';
import { Text } from 'ink';
import { maskKeyId } from '../../core/key-id.js';
import type { Credentials } from '../../fc/types.js';
import { typedKeyIdProblem } from '../../wizard/served-key.js';
import { isStsKeyId, typedCredentials } from '../../wizard/target.js';
import { FieldScreen, useColor } from '../components.js';

export type TypedKeyPhase = 'key-id' | 'key-secret' | 'key-token';

export interface TypedKey {
  keyId: string;
  secret: string;
  token: string;
  setKeyId: (v: string) => void;
  setSecret: (v: string) => void;
  setToken: (v: string) => void;
}

/** The key as typed so far, held for the whole visit to the step. */
export function useTypedKey(): TypedKey {
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [token, setToken] = useState('');
  return { keyId, secret, token, setKeyId, setSecret, setToken };
}

export function TypedKeyScreen(props: {
  phase: TypedKeyPhase;
  typed: TypedKey;
  /** The only key id the `fcw serve` at the endpoint takes, when it said one. */
  expectedKeyId?: string;
  failure: ReactNode;
  go: (phase: TypedKeyPhase) => void;
  connect: (credentials: Credentials, source: string) => void;
}) {
  const { phase, typed, expectedKeyId, failure, go, connect } = props;
  const { keyId, secret } = typed;
  const color = useColor();
  // Each phase is keyed, so a field never inherits the state of another phase.
  if (phase === 'key-id') {
    return (
      <FieldScreen
        key={phase}
        label="AccessKey id"
        value={keyId}
        onChange={typed.setKeyId}
        rule="starts with LTAI (or STS. for a temporary key); used for this session only"
        check={(v) => (v.trim() ? typedKeyIdProblem(v, expectedKeyId) : 'required')}
        onSubmit={() => go('key-secret')}
      />
    );
  }
  // From the values as submitted: a pasted "secret\r" confirms before the state has caught up.
  if (phase === 'key-secret') {
    return (
      <FieldScreen
        key={phase}
        intro={<Text dimColor>AccessKey id: {maskKeyId(keyId.trim())}</Text>}
        label="AccessKey secret"
        value={secret}
        onChange={typed.setSecret}
        mask="*"
        rule="shown masked; kept in memory for this session, never written anywhere"
        check={(v) => (v ? undefined : 'required')}
        onSubmit={(v) =>
          isStsKeyId(keyId) ? go('key-token') : connect(typedCredentials(keyId, v, ''), 'typed for this session')
        }
        failure={failure}
      />
    );
  }
  return (
    <FieldScreen
      key={phase}
      label="Security token"
      value={typed.token}
      onChange={typed.setToken}
      mask="*"
      rule="an STS key needs its token; kept in memory only"
      check={(v) => (v ? undefined : 'required for an STS. key')}
      onSubmit={(v) => connect(typedCredentials(keyId, secret, v), 'typed for this session (STS)')}
    >
      {failure}
      <Text color={color('gray')}> </Text>
    </FieldScreen>
  );
}
