// The target step's choices, without Ink: the menu's start, the keys offered, the starting region
// and account id, and a key typed for the session.
import { describe, expect, it } from 'vitest';
import {
  accountForEndpoint,
  initialTargetChoice,
  isStsKeyId,
  offeredKeys,
  startingPlace,
  typedCredentials,
} from '../../src/wizard/target.js';

const key = (accessKeyId: string, more: { sandbox?: boolean; region?: string; accountId?: string } = {}) => ({
  credentials: { accessKeyId, accessKeySecret: 's' },
  ...more,
});
const cloudA = key('LTAIcloudA', { region: 'cn-shanghai', accountId: '111' });
const cloudB = key('LTAIcloudB', { region: 'cn-beijing', accountId: '222' });
const sandbox = key('LTAIsandbox', { sandbox: true, accountId: '999' });

describe('target choices', () => {
  it('initialTargetChoice: picked, then previous, then a given endpoint, a cloud key, the sandbox', () => {
    const none = { endpointGiven: false, hasCloudKey: false };
    expect(initialTargetChoice({ ...none, picked: 'profile', previous: 'cloud' })).toBe('profile');
    expect(initialTargetChoice({ ...none, previous: 'cloud', endpointGiven: true })).toBe('cloud');
    expect(initialTargetChoice({ endpointGiven: true, hasCloudKey: true })).toBe('endpoint');
    expect(initialTargetChoice({ ...none, hasCloudKey: true })).toBe('cloud');
    expect(initialTargetChoice(none)).toBe('sandbox');
  });

  it('startingPlace keeps what is set, else takes the first cloud key that has it', () => {
    const regions = ['cn-hangzhou', 'cn-shenzhen'];
    expect(startingPlace([sandbox, cloudA, cloudB], { region: '', accountId: '' }, regions)).toEqual({
      region: 'cn-shanghai',
      accountId: '111',
    });
    expect(startingPlace([cloudA], { region: 'ap-1', accountId: '5' }, regions)).toEqual({
      region: 'ap-1',
      accountId: '5',
    });
    expect(startingPlace([sandbox], { region: '', accountId: '' }, regions)).toEqual({
      region: 'cn-hangzhou',
      accountId: '',
    });
    expect(startingPlace([], { region: '', accountId: '' }, [])).toEqual({ region: 'cn-hangzhou', accountId: '' });
  });

  it('offeredKeys: cloud keys for the cloud; for an endpoint the served key first, filtered by its id', () => {
    const keys = [sandbox, cloudA, cloudB];
    expect(offeredKeys('cloud', keys, {})).toEqual([cloudA, cloudB]);
    expect(offeredKeys('endpoint', keys, {})).toEqual(keys);
    const served = key('LTAIserved', { sandbox: true });
    expect(offeredKeys('endpoint', keys, { key: served })).toEqual([served, cloudA, cloudB]);
    expect(offeredKeys('endpoint', keys, { key: served, keyId: 'LTAIserved' })).toEqual([served]);
    expect(offeredKeys('endpoint', keys, { keyId: 'LTAInone' })).toEqual([]);
    // The served key id filters an endpoint's keys only.
    expect(offeredKeys('sandbox', keys, { keyId: 'LTAInone' })).toEqual(keys);
  });

  it("accountForEndpoint: a serve's account replaces a found one, not one given as a flag", () => {
    const keys = [sandbox, cloudA];
    expect(accountForEndpoint({ accountId: '111', served: { accountId: '777' }, keys })).toBe('777');
    expect(accountForEndpoint({ accountId: '111', givenAccountId: '111', served: { accountId: '777' }, keys })).toBe(
      '111',
    );
    // No serve answered: a well-formed id stays; a bad or empty one takes the sandbox key's.
    expect(accountForEndpoint({ accountId: '111', keys })).toBe('111');
    expect(accountForEndpoint({ accountId: '', keys })).toBe('999');
    expect(accountForEndpoint({ accountId: 'abc', keys: [cloudA] })).toBe('abc');
    expect(accountForEndpoint({ accountId: '111', served: {}, keys })).toBe('999');
  });

  it('typedCredentials trims the id and adds a token only when there is one', () => {
    expect(typedCredentials(' LTAIx ', 'sec', '')).toEqual({ accessKeyId: 'LTAIx', accessKeySecret: 'sec' });
    expect(typedCredentials('STS.x', 'sec', 'tok')).toEqual({
      accessKeyId: 'STS.x',
      accessKeySecret: 'sec',
      securityToken: 'tok',
    });
    expect(isStsKeyId(' STS.abc')).toBe(true);
    expect(isStsKeyId('LTAIabc')).toBe(false);
  });
});
