// The limits step's rules, without Ink: typed numbers, default and switched memory, a typed size.
import { describe, expect, it } from 'vitest';
import { defaultMemory, memoryAfterSwitch, toInt, typedMemoryStart } from '../../src/wizard/limits.js';

describe('limits', () => {
  it('toInt takes whole numbers only', () => {
    expect(toInt(' 64 ')).toBe(64);
    expect(toInt('12.5')).toBeNaN();
    expect(toInt('12abc')).toBeNaN();
    expect(toInt('')).toBeNaN();
  });

  it("defaultMemory: the rules' default where the type takes it, else the type's smallest", () => {
    expect(defaultMemory('e1')).toBe(128);
    expect(defaultMemory('c1')).toBe(4096);
  });

  it('memoryAfterSwitch keeps a size the new type takes, else its smallest', () => {
    expect(memoryAfterSwitch(1024, 'e1')).toBe(1024);
    expect(memoryAfterSwitch(8192, 'e1')).toBe(128);
    expect(memoryAfterSwitch(128, 'c1')).toBe(4096);
    expect(memoryAfterSwitch(4096, 'c1')).toBe(4096);
  });

  it('typedMemoryStart: digits start a size; with Enter, a valid one is taken whole', () => {
    expect(typedMemoryStart('j', 'e1')).toBeUndefined();
    expect(typedMemoryStart('5', 'e1')).toEqual({ digits: '5', confirmed: false });
    expect(typedMemoryStart('1024\r', 'e1')).toEqual({ digits: '1024', confirmed: true });
    expect(typedMemoryStart('1000\r', 'e1')).toEqual({ digits: '1000', confirmed: false });
    expect(typedMemoryStart('128\n', 'c1')).toEqual({ digits: '128', confirmed: false });
  });
});
