// The service step's choices, without Ink: the row it starts on, ↑/↓, Enter, a typed new name.
import { describe, expect, it } from 'vitest';
import { chooseServiceRow, initialServiceRow, movedRow, typedService } from '../../src/wizard/service-choice.js';

const listed = [{ serviceName: 'alpha' }, { serviceName: 'beta' }];

describe('service choices', () => {
  it('initialServiceRow: the service chosen before, else the first listed, else "create"', () => {
    expect(initialServiceRow(listed, 'beta')).toBe(2);
    expect(initialServiceRow(listed, 'gone')).toBe(1);
    expect(initialServiceRow(listed, undefined)).toBe(1);
    expect(initialServiceRow([], 'beta')).toBe(0);
  });

  it('movedRow wraps around', () => {
    expect(movedRow(0, -1, 3)).toBe(2);
    expect(movedRow(2, 1, 3)).toBe(0);
    expect(movedRow(1, 1, 3)).toBe(2);
  });

  it('chooseServiceRow: a listed service, or "create" offering a valid typed name', () => {
    expect(chooseServiceRow(listed, 2, '')).toEqual({ create: false, name: 'beta' });
    // A row past the matches (the filter narrowed them) takes the last match.
    expect(chooseServiceRow(listed, 5, 'x')).toEqual({ create: false, name: 'beta' });
    expect(chooseServiceRow([], 1, 'new-svc')).toEqual({ create: true, name: 'new-svc' });
    expect(chooseServiceRow(listed, 0, 'bad name!')).toEqual({ create: true, name: '' });
  });

  it('typedService: a listed name is that service, not a new one', () => {
    expect(typedService('alpha', listed)).toEqual({ name: 'alpha', isNew: false });
    expect(typedService('gamma', listed)).toEqual({ name: 'gamma', isNew: true });
  });
});
