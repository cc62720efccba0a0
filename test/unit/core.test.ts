// The shared foundations every layer uses: one byte formatter, one base64 size, one record check,
// one key-id mask, and the exit-code table the typed errors carry.
import { describe, expect, it } from 'vitest';

import { base64Size, formatBytes } from '../../src/core/bytes.js';
import {
  CancelledError,
  ConfigError,
  EXIT,
  exitCodeOf,
  FailedError,
  isUsageError,
  UsageError,
} from '../../src/core/errors.js';
import { isRecord } from '../../src/core/is-record.js';
import { maskKeyId } from '../../src/core/key-id.js';
import { FcApiError } from '../../src/fc/errors.js';

describe('core', () => {
  it('formats byte counts in powers of 1024 with one decimal', () => {
    expect([0, 1023, 1024, 1536, 1024 * 1024, 100 * 1024 * 1024].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KB',
      '1.5 KB',
      '1.0 MB',
      '100.0 MB',
    ]);
  });

  it('gives the padded base64 size', () => {
    expect([0, 1, 2, 3, 4, 22].map(base64Size)).toEqual([0, 4, 4, 4, 8, 32]);
    expect(base64Size(22)).toBe('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=='.length);
  });

  it('tells a plain object from null, arrays and primitives', () => {
    expect([{}, { a: 1 }, null, [], 'x', 1, undefined].map(isRecord)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('masks a key id to its first and last four characters', () => {
    expect(maskKeyId('LTAIknownTestKeyId42')).toBe('LTAI****Id42');
    expect(maskKeyId('short')).toBe('****');
  });

  it('maps every typed error to the one exit-code table', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(EXIT.usage);
    expect(exitCodeOf(new ConfigError('region', 'x'))).toBe(EXIT.usage);
    expect(exitCodeOf(new CancelledError())).toBe(EXIT.cancelled);
    expect(exitCodeOf(new FailedError('x'))).toBe(EXIT.failed);
    expect(exitCodeOf(new FcApiError('GetService', 404, 'ServiceNotFound', 'm', 'r'))).toBe(EXIT.failed);
    expect(exitCodeOf(new Error('bug'))).toBe(EXIT.failed);
    expect([new UsageError('x'), new ConfigError('endpoint', 'x'), new FailedError('x')].map(isUsageError)).toEqual([
      true,
      true,
      false,
    ]);
  });
});
