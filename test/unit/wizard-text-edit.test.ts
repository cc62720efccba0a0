// The text fields' key handling (src/ui/text-edit.ts): a chunk of several keys is split into them.
import { describe, expect, it } from 'vitest';
import { applyEdits, editsOf, editsOfText, fromValue } from '../../src/ui/text-edit.js';

/** Feeds chunks as Ink hands them over (raw text, no named key) and returns the final state. */
function typeChunks(start: string, ...chunks: string[]) {
  let state = fromValue(start);
  let submits = 0;
  for (const chunk of chunks) {
    const r = applyEdits(state, editsOf(chunk, {}));
    state = r.state;
    if (r.submitted) submits++;
  }
  return { ...state, submits };
}

describe('text field editing', () => {
  it('a run of DEL bytes in one chunk is that many Backspaces, not text', () => {
    const s = typeChunks('', '1bad', '\x7f\x7f\x7f\x7f', 'hello');
    expect(s.value).toBe('hello');
    expect(s.cursor).toBe(5);
    // A single Backspace afterwards deletes the last character shown.
    expect(typeChunks('hello', '\x7f').value).toBe('hell');
    expect(typeChunks('', '1bad\b\bhello').value).toBe('1bhello');
  });

  it('more Backspaces than characters stop at empty', () => {
    expect(typeChunks('ab', '\x7f\x7f\x7f\x7fc').value).toBe('c');
  });

  it('a pasted value with a trailing newline is inserted without \\r or \\n and confirms once', () => {
    for (const end of ['\r', '\n', '\r\n']) {
      const s = typeChunks('', `my-func${end}`);
      expect(s.value).toBe('my-func');
      expect(s.submits).toBe(1);
    }
    // Keys after the Enter in the same chunk are not this field's: not applied.
    const s = typeChunks('', 'abc\rdef\r');
    expect(s.value).toBe('abc');
    expect(s.submits).toBe(1);
  });

  it('other control characters are never inserted', () => {
    expect(typeChunks('', 'a\tb\x00c\x07d\x1b\x9be').value).toBe('abcde');
  });

  it('named keys: arrows move the cursor, insert goes at the cursor, Backspace deletes before it', () => {
    let s = fromValue('helo');
    s = applyEdits(s, editsOf('', { leftArrow: true })).state;
    s = applyEdits(s, editsOf('l', {})).state;
    expect(s).toEqual({ value: 'hello', cursor: 4 });
    s = applyEdits(s, editsOf('', { backspace: true })).state;
    s = applyEdits(s, editsOf('', { delete: true })).state;
    expect(s).toEqual({ value: 'heo', cursor: 2 });
    s = applyEdits(s, editsOf('', { rightArrow: true })).state;
    s = applyEdits(s, editsOf('', { rightArrow: true })).state;
    expect(s.cursor).toBe(3);
  });

  it('Ctrl and Alt keys are commands or nothing, never their letter', () => {
    let s = fromValue('abc');
    s = applyEdits(s, editsOf('a', { ctrl: true })).state;
    expect(s).toEqual({ value: 'abc', cursor: 0 });
    s = applyEdits(s, editsOf('e', { ctrl: true })).state;
    expect(s.cursor).toBe(3);
    s = applyEdits(s, editsOf('b', { meta: true })).state;
    s = applyEdits(s, editsOf('x', { ctrl: true })).state;
    expect(s.value).toBe('abc');
    s = applyEdits(fromValue('foo bar'), editsOf('w', { ctrl: true })).state;
    expect(s.value).toBe('foo ');
    s = applyEdits(fromValue('foo bar'), editsOf('u', { ctrl: true })).state;
    expect(s.value).toBe('');
  });

  it('Ctrl-C inside a chunk stops the chunk', () => {
    const r = applyEdits(fromValue(''), editsOfText('ab\x03cd'));
    expect(r.cancelled).toBe(true);
    expect(r.state.value).toBe('ab');
  });

  it('a character outside the BMP is one character for the cursor and Backspace', () => {
    const s = typeChunks('', 'a😀', '\x7f');
    expect(s.value).toBe('a');
    let t = fromValue('😀b');
    t = applyEdits(t, editsOf('', { leftArrow: true })).state;
    t = applyEdits(t, editsOf('', { leftArrow: true })).state;
    expect(t.cursor).toBe(0);
  });

  it("up/down/Tab/Esc are not the field's", () => {
    for (const key of [{ upArrow: true }, { downArrow: true }, { tab: true }, { escape: true }])
      expect(editsOf('', key)).toEqual([]);
  });
});

describe('keys after an Enter in the same chunk', () => {
  it('are handed back, so a field whose value was refused can still apply them', () => {
    const r = applyEdits(fromValue('FC_X=1'), editsOfText('\r\x15ok=1'));
    expect(r.submitted).toBe(true);
    expect(r.state.value).toBe('FC_X=1');
    expect(applyEdits(r.state, r.rest).state.value).toBe('ok=1');
  });
});

describe('isEnter', () => {
  it('is a lone Enter or a chunk of Enters only', async () => {
    const { isEnter } = await import('../../src/ui/text-edit.js');
    expect(isEnter('\r', { return: true })).toBe(true);
    expect(isEnter('\r\r', {})).toBe(true);
    expect(isEnter('\r\n', {})).toBe(true);
    expect(isEnter('a\r', {})).toBe(false);
    expect(isEnter('', {})).toBe(false);
  });
});
