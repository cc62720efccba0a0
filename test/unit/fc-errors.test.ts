import { describe, expect, it } from 'vitest';
import { FcApiError, fieldOfInvalidArgument, hintFor } from '../../src/fc/errors.js';

describe('FcApiError.field', () => {
  it('is the request field an InvalidArgument names, spelled as the API spells it', () => {
    expect(
      new FcApiError('CreateFunction', 400, 'InvalidArgument', 'MemorySize must be a multiple of 64', 'r').field,
    ).toBe('memorySize');
    expect(fieldOfInvalidArgument('InvalidArgument', 'the timeout is out of range')).toBe('timeout');
  });
  it('is absent for other codes and for messages that name no field', () => {
    expect(new FcApiError('GetFunction', 404, 'FunctionNotFound', 'handler missing', 'r').field).toBeUndefined();
    expect(fieldOfInvalidArgument('InvalidArgument', 'something is wrong')).toBeUndefined();
  });
});

describe('FC hints', () => {
  it('say what to do without naming a command-line flag', () => {
    for (const code of ['ServiceNotFound', 'EntityTooLarge', 'FunctionAlreadyExists']) {
      expect(hintFor(code)).not.toMatch(/--|fcw deploy/);
    }
  });
});
