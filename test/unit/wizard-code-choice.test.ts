// The code step's choices, without Ink: its menu, where the menu starts, and Enter on a folder.
import { describe, expect, it } from 'vitest';
import { codeMenuItems, folderEnter, initialCodeKind } from '../../src/wizard/code-choice.js';

const done = (level: string) => ({ status: 'done' as const, value: { verdict: { level } } });

describe('code choices', () => {
  it('codeMenuItems offers the four kinds; the sample says when a runtime has none', () => {
    expect(codeMenuItems('nodejs20').map((i) => i.value)).toEqual(['folder', 'zip', 'oss', 'sample']);
    expect(codeMenuItems('nodejs20')[3]).toMatchObject({
      label: 'A sample handler for nodejs20',
      note: 'written into a new folder',
    });
    expect(codeMenuItems('no-such-runtime')[3]?.note).toBe('not available');
  });

  it('initialCodeKind: picked first, then the kind chosen before, a sample as its own', () => {
    expect(initialCodeKind('oss', { kind: 'zip', path: 'a.zip' })).toBe('oss');
    expect(initialCodeKind(undefined, { kind: 'folder', path: 'x' })).toBe('folder');
    expect(initialCodeKind(undefined, { kind: 'folder', path: 'x', sample: true })).toBe('sample');
    expect(initialCodeKind(undefined, { kind: 'zip', path: 'a.zip' })).toBe('zip');
    expect(initialCodeKind(undefined, { kind: 'oss', bucket: 'b', object: 'o' })).toBe('oss');
    expect(initialCodeKind(undefined, undefined)).toBeUndefined();
  });

  it('folderEnter goes on, stays or scans now, by the live scan of that very value', () => {
    expect(folderEnter('app', 'app', done('ok'))).toBe('submit');
    expect(folderEnter('app', 'app', done('warning'))).toBe('submit');
    expect(folderEnter('app', 'app', done('error'))).toBe('stay');
    expect(folderEnter('app', 'app', { status: 'failed' })).toBe('stay');
    expect(folderEnter('app', 'app', { status: 'running' })).toBe('scan-now');
    expect(folderEnter('ap', 'app', done('error'))).toBe('scan-now');
  });
});
