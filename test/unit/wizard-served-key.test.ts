// The wizard's words and filters for an `fcw serve` that takes one key id only.
import { describe, expect, it } from 'vitest';
import { keysWithId, missingServedKey, typedKeyIdProblem } from '../../src/wizard/served-key.js';

const key = (accessKeyId: string) => ({ credentials: { accessKeyId } });

describe('served key', () => {
  it('keysWithId keeps the keys with that id; every key when no id is known', () => {
    const keys = [key('LTAIaaaa1111'), key('LTAIbbbb2222')];
    expect(keysWithId(keys, 'LTAIbbbb2222')).toEqual([key('LTAIbbbb2222')]);
    expect(keysWithId(keys, 'LTAIcccc3333')).toEqual([]);
    expect(keysWithId(keys, undefined)).toEqual(keys);
  });

  it('typedKeyIdProblem names the id it takes, masked', () => {
    expect(typedKeyIdProblem(' LTAIaaaa1111 ', 'LTAIaaaa1111')).toBeUndefined();
    expect(typedKeyIdProblem('LTAIother', undefined)).toBeUndefined();
    expect(typedKeyIdProblem('LTAIother', 'LTAIaaaa1111')).toBe('that fcw serve takes key id LTAI****1111 only');
  });

  it('missingServedKey: the id masked, each place looked on its line, the fix', () => {
    const { message, fix } = missingServedKey('http://127.0.0.1:9500', 'LTAIsandboxSecretish', [
      '/a/credentials.json (key id LTAI****zzzz)',
      '/b/credentials.json (no key)',
    ]);
    expect(message).toContain('takes key id LTAI****tish only');
    expect(message).not.toContain('LTAIsandboxSecretish');
    expect(message).toMatch(/Looked in:\n {2}\/a\/credentials\.json \(key id LTAI\*\*\*\*zzzz\)\n {2}\/b\//);
    expect(fix).toContain('FCW_CONFIG_DIR');
    expect(fix).toContain('--data');
    expect(fix).toContain('--access-key-id');
  });
});
