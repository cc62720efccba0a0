// fcw serve's --host: an IP address (IPv6 also in brackets, as the endpoint URL it prints writes it)
// or a host name; anything else is a usage error naming the flag.
import { describe, expect, it } from 'vitest';
import { parseHost } from '../../src/commands/serve.js';
import { UsageError } from '../../src/core/errors.js';

describe('parseHost', () => {
  it('takes addresses and host names, and IPv6 in brackets without them', () => {
    expect(parseHost(undefined)).toBe('127.0.0.1');
    expect(parseHost('0.0.0.0')).toBe('0.0.0.0');
    expect(parseHost('::1')).toBe('::1');
    expect(parseHost('[::1]')).toBe('::1');
    expect(parseHost('localhost')).toBe('localhost');
    expect(parseHost('build-box.internal')).toBe('build-box.internal');
  });

  it('refuses what is neither, naming --host', () => {
    for (const bad of ['999.1.1.1', '1.2.3', '', 'two words', 'http://127.0.0.1', '[nope]']) {
      expect(() => parseHost(bad), bad).toThrow(UsageError);
      expect(() => parseHost(bad), bad).toThrow(/--host must be an IP address or a host name/);
    }
  });
});
